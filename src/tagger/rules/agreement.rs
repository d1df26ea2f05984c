//! Agreement: a definite nisba-shaped word right after a definite noun is that noun's
//! adjective, not a name.
//!
//! Arabic puts the adjective after its noun and gives it the noun's article: الدول العربية
//! ("the Arab states"), اللغة العربية, الدولة العثمانية, القارة الهندية, الحياة الكريمة,
//! الوضع المالي. The same words name a channel (العربية, Al Arabiya), a Turkish province
//! (العثمانية, Osmaniye) or a town (الهندية in Iraq), and the gazetteer cannot tell them apart;
//! their place in the text can. A name after a definite noun is rare: a place after a noun is
//! its genitive, and the first noun of a genitive has no article (ميناء الحديدة, قناة العربية,
//! أخبار العربية).
//!
//! So a one-word place or body whose word (in the text) is ال + at least three letters ending
//! in ي or ية, or ال + the adjective pattern فعيل / فعيلة (المدى القصير, الآيات الكريمة; never
//! after و or ف), with no proclitic, written right after a definite word (ال…, or ل/و/ف/ب/ك + ال…,
//! or لل…, separated by spaces only; not a relative pronoun or إلى), is dropped. A word with و
//! or ف is coordination: of names (والإسكندرية after القاهرة), kept, unless the word before is
//! itself a definite nisba, the first of two adjectives (المصادر الصينية والعربية). People are
//! kept (الشيخ القرضاوي: a title, then a surname), and so are demonyms, which `--demonyms`
//! asks for as adjectives.

use crate::EntityType;
use crate::annotation::{Mention, MentionKind};
use crate::gazetteer::key_of;
use crate::segment::LETTER_PROCLITICS;

/// Definite-looking words that are no noun an adjective could follow: إلى written الي, the
/// relative pronouns, إلا.
const NOT_NOUNS: &[&str] = &[
    "الي",
    "التي",
    "الذي",
    "الذين",
    "اللذين",
    "اللذان",
    "اللتين",
    "اللتان",
    "اللاتي",
    "اللواتي",
    "اللائي",
    "الا",
];

/// Is `m`, a mention of `text`, a definite adjective agreeing with the noun before it?
pub(crate) fn is_adjective(text: &str, m: &Mention) -> bool {
    // a demonym is an adjective by design (`--demonyms`)
    if m.kind == EntityType::Per
        || m.form == MentionKind::Demonym
        || m.text.chars().any(char::is_whitespace)
    {
        return false;
    }
    let is_space = |c: char| c.is_whitespace();
    // the whole text word holding the mention, which must end with it
    let ws = text[..m.byte_start]
        .rfind(is_space)
        .map_or(0, |i| after_char(text, i));
    let after = text[m.byte_end..].chars().next();
    if after.is_some_and(|c| c.is_alphabetic()) {
        return false;
    }
    let word = key_of(&text[ws..m.byte_end]);
    // و/ف + a definite nisba: a second adjective when the word before is a first one
    let (word, coordinated) = match word.strip_prefix(['و', 'ف']) {
        Some(rest) if rest.starts_with("ال") => (rest.to_owned(), true),
        _ => (word, false),
    };
    if !(definite_nisba(&word) || !coordinated && definite_faeel(&word)) {
        return false;
    }
    // the word before, with nothing but spaces between
    let before = &text[..ws];
    let trimmed = before.trim_end_matches(is_space);
    if trimmed.len() == before.len() && !before.is_empty() {
        return false;
    }
    let pw_start = trimmed
        .rfind(|c: char| !c.is_alphabetic() && !is_mark(c))
        .map_or(0, |i| after_char(trimmed, i));
    let prev = key_of(&trimmed[pw_start..]);
    if prev.chars().count() < 4 || NOT_NOUNS.contains(&prev.as_str()) {
        return false;
    }
    if coordinated {
        let first = match prev.strip_prefix(['و', 'ف']) {
            Some(rest) if rest.starts_with("ال") => rest,
            _ => prev.as_str(),
        };
        return definite_nisba(first);
    }
    if prev.starts_with("ال") || prev.starts_with("لل") {
        return true;
    }
    LETTER_PROCLITICS.iter().any(|p| {
        prev.strip_prefix(p).is_some_and(|rest| {
            (rest.starts_with("ال") || rest.starts_with("لل")) && !NOT_NOUNS.contains(&rest)
        })
    })
}

/// Is the folded word ال + three letters or more ending in ي or ية (folded يه)?
fn definite_nisba(word: &str) -> bool {
    word.strip_prefix("ال").is_some_and(|stem| {
        (stem.ends_with('ي') || stem.ends_with("يه")) && stem.chars().count() >= 3
    })
}

/// Is the folded word ال + the adjective pattern فعيل or فعيلة (القصير, الكريمة), three root
/// letters with ي before the last?
fn definite_faeel(word: &str) -> bool {
    word.strip_prefix("ال").is_some_and(|stem| {
        let c: Vec<char> = stem.chars().collect();
        let root = if c.last() == Some(&'ه') {
            &c[..c.len() - 1]
        } else {
            &c[..]
        };
        let consonant = |x: &char| !matches!(x, 'ا' | 'و' | 'ي');
        matches!(root, [a, b, 'ي', d] if [a, b, d].into_iter().all(consonant))
    })
}

/// The byte after the character that starts at byte `i` of `s`.
fn after_char(s: &str, i: usize) -> usize {
    i + s[i..].chars().next().map_or(1, char::len_utf8)
}

/// Arabic diacritics, tatweel and the dagger alef, which sit inside a word.
fn is_mark(c: char) -> bool {
    matches!(c, '\u{064B}'..='\u{065F}' | '\u{0640}' | '\u{0670}')
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::annotation::{MatchKind, Score};

    fn mention(text: &str, word: &str, kind: EntityType) -> Mention {
        let byte_start = text.find(word).unwrap();
        Mention {
            start: 0,
            end: 0,
            byte_start,
            byte_end: byte_start + word.len(),
            text: word.to_owned(),
            kind,
            entity: "e".to_owned(),
            name: word.to_owned(),
            variant: word.to_owned(),
            prefix: String::new(),
            how: MatchKind::Exact,
            cost: None,
            score: Score::default(),
            form: MentionKind::Name,
            wikidata: None,
            geonames: None,
            candidates: Vec::new(),
        }
    }

    #[test]
    fn a_definite_nisba_after_a_definite_noun_is_an_adjective() {
        let org = EntityType::Org;
        let adj = |text: &str, word: &str| is_adjective(text, &mention(text, word, org));
        assert!(adj("اجتماع الدول العربية أمس", "العربية"));
        assert!(adj("تعلم اللغةِ العربيةِ", "العربيةِ"));
        assert!(adj("في الدولة العثمانية", "العثمانية"));
        assert!(adj("وللدول العربية", "العربية"));
        assert!(adj("والدول العربية.", "العربية"));
        // a genitive, a preposition, a relative pronoun, punctuation: the name
        assert!(!adj("تابعوا أخبار العربية", "العربية"));
        assert!(!adj("قال لقناة العربية", "العربية"));
        assert!(!adj("وصل إلى العربية", "العربية"));
        assert!(!adj("الحلقة التي العربية", "العربية"));
        assert!(!adj("قالت المصادر، العربية", "العربية"));
        assert!(!adj("العربية", "العربية"));
        // a proclitic on the word: coordination, of names or of adjectives
        assert!(!adj("بين القاهرة والإسكندرية", "الإسكندرية"));
        assert!(adj("المصادر الصينية والعربية", "العربية"));
        assert!(adj("المطالب اللبنانية والعربية .", "العربية"));
        assert!(!adj("المصادر والعربية", "العربية"));
        // the adjective pattern فعيل / فعيلة too, but not after و (بين السعودية والكويت)
        assert!(adj("على المدى القصير", "القصير"));
        assert!(adj("بالآيات الكريمة", "الكريمة"));
        assert!(!adj("بين السعودية والكويت", "الكويت"));
        assert!(!adj("قالت مصادر الكويت", "الكويت"));
        // not an adjective's shape, or a person
        assert!(!adj("العاصمة الرياض", "الرياض"));
        let text = "الشيخ القرضاوي";
        assert!(!is_adjective(
            text,
            &mention(text, "القرضاوي", EntityType::Per)
        ));
    }
}
