//! Properties of the core over arbitrary Unicode text, with generators weighted towards what
//! Arabic news text holds: letters, diacritics, tatweel, presentation forms, proclitics glued
//! to gazetteer names, mixed scripts, odd spaces and controls, and any other code point.

use std::path::Path;
use std::sync::OnceLock;

use gaztag::corpus::{Encoding, decode};
use gaztag::normalize::{Mode, normalize_with};
use gaztag::{Gazetteer, Mention, Tagger};
use proptest::prelude::*;

/// Names from the embedded gazetteer and their usual spellings, so that generated text holds
/// mentions, not only noise.
const NAMES: &[&str] = &[
    "بوتين",
    "موسكو",
    "باكو",
    "أذربيجان",
    "ناغورني قره باغ",
    "ناغورنو كاراباخ",
    "الكرملين",
    "روسيا",
    "يريفان",
    "علييف",
    "أرمينيا",
    "فلاديمير بوتين",
];

const CLITICS: &[&str] = &["", "و", "ب", "ل", "ال", "وال", "بال", "لل", "ف", "ك", "وب"];

fn range(lo: u32, hi: u32) -> impl Strategy<Value = char> {
    (lo..=hi).prop_filter_map("a scalar value", char::from_u32)
}

/// One character of Arabic-heavy text.
fn arabic_char() -> impl Strategy<Value = char> {
    prop_oneof![
        6 => range(0x0621, 0x064A),   // letters
        3 => range(0x064B, 0x065F),   // diacritics
        1 => Just('\u{0670}'),        // superscript alef
        1 => Just('\u{0640}'),        // tatweel
        1 => range(0x0660, 0x06FF),   // the rest of the block: digits, Persian letters, marks
        2 => range(0xFB50, 0xFDFF),   // presentation forms A
        2 => range(0xFE70, 0xFEFF),   // presentation forms B, and the BOM
        2 => prop::sample::select(vec![' ', '\n', '\r', '\t', '\u{A0}', '\u{202F}', '.', '،', '«', '»', '-']),
        1 => prop::sample::select(vec!['\u{200B}', '\u{200C}', '\u{200D}', '\u{200F}', '\u{202B}', '\u{2066}', '\u{061C}', '\u{AD}']),
        1 => range(0x0041, 0x007A),   // Latin
        1 => range(0x0400, 0x04FF),   // Cyrillic
        1 => any::<char>(),           // anything else, astral planes included
    ]
}

/// A piece of text: a run of characters, or a gazetteer name with a proclitic, a diacritic
/// or a tatweel slipped in.
fn piece() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => prop::collection::vec(arabic_char(), 1..8).prop_map(|c| c.into_iter().collect()),
        2 => (
            prop::sample::select(CLITICS),
            prop::sample::select(NAMES),
            prop::option::of((0usize..12, prop::sample::select(vec!['\u{064E}', '\u{0651}', '\u{0640}', '\u{200C}'])))
        )
            .prop_map(|(clitic, name, slip)| {
                let mut word: Vec<char> = format!("{clitic}{name}").chars().collect();
                if let Some((at, c)) = slip {
                    word.insert(at.min(word.len()), c);
                }
                word.into_iter().collect()
            }),
        2 => Just(" ".to_owned()),
    ]
}

fn text() -> impl Strategy<Value = String> {
    prop::collection::vec(piece(), 0..30).prop_map(|p| p.concat())
}

fn taggers() -> &'static [Tagger; 2] {
    static TAGGERS: OnceLock<[Tagger; 2]> = OnceLock::new();
    TAGGERS.get_or_init(|| {
        let plain = Tagger::new(Gazetteer::embedded());
        let every_rule = Tagger::builder()
            .gazetteer(Gazetteer::embedded())
            .fuzzy(true)
            .demonyms(true)
            .build();
        [plain, every_rule]
    })
}

fn check_mentions(text: &str, mentions: &[Mention]) -> Result<(), TestCaseError> {
    let chars: Vec<char> = text.chars().collect();
    for m in mentions {
        prop_assert!(m.start < m.end && m.end <= chars.len(), "{m:?}");
        prop_assert_eq!(&chars[m.start..m.end].iter().collect::<String>(), &m.text);
        prop_assert!(text.is_char_boundary(m.byte_start) && text.is_char_boundary(m.byte_end));
        prop_assert_eq!(&text[m.byte_start..m.byte_end], m.text.as_str());
        prop_assert_eq!(text[..m.byte_start].chars().count(), m.start);
    }
    for w in mentions.windows(2) {
        prop_assert!(
            w[0].end <= w[1].start,
            "sorted, not overlapping: {:?} then {:?}",
            w[0],
            w[1]
        );
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn offset_map_is_monotone_and_lands_on_char_boundaries(text in text()) {
        for mode in [Mode::Fold, Mode::Light] {
            let n = normalize_with(&text, mode);
            let len = n.as_str().len();
            prop_assert_eq!(n.origin(len), text.len());
            let mut last = 0;
            for i in 0..=len {
                let o = n.origin(i);
                prop_assert!(o >= last, "origin({}) = {} < {}", i, o, last);
                prop_assert!(text.is_char_boundary(o), "origin({}) = {} not a boundary", i, o);
                last = o;
            }
        }
    }

    #[test]
    fn offset_map_holds_for_any_code_points(text in any::<String>()) {
        let n = normalize_with(&text, Mode::Fold);
        let len = n.as_str().len();
        prop_assert_eq!(n.origin(len), text.len());
        for i in 0..len {
            prop_assert!(n.origin(i) <= n.origin(i + 1));
            prop_assert!(text.is_char_boundary(n.origin(i)));
        }
    }

    #[test]
    fn mentions_are_the_original_text_sorted_and_apart(text in text()) {
        for tagger in taggers() {
            check_mentions(&text, &tagger.tag(&text))?;
        }
    }

    #[test]
    fn mentions_hold_for_any_code_points(text in any::<String>()) {
        check_mentions(&text, &taggers()[1].tag(&text))?;
    }

    #[test]
    fn tagging_is_the_same_with_one_and_two_threads(texts in prop::collection::vec(text(), 1..12)) {
        use rayon::prelude::*;
        let tagger = &taggers()[1];
        let run = |threads: usize| {
            let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().unwrap();
            pool.install(|| {
                texts
                    .par_iter()
                    .enumerate()
                    .map(|(i, t)| serde_json::to_string(&tagger.annotate(&format!("{i}.txt"), t)).unwrap())
                    .collect::<Vec<_>>()
            })
        };
        prop_assert_eq!(run(1), run(2));
    }

    #[test]
    fn decoding_never_panics_and_keeps_valid_utf8(bytes in prop::collection::vec(any::<u8>(), 0..256)) {
        let p = Path::new("x.txt");
        for encoding in Encoding::ALL {
            let _ = decode(p, &bytes, encoding);
        }
        if let Ok(s) = std::str::from_utf8(&bytes) {
            let decoded = decode(p, &bytes, Encoding::Auto);
            if s.contains('\0') {
                prop_assert!(decoded.is_err());
            } else if !bytes.starts_with(&[0xFF, 0xFE]) && !bytes.starts_with(&[0xFE, 0xFF]) {
                prop_assert_eq!(decoded.unwrap(), s.strip_prefix('\u{FEFF}').unwrap_or(s));
            }
        }
    }

    #[test]
    fn utf16_round_trips(text in text()) {
        let text = text.replace('\0', "");
        let mut le = vec![0xFF, 0xFE];
        text.encode_utf16().for_each(|u| le.extend(u.to_le_bytes()));
        prop_assert_eq!(decode(Path::new("x.txt"), &le, Encoding::Auto).unwrap(), text);
    }
}
