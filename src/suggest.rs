//! Mines a corpus for new spellings of known names (`gaztag gazetteer suggest`).
//!
//! It uses the fuzzy matcher of `tag --fuzzy` (the skeleton fst, the weighted edit cost and
//! the same refusals: never a common word, a known spelling or a nisba; see [`crate::tagger`]):
//! every fuzzy mention in the corpus is a spelling the
//! gazetteer does not have but that drifts from one it has. Mentions are grouped by their
//! folded spelling and entity and ranked by frequency, so that a reviewer sees the spellings
//! the news actually uses first, each with the command that would add it.

use std::collections::HashMap;

use crate::annotation::MatchKind;
use crate::gazetteer::{key_of, light_form};
use crate::tagger::Tagger;

/// A candidate new spelling of a known entity.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Suggestion {
    /// The spelling as found, the most frequent written form, as a variant is written
    /// (diacritics and tatweel removed, words separated by single spaces).
    pub spelling: String,
    /// Its folded key.
    pub key: String,
    /// How many times it occurs in the corpus.
    pub count: usize,
    /// The entity it is probably a spelling of.
    pub entity: String,
    /// That entity's canonical name.
    pub name: String,
    /// The nearest known spelling.
    pub variant: String,
    /// The weighted edit cost between the folded spelling and the folded variant, in hundredths
    /// of an ordinary edit (the fuzzy mention's `cost`, see [`crate::distance`]).
    pub distance: u32,
    /// Where it was first seen: document name.
    pub document: String,
    /// A snippet of text around the first occurrence.
    pub context: String,
    /// The command that adds it to the gazetteer.
    pub command: String,
}

/// Characters of context on each side of a suggestion.
const CONTEXT: usize = 30;

/// Collects suggestions from `(document name, text)` pairs. `tagger` must have fuzzy matching
/// on (see [`crate::TaggerBuilder::fuzzy`]); its exact mentions are ignored.
///
/// Results are ranked by count (most frequent first), then distance, then spelling.
pub fn suggest<'a>(
    tagger: &Tagger,
    documents: impl IntoIterator<Item = (&'a str, &'a str)>,
) -> Vec<Suggestion> {
    let mut found: HashMap<(String, String), (Suggestion, HashMap<String, usize>)> = HashMap::new();
    for (document, text) in documents {
        for m in tagger.tag(text) {
            if m.how != MatchKind::Fuzzy {
                continue;
            }
            // as a gazetteer variant is written: words and single spaces, no dash or line break
            let spelling = light_form(&m.text);
            let key = key_of(&spelling);
            let entry = found
                .entry((key.clone(), m.entity.clone()))
                .or_insert_with(|| {
                    let chars: Vec<char> = text.chars().collect();
                    let from = m.start.saturating_sub(CONTEXT);
                    let to = (m.end + CONTEXT).min(chars.len());
                    let context: String = chars[from..to]
                        .iter()
                        .collect::<String>()
                        .split_whitespace()
                        .collect::<Vec<_>>()
                        .join(" ");
                    let suggestion = Suggestion {
                        spelling: String::new(),
                        key,
                        count: 0,
                        entity: m.entity.clone(),
                        name: m.name.clone(),
                        variant: m.variant.clone(),
                        distance: m.cost.unwrap_or(0),
                        document: document.to_owned(),
                        context,
                        command: String::new(),
                    };
                    (suggestion, HashMap::new())
                });
            entry.0.count += 1;
            *entry.1.entry(spelling).or_default() += 1;
        }
    }
    let mut out: Vec<Suggestion> = found
        .into_values()
        .map(|(mut s, spellings)| {
            s.spelling = spellings
                .into_iter()
                .max_by(|a, b| a.1.cmp(&b.1).then(b.0.cmp(&a.0)))
                .map(|(w, _)| w)
                .unwrap_or_default();
            s.command = format!("gaztag gazetteer add-variant {} '{}'", s.entity, s.spelling);
            s
        })
        .collect();
    out.sort_by(|a, b| {
        b.count
            .cmp(&a.count)
            .then(a.distance.cmp(&b.distance))
            .then(a.spelling.cmp(&b.spelling))
            .then(a.entity.cmp(&b.entity))
    });
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gazetteer::{Gazetteer, compile_entities, source};

    #[test]
    fn ranks_drifted_spellings_by_frequency() {
        let tsv = "lavrov\tPER\tسيرغي لافروف\tلافروف\npashinyan\tPER\tنيكول باشينيان\tباشينيان\n";
        let entities = source::parse_str(std::path::Path::new("t.tsv"), tsv).unwrap();
        let tagger = Tagger::builder()
            .gazetteer(Gazetteer::from_bytes(compile_entities(&entities, &[])).unwrap())
            .fuzzy(true)
            .build();
        // a one-word person is read fuzzily only after its full name (the tagger's evidence)
        let docs = [
            (
                "a.txt",
                "قال سيرغي لافروف ونيكول باشينيان. وقال لافاروف إن بشينيان وصل",
            ),
            ("b.txt", "التقى سيرغي لافروف ثم لافاروف ولافاروف"),
        ];
        let s = suggest(&tagger, docs);
        let rows: Vec<(&str, usize, &str, u32, &str)> = s
            .iter()
            .map(|s| {
                (
                    s.spelling.as_str(),
                    s.count,
                    s.entity.as_str(),
                    s.distance,
                    s.document.as_str(),
                )
            })
            .collect();
        assert_eq!(
            rows,
            [
                ("لافاروف", 3, "lavrov", 40, "a.txt"),
                ("بشينيان", 1, "pashinyan", 40, "a.txt")
            ]
        );
        assert_eq!(s[0].command, "gaztag gazetteer add-variant lavrov 'لافاروف'");
        assert!(s[0].context.contains("قال لافاروف إن"));
    }
}
