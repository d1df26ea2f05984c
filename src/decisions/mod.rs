//! Reviewers' decisions: what `gaztag review`'s pages export, read back, turned into gold data
//! ([`gold`], [`to_conll`]) and into gazetteer edits ([`apply`]).
//!
//! The file is one JSON object (schema in `docs/decisions.md`):
//!
//! ```json
//! {"gaztag_decisions": 1, "run": "1f2e3d4c", "exported": "2026-12-02T03:10:00.000Z",
//!  "reviewed": ["000.txt"],
//!  "decisions": [
//!   {"document": "000.txt", "start": 21, "end": 28, "text": "كاراباخ", "decision": "accept",
//!    "type": "LOC", "entity": "nagorno-karabakh", "name": "ناغورنو كاراباخ", "by": "mention",
//!    "was": {"type": "LOC", "entity": "nagorno-karabakh", "name": "ناغورنو كاراباخ",
//!            "variant": "كاراباخ", "match": "exact"}}],
//!  "rules": [{"scope": "spelling", "decision": "reject", "type": "PER", "entity": "x",
//!             "text": "…"}]}
//! ```
//!
//! A decision names a span of a document (`start`, `end`: character offsets, as in the
//! annotations, and its `text`), what the reviewer decided (`accept`, `reject`, or `add` for a
//! span the tagger missed), and the entity it is: for an accepted mention, the one the tagger
//! gave or another candidate the reviewer chose; for an added span, a type and possibly an id.
//! `was` is what the tagger said (absent for an added span). A rule is a decision on every
//! mention of an entity (`scope: entity`), or of an entity spelled one way (`scope: spelling`),
//! in every document.

pub mod apply;

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::annotation::{EntityType, MatchKind, Mention};
use crate::error::{Error, Result};

/// The version of the decisions format this code reads and the pages write.
pub const VERSION: u32 = 1;

/// What the reviewer decided.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Verdict {
    /// The mention is right (as the tagger gave it, or as another candidate).
    Accept,
    /// The mention is wrong: there is no name there.
    Reject,
    /// A name the tagger missed.
    Add,
}

/// What the tagger had said about a decided mention.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Was {
    /// Its type.
    #[serde(rename = "type")]
    pub kind: EntityType,
    /// Its entity id.
    pub entity: String,
    /// The entity's canonical name.
    #[serde(default)]
    pub name: String,
    /// The gazetteer spelling that matched.
    #[serde(default)]
    pub variant: String,
    /// How it was found.
    #[serde(rename = "match")]
    pub how: MatchKind,
    /// `demonym` for an adjective form.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub form: Option<String>,
    /// The proclitic before it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prefix: Option<String>,
}

impl Was {
    /// Is this a demonym (an adjective form of a place's name)?
    pub fn is_demonym(&self) -> bool {
        self.form.as_deref() == Some("demonym")
    }
}

/// One decision on one span of one document.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Decision {
    /// The document's name, as in the annotations.
    pub document: String,
    /// Start, in characters (Unicode scalar values).
    pub start: usize,
    /// End (exclusive), in characters.
    pub end: usize,
    /// The text of the span.
    pub text: String,
    /// Accept, reject or add.
    pub decision: Verdict,
    /// The type it is (accept, add) or was (reject).
    #[serde(rename = "type")]
    pub kind: EntityType,
    /// The entity it is; for an added span, empty unless the reviewer named one.
    #[serde(default)]
    pub entity: String,
    /// That entity's name.
    #[serde(default)]
    pub name: String,
    /// How the decision was made: `mention`, `entity` or `spelling` (a rule), `document` (the
    /// document was marked reviewed).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub by: Option<String>,
    /// What the tagger said; absent for an added span.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub was: Option<Was>,
    /// The line of the decisions file it was read from (0 when not read from a file).
    #[serde(skip)]
    pub line: usize,
}

impl Decision {
    /// Is this an accepted mention whose entity is another than the tagger's?
    pub fn is_other_candidate(&self) -> bool {
        self.decision == Verdict::Accept
            && self
                .was
                .as_ref()
                .is_some_and(|w| w.entity != self.entity || w.kind != self.kind)
    }
}

/// What a rule covers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Scope {
    /// Every mention of the entity.
    Entity,
    /// Every mention of the entity spelled as `text` (folded alike).
    Spelling,
}

/// A decision on every mention of an entity, or of one spelling of it, in every document.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Rule {
    /// Entity or spelling.
    pub scope: Scope,
    /// Accept or reject.
    pub decision: Verdict,
    /// The entity's type.
    #[serde(rename = "type")]
    pub kind: EntityType,
    /// The entity.
    pub entity: String,
    /// The entity's name.
    #[serde(default)]
    pub name: String,
    /// The spelling (`scope: spelling`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    /// What the tagger said about the mention the rule was made on.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub was: Option<Was>,
}

/// A decisions file.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Decisions {
    /// The format version: [`VERSION`].
    pub gaztag_decisions: u32,
    /// The run id of the pages (`<body data-run>`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub run: Option<String>,
    /// When it was exported.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exported: Option<String>,
    /// The documents marked reviewed: every mention of each has a decision.
    #[serde(default)]
    pub reviewed: Vec<String>,
    /// The decisions, by document then span.
    #[serde(default)]
    pub decisions: Vec<Decision>,
    /// The rules.
    #[serde(default)]
    pub rules: Vec<Rule>,
}

/// The 1-based line of byte `at` of `text`.
fn line_at(text: &str, at: usize) -> usize {
    text.as_bytes()[..at.min(text.len())]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1
}

/// Reads a decisions file.
///
/// # Errors
/// An unreadable file, JSON that is malformed or not a decisions file of this version, or a
/// decision that cannot be right (an empty span, an end before its start, a missing document
/// name, overlapping decisions on one document), each as `file:line: message`.
pub fn read(path: &Path) -> Result<Decisions> {
    let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
    parse(path, &text)
}

/// Parses the text of a decisions file read from `path` (see [`read`]).
///
/// # Errors
/// As [`read`].
pub fn parse(path: &Path, text: &str) -> Result<Decisions> {
    #[derive(Deserialize)]
    struct Raw<'a> {
        gaztag_decisions: Option<u32>,
        #[serde(borrow, default)]
        decisions: Vec<&'a serde_json::value::RawValue>,
        #[serde(borrow, default)]
        rules: Vec<&'a serde_json::value::RawValue>,
    }
    let text = text.strip_prefix('\u{FEFF}').unwrap_or(text);
    let bad = |line: usize, msg: String| Error::source(path, line, msg);
    let raw: Raw = serde_json::from_str(text)
        .map_err(|e| bad(e.line().max(1), format!("not a decisions file: {e}")))?;
    match raw.gaztag_decisions {
        Some(VERSION) => {}
        Some(v) => {
            return Err(bad(
                1,
                format!("decisions format version {v}; this gaztag reads version {VERSION}"),
            ));
        }
        None => {
            return Err(bad(
                1,
                "not a decisions file: no `gaztag_decisions` version (export it from the \
                 review pages)"
                    .into(),
            ));
        }
    }
    // where a piece of the input starts, for messages
    let offset = |piece: &str| piece.as_ptr() as usize - text.as_ptr() as usize;
    let mut out: Decisions = serde_json::from_str(text)
        .map_err(|e| bad(e.line().max(1), format!("not a decisions file: {e}")))?;
    for (k, piece) in raw.decisions.iter().enumerate() {
        let line = line_at(text, offset(piece.get()));
        let d = &out.decisions[k];
        if d.document.is_empty() {
            return Err(bad(line, format!("decision {}: no document name", k + 1)));
        }
        if d.start >= d.end {
            return Err(bad(
                line,
                format!(
                    "decision {} ({}): characters {}..{} are not a span",
                    k + 1,
                    d.document,
                    d.start,
                    d.end
                ),
            ));
        }
        if d.text.chars().count() != d.end - d.start {
            return Err(bad(
                line,
                format!(
                    "decision {} ({}): its text {:?} is not {} characters long, as {}..{} say",
                    k + 1,
                    d.document,
                    d.text,
                    d.end - d.start,
                    d.start,
                    d.end
                ),
            ));
        }
    }
    for (k, piece) in raw.rules.iter().enumerate() {
        let r = &out.rules[k];
        if r.decision == Verdict::Add || (r.scope == Scope::Spelling && r.text.is_none()) {
            return Err(bad(
                line_at(text, offset(piece.get())),
                format!(
                    "rule {}: a rule accepts or rejects an entity, or one of its spellings (with \
                     its `text`)",
                    k + 1
                ),
            ));
        }
    }
    // by document, then span; one decision per span (the last one given)
    let lines: Vec<usize> = raw
        .decisions
        .iter()
        .map(|p| line_at(text, offset(p.get())))
        .collect();
    let mut order: Vec<usize> = (0..out.decisions.len()).collect();
    order.sort_by(|&a, &b| {
        let (x, y) = (&out.decisions[a], &out.decisions[b]);
        (&x.document, x.start, x.end, a).cmp(&(&y.document, y.start, y.end, b))
    });
    let mut kept: Vec<(Decision, usize)> = Vec::new();
    for i in order {
        let mut d = out.decisions[i].clone();
        let line = lines[i];
        d.line = line;
        if let Some((last, last_line)) = kept.last_mut()
            && last.document == d.document
            && (last.start, last.end) == (d.start, d.end)
        {
            (*last, *last_line) = (d, line);
            continue;
        }
        kept.push((d, line));
    }
    // the mentions that are gold (accepted, added) must not overlap; a rejected mention may
    // lie inside or across an added span (a name cut short: its part rejected, the whole added)
    let mut gold: Option<&(Decision, usize)> = None;
    for k in &kept {
        let (d, line) = k;
        if d.decision == Verdict::Reject {
            continue;
        }
        if let Some((last, last_line)) = gold
            && last.document == d.document
            && d.start < last.end
        {
            return Err(bad(
                *line,
                format!(
                    "decision on {} characters {}..{} overlaps the one on {}..{} (line {})",
                    d.document, d.start, d.end, last.start, last.end, last_line
                ),
            ));
        }
        gold = Some(k);
    }
    out.decisions = kept.into_iter().map(|(d, _)| d).collect();
    out.reviewed.sort();
    out.reviewed.dedup();
    Ok(out)
}

/// A reviewed document as gold data: its text and its right mentions.
#[derive(Clone, Debug)]
pub struct GoldDocument {
    /// The document's name.
    pub document: String,
    /// Where its text was read.
    pub path: PathBuf,
    /// The text.
    pub text: String,
    /// The mentions accepted (with the entity the reviewer chose) and added, in text order.
    pub mentions: Vec<Mention>,
}

/// A mention of `kind` and `entity` at characters `start..end` of `text` (checked to hold
/// `expected`), for gold data: its other fields are plain (an exact match, no clitic).
fn gold_mention(
    text: &str,
    (start, end): (usize, usize),
    expected: &str,
    kind: EntityType,
    entity: &str,
    name: &str,
) -> std::result::Result<Mention, String> {
    let mut bytes = text.char_indices().map(|(b, _)| b).chain([text.len()]);
    let byte_start = bytes.nth(start);
    let byte_end = byte_start.and_then(|_| bytes.nth(end - start - 1));
    let (Some(bs), Some(be)) = (byte_start, byte_end) else {
        return Err(format!(
            "characters {start}..{end} are past the end of the text ({} characters)",
            text.chars().count()
        ));
    };
    if &text[bs..be] != expected {
        return Err(format!(
            "the text at characters {start}..{end} is {:?}, not {expected:?} (was the \
             document changed after review?)",
            &text[bs..be]
        ));
    }
    // built from JSON so that fields annotations gain later keep their defaults
    let m = serde_json::json!({
        "start": start, "end": end, "byte_start": bs, "byte_end": be, "text": expected,
        "type": kind.as_str(), "entity": entity, "name": name, "variant": expected,
        "prefix": "", "match": "exact", "score": 1.0,
    });
    serde_json::from_value(m).map_err(|e| format!("cannot make a mention: {e}"))
}

/// The reviewed documents of `decisions` as gold data: each document in `reviewed`, its text
/// read from `docs` (its name taken relative to it, or to the current folder), with the
/// mentions accepted and added. Rejected mentions are left out, and so are documents that are
/// not marked reviewed (their undecided mentions are neither right nor wrong yet).
///
/// # Errors
/// A document that cannot be read, or a decision that does not fit its text, naming the
/// decisions file `from`, the document and the span.
pub fn gold(decisions: &Decisions, from: &Path, docs: Option<&Path>) -> Result<Vec<GoldDocument>> {
    let mut out = Vec::new();
    for name in &decisions.reviewed {
        // a name as the annotations give it: relative, inside the folder
        if let Err(message) = crate::review::html::page_path(name) {
            return Err(Error::source(
                from,
                1,
                format!("reviewed document: {message}"),
            ));
        }
        let path = match docs {
            Some(dir) => dir.join(name),
            None => PathBuf::from(name),
        };
        let text = crate::corpus::read_document(&path)?;
        let mut mentions = Vec::new();
        for d in decisions.decisions.iter().filter(|d| &d.document == name) {
            if d.decision == Verdict::Reject {
                continue;
            }
            let entity = if d.entity.is_empty() {
                format!(
                    "added:{}",
                    crate::gazetteer::key_of(&d.text).replace(' ', "_")
                )
            } else {
                d.entity.clone()
            };
            let m = gold_mention(&text, (d.start, d.end), &d.text, d.kind, &entity, &d.name)
                .map_err(|message| {
                    Error::source(from, d.line, format!("document {name}: {message}"))
                })?;
            mentions.push(m);
        }
        out.push(GoldDocument {
            document: name.clone(),
            path,
            text,
            mentions,
        });
    }
    Ok(out)
}

/// Gold documents as CoNLL ([`crate::export::conll`]): each document after a `-DOCSTART- O`
/// line, so that `gaztag eval` groups its sentences into one document again.
///
/// ```
/// use gaztag::decisions::{self, GoldDocument};
/// let d = r#"{"gaztag_decisions": 1, "reviewed": ["a.txt"], "decisions": [
///   {"document": "a.txt", "start": 4, "end": 9, "text": "بوتين", "decision": "accept",
///    "type": "PER", "entity": "vladimir-putin"},
///   {"document": "a.txt", "start": 10, "end": 15, "text": "موسكو", "decision": "reject",
///    "type": "LOC", "entity": "moscow"}]}"#;
/// let d = decisions::parse("d.json".as_ref(), d).unwrap();
/// let dir = tempfile::tempdir().unwrap();
/// std::fs::write(dir.path().join("a.txt"), "زار بوتين موسكو").unwrap();
/// let gold = decisions::gold(&d, "d.json".as_ref(), Some(dir.path())).unwrap();
/// assert_eq!(decisions::to_conll(&gold), "-DOCSTART- O\n\nزار O\nبوتين B-PER\nموسكو O\n\n");
/// ```
pub fn to_conll(gold: &[GoldDocument]) -> String {
    let mut out = String::new();
    for g in gold {
        out.push_str("-DOCSTART- O\n\n");
        out.push_str(&crate::export::conll::to_conll(&g.text, &g.mentions));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decision(doc: &str, start: usize, text: &str, verdict: &str) -> String {
        format!(
            r#"{{"document": "{doc}", "start": {start}, "end": {}, "text": "{text}",
                "decision": "{verdict}", "type": "LOC", "entity": "e"}}"#,
            start + text.chars().count()
        )
    }

    fn file(decisions: &[String]) -> String {
        format!(
            "{{\"gaztag_decisions\": 1,\n\"decisions\": [\n{}\n]}}",
            decisions.join(",\n")
        )
    }

    #[test]
    fn decisions_are_sorted_and_the_last_on_a_span_wins() {
        let d = parse(
            "d.json".as_ref(),
            &file(&[
                decision("b", 0, "باكو", "accept"),
                decision("a", 5, "باكو", "accept"),
                decision("a", 0, "باكو", "accept"),
                decision("a", 5, "باكو", "reject"),
            ]),
        )
        .unwrap();
        let got: Vec<(&str, usize, Verdict)> = d
            .decisions
            .iter()
            .map(|d| (d.document.as_str(), d.start, d.decision))
            .collect();
        assert_eq!(
            got,
            [
                ("a", 0, Verdict::Accept),
                ("a", 5, Verdict::Reject),
                ("b", 0, Verdict::Accept)
            ]
        );
    }

    #[test]
    fn bad_decisions_name_the_file_and_line() {
        let err = |text: &str| parse("d.json".as_ref(), text).unwrap_err().to_string();
        assert!(err("{").starts_with("d.json:1: not a decisions file"));
        assert!(err("{\"decisions\": []}").contains("no `gaztag_decisions` version"));
        assert!(
            err("{\"gaztag_decisions\": 2}").contains("version 2; this gaztag reads version 1")
        );
        let e = err(&file(&[
            decision("a", 0, "باكو", "accept"),
            decision("a", 2, "باكو", "accept"),
        ]));
        assert!(
            e.starts_with(
                "d.json:5: decision on a characters 2..6 overlaps the one on 0..4 (line 3)"
            ),
            "{e}"
        );
        // a rejected part inside an added whole is fine; an accepted one is not
        let whole = decision("a", 0, "باكو باكو", "add");
        assert!(
            parse(
                "d.json".as_ref(),
                &file(&[whole.clone(), decision("a", 5, "باكو", "reject")])
            )
            .is_ok()
        );
        let e = err(&file(&[
            whole,
            decision("a", 2, "x", "reject"),
            decision("a", 5, "باكو", "accept"),
        ]));
        assert!(
            e.contains("characters 5..9 overlaps the one on 0..9"),
            "{e}"
        );
        let mut wrong = decision("a", 0, "باكو", "accept");
        wrong = wrong.replace("\"end\": 4", "\"end\": 9");
        let e = err(&file(&[decision("a", 0, "x", "accept"), wrong]));
        assert!(
            e.starts_with("d.json:5: decision 2 (a): its text \"باكو\" is not 9 characters long"),
            "{e}"
        );
        let e = err(&file(&[decision("a", 0, "x", "maybe")]));
        assert!(e.starts_with("d.json:"), "{e}");
        assert!(e.contains("unknown variant `maybe`"), "{e}");
    }

    #[test]
    fn gold_keeps_accepted_and_added_mentions_of_reviewed_documents() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("a.txt"), "زار بوتين موسكو وباكو").unwrap();
        std::fs::write(dir.path().join("b.txt"), "باكو").unwrap();
        let text = file(&[
            decision("a.txt", 4, "بوتين", "accept").replace("LOC", "PER"),
            decision("a.txt", 10, "موسكو", "reject"),
            decision("a.txt", 17, "باكو", "add").replace("\"entity\": \"e\"", "\"entity\": \"\""),
            decision("b.txt", 0, "باكو", "accept"),
        ])
        .replace(
            "{\"gaztag_decisions\": 1,",
            "{\"gaztag_decisions\": 1, \"reviewed\": [\"a.txt\"],",
        );
        let d = parse("d.json".as_ref(), &text).unwrap();
        let gold = gold(&d, "d.json".as_ref(), Some(dir.path())).unwrap();
        assert_eq!(gold.len(), 1, "b.txt is not reviewed");
        let got: Vec<(&str, EntityType, &str)> = gold[0]
            .mentions
            .iter()
            .map(|m| (m.text.as_str(), m.kind, m.entity.as_str()))
            .collect();
        assert_eq!(
            got,
            [
                ("بوتين", EntityType::Per, "e"),
                ("باكو", EntityType::Loc, "added:باكو")
            ]
        );
        assert_eq!(
            to_conll(&gold),
            "-DOCSTART- O\n\nزار O\nبوتين B-PER\nموسكو O\nو O\nباكو B-LOC\n\n"
        );
        // the document changed since: said, with the span
        std::fs::write(dir.path().join("a.txt"), "زار بوتن موسكو وباكو").unwrap();
        let e = super::gold(&d, "d.json".as_ref(), Some(dir.path()))
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("document a.txt: the text at characters 4..9 is"),
            "{e}"
        );
    }
}
