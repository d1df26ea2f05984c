//! Words, the gaps between them, and the clitic policy.
//!
//! Segmentation runs on FOLDED text (see [`crate::normalize`]); offsets are byte offsets into
//! that folded text, which the caller maps back to the original.
//!
//! * A **word** is a maximal run of letters, digits and combining marks. Everything else
//!   (punctuation, quotes, `#`, `@`, spaces) separates words, so `كاراباخ.تقارير` is two words
//!   and `#Russia` gives `russia`.
//! * A multiword name may continue from one word to the next only across a **joinable gap**:
//!   spaces, at most one line feed (a hard-wrapped line, not a paragraph break), and at most one
//!   hyphen or dash (`ناغورني – كرباخ`, `Nagorno-Karabakh`). Any other punctuation ends a name.
//! * **Proclitics** are the letters that may be glued before a name: see [`clitics`].

/// A word of folded text: `start..end` are byte offsets into it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Word {
    /// First byte of the word.
    pub start: usize,
    /// One past the last byte of the word.
    pub end: usize,
    /// Whether a name may continue across the gap after this word into the next word.
    pub joins_next: bool,
}

/// Does `c` belong inside a word: a letter or digit (Unicode's Alphabetic or Numeric), an
/// Arabic mark or tatweel, a combining diacritic U+0300–U+036F?
///
/// ASCII and the Arabic block, nearly every character of Arabic news, are decided by a range
/// test; std's general lookup (hundreds of instructions a call) is left for the rest. A unit test
/// checks the fast ranges against the general definition for every code point.
#[inline]
pub fn is_word_char(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_alphanumeric();
    }
    if ('\u{0600}'..='\u{06FF}').contains(&c) {
        return is_arabic_word_char(c);
    }
    is_word_char_general(c)
}

/// [`is_word_char`] in the Arabic block: its letters, digits, marks and tatweel; not its
/// punctuation (، ؛ ؟ ٪ ٫ ٬ ۔ …) and signs.
#[inline]
const fn is_arabic_word_char(c: char) -> bool {
    matches!(c,
        '\u{0610}'..='\u{061A}' | '\u{0620}'..='\u{0669}' | '\u{066E}'..='\u{06D3}'
        | '\u{06D5}'..='\u{06FC}' | '\u{06FF}')
}

/// [`is_arabic_word_char`] for U+0600–U+06FF, one bit per character by its offset in the block.
static ARABIC_WORD: [u64; 4] = {
    let mut t = [0u64; 4];
    let mut i = 0;
    while i < 256 {
        if let Some(c) = char::from_u32(0x0600 + i as u32)
            && is_arabic_word_char(c)
        {
            t[i / 64] |= 1 << (i % 64);
        }
        i += 1;
    }
    t
};

/// [`is_word_char`]'s definition, for any character.
fn is_word_char_general(c: char) -> bool {
    c.is_alphanumeric()
        || crate::normalize::is_arabic_mark(c)
        || matches!(c, '\u{0300}'..='\u{036F}')
}

fn is_dash(c: char) -> bool {
    matches!(
        c,
        '-' | '\u{2010}'..='\u{2015}' | '\u{2212}' | '\u{FE58}' | '\u{FE63}' | '\u{FF0D}'
    )
}

/// May a name continue across `gap` (the folded text between two words)?
pub fn is_joinable(gap: &str) -> bool {
    let (mut dashes, mut newlines) = (0, 0);
    for c in gap.chars() {
        match c {
            ' ' => {}
            '\n' => newlines += 1,
            c if is_dash(c) => dashes += 1,
            _ => return false,
        }
    }
    dashes <= 1 && newlines <= 1
}

/// Splits folded text into words.
///
/// # Example
/// ```
/// use gaztag::segment::words;
/// let text = "ناغورني – كرباخ.تقارير";
/// let w = words(text);
/// let got: Vec<&str> = w.iter().map(|w| &text[w.start..w.end]).collect();
/// assert_eq!(got, ["ناغورني", "كرباخ", "تقارير"]);
/// assert!(w[0].joins_next);   // across the dash
/// assert!(!w[1].joins_next);  // not across the full stop
/// ```
pub fn words(text: &str) -> Vec<Word> {
    let mut out: Vec<Word> = Vec::new();
    let mut start = None;
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        // ASCII and the Arabic block without decoding through `chars`
        let (inside, len) = if b < 0x80 {
            (b.is_ascii_alphanumeric(), 1)
        } else if (0xD8..=0xDB).contains(&b) {
            // U+0600–U+06FF: the lead byte's low bits pick the word, the second byte the bit
            (
                ARABIC_WORD[usize::from(b & 3)] >> (bytes[i + 1] & 0x3F) & 1 != 0,
                2,
            )
        } else {
            let c = text[i..]
                .chars()
                .next()
                .unwrap_or(char::REPLACEMENT_CHARACTER);
            (is_word_char(c), c.len_utf8())
        };
        match (inside, start) {
            (true, None) => start = Some(i),
            (false, Some(s)) => {
                out.push(Word {
                    start: s,
                    end: i,
                    joins_next: false,
                });
                start = None;
            }
            _ => {}
        }
        i += len;
    }
    if let Some(s) = start {
        out.push(Word {
            start: s,
            end: text.len(),
            joins_next: false,
        });
    }
    for k in 1..out.len() {
        out[k - 1].joins_next = is_joinable(&text[out[k - 1].end..out[k].start]);
    }
    out
}

/// The words of folded `text` joined by single spaces: the form of a gazetteer key.
///
/// # Example
/// ```
/// assert_eq!(gaztag::segment::key_form("ناغورني  –  قره باغ"), "ناغورني قره باغ");
/// ```
pub fn key_form(folded: &str) -> String {
    let mut key = String::with_capacity(folded.len());
    for w in words(folded) {
        if !key.is_empty() {
            key.push(' ');
        }
        key.push_str(&folded[w.start..w.end]);
    }
    key
}

/// One way of reading the start of a word as proclitic + name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Clitic {
    /// The clitic letters as written (folded), stripped from the span.
    pub strip: &'static str,
    /// Letters the name has that the written form lost: ل + ال is written لل, so
    /// `للكرملين` reads as ل + (ا) + `لكرملين` = ل + `الكرملين`.
    pub restore: &'static str,
}

impl Clitic {
    /// Does this reading strip an article (ال, وال, بال, فبال …; not لل, whose ال is
    /// restored)? A name imported from data, or composed by the name rules, never starts after
    /// a stripped article: the article is part of the name (المغرب stays المغرب).
    pub fn strips_article(&self) -> bool {
        self.strip.ends_with("ال")
    }
}

/// The one-letter proclitics (folded): و (and), ف (so), ب (with, in), ل (for), ك (like).
pub const LETTER_PROCLITICS: &[&str] = &["و", "ف", "ب", "ل", "ك"];

/// Does the folded word start with a one-letter proclitic and the article (بال وال فال كال,
/// or لل for ل + ال)? Such a word is a common noun far more often than a name
/// (بالميدالية).
pub fn starts_with_clitic_article(word: &str) -> bool {
    ["بال", "وال", "فال", "كال", "لل"]
        .iter()
        .any(|p| word.starts_with(p))
}

const fn cl(strip: &'static str, restore: &'static str) -> Clitic {
    Clitic { strip, restore }
}

/// Every proclitic reading gaztag tries, in folded form, grouped by first letter (و ف ب ل ك ا),
/// shortest first within a group.
///
/// * single letters: و (and), ف (so), ب (with, in), ل (for), ك (like);
/// * a conjunction before a preposition: وب ول وك فب فل فك;
/// * the article when the gazetteer variant lacks it: ال, and after a clitic: وال فال بال كال
///   وبال فبال وكال فكال;
/// * ل + ال, written لل (the alef of ال drops): لل, ولل, فلل — the span starts after the
///   first ل, and the name is matched with its ال restored.
///
/// Stripping never wins over a match of the whole word: باكو is never ب + اكو.
pub fn clitics() -> &'static [Clitic] {
    CLITICS
}

/// The readings, grouped by first letter: [`by_letter`] gives each group as a range of it.
const CLITICS: &[Clitic] = &[
    // و: 0..8
    cl("و", ""),
    cl("وب", ""),
    cl("ول", ""),
    cl("وك", ""),
    cl("ول", "ا"),
    cl("وال", ""),
    cl("وبال", ""),
    cl("وكال", ""),
    // ف: 8..16
    cl("ف", ""),
    cl("فب", ""),
    cl("فل", ""),
    cl("فك", ""),
    cl("فل", "ا"),
    cl("فال", ""),
    cl("فبال", ""),
    cl("فكال", ""),
    // ب: 16..18
    cl("ب", ""),
    cl("بال", ""),
    // ل: 18..20
    cl("ل", ""),
    cl("ل", "ا"),
    // ك: 20..22
    cl("ك", ""),
    cl("كال", ""),
    // ا: 22..23
    cl("ال", ""),
];

/// The readings of [`CLITICS`] that start with the folded letter whose UTF-8 bytes begin
/// `word` (empty for a letter no reading starts with).
#[inline]
fn by_letter(word: &[u8]) -> &'static [Clitic] {
    // و U+0648, ف U+0641, ب U+0628, ل U+0644, ك U+0643, ا U+0627
    match word {
        [0xD9, 0x88, ..] => &CLITICS[0..8],
        [0xD9, 0x81, ..] => &CLITICS[8..16],
        [0xD8, 0xA8, ..] => &CLITICS[16..18],
        [0xD9, 0x84, ..] => &CLITICS[18..20],
        [0xD9, 0x83, ..] => &CLITICS[20..22],
        [0xD8, 0xA7, ..] => &CLITICS[22..23],
        _ => &[],
    }
}

/// The clitic readings that apply to the folded word `word`, leaving at least two letters.
///
/// Only words that start with و ف ب ل ك or ا have readings, and only that letter's group is
/// tried.
#[inline]
pub fn clitics_of(word: &str) -> impl Iterator<Item = &'static Clitic> + '_ {
    let b = word.as_bytes();
    by_letter(b).iter().filter(move |c| {
        let strip = c.strip.as_bytes();
        b.len() > strip.len() && b[..strip.len()] == *strip && {
            let rest = &word[strip.len()..];
            // لل: the name must go on with its own ل (ل + ال → لل + rest)
            (c.restore.is_empty() || rest.starts_with('ل')) && rest.chars().nth(1).is_some()
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_article_readings() {
        let stripped: Vec<&str> = clitics()
            .iter()
            .filter(|c| c.strips_article())
            .map(|c| c.strip)
            .collect();
        assert_eq!(
            stripped,
            [
                "وال", "وبال", "وكال", "فال", "فبال", "فكال", "بال", "كال", "ال"
            ]
        );
        assert!(starts_with_clitic_article("بالميداليه") && starts_with_clitic_article("للامم"));
        assert!(!starts_with_clitic_article("الميداليه") && !starts_with_clitic_article("باكو"));
    }

    fn texts(t: &str) -> Vec<&str> {
        words(t).iter().map(|w| &t[w.start..w.end]).collect()
    }

    #[test]
    fn splits_on_punctuation_and_marks() {
        assert_eq!(texts("#russia, @afp (ناتو)"), ["russia", "afp", "ناتو"]);
        assert_eq!(texts("armenia’s"), ["armenia", "s"]);
        assert_eq!(texts("«باكو»؛يريفان"), ["باكو", "يريفان"]);
    }

    #[test]
    fn joinable_gaps() {
        assert!(is_joinable(" "));
        assert!(is_joinable("   "));
        assert!(is_joinable(" – "));
        assert!(is_joinable("-"));
        assert!(is_joinable("\n"));
        assert!(!is_joinable("\n\n"));
        assert!(!is_joinable(" -- "));
        assert!(!is_joinable(", "));
        assert!(!is_joinable("."));
        assert!(!is_joinable(" \" "));
    }

    fn readings(word: &str) -> Vec<(&'static str, &'static str)> {
        clitics_of(word).map(|c| (c.strip, c.restore)).collect()
    }

    #[test]
    fn clitic_forms() {
        assert_eq!(readings("بكاراباخ"), [("ب", "")]);
        assert_eq!(readings("واذربيجان"), [("و", "")]);
        assert_eq!(readings("للكرملين"), [("ل", ""), ("ل", "ا")]);
        assert_eq!(readings("وللكرملين"), [("و", ""), ("ول", ""), ("ول", "ا")]);
        assert_eq!(readings("فللكرملين"), [("ف", ""), ("فل", ""), ("فل", "ا")]);
        assert_eq!(readings("والكرملين"), [("و", ""), ("وال", "")]);
        assert_eq!(readings("بالكرملين"), [("ب", ""), ("بال", "")]);
        assert_eq!(readings("فالكرملين"), [("ف", ""), ("فال", "")]);
        assert_eq!(readings("كالكرملين"), [("ك", ""), ("كال", "")]);
        assert_eq!(
            readings("وبالكرملين"),
            [("و", ""), ("وب", ""), ("وبال", "")]
        );
        assert_eq!(readings("فبقره"), [("ف", ""), ("فب", "")]);
        assert_eq!(readings("الكاراباخ"), [("ال", "")]);
        assert_eq!(readings("كيلوج"), [("ك", "")]);
        // at least two letters must remain
        assert_eq!(readings("بي"), []);
        assert_eq!(readings("russia"), []);
    }

    #[test]
    fn fast_word_chars_agree_with_the_general_definition() {
        for c in (0..=0x10FFFF).filter_map(char::from_u32) {
            assert_eq!(
                is_word_char(c),
                is_word_char_general(c),
                "U+{:04X}",
                c as u32
            );
        }
    }

    /// `words` decodes ASCII and the Arabic block itself: the same words as a plain pass over
    /// `chars` for every character.
    #[test]
    fn fast_words_agree_with_chars() {
        let mut text = String::new();
        for c in (0..=0x10FFFF).filter_map(char::from_u32) {
            text.push(c);
            if (c as u32).is_multiple_of(3) {
                text.push(' ');
            }
        }
        let mut plain = Vec::new();
        let mut start = None;
        for (i, c) in text.char_indices().chain([(text.len(), ' ')]) {
            match (is_word_char(c) && i < text.len(), start) {
                (true, None) => start = Some(i),
                (false, Some(s)) => {
                    plain.push((s, i));
                    start = None;
                }
                _ => {}
            }
        }
        let fast: Vec<(usize, usize)> = words(&text).iter().map(|w| (w.start, w.end)).collect();
        assert_eq!(fast, plain);
    }

    #[test]
    fn only_clitic_letters_have_readings() {
        let letters = ['و', 'ف', 'ب', 'ل', 'ك', 'ا'];
        for c in clitics() {
            assert!(
                letters.contains(&c.strip.chars().next().unwrap()),
                "{}",
                c.strip
            );
        }
    }

    #[test]
    fn key_form_collapses_gaps() {
        assert_eq!(key_form("  قره\n باغ "), "قره باغ");
        assert_eq!(key_form("fayma+"), "fayma");
    }
}
