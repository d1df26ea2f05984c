//! Comparing two sets of annotations of the same documents: what `gaztag diff` reports after
//! a gazetteer change.
//!
//! Documents are matched by their `document` name. Within a document present on both sides,
//! mentions are compared by span, type and entity (the other fields, such as `variant` or
//! `match`, are not compared):
//!
//! * a mention with the same span on both sides is unchanged when its type and entity are
//!   the same, and **changed** otherwise ([`Field::Type`], [`Field::Entity`]);
//! * of the mentions left, an old and a new one whose spans overlap are one **changed**
//!   mention ([`Field::Span`], plus type or entity if those differ too): `كاراباخ` becoming
//!   `ناغورنو كاراباخ`. Where a mention overlaps several, the pairs naming the same entity
//!   are taken first, then those of the same type, then the largest overlaps;
//! * every other old mention is **removed**, every other new one **added**.
//!
//! A document present on one side only is reported as such, with its number of mentions;
//! its mentions are not listed.
//!
//! [`compare`] is pure; [`Sources`] finds the documents' texts for context snippets, and
//! [`render_text`] and [`render_json`] write the report.
//!
//! ```
//! # fn main() -> Result<(), gaztag::diff::DuplicateDocument> {
//! use gaztag::diff::{compare, Change};
//! use gaztag::{Gazetteer, Tagger};
//! let tagger = Tagger::new(Gazetteer::embedded());
//! let old = tagger.annotate("a.txt", "زار بوتين باكو");
//! let mut new = old.clone();
//! new.mentions.remove(0);
//! let diff = compare(&[old], &[new])?;
//! let s = diff.summary();
//! assert_eq!((s.documents, s.differing, s.removed, s.added), (1, 1, 1, 0));
//! assert!(matches!(&diff.documents[0].changes[0], Change::Removed(m) if m.text == "بوتين"));
//! # Ok(())
//! # }
//! ```

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::annotation::{Document, Mention};
use crate::review::locate::Locator;

/// Which side of a comparison.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Side {
    /// The first (old) annotations.
    Old,
    /// The second (new) annotations.
    New,
}

impl fmt::Display for Side {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Side::Old => "OLD",
            Side::New => "NEW",
        })
    }
}

/// What differs between an old and a new mention.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Field {
    /// The start or end.
    Span,
    /// The type (PER, LOC, ORG).
    Type,
    /// The entity id.
    Entity,
}

impl Field {
    /// Its name in reports: `span`, `type`, `entity`.
    pub fn as_str(&self) -> &'static str {
        match self {
            Field::Span => "span",
            Field::Type => "type",
            Field::Entity => "entity",
        }
    }
}

/// One difference between the mentions of a document.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Change {
    /// Only in the new annotations.
    Added(Mention),
    /// Only in the old annotations.
    Removed(Mention),
    /// In both, with a different span, type or entity.
    Changed {
        /// The old mention.
        old: Box<Mention>,
        /// The new mention.
        new: Box<Mention>,
        /// What differs, in [`Field`] order.
        fields: Vec<Field>,
    },
}

impl Change {
    /// The mention as it is now: the new one, or the old one for a removed mention.
    pub fn current(&self) -> &Mention {
        match self {
            Change::Added(m) | Change::Removed(m) => m,
            Change::Changed { new, .. } => new,
        }
    }

    fn order(&self) -> (usize, usize, u8) {
        match self {
            Change::Removed(m) => (m.start, m.end, 0),
            Change::Changed { old, new, .. } => (old.start.min(new.start), old.end, 1),
            Change::Added(m) => (m.start, m.end, 2),
        }
    }
}

/// The comparison of one document.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DocumentDiff {
    /// The document's name.
    pub document: String,
    /// Its length in characters in the old annotations; `None` if it is not there.
    pub old_chars: Option<usize>,
    /// Its length in characters in the new annotations; `None` if it is not there.
    pub new_chars: Option<usize>,
    /// Its number of mentions in the old annotations (0 if it is not there).
    pub old_mentions: usize,
    /// Its number of mentions in the new annotations (0 if it is not there).
    pub new_mentions: usize,
    /// The differences, in text order; empty for a document on one side only.
    pub changes: Vec<Change>,
}

impl DocumentDiff {
    /// Whether the document is on one side only, and which.
    pub fn only_in(&self) -> Option<Side> {
        match (self.old_chars, self.new_chars) {
            (Some(_), None) => Some(Side::Old),
            (None, Some(_)) => Some(Side::New),
            _ => None,
        }
    }

    /// Whether nothing differs.
    pub fn is_equal(&self) -> bool {
        self.only_in().is_none() && self.changes.is_empty()
    }
}

/// The comparison of two sets of annotations.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diff {
    /// Every document of either side, by name.
    pub documents: Vec<DocumentDiff>,
}

/// Counts over a [`Diff`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    /// Documents on both sides.
    pub documents: usize,
    /// Of those, the ones whose mentions differ.
    pub differing: usize,
    /// Documents only in the old annotations.
    pub only_old: usize,
    /// Documents only in the new annotations.
    pub only_new: usize,
    /// Mentions added (in documents on both sides).
    pub added: usize,
    /// Mentions removed.
    pub removed: usize,
    /// Mentions changed.
    pub changed: usize,
}

impl Summary {
    /// Whether the two sides are equal.
    pub fn is_equal(&self) -> bool {
        self.differing == 0 && self.only_old == 0 && self.only_new == 0
    }

    /// Counts the document `d` in.
    pub fn add(&mut self, d: &DocumentDiff) {
        match d.only_in() {
            Some(Side::Old) => self.only_old += 1,
            Some(Side::New) => self.only_new += 1,
            None => {
                self.documents += 1;
                self.differing += usize::from(!d.changes.is_empty());
                for c in &d.changes {
                    match c {
                        Change::Added(_) => self.added += 1,
                        Change::Removed(_) => self.removed += 1,
                        Change::Changed { .. } => self.changed += 1,
                    }
                }
            }
        }
    }
}

impl Diff {
    /// The counts.
    pub fn summary(&self) -> Summary {
        let mut s = Summary::default();
        for d in &self.documents {
            s.add(d);
        }
        s
    }

    /// Whether the two sides are equal.
    pub fn is_equal(&self) -> bool {
        self.documents.iter().all(DocumentDiff::is_equal)
    }
}

/// A document name found twice on one side: the comparison would be ambiguous (a folder
/// holding both `NAME.json` files and an `annotations.jsonl` of the same run, say).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DuplicateDocument {
    /// The side it is on.
    pub side: Side,
    /// The document's name.
    pub document: String,
}

impl fmt::Display for DuplicateDocument {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "document `{}` is annotated twice in {}: compare one run with one run",
            self.document, self.side
        )
    }
}

impl std::error::Error for DuplicateDocument {}

fn by_name(docs: &[Document], side: Side) -> Result<BTreeMap<&str, &Document>, DuplicateDocument> {
    let mut map = BTreeMap::new();
    for d in docs {
        if map.insert(d.document.as_str(), d).is_some() {
            return Err(DuplicateDocument {
                side,
                document: d.document.clone(),
            });
        }
    }
    Ok(map)
}

/// Compares `old` with `new` (rules in the [module docs](self)).
///
/// # Errors
/// [`DuplicateDocument`] when a side annotates a document twice.
pub fn compare(old: &[Document], new: &[Document]) -> Result<Diff, DuplicateDocument> {
    let old = by_name(old, Side::Old)?;
    let new = by_name(new, Side::New)?;
    let mut names: Vec<&str> = old.keys().chain(new.keys()).copied().collect();
    names.sort_unstable();
    names.dedup();
    let documents = names
        .into_iter()
        .map(|name| {
            let (o, n) = (old.get(name), new.get(name));
            let changes = match (o, n) {
                (Some(o), Some(n)) => compare_mentions(&o.mentions, &n.mentions),
                _ => Vec::new(),
            };
            DocumentDiff {
                document: name.to_owned(),
                old_chars: o.map(|d| d.chars),
                new_chars: n.map(|d| d.chars),
                old_mentions: o.map_or(0, |d| d.mentions.len()),
                new_mentions: n.map_or(0, |d| d.mentions.len()),
                changes,
            }
        })
        .collect();
    Ok(Diff { documents })
}

fn fields(old: &Mention, new: &Mention) -> Vec<Field> {
    let mut f = Vec::new();
    if (old.start, old.end) != (new.start, new.end) {
        f.push(Field::Span);
    }
    if old.kind != new.kind {
        f.push(Field::Type);
    }
    if old.entity != new.entity {
        f.push(Field::Entity);
    }
    f
}

/// Compares the mentions of one document (rules in the [module docs](self)); the changes
/// come in text order.
///
/// ```
/// use gaztag::diff::{compare_mentions, Change, Field};
/// use gaztag::{Gazetteer, Tagger};
/// let tagger = Tagger::new(Gazetteer::embedded());
/// let old = tagger.tag("وصلوا إلى كاراباخ");
/// let new = tagger.tag("وصلوا إلى ناغورنو كاراباخ");
/// // the texts differ here only to make the spans differ
/// let changes = compare_mentions(&old, &new);
/// assert!(matches!(&changes[..], [Change::Changed { fields, .. }] if fields == &[Field::Span]));
/// ```
pub fn compare_mentions(old: &[Mention], new: &[Mention]) -> Vec<Change> {
    let mut old: Vec<&Mention> = old.iter().collect();
    let mut new: Vec<&Mention> = new.iter().collect();
    old.sort_by_key(|m| (m.start, m.end));
    new.sort_by_key(|m| (m.start, m.end));
    let mut changes = Vec::new();
    let (mut old_done, mut new_done) = (vec![false; old.len()], vec![false; new.len()]);

    // the same span
    let mut at: HashMap<(usize, usize), usize> = HashMap::new();
    for (j, m) in new.iter().enumerate() {
        at.entry((m.start, m.end)).or_insert(j);
    }
    for (i, o) in old.iter().enumerate() {
        if let Some(&j) = at.get(&(o.start, o.end)) {
            if new_done[j] {
                continue;
            }
            old_done[i] = true;
            new_done[j] = true;
            let f = fields(o, new[j]);
            if !f.is_empty() {
                changes.push(Change::Changed {
                    old: Box::new((*o).clone()),
                    new: Box::new(new[j].clone()),
                    fields: f,
                });
            }
        }
    }

    // overlapping spans: same entity first, then same type, then the largest overlap
    let mut pairs: Vec<((bool, bool, usize), usize, usize)> = Vec::new();
    // how far right the new mentions up to each one reach: those before the first that
    // reaches past an old mention's start cannot overlap it, and are not looked at (one
    // document with 800k mentions a side used to compare every pair)
    let reach: Vec<usize> = new
        .iter()
        .scan(0, |r, n| {
            *r = n.end.max(*r);
            Some(*r)
        })
        .collect();
    for (i, o) in old.iter().enumerate().filter(|(i, _)| !old_done[*i]) {
        let first = reach.partition_point(|&r| r <= o.start);
        for (j, n) in new.iter().enumerate().skip(first) {
            if n.start >= o.end {
                break;
            }
            if new_done[j] {
                continue;
            }
            let overlap = o.end.min(n.end).saturating_sub(o.start.max(n.start));
            if overlap > 0 {
                let rank = (o.entity == n.entity, o.kind == n.kind, overlap);
                pairs.push((rank, i, j));
            }
        }
    }
    pairs.sort_by(|a, b| b.0.cmp(&a.0).then((a.1, a.2).cmp(&(b.1, b.2))));
    for (_, i, j) in pairs {
        if old_done[i] || new_done[j] {
            continue;
        }
        old_done[i] = true;
        new_done[j] = true;
        changes.push(Change::Changed {
            old: Box::new(old[i].clone()),
            new: Box::new(new[j].clone()),
            fields: fields(old[i], new[j]),
        });
    }

    for (i, o) in old.iter().enumerate() {
        if !old_done[i] {
            changes.push(Change::Removed((*o).clone()));
        }
    }
    for (j, n) in new.iter().enumerate() {
        if !new_done[j] {
            changes.push(Change::Added((*n).clone()));
        }
    }
    changes.sort_by_key(Change::order);
    changes
}

/// The texts of the documents, for context snippets.
///
/// A document's text is read from `DIR/NAME` when a folder is given (`--docs DIR`), from
/// where the run record of `tag --out` says the documents are, and from its name taken as a
/// path otherwise (relative to the current folder). A mention gets a
/// context only if the text read has exactly the mention's text at its offsets; otherwise
/// (no such file, or a file changed since it was tagged) reports show the span alone.
#[derive(Clone, Debug, Default)]
pub struct Sources {
    texts: HashMap<String, Source>,
}

/// Where a document's text was looked for, and what was found.
#[derive(Clone, Debug)]
pub struct Source {
    /// The path tried.
    pub path: PathBuf,
    /// The text, as characters, when it could be read.
    pub chars: Option<Vec<char>>,
}

impl Source {
    /// Looks for the text of `d` where `locator` finds it (see [`Sources::load`]).
    pub fn find(d: &DocumentDiff, locator: &Locator) -> Source {
        let doc = Document {
            document: d.document.clone(),
            chars: d.new_chars.or(d.old_chars).unwrap_or(0),
            encoding: None,
            mentions: Vec::new(),
        };
        let (path, chars) = match locator.read(&doc) {
            Ok((path, read)) => (path, Some(read.text.chars().collect())),
            Err(_) => (locator.path_of(&d.document), None),
        };
        Source { path, chars }
    }

    /// A context snippet for `m` ([`context`]), or `None` when the text is not there or does
    /// not hold the mention's text at its offsets.
    pub fn context(&self, m: &Mention, width: usize) -> Option<String> {
        let chars = self.chars.as_ref()?;
        let span = chars.get(m.start..m.end)?;
        span.iter()
            .copied()
            .eq(m.text.chars())
            .then(|| context(chars, m.start, m.end, width))
    }
}

impl Sources {
    /// Reads the texts of the documents of `diff` that differ, where `locator` finds them
    /// (see [`Sources`] and [`Locator::read`]: a name that leads out of the documents' folder,
    /// or a file that is not a regular one or larger than its text could be, is not read).
    pub fn load(diff: &Diff, locator: &Locator) -> Sources {
        let mut texts = HashMap::new();
        for d in diff.documents.iter().filter(|d| !d.changes.is_empty()) {
            texts.insert(d.document.clone(), Source::find(d, locator));
        }
        Sources { texts }
    }

    /// The source of a document, if [`Sources::load`] looked for it.
    pub fn get(&self, document: &str) -> Option<&Source> {
        self.texts.get(document)
    }
}

/// Up to `width` characters either side of `start..end`, the span in brackets, whitespace
/// runs (line breaks too) written as one space, invisible controls left out, other control
/// characters (escape) shown as `�`, and `…` where the text goes on.
///
/// ```
/// let chars: Vec<char> = "أبدى كل من أذربيجان\nوالانفصاليين".chars().collect();
/// assert_eq!(gaztag::diff::context(&chars, 11, 19, 6), "…كل من [أذربيجان] والان…");
/// ```
pub fn context(chars: &[char], start: usize, end: usize, width: usize) -> String {
    let end = end.min(chars.len());
    let start = start.min(end);
    let from = start.saturating_sub(width);
    let to = end.saturating_add(width).min(chars.len());
    let mut out = String::new();
    if from > 0 {
        out.push('…');
    }
    let push = |part: &[char], out: &mut String| {
        for &c in part {
            if crate::normalize::is_invisible_control(c) {
                continue;
            }
            if c.is_whitespace() {
                if !out.ends_with(' ') {
                    out.push(' ');
                }
            } else if c.is_control() {
                // an escape character would drive the terminal the report is printed on
                out.push('\u{FFFD}');
            } else {
                out.push(c);
            }
        }
    };
    push(&chars[from..start], &mut out);
    out.push('[');
    push(&chars[start..end], &mut out);
    out.push(']');
    push(&chars[end..to], &mut out);
    if to < chars.len() {
        out.push('…');
    }
    out
}

fn span(m: &Mention) -> String {
    format!("{}..{}", m.start, m.end)
}

fn label(m: &Mention) -> String {
    format!("{} {}", m.kind.as_str(), shown(&m.entity))
}

/// `s` for one line of the report: control characters (an escape, a line break) as `�`.
fn shown(s: &str) -> std::borrow::Cow<'_, str> {
    if s.chars().any(char::is_control) {
        s.chars()
            .map(|c| if c.is_control() { '\u{FFFD}' } else { c })
            .collect::<String>()
            .into()
    } else {
        s.into()
    }
}

/// The report `gaztag diff` prints: per document that differs, a header, then one line per
/// change (`-` removed, `+` added, `~` changed) with offsets, type, entity, text and a
/// context snippet of `width` characters either side; then a summary line.
///
/// ```text
/// == 000_b7c2ae510c672f79.txt: 0 added, 1 removed, 1 changed
/// - 812..818 LOC yerevan «يريفان»  …وصل لافروف إلى [يريفان] اليوم…
/// ~ 21..28 → 14..28 LOC nagorno-karabakh (span) «كاراباخ» → «ناغورنو كاراباخ»  …في [ناغورنو كاراباخ] استعدادهم…
/// ~ 40..44 LOC baku → ORG baku-2 (type, entity) «باكو»  …
/// summary: 5 documents on both sides, 1 differing: 0 added, 1 removed, 1 changed; 0 only in OLD, 0 only in NEW
/// ```
pub fn render_text(diff: &Diff, sources: &Sources, width: usize) -> String {
    let mut out = String::new();
    for d in &diff.documents {
        text_document(d, sources.get(&d.document), width, &mut out);
    }
    text_summary(&diff.summary(), &mut out);
    out
}

/// The part of [`render_text`] for one document (nothing when it is equal on both sides).
fn text_document(d: &DocumentDiff, source: Option<&Source>, width: usize, out: &mut String) {
    if let Some(side) = d.only_in() {
        let n = d.old_mentions.max(d.new_mentions);
        out.push_str(&format!(
            "== {}: only in {side} ({n} mention{})\n",
            shown(&d.document),
            if n == 1 { "" } else { "s" }
        ));
        return;
    }
    if d.changes.is_empty() {
        return;
    }
    let count = |f: fn(&Change) -> bool| d.changes.iter().filter(|c| f(c)).count();
    out.push_str(&format!(
        "== {}: {} added, {} removed, {} changed\n",
        shown(&d.document),
        count(|c| matches!(c, Change::Added(_))),
        count(|c| matches!(c, Change::Removed(_))),
        count(|c| matches!(c, Change::Changed { .. })),
    ));
    if d.old_chars != d.new_chars {
        out.push_str(&format!(
            "   note: the text differs (OLD {} characters, NEW {}): spans may not line up\n",
            d.old_chars.unwrap_or(0),
            d.new_chars.unwrap_or(0)
        ));
    }
    let mut missing = false;
    for c in &d.changes {
        let mut line = match c {
            Change::Removed(m) => format!("- {} {} «{}»", span(m), label(m), shown(&m.text)),
            Change::Added(m) => format!("+ {} {} «{}»", span(m), label(m), shown(&m.text)),
            Change::Changed { old, new, fields } => {
                let mut l = format!("~ {}", span(old));
                if fields.contains(&Field::Span) {
                    l.push_str(&format!(" → {}", span(new)));
                }
                l.push_str(&format!(" {}", label(old)));
                if label(old) != label(new) {
                    l.push_str(&format!(" → {}", label(new)));
                }
                let names: Vec<&str> = fields.iter().map(Field::as_str).collect();
                l.push_str(&format!(" ({}) «{}»", names.join(", "), shown(&old.text)));
                if old.text != new.text {
                    l.push_str(&format!(" → «{}»", shown(&new.text)));
                }
                l
            }
        };
        match source.and_then(|s| s.context(c.current(), width)) {
            Some(ctx) => {
                line.push_str("  ");
                line.push_str(&ctx);
            }
            None => missing = true,
        }
        line.push('\n');
        out.push_str(&line);
    }
    if missing {
        let why = match source {
            Some(Source {
                path,
                chars: Some(_),
            }) => format!(
                "{} does not hold these mentions",
                shown(&path.display().to_string())
            ),
            Some(Source { path, chars: None }) => {
                format!("{} not found", shown(&path.display().to_string()))
            }
            None => "not looked for".to_owned(),
        };
        out.push_str(&format!(
            "   note: no context ({why}): spans shown alone; give --docs DIR, the folder that was tagged\n"
        ));
    }
}

/// The last line of [`render_text`].
fn text_summary(s: &Summary, out: &mut String) {
    if s.is_equal() {
        out.push_str(&format!(
            "summary: {} document{} on both sides, no differences\n",
            s.documents,
            if s.documents == 1 { "" } else { "s" }
        ));
    } else {
        out.push_str(&format!(
            "summary: {} document{} on both sides, {} differing: {} added, {} removed, {} changed; \
             {} only in OLD, {} only in NEW\n",
            s.documents,
            if s.documents == 1 { "" } else { "s" },
            s.differing,
            s.added,
            s.removed,
            s.changed,
            s.only_old,
            s.only_new
        ));
    }
}

#[derive(Serialize)]
struct JsonReport<'a> {
    equal: bool,
    summary: Summary,
    documents: Vec<JsonDocument<'a>>,
}

#[derive(Serialize)]
struct JsonDocument<'a> {
    document: &'a str,
    status: &'static str,
    old_chars: Option<usize>,
    new_chars: Option<usize>,
    old_mentions: Option<usize>,
    new_mentions: Option<usize>,
    source: Option<String>,
    changes: Vec<JsonChange<'a>>,
}

#[derive(Serialize)]
struct JsonChange<'a> {
    op: &'static str,
    fields: Vec<&'static str>,
    old: Option<&'a Mention>,
    new: Option<&'a Mention>,
    context: Option<String>,
}

/// The machine-readable report of `gaztag diff --json`, pretty-printed (its shape is in
/// `docs/diff.md`): whether the sides are equal, the [`Summary`], and each document
/// that differs with its changes; each change carries the old and new mentions in the
/// annotation format and a context snippet (`null` when the text was not found).
pub fn render_json(diff: &Diff, sources: &Sources, width: usize) -> String {
    let summary = diff.summary();
    let documents = diff
        .documents
        .iter()
        .filter(|d| !d.is_equal())
        .map(|d| json_document(d, sources.get(&d.document), width))
        .collect();
    let report = JsonReport {
        equal: summary.is_equal(),
        summary,
        documents,
    };
    let mut out = serde_json::to_string_pretty(&report).expect("a report always serializes");
    out.push('\n');
    out
}

/// The entry of [`render_json`]'s `documents` for `d`, a document that is not equal.
fn json_document<'a>(
    d: &'a DocumentDiff,
    source: Option<&Source>,
    width: usize,
) -> JsonDocument<'a> {
    JsonDocument {
        document: &d.document,
        status: match d.only_in() {
            Some(Side::Old) => "only_old",
            Some(Side::New) => "only_new",
            None => "differs",
        },
        old_chars: d.old_chars,
        new_chars: d.new_chars,
        old_mentions: d.old_chars.map(|_| d.old_mentions),
        new_mentions: d.new_chars.map(|_| d.new_mentions),
        source: source
            .filter(|s| s.chars.is_some())
            .map(|s| s.path.display().to_string()),
        changes: d
            .changes
            .iter()
            .map(|c| {
                let context = source.and_then(|s| s.context(c.current(), width));
                let (op, fields, old, new) = match c {
                    Change::Removed(m) => ("removed", vec![], Some(m), None),
                    Change::Added(m) => ("added", vec![], None, Some(m)),
                    Change::Changed { old, new, fields } => (
                        "changed",
                        fields.iter().map(Field::as_str).collect(),
                        Some(&**old),
                        Some(&**new),
                    ),
                };
                JsonChange {
                    op,
                    fields,
                    old,
                    new,
                    context,
                }
            })
            .collect(),
    }
}

/// One side of a comparison as `gaztag diff` reads it: where each document's annotation is,
/// not the annotations themselves.
///
/// [`Run::index`] reads every annotation file once, checking each document as
/// [`read_annotations`](crate::annotation::read_annotations) does, and keeps per document
/// only its name, file, byte range, length and mention count; [`write_report`] then reads
/// the documents back one pair at a time. Memory is the index (about a hundred bytes per
/// document) plus the largest document of each side, not the run: two runs of 200,000
/// documents are compared in a few MB where reading them whole took GBs.
#[derive(Clone, Debug)]
pub struct Run {
    files: Vec<PathBuf>,
    docs: BTreeMap<String, Entry>,
}

/// Where a document's annotation is in a [`Run`].
#[derive(Clone, Copy, Debug)]
struct Entry {
    file: usize,
    offset: u64,
    len: usize,
    chars: usize,
    mentions: usize,
    /// Whether two mentions have the same span: then equal bytes on both sides may still
    /// compare as a change, and are compared.
    repeated_spans: bool,
}

/// Bytes read from an annotation file at a time.
const READ_BUFFER: usize = 1 << 16;

impl Run {
    /// Indexes the annotations at `path` (a `tag --out` folder, a `.json` file or a JSON Lines
    /// file), the files taken as [`annotation_files`](crate::annotation::annotation_files)
    /// lists them.
    ///
    /// Each file is read line by line, and the lines a document spans are parsed when they
    /// are all there: memory is one document (one line of JSON Lines) at a time.
    ///
    /// # Errors
    /// An unreadable path; malformed JSON, or a document annotated twice (two runs in one
    /// folder), as an [`Error::Source`](crate::Error::Source) naming the file and line.
    pub fn index(path: &Path, side: Side) -> crate::Result<Run> {
        let mut errors = Vec::new();
        let files = crate::annotation::annotation_files(path, &mut errors);
        if let Some(e) = errors.into_iter().next() {
            return Err(e);
        }
        let mut run = Run {
            files: Vec::new(),
            docs: BTreeMap::new(),
        };
        for file in files {
            run.index_file(file, side)?;
        }
        Ok(run)
    }

    fn index_file(&mut self, path: PathBuf, side: Side) -> crate::Result<()> {
        use std::io::BufRead as _;
        let io = |e| crate::Error::io(&path, e);
        let file_no = self.files.len();
        let mut reader =
            std::io::BufReader::with_capacity(READ_BUFFER, std::fs::File::open(&path).map_err(io)?);
        // the lines read but not parsed yet: the start of a document that spans more lines
        let mut pending: Vec<u8> = Vec::new();
        // where `pending` starts in the file, on which line, and how far into it
        let (mut at, mut line, mut column) = (0u64, 1usize, 0usize);
        // `pending` is parsed again only once it has doubled since it was last found
        // incomplete (a document of many lines is not parsed once per line)
        let mut parse_at = 0;
        loop {
            let eof = reader.read_until(b'\n', &mut pending).map_err(io)? == 0;
            if !eof && pending.len() < parse_at {
                continue;
            }
            let mut docs = serde_json::Deserializer::from_slice(&pending).into_iter::<Document>();
            let mut done = 0;
            loop {
                let start = docs.byte_offset();
                match docs.next() {
                    None => {
                        done = pending.len();
                        break;
                    }
                    Some(Ok(d)) => {
                        done = docs.byte_offset();
                        let raw = &pending[start..done];
                        let skip = raw.iter().take_while(|b| b.is_ascii_whitespace()).count();
                        let doc_line = line + count_lines(&pending[..start + skip]);
                        let mut spans: Vec<(usize, usize)> =
                            d.mentions.iter().map(|m| (m.start, m.end)).collect();
                        spans.sort_unstable();
                        let entry = Entry {
                            file: file_no,
                            offset: at + (start + skip) as u64,
                            len: raw.len() - skip,
                            chars: d.chars,
                            mentions: d.mentions.len(),
                            repeated_spans: spans.windows(2).any(|w| w[0] == w[1]),
                        };
                        if self.docs.insert(d.document.clone(), entry).is_some() {
                            let e = DuplicateDocument {
                                side,
                                document: d.document,
                            };
                            return Err(crate::Error::source(&path, doc_line, e.to_string()));
                        }
                    }
                    Some(Err(e)) if e.is_eof() && !eof => {
                        parse_at = 2 * (pending.len() - done);
                        break;
                    }
                    Some(Err(e)) => {
                        // the parser counts lines and columns from the start of `pending`:
                        // the message gives them from the start of the file
                        let (l, c) = (e.line(), e.column());
                        let at_line = line + l.max(1) - 1;
                        let at_column = if l <= 1 { column + c } else { c };
                        let text = e.to_string();
                        let text = match text.strip_suffix(&format!(" at line {l} column {c}")) {
                            Some(what) if l > 0 => {
                                format!("{what} at line {at_line} column {at_column}")
                            }
                            _ => text,
                        };
                        return Err(crate::Error::source(
                            &path,
                            at_line,
                            format!("not a gaztag annotation: {text}"),
                        ));
                    }
                }
            }
            if done > 0 {
                match pending[..done].iter().rposition(|&b| b == b'\n') {
                    Some(nl) => column = done - nl - 1,
                    None => column += done,
                }
                line += count_lines(&pending[..done]);
                at += done as u64;
                pending.drain(..done);
                parse_at = parse_at.min(2 * pending.len());
            }
            if eof {
                break;
            }
        }
        self.files.push(path);
        Ok(())
    }

    /// Number of documents.
    pub fn len(&self) -> usize {
        self.docs.len()
    }

    /// Whether there are no documents.
    pub fn is_empty(&self) -> bool {
        self.docs.is_empty()
    }
}

fn count_lines(bytes: &[u8]) -> usize {
    bytes.iter().filter(|&&b| b == b'\n').count()
}

/// Reads the documents of one [`Run`] back, one at a time.
struct RunReader<'a> {
    run: &'a Run,
    open: Option<(usize, std::fs::File)>,
    bytes: Vec<u8>,
}

impl<'a> RunReader<'a> {
    fn new(run: &'a Run) -> RunReader<'a> {
        RunReader {
            run,
            open: None,
            bytes: Vec::new(),
        }
    }

    /// Reads the bytes of `e` into `self.bytes`.
    fn read(&mut self, e: &Entry) -> crate::Result<()> {
        use std::io::{Read as _, Seek as _};
        let path = &self.run.files[e.file];
        let io = |e| crate::Error::io(path, e);
        if self.open.as_ref().is_none_or(|(f, _)| *f != e.file) {
            self.open = Some((e.file, std::fs::File::open(path).map_err(io)?));
        }
        let (_, file) = self.open.as_mut().expect("opened above");
        file.seek(std::io::SeekFrom::Start(e.offset)).map_err(io)?;
        self.bytes.clear();
        self.bytes.try_reserve(e.len).map_err(|_| {
            io(std::io::Error::other(format!(
                "a document of {} bytes",
                e.len
            )))
        })?;
        file.take(e.len as u64)
            .read_to_end(&mut self.bytes)
            .map_err(io)?;
        if self.bytes.len() != e.len {
            return Err(io(std::io::Error::other(
                "the file changed while it was compared",
            )));
        }
        Ok(())
    }

    /// The document read by [`RunReader::read`].
    fn document(&self, e: &Entry) -> crate::Result<Document> {
        serde_json::from_slice(&self.bytes).map_err(|err| {
            crate::Error::io(
                &self.run.files[e.file],
                std::io::Error::other(format!(
                    "the file changed while it was compared (at byte {}: {err})",
                    e.offset
                )),
            )
        })
    }
}

/// Compares the documents of two [`Run`]s one pair at a time, in name order.
struct Pairs<'a> {
    old: RunReader<'a>,
    new: RunReader<'a>,
}

impl<'a> Pairs<'a> {
    /// Every document name of either side, in order, with its entries.
    fn names(
        old: &'a Run,
        new: &'a Run,
    ) -> impl Iterator<Item = (&'a str, Option<&'a Entry>, Option<&'a Entry>)> + 'a {
        let mut o = old.docs.iter().peekable();
        let mut n = new.docs.iter().peekable();
        std::iter::from_fn(move || {
            let order = match (o.peek(), n.peek()) {
                (None, None) => return None,
                (Some(_), None) => std::cmp::Ordering::Less,
                (None, Some(_)) => std::cmp::Ordering::Greater,
                (Some((a, _)), Some((b, _))) => a.cmp(b),
            };
            Some(match order {
                std::cmp::Ordering::Less => {
                    let (name, e) = o.next().expect("peeked");
                    (name.as_str(), Some(e), None)
                }
                std::cmp::Ordering::Greater => {
                    let (name, e) = n.next().expect("peeked");
                    (name.as_str(), None, Some(e))
                }
                std::cmp::Ordering::Equal => {
                    let (name, a) = o.next().expect("peeked");
                    let (_, b) = n.next().expect("peeked");
                    (name.as_str(), Some(a), Some(b))
                }
            })
        })
    }

    /// The comparison of the document `name` (as [`compare`] makes it), reading only what
    /// it needs: nothing for a document on one side, the bytes alone when they are equal.
    fn diff(
        &mut self,
        name: &str,
        old: Option<&Entry>,
        new: Option<&Entry>,
    ) -> crate::Result<DocumentDiff> {
        let mut changes = Vec::new();
        if let (Some(o), Some(n)) = (old, new) {
            self.old.read(o)?;
            self.new.read(n)?;
            // equal bytes are equal mentions, each matched by its span (unless two share one)
            if self.old.bytes != self.new.bytes || o.repeated_spans {
                let (a, b) = (self.old.document(o)?, self.new.document(n)?);
                changes = compare_mentions(&a.mentions, &b.mentions);
            }
        }
        Ok(DocumentDiff {
            document: name.to_owned(),
            old_chars: old.map(|e| e.chars),
            new_chars: new.map(|e| e.chars),
            old_mentions: old.map_or(0, |e| e.mentions),
            new_mentions: new.map_or(0, |e| e.mentions),
            changes,
        })
    }
}

/// The report [`write_report`] writes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// The report of [`render_text`].
    Text,
    /// The JSON of [`render_json`].
    Json,
}

/// Writes the report of `old` against `new` to `out`, byte for byte what [`render_text`] or
/// [`render_json`] give for [`compare`] of the whole runs, holding one document of each
/// side (and one text, for the contexts) at a time. The text report is written as it is
/// made; the JSON, whose summary comes first, takes a first pass for the summary and
/// compares the pairs that differ a second time to write their entries (nothing is written
/// anywhere but `out`: no temporary file).
///
/// # Errors
/// A document that cannot be read again (its file changed since it was indexed); a failed
/// write, as an [`Error::Io`](crate::Error::Io) naming `out_name`.
pub fn write_report(
    old: &Run,
    new: &Run,
    format: Format,
    locator: &Locator,
    width: usize,
    out: &mut dyn std::io::Write,
    out_name: &Path,
) -> crate::Result<Summary> {
    let mut pairs = Pairs {
        old: RunReader::new(old),
        new: RunReader::new(new),
    };
    let mut summary = Summary::default();
    let mut text = String::new();
    let put = |text: &str, out: &mut dyn std::io::Write| {
        out.write_all(text.as_bytes())
            .map_err(|e| crate::Error::io(out_name, e))
    };
    match format {
        Format::Text => {
            for (name, o, n) in Pairs::names(old, new) {
                let d = pairs.diff(name, o, n)?;
                summary.add(&d);
                if d.is_equal() {
                    continue;
                }
                let source = (!d.changes.is_empty()).then(|| Source::find(&d, locator));
                text.clear();
                text_document(&d, source.as_ref(), width, &mut text);
                put(&text, out)?;
            }
            text.clear();
            text_summary(&summary, &mut text);
            put(&text, out)?;
        }
        Format::Json => {
            // one entry of `documents`, one level deeper than alone: strings in JSON hold no
            // line break, so every line is one of the layout's
            let entry = |d: &DocumentDiff, first: bool, text: &mut String| {
                let source = (!d.changes.is_empty()).then(|| Source::find(d, locator));
                let doc = serde_json::to_string_pretty(&json_document(d, source.as_ref(), width))
                    .expect("a document always serializes");
                text.clear();
                text.push_str(if first { "\n" } else { ",\n" });
                for (i, l) in doc.split('\n').enumerate() {
                    if i > 0 {
                        text.push('\n');
                    }
                    text.push_str("    ");
                    text.push_str(l);
                }
            };
            // the summary comes first: a first pass counts, and the pairs that differ are
            // compared again to write their entries (nothing is written but `out`)
            let mut differs = Vec::new();
            let mut first = true;
            for (name, o, n) in Pairs::names(old, new) {
                let d = pairs.diff(name, o, n)?;
                summary.add(&d);
                differs.push(!d.is_equal());
            }
            // the report's own layout: `render_json` pretty-prints it whole
            #[derive(Serialize)]
            struct Head {
                equal: bool,
                summary: Summary,
            }
            let head = serde_json::to_string_pretty(&Head {
                equal: summary.is_equal(),
                summary,
            })
            .expect("a summary always serializes");
            let head = head.strip_suffix("\n}").expect("an object");
            put(head, out)?;
            put(",\n  \"documents\": [", out)?;
            for ((name, o, n), differs) in Pairs::names(old, new).zip(differs) {
                if differs {
                    let d = pairs.diff(name, o, n)?;
                    entry(&d, first, &mut text);
                    first = false;
                    put(&text, out)?;
                }
            }
            put(if first { "]\n}\n" } else { "\n  ]\n}\n" }, out)?;
        }
    }
    Ok(summary)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{EntityType, MatchKind};

    fn m(start: usize, end: usize, kind: EntityType, entity: &str) -> Mention {
        Mention {
            start,
            end,
            byte_start: start,
            byte_end: end,
            text: "x".repeat(end - start),
            kind,
            entity: entity.into(),
            name: entity.into(),
            variant: entity.into(),
            prefix: String::new(),
            how: MatchKind::Exact,
            cost: None,
            score: Default::default(),
            form: Default::default(),
            wikidata: None,
            geonames: None,
            candidates: Vec::new(),
        }
    }

    fn doc(name: &str, mentions: Vec<Mention>) -> Document {
        Document {
            document: name.into(),
            chars: 100,
            encoding: None,
            mentions,
        }
    }

    /// Changes as short strings: `-0..3`, `+5..8`, `~0..3>0..5:span`.
    fn short(changes: &[Change]) -> Vec<String> {
        changes
            .iter()
            .map(|c| match c {
                Change::Removed(m) => format!("-{}", span(m)),
                Change::Added(m) => format!("+{}", span(m)),
                Change::Changed { old, new, fields } => {
                    let f: Vec<&str> = fields.iter().map(Field::as_str).collect();
                    format!("~{}>{}:{}", span(old), span(new), f.join(","))
                }
            })
            .collect()
    }

    use EntityType::{Loc, Org, Per};

    #[test]
    fn same_span_changes_type_or_entity() {
        let old = [m(0, 3, Loc, "a"), m(5, 8, Loc, "b"), m(10, 12, Per, "c")];
        let new = [m(0, 3, Org, "a"), m(5, 8, Loc, "bb"), m(10, 12, Per, "c")];
        assert_eq!(
            short(&compare_mentions(&old, &new)),
            ["~0..3>0..3:type", "~5..8>5..8:entity"]
        );
        assert!(compare_mentions(&old, &old).is_empty());
    }

    #[test]
    fn overlapping_spans_are_span_changes_and_the_rest_added_or_removed() {
        let old = [m(0, 3, Loc, "a"), m(10, 14, Per, "p"), m(20, 22, Loc, "z")];
        let new = [
            m(0, 7, Loc, "a"),     // grew
            m(8, 11, Org, "o"),    // overlaps 10..14 by 1
            m(11, 14, Per, "p"),   // overlaps 10..14 by 3: wins
            m(30, 33, Loc, "new"), // added
        ];
        assert_eq!(
            short(&compare_mentions(&old, &new)),
            [
                "~0..3>0..7:span",
                "+8..11",
                "~10..14>11..14:span",
                "-20..22",
                "+30..33"
            ]
        );
    }

    #[test]
    fn a_split_name_is_one_change_and_one_addition() {
        let old = [m(0, 15, Loc, "nk")];
        let new = [m(0, 7, Loc, "ng"), m(8, 15, Loc, "nk")];
        assert_eq!(
            short(&compare_mentions(&old, &new)),
            ["+0..7", "~0..15>8..15:span"]
        );
        // and the other way round
        assert_eq!(
            short(&compare_mentions(&new, &old)),
            ["-0..7", "~8..15>0..15:span"]
        );
        // the same entity wins over a larger overlap
        let old = [m(0, 10, Loc, "x")];
        let new = [m(0, 8, Loc, "y"), m(8, 10, Loc, "x")];
        assert_eq!(
            short(&compare_mentions(&old, &new)),
            ["+0..8", "~0..10>8..10:span"]
        );
    }

    #[test]
    fn span_and_type_change_together() {
        let old = [m(0, 3, Loc, "a")];
        let new = [m(1, 3, Per, "b")];
        assert_eq!(
            short(&compare_mentions(&old, &new)),
            ["~0..3>1..3:span,type,entity"]
        );
    }

    #[test]
    fn documents_are_matched_by_name_and_one_sided_ones_reported() {
        let old = [
            doc("b.txt", vec![m(0, 3, Loc, "a")]),
            doc("a.txt", vec![m(0, 3, Loc, "a")]),
            doc("gone.txt", vec![m(0, 3, Loc, "a"), m(4, 5, Loc, "b")]),
        ];
        let new = [
            doc("a.txt", vec![m(0, 3, Loc, "a")]),
            doc("b.txt", vec![]),
            doc("fresh.txt", vec![]),
        ];
        let diff = compare(&old, &new).unwrap();
        let names: Vec<&str> = diff.documents.iter().map(|d| d.document.as_str()).collect();
        assert_eq!(names, ["a.txt", "b.txt", "fresh.txt", "gone.txt"]);
        assert_eq!(diff.documents[2].only_in(), Some(Side::New));
        assert_eq!(diff.documents[3].only_in(), Some(Side::Old));
        assert_eq!(diff.documents[3].old_mentions, 2);
        assert!(diff.documents[0].is_equal());
        let s = diff.summary();
        assert_eq!(
            s,
            Summary {
                documents: 2,
                differing: 1,
                only_old: 1,
                only_new: 1,
                added: 0,
                removed: 1,
                changed: 0
            }
        );
        assert!(!diff.is_equal() && !s.is_equal());
        let same = compare(&old, &old).unwrap();
        assert!(same.is_equal() && same.summary().is_equal());

        let text = render_text(&diff, &Sources::default(), 10);
        assert_eq!(
            text,
            "== b.txt: 0 added, 1 removed, 0 changed\n\
             - 0..3 LOC a «xxx»\n   \
             note: no context (not looked for): spans shown alone; give --docs DIR, the folder that was tagged\n\
             == fresh.txt: only in NEW (0 mentions)\n\
             == gone.txt: only in OLD (2 mentions)\n\
             summary: 2 documents on both sides, 1 differing: 0 added, 1 removed, 0 changed; \
             1 only in OLD, 1 only in NEW\n"
        );
        assert_eq!(
            render_text(&same, &Sources::default(), 10),
            "summary: 3 documents on both sides, no differences\n"
        );
    }

    /// One document with 100k mentions a side, each new one shifted by a character: used to
    /// compare every pair (quadratic), now each old mention looks at its neighbours only.
    #[test]
    fn many_overlapping_mentions_compare_in_linear_time() {
        let n = 100_000;
        let old: Vec<Mention> = (0..n)
            .map(|i| m(4 * i, 4 * i + 3, EntityType::Loc, "a"))
            .collect();
        let new: Vec<Mention> = (0..n)
            .map(|i| m(4 * i + 1, 4 * i + 4, EntityType::Loc, "a"))
            .collect();
        let start = std::time::Instant::now();
        let changes = compare_mentions(&old, &new);
        assert_eq!(changes.len(), n);
        assert!(changes.iter().all(|c| matches!(c, Change::Changed { .. })));
        assert!(
            start.elapsed() < std::time::Duration::from_secs(20),
            "{:?}",
            start.elapsed()
        );
    }

    #[test]
    fn contexts_neither_overflow_nor_carry_escapes() {
        let chars: Vec<char> = "قال \u{1b}[2J بوتين \u{7}اليوم".chars().collect();
        let ctx = context(&chars, 9, 14, usize::MAX);
        assert!(!ctx.contains('\u{1b}') && !ctx.contains('\u{7}'), "{ctx:?}");
        assert!(ctx.contains("[بوتين]"), "{ctx:?}");
        let mut evil = m(0, 3, EntityType::Per, "x\u{1b}]0;pwned\u{7}");
        evil.text = "\u{1b}[31m".into();
        let diff = compare(
            &[doc("a\u{1b}[2J.txt", vec![])],
            &[doc("a\u{1b}[2J.txt", vec![evil])],
        )
        .unwrap();
        let report = render_text(&diff, &Sources::default(), 30);
        assert!(
            !report.contains('\u{1b}') && !report.contains('\u{7}'),
            "{report:?}"
        );
    }

    #[test]
    fn a_document_twice_on_one_side_is_refused() {
        let old = [doc("a.txt", vec![]), doc("a.txt", vec![])];
        let e = compare(&old, &[]).unwrap_err();
        assert_eq!(
            e,
            DuplicateDocument {
                side: Side::Old,
                document: "a.txt".into()
            }
        );
        assert!(e.to_string().contains("`a.txt` is annotated twice in OLD"));
    }

    #[test]
    fn contexts_come_from_the_text_when_it_holds_the_mention() {
        let dir = tempfile::tempdir().unwrap();
        let text = "قال\n\u{200F}بوتين اليوم كلاما طويلا";
        std::fs::write(dir.path().join("a.txt"), format!("\u{FEFF}{text}")).unwrap();
        let tagger = crate::Tagger::new(crate::Gazetteer::embedded());
        let old = tagger.annotate("a.txt", text);
        let mut new = old.clone();
        new.mentions.clear();
        let mut stale = old.clone();
        stale.document = "stale.txt".into();
        std::fs::write(dir.path().join("stale.txt"), "نص آخر تماما لا يحوي الاسم").unwrap();
        let mut stale_new = stale.clone();
        stale_new.mentions.clear();
        let diff = compare(&[old, stale], &[new, stale_new]).unwrap();
        let sources = Sources::load(&diff, &Locator::new(Some(dir.path()), &[], &mut Vec::new()));
        let report = render_text(&diff, &sources, 5);
        assert!(
            report.contains("- 5..10 PER vladimir-putin «بوتين»  قال [بوتين] اليو…\n"),
            "{report}"
        );
        assert!(
            report.contains("stale.txt does not hold these mentions"),
            "{report}"
        );
        let json: serde_json::Value =
            serde_json::from_str(&render_json(&diff, &sources, 5)).unwrap();
        assert_eq!(json["equal"], false);
        assert_eq!(json["summary"]["removed"], 2);
        let docs = json["documents"].as_array().unwrap();
        assert_eq!(docs[0]["status"], "differs");
        assert_eq!(docs[0]["changes"][0]["op"], "removed");
        assert_eq!(docs[0]["changes"][0]["old"]["entity"], "vladimir-putin");
        assert_eq!(docs[0]["changes"][0]["context"], "قال [بوتين] اليو…");
        assert_eq!(docs[0]["changes"][0]["new"], serde_json::Value::Null);
        assert_eq!(docs[1]["changes"][0]["context"], serde_json::Value::Null);
        // no folder: the name is taken as a path, and is not found from here
        let report = render_text(&diff, &Sources::load(&diff, &Locator::default()), 5);
        assert!(report.contains("a.txt not found"), "{report}");
    }

    /// Writes `docs` as JSON Lines, or pretty-printed one after the other, into `path`.
    fn write_docs(path: &Path, docs: &[Document], pretty: bool) {
        let mut text = String::new();
        for d in docs {
            if pretty {
                text.push_str(&serde_json::to_string_pretty(d).unwrap());
            } else {
                text.push_str(&serde_json::to_string(d).unwrap());
            }
            text.push('\n');
        }
        std::fs::write(path, text).unwrap();
    }

    fn report(old: &Path, new: &Path, format: Format, locator: &Locator) -> (String, Summary) {
        let (old, new) = (
            Run::index(old, Side::Old).unwrap(),
            Run::index(new, Side::New).unwrap(),
        );
        let mut out = Vec::new();
        let s = write_report(&old, &new, format, locator, 5, &mut out, Path::new("-")).unwrap();
        (String::from_utf8(out).unwrap(), s)
    }

    /// The report written one pair at a time is the one made of the whole runs, in both
    /// formats and both layouts (JSON Lines, pretty-printed documents one after the other),
    /// with documents on one side, equal ones, ones whose bytes are equal but whose mentions
    /// share a span, and contexts.
    #[test]
    fn the_streamed_report_is_the_whole_one() {
        let dir = tempfile::tempdir().unwrap();
        let tagger = crate::Tagger::new(crate::Gazetteer::embedded());
        let text = "زار بوتين باكو ثم موسكو";
        std::fs::write(dir.path().join("a.txt"), text).unwrap();
        let a = tagger.annotate("a.txt", text);
        let mut a2 = a.clone();
        a2.mentions.remove(0);
        let mut twice = doc("twice.txt", vec![m(0, 3, Loc, "a"), m(0, 3, Loc, "b")]);
        twice.chars = 3;
        let old = vec![
            a.clone(),
            doc("b.txt", vec![m(0, 3, Loc, "a"), m(5, 8, Per, "p")]),
            doc("gone.txt", vec![m(0, 3, Loc, "a")]),
            doc("same.txt", vec![m(1, 2, Org, "o")]),
            twice.clone(),
        ];
        let new = vec![
            doc("b.txt", vec![m(0, 4, Loc, "a"), m(9, 10, Per, "q")]),
            a2,
            doc("fresh.txt", vec![]),
            doc("same.txt", vec![m(1, 2, Org, "o")]),
            twice,
        ];
        let locator = Locator::new(Some(dir.path()), &[], &mut Vec::new());
        let whole = compare(&old, &new).unwrap();
        let sources = Sources::load(&whole, &locator);
        assert!(
            !whole.documents[5].changes.is_empty(),
            "twice.txt compares as changed"
        );
        for pretty in [false, true] {
            let (o, n) = (dir.path().join("old.json"), dir.path().join("new.jsonl"));
            write_docs(&o, &old, pretty);
            write_docs(&n, &new, pretty);
            let (text, s) = report(&o, &n, Format::Text, &locator);
            assert_eq!(text, render_text(&whole, &sources, 5));
            assert_eq!(s, whole.summary());
            assert!(text.contains("[بوتين]"), "{text}");
            let (json, _) = report(&o, &n, Format::Json, &locator);
            assert_eq!(json, render_json(&whole, &sources, 5));
            // written by `write_report` directly, from indexed runs
            let mut unspooled = Vec::new();
            let runs = (
                Run::index(&o, Side::Old).unwrap(),
                Run::index(&n, Side::New).unwrap(),
            );
            write_report(
                &runs.0,
                &runs.1,
                Format::Json,
                &locator,
                5,
                &mut unspooled,
                Path::new("-"),
            )
            .unwrap();
            assert_eq!(String::from_utf8(unspooled).unwrap(), json);
            // equal runs, and empty ones
            let (json, s) = report(&o, &o, Format::Json, &locator);
            assert_eq!(
                json,
                render_json(&compare(&old, &old).unwrap(), &sources, 5)
            );
            assert_eq!(s.documents, 5);
            let empty = dir.path().join("empty.jsonl");
            std::fs::write(&empty, "").unwrap();
            let (json, _) = report(&empty, &empty, Format::Json, &locator);
            assert_eq!(json, render_json(&compare(&[], &[]).unwrap(), &sources, 5));
            let (text, _) = report(&empty, &o, Format::Text, &locator);
            assert_eq!(text, render_text(&compare(&[], &old).unwrap(), &sources, 5));
        }
    }

    /// What `write_report` compares is read from the file when it is compared: changing a
    /// document between indexing and comparing shows (the old design read everything first,
    /// and compared what it held), and a file cut short since is an error naming it.
    #[test]
    fn runs_are_read_when_compared_and_hold_no_mentions() {
        let dir = tempfile::tempdir().unwrap();
        let (o, n) = (dir.path().join("old.jsonl"), dir.path().join("new.jsonl"));
        let docs: Vec<Document> = (0..50)
            .map(|i| doc(&format!("{i:02}.txt"), vec![m(i, i + 3, Loc, "a")]))
            .collect();
        write_docs(&o, &docs, false);
        write_docs(&n, &docs, false);
        let (old, new) = (
            Run::index(&o, Side::Old).unwrap(),
            Run::index(&n, Side::New).unwrap(),
        );
        assert_eq!((old.len(), new.len()), (50, 50));
        let mut changed = docs.clone();
        changed[7].mentions[0].kind = Per;
        write_docs(&n, &changed, false);
        let mut out = Vec::new();
        let s = write_report(
            &old,
            &new,
            Format::Text,
            &Locator::default(),
            5,
            &mut out,
            Path::new("-"),
        )
        .unwrap();
        assert_eq!((s.differing, s.changed), (1, 1));
        // a file that shrank since: an error naming it, no panic
        std::fs::write(&n, "").unwrap();
        let e = write_report(
            &old,
            &new,
            Format::Json,
            &Locator::default(),
            5,
            &mut Vec::new(),
            Path::new("-"),
        )
        .unwrap_err()
        .to_string();
        assert!(
            e.contains("new.jsonl") && e.contains("changed while"),
            "{e}"
        );
    }

    #[test]
    fn malformed_and_repeated_documents_name_file_and_line() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("x.jsonl");
        let ok = r#"{"document":"a.txt","chars":0,"mentions":[]}"#;
        for (text, want) in [
            (
                format!("{ok}\n\n{{\"document\": \"y\", oops}}\n"),
                "x.jsonl:3: not a gaztag",
            ),
            (
                format!("{ok}\n{ok}\n"),
                "x.jsonl:2: document `a.txt` is annotated twice in NEW",
            ),
            // pretty-printed: the line inside the document
            (
                format!("{ok}\n{{\n\"document\": \"b\",\n\"chars\": -1}}"),
                "x.jsonl:4: not a gaztag",
            ),
            // cut short
            (
                format!("{ok}\n{{\"document\": \"b\","),
                "x.jsonl:2: not a gaztag",
            ),
            // a bad document after a good one that spans lines
            (
                format!(
                    "{ok}\n{{\n\"document\":\"b\",\"chars\":0,\"mentions\":[]}} {{\"document\": oops}}\n"
                ),
                "x.jsonl:3: not a gaztag",
            ),
        ] {
            std::fs::write(&p, text).unwrap();
            let e = Run::index(&p, Side::New).unwrap_err().to_string();
            assert!(e.contains(want), "{want}: {e}");
            // the message of the reader that parses the whole file, position included
            if !want.contains("twice") {
                let whole = crate::annotation::read_annotation_file(&p).unwrap_err();
                assert_eq!(e, whole.to_string());
            }
        }
        // several documents on a line, and one over many lines
        std::fs::write(
            &p,
            format!(
                "{ok} {}\n{{\n\"document\":\n\"c\",\n\"chars\":1,\"mentions\":[]}}",
                ok.replace("a.txt", "b.txt")
            ),
        )
        .unwrap();
        assert_eq!(Run::index(&p, Side::New).unwrap().len(), 3);
    }
}
