//! brat standoff export: `NAME.ann` beside `NAME.txt`, for the brat annotation tool.
//!
//! ```text
//! T1→LOC 21 28→كاراباخ
//! #1→AnnotatorNotes T1→nagorno-karabakh (ناغورنو كاراباخ), exact
//! T2→LOC 4 11;12 19→ناغورنو كاراباخ
//! #2→AnnotatorNotes T2→nagorno-karabakh (ناغورنو كاراباخ), exact
//! T3→LOC 30 38→أذربيجان
//! #3→AnnotatorNotes T3→azerbaijan (أذربيجان), exact
//! N1→Reference T3 Wikidata:Q227→أذربيجان
//! ```
//! (`→` is a TAB.)
//!
//! * `T` lines are the mentions, in order: id, type (`PER`, `LOC`, `ORG`) and offsets, then
//!   the text. Offsets count Unicode code points (as brat, which is written in Python,
//!   counts them), end exclusive.
//! * brat refuses a span with a line break in it, so a name the tagger joined across a line
//!   break is written as discontinuous fragments, `start end;start end`, one per line, each
//!   without the line break and the spaces around it; the text after the tab is the
//!   fragments' texts joined by one space, which is what brat checks it against.
//! * Each mention gets a `#` note that brat shows with it: the entity id, its canonical name,
//!   and how it was matched (`exact`, `fuzzy`, `alias`, `composed`; `, demonym` for an
//!   adjective form).
//! * A mention whose entity has knowledge-base ids gets a brat normalization line for each:
//!   `N` lines, `Reference T… Wikidata:Q…` and `Reference T… GeoNames:…`, with the canonical
//!   name as the entry's text (brat shows them as links when its `tools.conf` names the
//!   `Wikidata` and `GeoNames` databases).
//! * `NAME.txt` is the text that was tagged, character for character (a byte order mark is
//!   never part of it), except line endings: brat reads texts with universal newlines, so a
//!   CR LF pair is written as LF and a lone CR as LF, and offsets are given in that text.
//!   A text with LF line endings is copied exactly.
//!
//! The output folder also gets [`ANNOTATION_CONF`] and [`VISUAL_CONF`], so it opens in brat as
//! is (put it, or link it, under brat's `data/` folder).

use crate::annotation::{Mention, MentionKind};
use crate::export::conll::is_line_break;
use crate::normalize::is_invisible_control;

/// The brat `annotation.conf` written into the output folder: the three entity types.
pub const ANNOTATION_CONF: &str = "\
# brat annotation configuration for gaztag output (gaztag tag --format brat)
[entities]
PER
LOC
ORG

[relations]

[events]

[attributes]
";

/// The brat `visual.conf` written into the output folder: labels and one color per type.
pub const VISUAL_CONF: &str = "\
# brat visual configuration for gaztag output (gaztag tag --format brat)
[labels]
PER | Person | PER
LOC | Location | LOC
ORG | Organization | ORG

[drawing]
SPAN_DEFAULT\tfgColor:black, bgColor:lightgreen, borderColor:darken
ARC_DEFAULT\tcolor:black, arrowHead:triangle-5
PER\tbgColor:#ffccaa
LOC\tbgColor:#a9d4ff
ORG\tbgColor:#c9f0a5
";

/// The fragments of the span `start..end` of `chars`: the span cut at every line break,
/// each piece without the whitespace and invisible controls at its ends, empty pieces
/// dropped. A span without a line break is one fragment, itself.
///
/// ```
/// let chars: Vec<char> = "قال ناغورنو \nكاراباخ".chars().collect();
/// assert_eq!(gaztag::export::brat::fragments(&chars, 4, 20), [(4, 11), (13, 20)]);
/// ```
pub fn fragments(chars: &[char], start: usize, end: usize) -> Vec<(usize, usize)> {
    let end = end.min(chars.len());
    let blank = |c: char| c.is_whitespace() || is_invisible_control(c);
    let mut out = Vec::new();
    let mut from = start;
    for i in start..=end {
        if i < end && !is_line_break(chars[i]) {
            continue;
        }
        let (mut a, mut b) = (from, i);
        while a < b && blank(chars[a]) {
            a += 1;
        }
        while b > a && blank(chars[b - 1]) {
            b -= 1;
        }
        if a < b {
            out.push((a, b));
        }
        from = i + 1;
    }
    out
}

/// The `.txt` and `.ann` contents for `text` and its `mentions` (see the [module
/// docs](self)). Mentions whose offsets fall outside the text are left out.
///
/// ```
/// use gaztag::{Gazetteer, Tagger};
/// let text = "قال ناغورنو\r\nكاراباخ";
/// let mentions = Tagger::new(Gazetteer::embedded()).tag(text);
/// let (txt, ann) = gaztag::export::brat::to_brat(text, &mentions);
/// assert_eq!(txt, "قال ناغورنو\nكاراباخ");
/// assert_eq!(ann.lines().next().unwrap(), "T1\tLOC 4 11;12 19\tناغورنو كاراباخ");
/// ```
pub fn to_brat(text: &str, mentions: &[Mention]) -> (String, String) {
    let chars: Vec<char> = text.chars().collect();
    // character offsets of the CRs dropped from CR LF pairs
    let dropped: Vec<usize> = chars
        .windows(2)
        .enumerate()
        .filter(|(_, w)| w[0] == '\r' && w[1] == '\n')
        .map(|(i, _)| i)
        .collect();
    let shift = |o: usize| o - dropped.partition_point(|&d| d < o);
    let txt = if text.contains('\r') {
        text.replace("\r\n", "\n").replace('\r', "\n")
    } else {
        text.to_owned()
    };

    let mut ann = String::new();
    let (mut id, mut normalizations) = (0, 0);
    for m in mentions {
        if m.start >= m.end || m.end > chars.len() {
            continue;
        }
        let frags = fragments(&chars, m.start, m.end);
        if frags.is_empty() {
            continue;
        }
        id += 1;
        let offsets: Vec<String> = frags
            .iter()
            .map(|&(s, e)| format!("{} {}", shift(s), shift(e)))
            .collect();
        let texts: Vec<String> = frags
            .iter()
            .map(|&(s, e)| chars[s..e].iter().collect())
            .collect();
        ann.push_str(&format!(
            "T{id}\t{} {}\t{}\n",
            m.kind.as_str(),
            offsets.join(";"),
            texts.join(" ")
        ));
        let mut note = format!("{} ({}), {}", m.entity, m.name, m.how.as_str());
        if m.form == MentionKind::Demonym {
            note.push_str(", demonym");
        }
        let note: String = note
            .chars()
            .map(|c| if c.is_control() { ' ' } else { c })
            .collect();
        ann.push_str(&format!("#{id}\tAnnotatorNotes T{id}\t{note}\n"));
        for (db, kb) in [("Wikidata", &m.wikidata), ("GeoNames", &m.geonames)] {
            if let Some(kb) = kb.as_deref().filter(|k| !k.contains(char::is_whitespace)) {
                normalizations += 1;
                let name: String = m
                    .name
                    .chars()
                    .map(|c| if c.is_control() { ' ' } else { c })
                    .collect();
                ann.push_str(&format!(
                    "N{normalizations}\tReference T{id} {db}:{kb}\t{name}\n"
                ));
            }
        }
    }
    (txt, ann)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Gazetteer, Tagger};

    /// Checks every T line as brat does: each fragment inside the text and without a line
    /// break, and the fragments' texts joined by a space equal to the written text.
    /// A T line read back: type, fragments, text.
    type TLine = (String, Vec<(usize, usize)>, String);

    fn check(txt: &str, ann: &str) -> Vec<TLine> {
        let chars: Vec<char> = txt.chars().collect();
        let mut out = Vec::new();
        for line in ann.lines().filter(|l| l.starts_with('T')) {
            let f: Vec<&str> = line.split('\t').collect();
            assert_eq!(f.len(), 3, "{line}");
            let (kind, offsets) = f[1].split_once(' ').unwrap();
            let frags: Vec<(usize, usize)> = offsets
                .split(';')
                .map(|p| {
                    let (s, e) = p.split_once(' ').unwrap();
                    (s.parse().unwrap(), e.parse().unwrap())
                })
                .collect();
            let texts: Vec<String> = frags
                .iter()
                .map(|&(s, e)| chars[s..e].iter().collect())
                .collect();
            assert!(texts.iter().all(|t| !t.contains(['\n', '\r'])), "{line}");
            assert_eq!(texts.join(" "), f[2], "{line}");
            out.push((kind.to_owned(), frags, f[2].to_owned()));
        }
        out
    }

    #[test]
    fn offsets_are_code_points_and_line_breaks_make_fragments() {
        let text = "زار بوتين ناغورنو\nكاراباخ، ثم باكو";
        let mentions = Tagger::new(Gazetteer::embedded()).tag(text);
        let (txt, ann) = to_brat(text, &mentions);
        assert_eq!(txt, text);
        let got = check(&txt, &ann);
        assert_eq!(
            got,
            [
                ("PER".into(), vec![(4, 9)], "بوتين".into()),
                (
                    "LOC".into(),
                    vec![(10, 17), (18, 25)],
                    "ناغورنو كاراباخ".into()
                ),
                ("LOC".into(), vec![(30, 34)], "باكو".into()),
            ]
        );
        assert!(ann.contains("#1\tAnnotatorNotes T1\tvladimir-putin (فلاديمير بوتين), exact\n"));
    }

    #[test]
    fn crlf_texts_are_written_with_lf_and_offsets_follow() {
        let text = "سطر\r\nزار بوتين\r\n\r\nباكو\rيريفان";
        let mentions = Tagger::new(Gazetteer::embedded()).tag(text);
        assert_eq!(mentions.len(), 3);
        let (txt, ann) = to_brat(text, &mentions);
        assert_eq!(txt, "سطر\nزار بوتين\n\nباكو\nيريفان");
        let texts: Vec<String> = check(&txt, &ann).into_iter().map(|t| t.2).collect();
        assert_eq!(texts, ["بوتين", "باكو", "يريفان"]);
    }

    #[test]
    fn knowledge_base_ids_are_normalization_lines() {
        let text = "زار بوتين باكو";
        let mut mentions = Tagger::new(Gazetteer::embedded()).tag(text);
        assert_eq!(mentions.len(), 2);
        (mentions[0].wikidata, mentions[0].geonames) = (Some("Q7747".into()), None);
        (mentions[1].wikidata, mentions[1].geonames) =
            (Some("Q9248".into()), Some("587084".into()));
        let (_, ann) = to_brat(text, &mentions);
        let n: Vec<&str> = ann.lines().filter(|l| l.starts_with('N')).collect();
        assert_eq!(
            n,
            [
                "N1\tReference T1 Wikidata:Q7747\tفلاديمير بوتين",
                "N2\tReference T2 Wikidata:Q9248\tباكو",
                "N3\tReference T2 GeoNames:587084\tباكو",
            ]
        );
        // without ids, no normalization line
        mentions
            .iter_mut()
            .for_each(|m| (m.wikidata, m.geonames) = (None, None));
        assert!(!to_brat(text, &mentions).1.contains("\nN"));
    }

    #[test]
    fn demonyms_are_noted() {
        let text = "قالت الخارجية الأذربيجانية";
        let tagger = Tagger::builder()
            .gazetteer(Gazetteer::embedded())
            .demonyms(true)
            .build();
        let (_, ann) = to_brat(text, &tagger.tag(text));
        assert!(ann.contains(", demonym\n"), "{ann}");
    }

    #[test]
    fn fragments_trim_and_drop_empty_pieces() {
        let chars: Vec<char> = "ab \r\n cd\n".chars().collect();
        assert_eq!(fragments(&chars, 0, 8), [(0, 2), (6, 8)]);
        assert_eq!(fragments(&chars, 2, 6), []);
        assert_eq!(fragments(&chars, 0, 99), [(0, 2), (6, 8)]);
    }
}
