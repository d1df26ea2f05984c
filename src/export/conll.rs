//! CoNLL, written and read: one `token TAG` per line with IOB2 tags, a blank line after each
//! sentence.
//!
//! ```text
//! أبدى O
//! كل O
//! من O
//! أذربيجان B-LOC
//! و O
//! الانفصاليين O
//! ```
//!
//! # Tokens
//!
//! * A token is a maximal run of word characters (letters, digits, Arabic diacritics and
//!   tatweel: [`crate::segment::is_word_char`]), or a single other character (punctuation,
//!   symbols: `،` `.` `(` `"` `-` each make a token). A `.` `,` `٫` or `٬` between two digits
//!   stays inside the number (`3.5`).
//! * Whitespace and invisible controls (bidi marks, zero-width characters:
//!   [`crate::normalize::is_invisible_control`]) separate tokens and are not written.
//! * Tokens are also cut at every mention's start and end, so a name glued to the next word
//!   by a scraper (`أذربيجانالمصدر`) is split where the mention ends, and where its proclitic
//!   starts: a proclitic the tagger split off (the mention's `prefix`, `و` of `وأذربيجان`) is
//!   a token of its own, tagged `O`. A mention that is one glued word (`ناغورنوكاراباخ`, a name
//!   written without its space) is one token.
//!
//! # Tags
//!
//! IOB2: the first token of a mention is `B-` followed by the mention's type (`PER`, `LOC`,
//! `ORG`), the others `I-`; every other token is `O`. Two adjacent mentions are `B-LOC B-LOC`.
//! A demonym (`tag --demonyms`) is tagged with its entity's type, like any mention.
//!
//! # Sentences
//!
//! A sentence ends at a line break and after a run of sentence-final punctuation, `.` `!` `?`
//! `؟` (with any closing quotes or brackets written right after it: `."` `؟)`), except when
//! the next character is an ASCII letter or digit (`example.com`, `v2.0`). A sentence never
//! ends inside a mention: a name the tagger joined across a line break stays one span.
//!
//! # Reading
//!
//! The same module reads CoNLL back ([`Corpus::read`]): one `token TAG` pair per line
//! (separated by spaces or a TAB), a blank line between sentences, IOB1 or IOB2 tags
//! ([`Tag`], [`spans`]); `gazetteer import` and `eval` read their data with it. What this
//! module writes reads back with the mentions' spans found again.

use std::fmt;

use crate::annotation::Mention;
use crate::gazetteer::EntityType;
use crate::normalize::is_invisible_control;
use crate::segment::is_word_char;

/// An IOB2 tag.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Iob {
    /// Outside every mention: `O`.
    Outside,
    /// The first token of a mention: `B-LOC`.
    Begin(EntityType),
    /// A further token of a mention: `I-LOC`.
    Inside(EntityType),
}

impl fmt::Display for Iob {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Iob::Outside => f.write_str("O"),
            Iob::Begin(t) => write!(f, "B-{}", t.as_str()),
            Iob::Inside(t) => write!(f, "I-{}", t.as_str()),
        }
    }
}

/// A token of a text, with its tag.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Token<'a> {
    /// The token as written.
    pub text: &'a str,
    /// Start in Unicode scalar values of the text (as [`Mention::start`]).
    pub start: usize,
    /// End (exclusive), in Unicode scalar values.
    pub end: usize,
    /// Its tag.
    pub tag: Iob,
}

fn is_separator(c: char) -> bool {
    c.is_whitespace() || is_invisible_control(c)
}

/// The characters Python's `str.splitlines` breaks lines at.
pub(crate) fn is_line_break(c: char) -> bool {
    matches!(
        c,
        '\n' | '\r' | '\u{0B}' | '\u{0C}' | '\u{1C}'
            ..='\u{1E}' | '\u{85}' | '\u{2028}' | '\u{2029}'
    )
}

fn is_number_separator(c: char) -> bool {
    matches!(c, '.' | ',' | '\u{066B}' | '\u{066C}')
}

fn is_sentence_final(c: char) -> bool {
    matches!(c, '.' | '!' | '?' | '\u{061F}')
}

fn is_closing(c: char) -> bool {
    matches!(
        c,
        ')' | ']' | '}' | '"' | '\'' | '\u{201D}' | '\u{2019}' | '\u{BB}' | '\u{203A}'
    )
}

/// Splits `text` into sentences of tagged tokens (rules in the [module docs](self)).
/// `mentions` are the mentions of exactly this text, sorted and not overlapping, as the tagger
/// gives them; a mention whose offsets fall outside the text is left out.
///
/// ```
/// use gaztag::export::conll::{sentences, Iob};
/// use gaztag::{EntityType, Gazetteer, Tagger};
/// let text = "أبدى كل من أذربيجان والانفصاليين الأرمن استعدادهم.\nقال بيسكوف";
/// let mentions = Tagger::new(Gazetteer::embedded()).tag(text);
/// let s = sentences(text, &mentions);
/// assert_eq!(s.len(), 2);
/// let tokens: Vec<(&str, Iob)> = s[1].iter().map(|t| (t.text, t.tag)).collect();
/// assert_eq!(tokens, [("قال", Iob::Outside), ("بيسكوف", Iob::Begin(EntityType::Per))]);
/// assert_eq!(s[0].last().unwrap().text, ".");
/// ```
pub fn sentences<'a>(text: &'a str, mentions: &[Mention]) -> Vec<Vec<Token<'a>>> {
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let n = chars.len();
    let byte = |i: usize| chars.get(i).map_or(text.len(), |&(b, _)| b);

    // which mention covers each character, and where tokens must be cut
    let mut cover: Vec<Option<usize>> = vec![None; n];
    let mut cut = vec![false; n + 1];
    for (k, m) in mentions.iter().enumerate() {
        if m.start >= m.end || m.end > n {
            continue;
        }
        cover[m.start..m.end].fill(Some(k));
        cut[m.start] = true;
        cut[m.end] = true;
        let p = m.prefix.chars().count();
        if p > 0
            && p <= m.start
            && chars[m.start - p..m.start]
                .iter()
                .map(|&(_, c)| c)
                .eq(m.prefix.chars())
        {
            cut[m.start - p] = true;
        }
    }
    let tag = |start: usize| match cover[start] {
        None => Iob::Outside,
        Some(k) if mentions[k].start == start => Iob::Begin(mentions[k].kind),
        Some(k) => Iob::Inside(mentions[k].kind),
    };

    // tokens, as character ranges
    let mut ranges: Vec<(usize, usize)> = Vec::new();
    let mut i = 0;
    while i < n {
        let c = chars[i].1;
        if is_separator(c) {
            i += 1;
            continue;
        }
        let mut j = i + 1;
        if is_word_char(c) {
            while j < n && !cut[j] {
                let cj = chars[j].1;
                if is_word_char(cj) {
                    j += 1;
                } else if is_number_separator(cj)
                    && chars[j - 1].1.is_numeric()
                    && j + 1 < n
                    && !cut[j + 1]
                    && chars[j + 1].1.is_numeric()
                {
                    j += 2;
                } else {
                    break;
                }
            }
        }
        ranges.push((i, j));
        i = j;
    }

    // sentences
    let mut out: Vec<Vec<Token<'a>>> = Vec::new();
    let mut current: Vec<Token<'a>> = Vec::new();
    let mut after_final = false;
    for (k, &(start, end)) in ranges.iter().enumerate() {
        let tag = tag(start);
        if let Some(&(_, prev_end)) = k.checked_sub(1).map(|p| &ranges[p]) {
            let glued = prev_end == start;
            let first = chars[start].1;
            let continues_final =
                after_final && glued && (is_sentence_final(first) || is_closing(first));
            let line_break = chars[prev_end..start]
                .iter()
                .any(|&(_, c)| is_line_break(c));
            let ends =
                (line_break || (after_final && !continues_final)) && !matches!(tag, Iob::Inside(_));
            if ends && !current.is_empty() {
                out.push(std::mem::take(&mut current));
            }
            after_final = continues_final;
        }
        let last = chars[end - 1].1;
        if end - start == 1 && is_sentence_final(last) {
            // `example.com`, `v2.0`: not the end of a sentence
            after_final = !chars
                .get(end)
                .is_some_and(|&(_, c)| c.is_ascii_alphanumeric());
        }
        current.push(Token {
            text: &text[byte(start)..byte(end)],
            start,
            end,
            tag,
        });
    }
    if !current.is_empty() {
        out.push(current);
    }
    out
}

/// The CoNLL text of a document: its [`sentences`], one `token TAG` line per token, each
/// sentence followed by a blank line.
///
/// ```
/// use gaztag::{Gazetteer, Tagger};
/// let text = "وصل لافروف إلى ناغورنو كاراباخ.المصدر";
/// let mentions = Tagger::new(Gazetteer::embedded()).tag(text);
/// assert_eq!(
///     gaztag::export::conll::to_conll(text, &mentions),
///     "وصل O\nلافروف B-PER\nإلى O\nناغورنو B-LOC\nكاراباخ I-LOC\n. O\n\nالمصدر O\n\n"
/// );
/// ```
pub fn to_conll(text: &str, mentions: &[Mention]) -> String {
    let mut out = String::with_capacity(text.len() * 2);
    for sentence in sentences(text, mentions) {
        for t in sentence {
            out.push_str(t.text);
            out.push(' ');
            out.push_str(&t.tag.to_string());
            out.push('\n');
        }
        out.push('\n');
    }
    out
}

/// The reader: CoNLL files of annotated data, for `gazetteer import` and `eval`.
pub mod read {
    use std::path::{Path, PathBuf};

    use crate::error::{Error, Result};
    use crate::gazetteer::EntityType;
    use crate::gazetteer::key_of;

    /// What an annotated span is: one of the gazetteer's types, or `MISC`.
    #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
    pub enum Label {
        /// A person, place or organization.
        Entity(EntityType),
        /// Any other name (`MISC`): read so that its span is known, never imported.
        Misc,
    }

    impl Label {
        /// Parses a tag's type name.
        ///
        /// | written | label |
        /// |---|---|
        /// | `PER`, `PERS` | PER |
        /// | `LOC` | LOC |
        /// | `ORG` | ORG |
        /// | `MISC`, or any name containing `MISC` (`MISC-EVENT`) | MISC (not imported) |
        pub fn parse(name: &str) -> Option<Label> {
            match name {
                "PER" | "PERS" => Some(Label::Entity(EntityType::Per)),
                "LOC" => Some(Label::Entity(EntityType::Loc)),
                "ORG" => Some(Label::Entity(EntityType::Org)),
                n if n.contains("MISC") => Some(Label::Misc),
                _ => None,
            }
        }
    }

    /// The tag of one token.
    ///
    /// Written `O`, or `B-` / `I-` followed by a type name (see [`Label::parse`]). Both IOB2
    /// (every span starts with `B-`) and IOB1 (`B-` only between two adjacent spans of the same
    /// type) are read the same way: `B-X` always starts a span; `I-X` continues the span of the
    /// token before when that span is an `X`, and otherwise starts one.
    #[derive(Clone, Copy, Debug, PartialEq, Eq)]
    pub enum Tag {
        /// Outside any span: `O`.
        Outside,
        /// Starts a span: `B-X`.
        Begin(Label),
        /// Inside a span: `I-X`.
        Inside(Label),
    }

    impl Tag {
        /// Parses `O`, `B-X` or `I-X`; `None` for anything else.
        pub fn parse(tag: &str) -> Option<Tag> {
            if tag == "O" {
                return Some(Tag::Outside);
            }
            let (prefix, name) = tag.split_once('-')?;
            let label = Label::parse(name)?;
            match prefix {
                "B" => Some(Tag::Begin(label)),
                "I" => Some(Tag::Inside(label)),
                _ => None,
            }
        }
    }

    /// One token of annotated data.
    #[derive(Clone, Debug, PartialEq, Eq)]
    pub struct Token {
        /// The token as written.
        pub text: String,
        /// Its folded form ([`key_of`]); empty for punctuation.
        pub key: String,
        /// Its tag.
        pub tag: Tag,
    }

    /// A sentence of annotated data.
    #[derive(Clone, Debug, PartialEq, Eq)]
    pub struct Sentence {
        /// Index of its file in [`Corpus::files`].
        pub file: usize,
        /// 1-based line of its first token.
        pub line: usize,
        /// Index, within its file, of the `-DOCSTART-` block it is in (0 before the first one).
        pub document: usize,
        /// Its tokens.
        pub tokens: Vec<Token>,
    }

    /// Annotated sentences read from CoNLL files.
    #[derive(Clone, Debug, Default)]
    pub struct Corpus {
        /// The files read, in order.
        pub files: Vec<PathBuf>,
        /// Their sentences, in order.
        pub sentences: Vec<Sentence>,
    }

    impl Corpus {
        /// Reads CoNLL files (format in the [module docs](self)).
        ///
        /// # Errors
        /// An unreadable or non-UTF-8 file, or a malformed line (as `file:line: message`).
        pub fn read(paths: &[PathBuf]) -> Result<Corpus> {
            let mut corpus = Corpus::default();
            for path in paths {
                let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
                let text = String::from_utf8(bytes).map_err(|e| Error::Encoding {
                    path: path.clone(),
                    offset: e.utf8_error().valid_up_to(),
                })?;
                corpus.parse(path, &text)?;
            }
            Ok(corpus)
        }

        /// Adds the sentences of one CoNLL file's text, read from `path`.
        ///
        /// # Errors
        /// A malformed line: [`Error::Source`] with `path` and the line number.
        ///
        /// # Example
        /// ```
        /// use gaztag::import::Corpus;
        /// let mut corpus = Corpus::default();
        /// corpus.parse("a.conll".as_ref(), "زار O\nباكو B-LOC\n\nبوتين B-PERS\n").unwrap();
        /// assert_eq!(corpus.sentences.len(), 2);
        /// let err = corpus.parse("b.conll".as_ref(), "باكو LOC\n").unwrap_err();
        /// assert!(err.to_string().starts_with("b.conll:1: unknown tag `LOC`"));
        /// ```
        pub fn parse(&mut self, path: &Path, text: &str) -> Result<()> {
            let file = self.files.len();
            self.files.push(path.to_owned());
            let text = text.strip_prefix('\u{FEFF}').unwrap_or(text);
            let mut current: Option<Sentence> = None;
            let mut document = 0;
            for (i, line) in text.lines().enumerate() {
                let fields: Vec<&str> = line.split_whitespace().collect();
                if fields.is_empty() || fields[0] == "-DOCSTART-" {
                    self.sentences.extend(current.take());
                    if !fields.is_empty() {
                        document += 1;
                    }
                    continue;
                }
                if fields.len() != 2 {
                    return Err(Error::source(
                        path,
                        i + 1,
                        format!(
                            "expected 2 columns (`token TAG`, separated by spaces or a TAB), found {}",
                            fields.len()
                        ),
                    ));
                }
                let tag = Tag::parse(fields[1]).ok_or_else(|| {
                    Error::source(
                        path,
                        i + 1,
                        format!(
                            "unknown tag `{}`: expected O, or B- or I- followed by PER, PERS, LOC, \
                             ORG or MISC",
                            fields[1]
                        ),
                    )
                })?;
                current
                    .get_or_insert_with(|| Sentence {
                        file,
                        line: i + 1,
                        document,
                        tokens: Vec::new(),
                    })
                    .tokens
                    .push(Token {
                        text: fields[0].to_owned(),
                        key: key_of(fields[0]),
                        tag,
                    });
            }
            self.sentences.extend(current);
            Ok(())
        }

        /// Number of tokens in all sentences.
        pub fn token_count(&self) -> usize {
            self.sentences.iter().map(|s| s.tokens.len()).sum()
        }
    }

    /// An annotated span of a sentence: tokens `start..end`.
    #[derive(Clone, Copy, Debug, PartialEq, Eq)]
    pub struct Span {
        /// Index of its first token.
        pub start: usize,
        /// One past its last token.
        pub end: usize,
        /// Its type.
        pub label: Label,
    }

    impl Span {
        /// The span without the tokens at either end that have no letters or digits (punctuation
        /// inside the annotation), as a token range; `None` when nothing is left.
        pub fn trimmed(&self, tokens: &[Token]) -> Option<(usize, usize)> {
            let mut start = self.start;
            let mut end = self.end;
            while start < end && tokens[start].key.is_empty() {
                start += 1;
            }
            while end > start && tokens[end - 1].key.is_empty() {
                end -= 1;
            }
            (start < end).then_some((start, end))
        }
    }

    /// The annotated spans of a sentence, in order (rules in [`Tag`]).
    ///
    /// # Example
    /// ```
    /// use gaztag::import::{spans, Corpus, Label};
    /// use gaztag::EntityType;
    /// let mut c = Corpus::default();
    /// // IOB1: I- after O starts a span, B- separates two adjacent spans of one type
    /// c.parse("x".as_ref(), "زار O\nباكو I-LOC\nيريفان B-LOC\nو O\nعلييف I-PER\n").unwrap();
    /// let got: Vec<_> = spans(&c.sentences[0].tokens)
    ///     .iter().map(|s| (s.start, s.end, s.label)).collect();
    /// assert_eq!(got, [
    ///     (1, 2, Label::Entity(EntityType::Loc)),
    ///     (2, 3, Label::Entity(EntityType::Loc)),
    ///     (4, 5, Label::Entity(EntityType::Per)),
    /// ]);
    /// ```
    pub fn spans(tokens: &[Token]) -> Vec<Span> {
        let mut out: Vec<Span> = Vec::new();
        let mut open = false;
        for (i, t) in tokens.iter().enumerate() {
            match t.tag {
                Tag::Outside => open = false,
                Tag::Inside(label) if open && out.last().is_some_and(|s| s.label == label) => {
                    out.last_mut().expect("open span").end = i + 1;
                }
                Tag::Begin(label) | Tag::Inside(label) => {
                    out.push(Span {
                        start: i,
                        end: i + 1,
                        label,
                    });
                    open = true;
                }
            }
        }
        out
    }
}

pub use read::{Corpus, Label, Sentence, Span, Tag, spans};

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Gazetteer, Tagger};

    fn tag(text: &str) -> Vec<Mention> {
        Tagger::new(Gazetteer::embedded()).tag(text)
    }

    /// Each sentence as `token/TAG` words.
    fn render(text: &str) -> Vec<String> {
        sentences(text, &tag(text))
            .iter()
            .map(|s| {
                s.iter()
                    .map(|t| format!("{}/{}", t.text, t.tag))
                    .collect::<Vec<_>>()
                    .join(" ")
            })
            .collect()
    }

    #[test]
    fn proclitics_split_off_are_tokens_of_their_own() {
        assert_eq!(
            render("بين أذربيجان وأرمينيا وبكاراباخ"),
            ["بين/O أذربيجان/B-LOC و/O أرمينيا/B-LOC وب/O كاراباخ/B-LOC"]
        );
    }

    #[test]
    fn glued_words_are_split_at_the_mention_boundaries() {
        assert_eq!(
            render("قالت أذربيجانالمصدر إن ناغورنوكاراباخالمصدر هادئة"),
            ["قالت/O أذربيجان/B-LOC المصدر/O إن/O ناغورنوكاراباخ/B-LOC المصدر/O هادئة/O"]
        );
    }

    #[test]
    fn punctuation_is_split_and_numbers_kept_whole() {
        assert_eq!(
            render("(باكو، يريفان) 3.5 مليون، 2023/09"),
            ["(/O باكو/B-LOC ،/O يريفان/B-LOC )/O 3.5/O مليون/O ،/O 2023/O //O 09/O"]
        );
    }

    #[test]
    fn sentences_end_at_line_breaks_and_final_punctuation() {
        assert_eq!(
            render("زار بوتين باكو. ثم يريفان!\n\nهل وصل؟ نعم.\" انتهى.. موقع example.com"),
            [
                "زار/O بوتين/B-PER باكو/B-LOC ./O",
                "ثم/O يريفان/B-LOC !/O",
                "هل/O وصل/O ؟/O",
                "نعم/O ./O \"/O",
                "انتهى/O ./O ./O",
                "موقع/O example/O ./O com/O",
            ]
        );
    }

    #[test]
    fn a_name_across_a_line_break_stays_one_span() {
        assert_eq!(
            render("قال ناغورنو\nكاراباخ اليوم\nثم"),
            ["قال/O ناغورنو/B-LOC كاراباخ/I-LOC اليوم/O", "ثم/O"]
        );
    }

    #[test]
    fn names_across_a_dash_keep_the_dash_inside() {
        assert_eq!(
            render("في ناغورني – كرباخ"),
            ["في/O ناغورني/B-LOC –/I-LOC كرباخ/I-LOC"]
        );
    }

    #[test]
    fn invisible_controls_are_not_tokens_and_offsets_are_chars() {
        let text = "\u{200F}زار\u{200F} بوتين";
        let s = sentences(text, &tag(text));
        let got: Vec<(&str, usize, usize)> =
            s[0].iter().map(|t| (t.text, t.start, t.end)).collect();
        assert_eq!(got, [("زار", 1, 4), ("بوتين", 6, 11)]);
        assert_eq!(to_conll("", &[]), "");
        assert_eq!(to_conll(" \n\u{200F} ", &[]), "");
    }

    #[test]
    fn adjacent_mentions_both_begin() {
        let m = |start, end, kind| Mention {
            start,
            end,
            byte_start: 0,
            byte_end: 0,
            text: String::new(),
            kind,
            entity: String::new(),
            name: String::new(),
            variant: String::new(),
            prefix: String::new(),
            how: crate::MatchKind::Exact,
            cost: None,
            score: Default::default(),
            form: Default::default(),
            wikidata: None,
            geonames: None,
            candidates: Vec::new(),
        };
        let text = "abcdef gh";
        let mentions = [
            m(0, 3, EntityType::Loc),
            m(3, 6, EntityType::Loc),
            m(7, 20, EntityType::Per), // out of the text: left out
        ];
        assert_eq!(to_conll(text, &mentions), "abc B-LOC\ndef B-LOC\ngh O\n\n");
    }
}
