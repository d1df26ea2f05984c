//! Reviewing annotations: the text of each document with its mentions highlighted, in a
//! terminal ([`terminal`]) or as self-contained HTML pages ([`html`]).
//!
//! [`load`] reads annotations back (with [`read_annotations`](crate::annotation::read_annotations))
//! and the source document each one names, and checks that every mention fits the text: its
//! byte offsets fall on character boundaries and delimit more than white space, its `text` is
//! the slice they delimit, its character offsets count to the same place, mentions are sorted
//! and do not overlap, and the text has the length the annotations say. A document that
//! fails is reported and left out; the others are reviewed. An [`Annotated`] document has passed
//! those checks, so the renderers never slice out of bounds.
//!
//! Both renderers show the text one paragraph per block: a paragraph ends at a line break (any
//! run of white space holding one, blank lines included), except where a mention spans the
//! break (a name written across a line break stays one mention).
//!
//! # Example
//!
//! ```
//! use gaztag::review::{Annotated, terminal};
//!
//! let tagger = gaztag::Tagger::new(gaztag::Gazetteer::embedded());
//! let text = "زار بوتين باكو.\n\nثم عاد إلى موسكو.";
//! let doc = tagger.annotate("a.txt", text);
//! let reviewed = Annotated::new("a.txt.json".into(), "a.txt".into(), doc, text.into()).unwrap();
//! assert_eq!(
//!     terminal::render(&reviewed, terminal::Style::Plain),
//!     "زار [بوتين]{PER:vladimir-putin} [باكو]{LOC:baku}.\n\nثم عاد إلى [موسكو]{LOC:moscow}.\n",
//! );
//! ```

use std::fmt;
use std::ops::Range;
use std::path::{Path, PathBuf};

use crate::annotation::{Document, EntityType, Mention};

pub mod html;
pub mod locate;
pub mod terminal;

/// A document whose annotations fit its text, ready to be shown.
#[derive(Clone, Debug)]
pub struct Annotated {
    annotations: PathBuf,
    source: PathBuf,
    doc: Document,
    text: String,
}

impl Annotated {
    /// Puts together annotations read from the file `annotations` and the text of their
    /// document, read from `source`, after checking that every mention fits the text (see the
    /// module docs).
    ///
    /// # Errors
    /// A message saying which mention does not fit, and how.
    pub fn new(
        annotations: PathBuf,
        source: PathBuf,
        doc: Document,
        text: String,
    ) -> Result<Annotated, String> {
        check(&doc, &text)?;
        Ok(Annotated {
            annotations,
            source,
            doc,
            text,
        })
    }

    /// The annotation file the document's annotations were read from.
    pub fn annotations(&self) -> &Path {
        &self.annotations
    }

    /// Where the document's text was read.
    pub fn source(&self) -> &Path {
        &self.source
    }

    /// The annotations.
    pub fn doc(&self) -> &Document {
        &self.doc
    }

    /// The document's text.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// The text cut into paragraphs, each a sequence of plain text and mentions.
    pub fn paragraphs(&self) -> Vec<Paragraph<'_>> {
        let mentions = &self.doc.mentions;
        let mut out = Vec::new();
        let mut next = 0; // first mention not yet placed
        for range in paragraph_ranges(&self.text, mentions) {
            let mut pieces = Vec::new();
            let mut at = range.start;
            while next < mentions.len() && mentions[next].byte_end <= range.end {
                let m = &mentions[next];
                if at < m.byte_start {
                    pieces.push(Piece::Text(&self.text[at..m.byte_start]));
                }
                pieces.push(Piece::Mention {
                    index: next,
                    mention: m,
                });
                at = m.byte_end;
                next += 1;
            }
            if at < range.end {
                pieces.push(Piece::Text(&self.text[at..range.end]));
            }
            out.push(Paragraph { range, pieces });
        }
        out
    }

    /// The entities the document mentions, each with the indexes of its mentions: by type
    /// (PER, LOC, ORG), then most mentioned first, then in order of first mention.
    pub fn entities(&self) -> Vec<EntityMentions<'_>> {
        let mut out: Vec<EntityMentions<'_>> = Vec::new();
        let mut seen = std::collections::HashMap::new();
        for (i, m) in self.doc.mentions.iter().enumerate() {
            let slot = *seen.entry((m.kind, m.entity.as_str())).or_insert_with(|| {
                out.push(EntityMentions {
                    entity: &m.entity,
                    kind: m.kind,
                    name: &m.name,
                    mentions: Vec::new(),
                });
                out.len() - 1
            });
            out[slot].mentions.push(i);
        }
        // stable: equal keys keep the order of first mention
        out.sort_by(|a, b| {
            a.kind
                .cmp(&b.kind)
                .then(b.mentions.len().cmp(&a.mentions.len()))
        });
        out
    }

    /// How many mentions of each type: PER, LOC, ORG.
    pub fn counts_by_type(&self) -> [(EntityType, usize); 3] {
        let mut counts = [
            (EntityType::Per, 0),
            (EntityType::Loc, 0),
            (EntityType::Org, 0),
        ];
        for m in &self.doc.mentions {
            if let Some(c) = counts.iter_mut().find(|(t, _)| *t == m.kind) {
                c.1 += 1;
            }
        }
        counts
    }
}

/// One paragraph of a document: its byte range and its pieces, in text order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Paragraph<'a> {
    /// Byte range in the document's text (white space around it left out).
    pub range: Range<usize>,
    /// The text and mentions it is made of, covering `range` exactly.
    pub pieces: Vec<Piece<'a>>,
}

/// A piece of a paragraph.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Piece<'a> {
    /// Text outside any mention, exactly as in the document.
    Text(&'a str),
    /// A mention; its `text` is exactly the document's text at its offsets.
    Mention {
        /// Its index in the document's `mentions`.
        index: usize,
        /// The mention.
        mention: &'a Mention,
    },
}

/// An entity named in a document, and where.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EntityMentions<'a> {
    /// Entity id.
    pub entity: &'a str,
    /// Its type.
    pub kind: EntityType,
    /// Its canonical name (as given by its first mention).
    pub name: &'a str,
    /// Indexes of its mentions in the document's `mentions`, in text order.
    pub mentions: Vec<usize>,
}

/// Why a document could not be reviewed.
#[derive(Debug)]
#[non_exhaustive]
pub enum ReviewError {
    /// A path given could not be read, or an annotation file holds malformed JSON (the error
    /// names the file, and the line).
    Annotations(crate::Error),
    /// The source document named by an annotation could not be read.
    Document {
        /// The annotation file naming it.
        annotations: PathBuf,
        /// The line of the annotation file its annotations start on.
        line: usize,
        /// The error reading it (names the path tried).
        error: crate::Error,
    },
    /// The annotations do not fit the document's text, or its name cannot be used for a page
    /// (an absolute name, a `..`, a name given twice).
    Invalid {
        /// The annotation file.
        annotations: PathBuf,
        /// The line its annotations start on, when known.
        line: Option<usize>,
        /// The document's name (its `document` field).
        document: String,
        /// What is wrong.
        message: String,
    },
    /// A page could not be written (`review --html`).
    Write(crate::Error),
}

impl ReviewError {
    /// Is this a source document that does not exist (so the user may need `--docs DIR`)?
    pub fn is_missing_document(&self) -> bool {
        matches!(self, ReviewError::Document { error: crate::Error::Io { source, .. }, .. }
            if source.kind() == std::io::ErrorKind::NotFound)
    }
}

impl fmt::Display for ReviewError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ReviewError::Annotations(e) | ReviewError::Write(e) => write!(f, "{e}"),
            ReviewError::Document {
                annotations,
                line,
                error,
            } => write!(
                f,
                "{}:{line}: cannot read the document it annotates: {error}",
                annotations.display()
            ),
            ReviewError::Invalid {
                annotations,
                line,
                document,
                message,
            } => {
                write!(f, "{}", annotations.display())?;
                if let Some(line) = line {
                    write!(f, ":{line}")?;
                }
                write!(f, ": document {document}: {message}")
            }
        }
    }
}

impl std::error::Error for ReviewError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            ReviewError::Annotations(e) | ReviewError::Write(e) => Some(e),
            ReviewError::Document { error, .. } => Some(error),
            ReviewError::Invalid { .. } => None,
        }
    }
}

/// Reads the annotations under `paths` (annotation files, JSON Lines files, or folders searched
/// recursively for `*.json` and `*.jsonl`, in path order) and the document each one names,
/// found and read by a [`locate::Locator`]: under `docs` when it is given, else where the run
/// record of `tag --out` says the documents are, else from the current folder.
///
/// Returns the documents whose annotations fit their text, in order, and one error per path,
/// file or document that could not be used (each names the annotation file and line); the
/// caller reports those and goes on. A file with malformed JSON is left out whole (the error
/// names its line).
pub fn load(paths: &[PathBuf], docs: Option<&Path>) -> (Vec<Annotated>, Vec<ReviewError>) {
    let (mut out, mut errors) = (Vec::new(), Vec::new());
    let files = annotation_files(paths, &mut errors);
    let mut record_errors = Vec::new();
    let locator = locate::Locator::new(docs, &files, &mut record_errors);
    errors.extend(record_errors.into_iter().map(ReviewError::Annotations));
    for file in files {
        let read = match documents_by_line(&file) {
            Ok(read) => read,
            Err(e) => {
                errors.push(ReviewError::Annotations(e));
                continue;
            }
        };
        for (line, doc) in read {
            let (source, text) = match locator.read_for(&file, &doc) {
                Ok((source, read)) => (source, read.text),
                Err(error) => {
                    errors.push(ReviewError::Document {
                        annotations: file.clone(),
                        line,
                        error,
                    });
                    continue;
                }
            };
            let document = doc.document.clone();
            match Annotated::new(file.clone(), source, doc, text) {
                Ok(a) => out.push(a),
                Err(message) => errors.push(ReviewError::Invalid {
                    annotations: file.clone(),
                    line: Some(line),
                    document,
                    message,
                }),
            }
        }
    }
    (out, errors)
}

/// The documents of one annotation file, each with the line its JSON starts on.
fn documents_by_line(path: &Path) -> crate::Result<Vec<(usize, Document)>> {
    let bytes = std::fs::read(path).map_err(|e| crate::Error::io(path, e))?;
    let mut docs = Vec::new();
    let mut stream = serde_json::Deserializer::from_slice(&bytes).into_iter::<Document>();
    let (mut line, mut counted) = (1, 0);
    loop {
        // the next document starts after the white space that follows the previous one
        let at = stream.byte_offset();
        let start = at
            + bytes[at..]
                .iter()
                .take_while(|b| b.is_ascii_whitespace())
                .count();
        line += bytes[counted..start]
            .iter()
            .filter(|&&b| b == b'\n')
            .count();
        counted = start;
        match stream.next() {
            None => return Ok(docs),
            Some(Ok(doc)) => docs.push((line, doc)),
            Some(Err(e)) => {
                return Err(crate::Error::source(
                    path,
                    e.line().max(1),
                    format!("not a gaztag annotation: {e}"),
                ));
            }
        }
    }
}

/// The annotation files under `paths`, in order (see
/// [`annotation_files`](crate::annotation::annotation_files)).
fn annotation_files(paths: &[PathBuf], errors: &mut Vec<ReviewError>) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut walk_errors = Vec::new();
    for path in paths {
        files.extend(crate::annotation::annotation_files(path, &mut walk_errors));
    }
    errors.extend(walk_errors.into_iter().map(ReviewError::Annotations));
    files
}

/// Checks that the mentions of `doc` fit `text` (see the module docs).
fn check(doc: &Document, text: &str) -> Result<(), String> {
    let chars = text.chars().count();
    if doc.chars != chars {
        return Err(format!(
            "the annotations say the text has {} characters, the document has {chars} \
             (was it changed after tagging?)",
            doc.chars
        ));
    }
    // character offset of byte `at`, counted on from the previous mention
    let (mut at, mut at_char) = (0, 0);
    for (i, m) in doc.mentions.iter().enumerate() {
        let n = i + 1;
        let (bs, be) = (m.byte_start, m.byte_end);
        if bs >= be || be > text.len() {
            return Err(format!(
                "mention {n} ({:?}): bytes {bs}..{be} are not a span of the text ({} bytes)",
                m.text,
                text.len()
            ));
        }
        if !text.is_char_boundary(bs) || !text.is_char_boundary(be) {
            return Err(format!(
                "mention {n} ({:?}): bytes {bs}..{be} cut a character in two",
                m.text
            ));
        }
        if bs < at {
            return Err(format!(
                "mention {n} ({:?}) starts at byte {bs}, before the end of mention {} \
                 (byte {at}): mentions must be sorted and must not overlap",
                m.text, i
            ));
        }
        let slice = &text[bs..be];
        if slice.trim().is_empty() {
            return Err(format!(
                "mention {n}: bytes {bs}..{be} hold white space only"
            ));
        }
        if slice != m.text {
            return Err(format!(
                "mention {n}: its text {:?} is not the document's text {slice:?} at bytes \
                 {bs}..{be}",
                m.text
            ));
        }
        let start = at_char + text[at..bs].chars().count();
        let end = start + slice.chars().count();
        if (m.start, m.end) != (start, end) {
            return Err(format!(
                "mention {n} ({:?}): characters {}..{} do not match bytes {bs}..{be}, which are \
                 characters {start}..{end}",
                m.text, m.start, m.end
            ));
        }
        (at, at_char) = (be, end);
    }
    Ok(())
}

/// Does `c` end a line (LF, CR, VT, FF, NEL, LINE and PARAGRAPH SEPARATOR)?
fn is_line_break(c: char) -> bool {
    matches!(
        c,
        '\n' | '\r' | '\u{0B}' | '\u{0C}' | '\u{85}' | '\u{2028}' | '\u{2029}'
    )
}

/// The byte ranges of the paragraphs of `text`: the stretches between runs of white space that
/// hold a line break, except runs inside a mention (`mentions` sorted, fitting the text).
/// Stretches of white space only are left out.
fn paragraph_ranges(text: &str, mentions: &[Mention]) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut push = |r: Range<usize>| {
        if !text[r.clone()].trim().is_empty() {
            out.push(r);
        }
    };
    let mut start = 0; // of the current paragraph
    let mut m = 0; // first mention that may still hold a break
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if !c.is_whitespace() {
            continue;
        }
        // a run of white space from i
        let (mut end, mut breaks) = (i + c.len_utf8(), is_line_break(c));
        while let Some(&(j, d)) = chars.peek() {
            if !d.is_whitespace() {
                break;
            }
            breaks |= is_line_break(d);
            end = j + d.len_utf8();
            chars.next();
        }
        while m < mentions.len() && mentions[m].byte_end <= i {
            m += 1;
        }
        let inside = mentions.get(m).is_some_and(|x| x.byte_start < end);
        if breaks && !inside {
            push(start..i);
            start = end;
        }
    }
    push(start..text.len());
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::annotation::MatchKind;

    /// A LOC mention of `text` found at `byte_start` in `doc`, with consistent offsets.
    pub(crate) fn mention_at(doc: &str, text: &str, byte_start: usize) -> Mention {
        assert_eq!(&doc[byte_start..byte_start + text.len()], text);
        let start = doc[..byte_start].chars().count();
        Mention {
            start,
            end: start + text.chars().count(),
            byte_start,
            byte_end: byte_start + text.len(),
            text: text.into(),
            kind: EntityType::Loc,
            entity: "e".into(),
            name: text.into(),
            variant: text.into(),
            prefix: String::new(),
            how: MatchKind::Exact,
            cost: None,
            score: crate::annotation::Score::ONE,
            form: Default::default(),
            wikidata: None,
            geonames: None,
            candidates: Vec::new(),
        }
    }

    pub(crate) fn annotated(text: &str, mentions: Vec<Mention>) -> Annotated {
        let doc = Document {
            document: "d.txt".into(),
            chars: text.chars().count(),
            encoding: None,
            mentions,
        };
        Annotated::new("d.json".into(), "d.txt".into(), doc, text.into()).unwrap()
    }

    fn paragraph_texts(text: &str, mentions: Vec<Mention>) -> Vec<String> {
        let a = annotated(text, mentions);
        a.paragraphs()
            .iter()
            .map(|p| {
                let mut s = String::new();
                for piece in &p.pieces {
                    match piece {
                        Piece::Text(t) => s.push_str(t),
                        Piece::Mention { mention, .. } => {
                            s.push('[');
                            s.push_str(&mention.text);
                            s.push(']');
                        }
                    }
                }
                assert_eq!(s.replace(['[', ']'], ""), text[p.range.clone()]);
                s
            })
            .collect()
    }

    #[test]
    fn paragraphs_split_at_line_breaks_and_blank_lines() {
        let text = "\n  أ ب\nج د\n\n \n\tهـ  \r\nو\u{2029}ز\n\n";
        assert_eq!(
            paragraph_texts(text, vec![]),
            ["أ ب", "ج د", "هـ", "و", "ز"]
        );
        assert!(paragraph_texts("", vec![]).is_empty());
        assert!(paragraph_texts(" \n\n ", vec![]).is_empty());
        // white space without a line break does not split
        assert_eq!(paragraph_texts("أ  ب\u{a0}ج", vec![]), ["أ  ب\u{a0}ج"]);
    }

    #[test]
    fn a_mention_across_a_line_break_keeps_its_paragraph_whole() {
        let text = "زار ناغورني\nكاراباخ أمس\nثم عاد";
        let m = mention_at(text, "ناغورني\nكاراباخ", "زار ".len());
        assert_eq!(
            paragraph_texts(text, vec![m]),
            ["زار [ناغورني\nكاراباخ] أمس", "ثم عاد"]
        );
    }

    #[test]
    fn pieces_cover_mentions_at_paragraph_edges() {
        let text = "باكو\nفي باكو";
        let a = mention_at(text, "باكو", 0);
        let b = mention_at(text, "باكو", text.rfind("باكو").unwrap());
        let doc = annotated(text, vec![a, b]);
        let p = doc.paragraphs();
        assert_eq!(p.len(), 2);
        assert!(matches!(p[0].pieces[..], [Piece::Mention { index: 0, .. }]));
        assert!(matches!(
            p[1].pieces[..],
            [Piece::Text("في "), Piece::Mention { index: 1, .. }]
        ));
    }

    #[test]
    fn mentions_that_do_not_fit_are_refused() {
        let text = "زار بوتين باكو";
        let good = mention_at(text, "بوتين", "زار ".len());
        let doc = |ms: Vec<Mention>, chars| Document {
            document: "d.txt".into(),
            chars,
            encoding: None,
            mentions: ms,
        };
        let n = text.chars().count();
        let err = |d: Document| check(&d, text).unwrap_err();
        assert!(check(&doc(vec![good.clone()], n), text).is_ok());

        assert!(err(doc(vec![], n + 1)).contains("was it changed after tagging?"));
        let mut m = good.clone();
        m.byte_end = text.len() + 2;
        assert!(err(doc(vec![m], n)).contains("are not a span of the text"));
        let mut m = good.clone();
        m.byte_start += 1;
        assert!(err(doc(vec![m], n)).contains("cut a character in two"));
        let mut m = good.clone();
        m.text = "بوتن".into();
        let e = err(doc(vec![m], n));
        assert!(
            e.contains("its text \"بوتن\" is not the document's text \"بوتين\""),
            "{e}"
        );
        let mut m = good.clone();
        m.start += 1;
        assert!(
            err(doc(vec![m], n))
                .contains("characters 5..9 do not match bytes 7..17, which are characters 4..9")
        );
        let later = mention_at(text, "باكو", text.rfind("باكو").unwrap());
        let e = err(doc(vec![later, good.clone()], n));
        assert!(
            e.contains("mention 2") && e.contains("must be sorted"),
            "{e}"
        );
        assert!(err(doc(vec![good.clone(), good], n)).contains("must not overlap"));
    }

    #[test]
    fn entities_grouped_by_type_then_count() {
        let text = "باكو موسكو باكو بوتين";
        let mut ms = Vec::new();
        for (word, kind, at) in [
            ("باكو", EntityType::Loc, 0),
            ("موسكو", EntityType::Loc, text.find("موسكو").unwrap()),
            ("باكو", EntityType::Loc, text.rfind("باكو").unwrap()),
            ("بوتين", EntityType::Per, text.find("بوتين").unwrap()),
        ] {
            let mut m = mention_at(text, word, at);
            m.kind = kind;
            m.entity = word.into();
            ms.push(m);
        }
        let doc = annotated(text, ms);
        let got: Vec<(&str, Vec<usize>)> = doc
            .entities()
            .into_iter()
            .map(|e| (e.entity, e.mentions))
            .collect();
        assert_eq!(
            got,
            [("بوتين", vec![3]), ("باكو", vec![0, 2]), ("موسكو", vec![1])]
        );
        assert_eq!(
            doc.counts_by_type(),
            [
                (EntityType::Per, 1),
                (EntityType::Loc, 3),
                (EntityType::Org, 0)
            ]
        );
    }
}
