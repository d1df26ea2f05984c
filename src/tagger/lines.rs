//! Name lines: with `--fuzzy`, a line of the text that is only a name (a list of names one
//! per line, a byline, a caption) is ranked against every name of the gazetteer with the
//! weighted cost of [`crate::distance`], as the variant benchmark ranks a spelling
//! (docs/accuracy.md), instead of through the skeleton walk that running text needs.
//!
//! In running text a fuzzy reading must get past the refusals of the tagger (six letters or
//! more, a cost of at most 60, evidence for a person): the words around a name are what make
//! an unrelated word look like one. A line that holds one to three Arabic words and nothing
//! else has no such words around it, and the one thing that can go wrong, a common word, is
//! still refused. The line's nearest tier under the length threshold
//! ([`Scorer::limit`]) becomes one fuzzy mention over the whole line, its entities the
//! candidates; more than [`MAX_LINE_ENTITIES`] entities at the nearest cost is no answer.

use std::sync::OnceLock;

use crate::annotation::{MatchKind, Mention, MentionKind};
use crate::distance::{CandidateSet, Scorer, Weights};
use crate::gazetteer::{Gazetteer, VariantRef, key_of, light_form};

use super::score;

/// At most this many entities at a line's nearest cost; more is no answer.
pub const MAX_LINE_ENTITIES: usize = 3;

/// The fewest letters a name line has (its spaces not counted).
const MIN_LINE_LETTERS: usize = 4;

/// The most words a name line has.
const MAX_LINE_WORDS: usize = 3;

/// One layer's names prepared for the weighted ranking: the folded keys that can be read
/// fuzzily and each key's value in the names fst.
#[derive(Debug, Default)]
pub(crate) struct LineIndex {
    set: CandidateSet,
    values: Vec<u64>,
}

/// Every layer's [`LineIndex`], made the first time a document has a name line.
pub(crate) type LineIndexes = std::sync::Arc<OnceLock<Vec<LineIndex>>>;

impl LineIndex {
    /// The keys of `g` that have a variant fuzzy matching may read (no exact-only spelling,
    /// short form, and no demonym unless `demonyms`).
    fn new(g: &Gazetteer, demonyms: bool) -> LineIndex {
        use fst::Streamer;
        let mut keys = Vec::new();
        let mut values = Vec::new();
        let mut stream = g.names().stream();
        while let Some((k, v)) = stream.next() {
            let Ok(k) = std::str::from_utf8(k) else {
                continue;
            };
            if g.postings(v).any(|p| readable(&p, demonyms)) {
                keys.push(k.to_owned());
                values.push(v);
            }
        }
        LineIndex {
            set: CandidateSet::new(keys.iter().map(String::as_str)),
            values,
        }
    }
}

/// Can a name line be read as the variant `v`: no exact-only spelling, no short form, and no
/// demonym unless `demonyms`?
fn readable(v: &VariantRef<'_>, demonyms: bool) -> bool {
    !v.short && !v.exact && (demonyms || !v.demonym)
}

/// The byte span of the name in `line` (starting at byte `at` of the text) once the spaces
/// and punctuation around it are trimmed, if the line is a name line's shape: one to three
/// words of Arabic letters (diacritics and tatweel allowed), nothing else.
fn name_span(line: &str, at: usize) -> Option<(usize, usize)> {
    let trim = |c: char| c.is_whitespace() || c.is_ascii_punctuation() || "،؛؟«»…–—•·".contains(c);
    let inner = line.trim_matches(trim);
    if inner.is_empty() {
        return None;
    }
    // one pass that stops at the first word too many or the first other character (most
    // lines are paragraphs: they end here after a few words)
    let arabic = |c: char| matches!(c, '\u{0621}'..='\u{064A}' | '\u{064B}'..='\u{065F}' | '\u{0670}'..='\u{06D3}');
    let (mut words, mut in_word) = (0, false);
    for c in inner.chars() {
        if c.is_whitespace() {
            in_word = false;
        } else if !arabic(c) {
            return None;
        } else if !in_word {
            in_word = true;
            words += 1;
            if words > MAX_LINE_WORDS {
                return None;
            }
        }
    }
    // every word has two letters or more (the أ of a dateline's أ ف ب is no name)
    let letters = |w: &str| w.chars().filter(|c| c.is_alphabetic()).count();
    if inner.split_whitespace().any(|w| letters(w) < 2) {
        return None;
    }
    let start = at + (inner.as_ptr() as usize - line.as_ptr() as usize);
    Some((start, start + inner.len()))
}

impl super::Tagger {
    /// With fuzzy on: every line of `text` that is only a name and that no mention covers
    /// whole gets the nearest tier of the gazetteer's names as one fuzzy mention, in place of
    /// the mentions inside it (see the module docs). `mentions` stay sorted.
    pub(crate) fn name_lines(&self, text: &str, mentions: &mut Vec<Mention>) {
        let mut at = 0;
        let mut scorer: Option<Scorer> = None;
        let mut found: Vec<Mention> = Vec::new();
        for line in text.split_inclusive('\n') {
            let line_at = at;
            at += line.len();
            let Some((bs, be)) = name_span(line, line_at) else {
                continue;
            };
            // a name the tagger already found over the whole line stands
            if mentions
                .iter()
                .any(|m| m.byte_start <= bs && m.byte_end >= be)
            {
                continue;
            }
            let query = key_of(&text[bs..be]);
            if query.chars().filter(|c| *c != ' ').count() < MIN_LINE_LETTERS {
                continue;
            }
            if self.common_line(&light_form(&text[bs..be])) {
                continue;
            }
            // so does one found behind a proclitic when the line's ranking names it too
            // (ببغداد is ب + بغداد, not a drift of بغداد)
            let behind: Vec<&str> = mentions
                .iter()
                .filter(|m| {
                    !m.prefix.is_empty()
                        && m.byte_start.saturating_sub(m.prefix.len()) <= bs
                        && m.byte_end >= be
                })
                .map(|m| m.entity.as_str())
                .collect();
            let nearest = super::memo::line(self.id, &query, || {
                let scorer = scorer.get_or_insert_with(|| Scorer::new(Weights::default()));
                self.nearest_line(text, bs, be, &query, scorer)
            });
            if let Some(mut m) = nearest {
                // it may be remembered from another occurrence of the line
                (m.byte_start, m.byte_end) = (bs, be);
                m.text.clear();
                m.text.push_str(&text[bs..be]);
                let names = |e: &str| m.entity == e || m.candidates.iter().any(|c| c.entity == e);
                if !behind.iter().any(|e| names(e)) {
                    found.push(m);
                }
            }
        }
        if found.is_empty() {
            return;
        }
        mentions.retain(|m| {
            !found
                .iter()
                .any(|f| m.byte_start < f.byte_end && f.byte_start < m.byte_end)
        });
        mentions.extend(found);
        mentions.sort_by_key(|m| (m.byte_start, m.byte_end));
    }

    /// Is the name line (light form) a common word, with or without a one-letter proclitic,
    /// or a line of several words one of which is?
    fn common_line(&self, light: &str) -> bool {
        let common = |w: &str| self.common_word(w);
        if common(light) {
            return true;
        }
        // a common word among the words of a line makes it a heading, not a name
        // (الدوري المصري, "the Egyptian league", is no drift of دنيا المصري)
        light.contains(' ') && light.split_whitespace().any(common)
    }

    /// The fuzzy mention of the name line `text[bs..be]` (folded `query`): the first layer
    /// whose nearest tier is under the threshold and names at most [`MAX_LINE_ENTITIES`].
    fn nearest_line(
        &self,
        text: &str,
        bs: usize,
        be: usize,
        query: &str,
        scorer: &mut Scorer,
    ) -> Option<Mention> {
        let indexes = self.line_indexes.get_or_init(|| {
            self.layers
                .iter()
                .map(|g| LineIndex::new(g, self.demonyms))
                .collect()
        });
        let limit = scorer.limit(query);
        let mut tier = Vec::new();
        for (layer, (g, index)) in self.layers.iter().zip(indexes).enumerate() {
            scorer.nearest_in(query, &index.set, limit, |_| true, &mut tier);
            let Some(&(_, cost)) = tier.first() else {
                continue;
            };
            // the same spelling: what the tagger decided about it stands
            if cost == 0 {
                return None;
            }
            let mut ranked: Vec<(usize, crate::gazetteer::EntityRef<'_>, &str)> = Vec::new();
            for &(i, c) in &tier {
                if c != cost {
                    continue;
                }
                for v in g.postings(index.values[i]) {
                    if !readable(&v, self.demonyms) {
                        continue;
                    }
                    let Some(e) = g.entity(v.entity) else {
                        continue;
                    };
                    if !ranked.iter().any(|(_, r, _)| r.id == e.id) {
                        ranked.push((layer, e, v.text));
                    }
                }
            }
            if ranked.is_empty() {
                continue;
            }
            if ranked.len() > MAX_LINE_ENTITIES {
                return None;
            }
            ranked.sort_by_key(|(_, e, _)| std::cmp::Reverse(e.weight));
            let base = score::of_match(MatchKind::Fuzzy, MentionKind::Name, Some(cost));
            let candidates = score::ranked(base, &ranked, |(l, e, _)| (*l, e.weight))
                .zip(&ranked)
                .map(|(score, (_, e, _))| super::candidate(e, score))
                .collect();
            let found = (MatchKind::Fuzzy, Some(cost), MentionKind::Name);
            let variant = ranked[0].2;
            return Some(super::mention_of(
                text,
                (bs, be),
                variant,
                String::new(),
                found,
                candidates,
            ));
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_name_line_is_one_to_three_arabic_words_alone() {
        assert_eq!(
            name_span("كاتماندو\n", 10),
            Some((10, 10 + "كاتماندو".len()))
        );
        assert_eq!(
            name_span("  - سان فرانسيسكو .\n", 0),
            Some((4, 4 + "سان فرانسيسكو".len()))
        );
        assert_eq!(name_span("قال الرئيس إن الوفد وصل\n", 0), None);
        assert_eq!(name_span("Paris\n", 0), None);
        assert_eq!(name_span("عام 2024\n", 0), None);
        assert_eq!(name_span(" \n", 0), None);
        // three words, however spaced, are a name line; four are not, nor a late digit
        assert_eq!(
            name_span("ابو  بكر\tالبغدادي\n", 0),
            Some((0, "ابو  بكر\tالبغدادي".len()))
        );
        assert_eq!(name_span("ابو بكر البغدادي الحسيني\n", 0), None);
        assert_eq!(name_span("ابو بكر 3\n", 0), None);
    }
}
