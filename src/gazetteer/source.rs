//! Parses the human-edited gazetteer sources (format: `gazetteer/README.md`).
//!
//! A source file is read in batches of whole lines ([`READ_BATCH_BYTES`]), never whole, and
//! the lines of a batch are parsed on every core; the entities and problems are those of a
//! line-by-line reading, in the same order. Every limit that keeps a hostile source from
//! exhausting memory or time is a constant here ([`MAX_LINE_BYTES`], [`MAX_SPELLINGS`],
//! [`MAX_SPELLING_CHARS`], [`MAX_SPELLING_WORDS`]); what breaks one is an error naming the
//! file and line.
//!
//! This module needs only std, rayon and its sibling modules: `build.rs` includes it to
//! compile the default gazetteer into the binary.

use std::fmt;
use std::io::Read;
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};
use crate::normalize;
use crate::segment;

/// The kind of a named entity.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum EntityType {
    /// A person.
    Per,
    /// A place: country, city, region, geographic area.
    Loc,
    /// A named organization.
    Org,
}

impl EntityType {
    /// The tag as written in sources and annotations: `PER`, `LOC`, `ORG`.
    pub fn as_str(self) -> &'static str {
        match self {
            EntityType::Per => "PER",
            EntityType::Loc => "LOC",
            EntityType::Org => "ORG",
        }
    }

    /// Parses `PER`, `LOC` or `ORG`.
    pub fn parse(s: &str) -> Option<EntityType> {
        match s {
            "PER" => Some(EntityType::Per),
            "LOC" => Some(EntityType::Loc),
            "ORG" => Some(EntityType::Org),
            _ => None,
        }
    }

    pub(crate) fn code(self) -> u32 {
        self as u32
    }

    pub(crate) fn from_code(code: u32) -> Option<EntityType> {
        [EntityType::Per, EntityType::Loc, EntityType::Org]
            .get(code as usize)
            .copied()
    }
}

impl fmt::Display for EntityType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One spelling of an entity.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Variant {
    /// The spelling as written in the source (without the `=` marker).
    pub text: String,
    /// Matched only where the text spells it exactly (diacritics and tatweel aside).
    pub exact: bool,
}

/// One entity line of a source file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entity {
    /// Stable identifier.
    pub id: String,
    /// PER, LOC or ORG.
    pub kind: EntityType,
    /// Canonical name; also `variants[0]`.
    pub name: String,
    /// Every spelling, the canonical name first.
    pub variants: Vec<Variant>,
    /// English name, if given.
    pub en: Option<String>,
    /// Wikidata id, if given.
    pub wikidata: Option<String>,
    /// GeoNames id (digits), if given.
    pub geonames: Option<String>,
    /// Prior weight (`weight=` field): how often or how prominently this entity is the one a
    /// spelling names (a training count, a population, a number of Wikipedia articles). Larger
    /// ranks first among entities sharing a key; `None` when not given.
    pub weight: Option<u64>,
    /// Adjective (nisba) forms naming the place's people or things (`أذربيجاني`, `أذربيجانية`),
    /// matched only when tagging with demonyms on.
    pub demonyms: Vec<String>,
    /// Short forms (`short=` field: an acronym, a short name) that name the entity only after
    /// its full name has appeared in the same document (`الحلف` after `حلف شمال الأطلسي`).
    pub short: Vec<String>,
    /// File the entity was read from.
    pub path: PathBuf,
    /// 1-based line in that file.
    pub line: usize,
}

/// Everything in a gazetteer source folder.
#[derive(Clone, Debug, Default)]
pub struct Sources {
    /// Entities in file-name order, then line order.
    pub entities: Vec<Entity>,
    /// Words that only match a variant spelled exactly like them (`common-words.txt`).
    pub common_words: Vec<String>,
    /// The name rules' word lists (`given-names.txt`, `foreign-given-names.txt`,
    /// `surnames.txt`, `name-parts.txt`, `titles.txt`).
    pub name_words: NameWords,
}

/// The word lists the person-name rules use (see `gazetteer/README.md`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct NameWords {
    /// Given names (`given-names.txt`): one followed by name-like words is a person.
    pub given: Vec<String>,
    /// Words known as parts of person names (`name-parts.txt`): a run of two or more is a
    /// person.
    pub parts: Vec<String>,
    /// Person titles (`titles.txt`, one or more words each): a title followed by name-like
    /// words introduces a person.
    pub titles: Vec<String>,
    /// Family names (`surnames.txt`): after an Arabic given name, the evidence that the two
    /// words are a person's name (نبيل [فرحات]) and not a noun phrase (نجم السينما).
    pub surnames: Vec<String>,
    /// Given names of other languages (`foreign-given-names.txt`: فلاديمير, جون): no Arabic
    /// word is spelled so, so one is a given name (as if in `given-names.txt`) that needs no
    /// known surname after it.
    pub foreign_given: Vec<String>,
}

/// The file of common words inside a source folder.
pub const COMMON_WORDS_FILE: &str = "common-words.txt";
/// The file of given names inside a source folder.
pub const GIVEN_NAMES_FILE: &str = "given-names.txt";
/// The file of person-name parts inside a source folder.
pub const NAME_PARTS_FILE: &str = "name-parts.txt";
/// The file of person titles inside a source folder.
pub const TITLES_FILE: &str = "titles.txt";
/// The file of family names inside a source folder.
pub const SURNAMES_FILE: &str = "surnames.txt";
/// The file of given names of other languages inside a source folder.
pub const FOREIGN_GIVEN_FILE: &str = "foreign-given-names.txt";

/// Longest line a source file may have, in bytes, its line end left out: 64 KiB.
///
/// A longer line is refused (`file:line: line longer than 65536 bytes …`) once the first
/// [`READ_BATCH_BYTES`] of it are read, never read whole: a file of one huge line, or a binary
/// file without line ends, never fills memory. (The default gazetteer's longest line has a few
/// hundred bytes.)
pub const MAX_LINE_BYTES: usize = 64 * 1024;

/// Most characters one spelling (a canonical name, variant, demonym or short form) may have.
pub const MAX_SPELLING_CHARS: usize = 256;

/// Most words one spelling may have, as the matcher splits them ([`segment::words`]). The
/// tagger follows a name word by word from each word of a text: this bounds how far one walk
/// can go.
pub const MAX_SPELLING_WORDS: usize = 24;

/// Most spellings one entity may have: its canonical name, variants, demonyms and short forms
/// together. (Checking and compiling an entity compare its spellings with each other.)
pub const MAX_SPELLINGS: usize = 1000;

/// Bytes of a source file read at a time: whole lines, parsed on every core before the next
/// batch is read. The most memory a file's text takes at once, whatever its size.
pub const READ_BATCH_BYTES: usize = 8 << 20;

/// Pieces a batch is cut into, one per parallel task.
const PIECES_PER_BATCH: usize = 32;

const BOM: &[u8] = "\u{FEFF}".as_bytes();

/// Reads every `*.tsv` file and the word lists in `dir`, failing on the first problem.
///
/// Each file is read in batches of [`READ_BATCH_BYTES`] (never whole), and the lines of a
/// batch are parsed on every core ([`rayon`]); entities, and the first problem, are the same
/// as a line-by-line reading's. Reading stops at the first problem.
///
/// # Errors
/// An unreadable folder or file; a line that is malformed, too long ([`MAX_LINE_BYTES`]),
/// binary (a NUL byte) or not UTF-8, or breaks a limit ([`MAX_SPELLINGS`],
/// [`MAX_SPELLING_CHARS`], [`MAX_SPELLING_WORDS`]), with file and line; an id used twice.
pub fn read_dir(dir: &Path) -> Result<Sources> {
    let mut problems = Vec::new();
    let sources = read_dir_with(dir, &mut problems, true)?;
    match problems.into_iter().next() {
        Some(e) => Err(e),
        None => Ok(sources),
    }
}

/// Reads a source folder, pushing every problem line to `problems` instead of stopping: a
/// malformed or too long line is reported and skipped; binary data or invalid UTF-8 is
/// reported once, and the rest of that file is not read.
///
/// # Errors
/// Only for a folder or file that cannot be read at all.
pub fn read_dir_collecting(dir: &Path, problems: &mut Vec<Error>) -> Result<Sources> {
    read_dir_with(dir, problems, false)
}

fn read_dir_with(dir: &Path, problems: &mut Vec<Error>, first_only: bool) -> Result<Sources> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(|e| Error::io(dir, e))? {
        let path = entry.map_err(|e| Error::io(dir, e))?.path();
        if path.extension().is_some_and(|e| e == "tsv") && path.is_file() {
            files.push(path);
        }
    }
    if files.is_empty() {
        return Err(Error::io(
            dir,
            std::io::Error::new(
                std::io::ErrorKind::NotFound,
                "no gazetteer source (*.tsv) here",
            ),
        ));
    }
    files.sort();
    let mut sources = Sources::default();
    let before = problems.len();
    let stop = |problems: &Vec<Error>| first_only && problems.len() > before;
    for path in &files {
        let file = std::fs::File::open(path).map_err(|e| Error::io(path, e))?;
        let batches = LineReader::new(file, READ_BATCH_BYTES);
        parse_batches(path, batches, first_only, &mut sources.entities, problems)
            .map_err(|e| Error::io(path, e))?;
        if stop(problems) {
            return Ok(sources);
        }
    }
    duplicate_ids(&sources.entities, problems, first_only);
    let mut list = |file: &str| -> Result<Vec<String>> {
        let path = dir.join(file);
        if stop(problems) {
            return Ok(Vec::new());
        }
        match std::fs::metadata(&path) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(e) => return Err(Error::io(&path, e)),
            // a FIFO would block the load forever, a device never end
            Ok(m) if !m.is_file() => {
                return Err(Error::io(
                    &path,
                    std::io::Error::new(
                        std::io::ErrorKind::InvalidInput,
                        "not a regular file: a word list must be a plain text file",
                    ),
                ));
            }
            Ok(_) => {}
        }
        read_word_list(&path, first_only, problems)
    };
    sources.common_words = list(COMMON_WORDS_FILE)?;
    sources.name_words = NameWords {
        given: list(GIVEN_NAMES_FILE)?,
        parts: list(NAME_PARTS_FILE)?,
        titles: list(TITLES_FILE)?,
        surnames: list(SURNAMES_FILE)?,
        foreign_given: list(FOREIGN_GIVEN_FILE)?,
    };
    Ok(sources)
}

/// Pushes an error for every id defined more than once.
pub fn check_unique_ids(entities: &[Entity], problems: &mut Vec<Error>) {
    duplicate_ids(entities, problems, false);
}

/// Pushes an error for every entity whose id an earlier entity has (all of them, or the
/// first). The ids are hashed and sorted on every core, and only ids of equal hashes are
/// compared: no cost in proportion to the number of entities squared, even when every entity
/// has the same id.
fn duplicate_ids(entities: &[Entity], problems: &mut Vec<Error>, first_only: bool) {
    use rayon::prelude::*;
    use std::hash::BuildHasher;
    let state = std::collections::hash_map::RandomState::new();
    let mut hashed: Vec<(u64, usize)> = entities
        .par_iter()
        .enumerate()
        .map(|(i, e)| (state.hash_one(e.id.as_str()), i))
        .collect();
    hashed.par_sort_unstable();
    // (duplicate, first definition)
    let mut duplicates: Vec<(usize, usize)> = Vec::new();
    for run in hashed
        .chunk_by(|a, b| a.0 == b.0)
        .filter(|run| run.len() > 1)
    {
        let mut run: Vec<usize> = run.iter().map(|&(_, i)| i).collect();
        run.sort_by(|&a, &b| entities[a].id.cmp(&entities[b].id).then(a.cmp(&b)));
        for same in run.chunk_by(|&a, &b| entities[a].id == entities[b].id) {
            duplicates.extend(same[1..].iter().map(|&d| (d, same[0])));
        }
    }
    duplicates.sort_unstable();
    let n = if first_only { 1 } else { duplicates.len() };
    for &(d, first) in duplicates.iter().take(n) {
        let (e, first) = (&entities[d], &entities[first]);
        problems.push(Error::source(
            &e.path,
            e.line,
            format!(
                "duplicate id `{}` (first defined at {}:{})",
                e.id,
                first.path.display(),
                first.line
            ),
        ));
    }
}

/// Parses entity lines, failing on the first malformed one: for text written by a program or
/// a test, where one bad line means the caller is wrong.
///
/// # Errors
/// [`Error::Source`] with `path` and the line.
///
/// # Example
/// ```
/// let e = gaztag::gazetteer::source::parse_str("x.tsv".as_ref(), "baku\tLOC\tباكو\tBaku\n").unwrap();
/// assert_eq!((e[0].id.as_str(), e[0].variants.len()), ("baku", 2));
/// let err = gaztag::gazetteer::source::parse_str("x.tsv".as_ref(), "baku LOC").unwrap_err();
/// assert!(err.to_string().starts_with("x.tsv:1: "));
/// ```
pub fn parse_str(path: &Path, text: &str) -> Result<Vec<Entity>> {
    let (mut out, mut problems) = (Vec::new(), Vec::new());
    parse_entities(path, text, &mut out, &mut problems);
    match problems.into_iter().next() {
        Some(e) => Err(e),
        None => Ok(out),
    }
}

/// Parses one entity file's text, appending entities and problems (as
/// [`read_dir_collecting`] does for a file).
pub fn parse_entities(path: &Path, text: &str, out: &mut Vec<Entity>, problems: &mut Vec<Error>) {
    let bytes = text.as_bytes();
    let start = if bytes.starts_with(BOM) { BOM.len() } else { 0 };
    let mut line = 0;
    parse_piece(path, &bytes[start..], start as u64).merge_into(path, &mut line, out, problems);
}

/// Parses an entity file, batch by batch, each batch's pieces on every core; stops at the
/// first problem when `first_only`, and at binary data or invalid UTF-8 in any case. Only
/// reading can fail.
fn parse_batches(
    path: &Path,
    mut batches: LineReader<impl Read>,
    first_only: bool,
    out: &mut Vec<Entity>,
    problems: &mut Vec<Error>,
) -> std::io::Result<()> {
    use rayon::prelude::*;
    let piece_bytes = batches.batch / PIECES_PER_BATCH;
    let before = problems.len();
    let mut line = 0; // lines before the batch
    while let Some(batch) = batches.next_batch()? {
        let bytes = &batch.lines;
        let start = if batch.offset == 0 && bytes.starts_with(BOM) {
            BOM.len()
        } else {
            0
        };
        let pieces = pieces(bytes, start, piece_bytes);
        let parse =
            |&(s, e): &(usize, usize)| parse_piece(path, &bytes[s..e], batch.offset + s as u64);
        let parsed: Vec<Piece> = if pieces.len() > 1 {
            pieces.par_iter().map(parse).collect()
        } else {
            pieces.iter().map(parse).collect()
        };
        // the over-long line after the batch, seen through its first bytes
        let long = batch
            .long
            .as_deref()
            .map(|head| parse_piece(path, head, batch.offset + bytes.len() as u64));
        for piece in parsed.into_iter().chain(long) {
            let fatal = piece.merge_into(path, &mut line, out, problems);
            if fatal || (first_only && problems.len() > before) {
                return Ok(());
            }
        }
    }
    Ok(())
}

/// Splits whole lines `bytes[start..]` into ranges of about `size` bytes, each ending after a
/// line end (or at the end).
fn pieces(bytes: &[u8], start: usize, size: usize) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut at = start;
    while at < bytes.len() {
        let from = (at + size).min(bytes.len());
        let end = bytes[from..]
            .iter()
            .position(|&b| b == b'\n')
            .map_or(bytes.len(), |i| from + i + 1);
        out.push((at, end));
        at = end;
    }
    out
}

/// What a piece of a file gave; its line numbers count from the piece's first line (1).
#[derive(Default)]
struct Piece {
    entities: Vec<Entity>,
    problems: Vec<(usize, String)>,
    /// Lines in the piece (up to the fatal one, if any).
    lines: usize,
    /// Binary data or invalid UTF-8: the rest of the file is not read.
    fatal: bool,
}

impl Piece {
    /// Appends the piece's entities and problems, numbered from `line` (the lines before the
    /// piece), and moves `line` past it; whether the rest of the file must be skipped.
    fn merge_into(
        self,
        path: &Path,
        line: &mut usize,
        out: &mut Vec<Entity>,
        problems: &mut Vec<Error>,
    ) -> bool {
        let base = *line;
        out.extend(self.entities.into_iter().map(|mut e| {
            e.line += base;
            e
        }));
        problems.extend(
            self.problems
                .into_iter()
                .map(|(l, m)| Error::source(path, base + l, m)),
        );
        *line += self.lines;
        self.fatal
    }
}

/// Parses the lines of `bytes`, found at byte `offset` of their file.
fn parse_piece(path: &Path, bytes: &[u8], offset: u64) -> Piece {
    let mut piece = Piece::default();
    for (raw, at) in lines(bytes) {
        piece.lines += 1;
        let n = piece.lines;
        let text = match line_text(raw, offset + at as u64) {
            Ok(text) => text,
            Err((message, fatal)) => {
                piece.problems.push((n, message));
                if fatal {
                    piece.fatal = true;
                    break;
                }
                continue;
            }
        };
        let line = text.trim_end_matches('\r');
        if line.trim().is_empty() || line.trim_start().starts_with('#') {
            continue;
        }
        match parse_line(line, path, n) {
            Ok(entity) => piece.entities.push(entity),
            Err(message) => piece.problems.push((n, message)),
        }
    }
    piece
}

/// The lines of `bytes` (without their `\n`), each with its byte offset in `bytes`.
fn lines(bytes: &[u8]) -> impl Iterator<Item = (&[u8], usize)> {
    let mut at = 0;
    std::iter::from_fn(move || {
        if at >= bytes.len() {
            return None;
        }
        let start = at;
        let end = bytes[at..]
            .iter()
            .position(|&b| b == b'\n')
            .map_or(bytes.len(), |i| at + i);
        at = end + 1;
        Some((&bytes[start..end], start))
    })
}

const REST_SKIPPED: &str = "gazetteer sources are UTF-8 text; the rest of this file is not read";

/// The text of one line (its `\n` left out) found at byte `offset` of its file, or what is
/// wrong with it and whether that is fatal for the file: binary data (a NUL byte) or invalid
/// UTF-8 are; a line longer than [`MAX_LINE_BYTES`] is not. Only the first
/// [`MAX_LINE_BYTES`] bytes of a line are looked at before it is found too long.
fn line_text(raw: &[u8], offset: u64) -> std::result::Result<&str, (String, bool)> {
    let head = &raw[..raw.len().min(MAX_LINE_BYTES)];
    if head.contains(&0) {
        let at = offset + head.iter().position(|&b| b == 0).unwrap_or(0) as u64;
        return Err((
            format!("binary data, not text: a NUL byte at byte offset {at} ({REST_SKIPPED})"),
            true,
        ));
    }
    let invalid = |e: std::str::Utf8Error| {
        let at = offset + e.valid_up_to() as u64;
        (
            format!(
                "not valid UTF-8: the first invalid byte is at byte offset {at} ({REST_SKIPPED})"
            ),
            true,
        )
    };
    if raw.len() > MAX_LINE_BYTES {
        if let Err(e) = std::str::from_utf8(head)
            && e.error_len().is_some()
        {
            return Err(invalid(e));
        }
        return Err((
            format!(
                "line longer than {MAX_LINE_BYTES} bytes, the most a source line may have (one entity per line: is a line end missing?)"
            ),
            false,
        ));
    }
    std::str::from_utf8(raw).map_err(invalid)
}

/// A file's bytes in batches of whole lines, in bounded memory: at most about a batch
/// ([`READ_BATCH_BYTES`]) is held, whatever the lines.
struct LineReader<R> {
    inner: R,
    /// Bytes per batch, more than [`MAX_LINE_BYTES`].
    batch: usize,
    /// Bytes read and not handed out yet: the start of a line.
    buf: Vec<u8>,
    /// File offset of `buf[0]`.
    offset: u64,
    eof: bool,
    /// Dropping the rest of an over-long line, up to its line end.
    skipping: bool,
}

/// Whole lines of a file, as [`LineReader`] hands them out.
struct Batch {
    /// Whole lines, each ending with `\n` (but the file's last one, perhaps).
    lines: Vec<u8>,
    /// File offset of `lines[0]`.
    offset: u64,
    /// A line after `lines` longer than [`MAX_LINE_BYTES`]: its first `MAX_LINE_BYTES + 1`
    /// bytes. The rest of it is skipped, not read into memory.
    long: Option<Vec<u8>>,
}

impl<R: Read> LineReader<R> {
    fn new(inner: R, batch: usize) -> LineReader<R> {
        assert!(batch > MAX_LINE_BYTES, "a batch holds a line");
        LineReader {
            inner,
            batch,
            buf: Vec::new(),
            offset: 0,
            eof: false,
            skipping: false,
        }
    }

    /// Reads until `buf` holds a batch's worth of bytes, or the end of the file.
    fn fill(&mut self) -> std::io::Result<()> {
        if self.eof || self.buf.len() >= self.batch {
            return Ok(());
        }
        let want = self.batch - self.buf.len();
        self.buf.reserve_exact(want);
        let got = (&mut self.inner)
            .take(want as u64)
            .read_to_end(&mut self.buf)?;
        self.eof = got < want;
        Ok(())
    }

    /// Drops the first `n` bytes of `buf`.
    fn consume(&mut self, n: usize) {
        self.buf.drain(..n);
        self.offset += n as u64;
    }

    /// The next batch of whole lines, or `None` at the end of the file.
    fn next_batch(&mut self) -> std::io::Result<Option<Batch>> {
        loop {
            self.fill()?;
            if self.skipping {
                match self.buf.iter().position(|&b| b == b'\n') {
                    Some(i) => {
                        self.consume(i + 1);
                        self.skipping = false;
                    }
                    None => self.consume(self.buf.len()),
                }
                if self.buf.is_empty() && self.eof {
                    return Ok(None);
                }
                continue;
            }
            if self.buf.is_empty() {
                return Ok(None); // `fill` stops short of a batch only at the end
            }
            let cut = match self.buf.iter().rposition(|&b| b == b'\n') {
                Some(i) => i + 1,
                None if self.eof => self.buf.len(),
                None => 0, // a whole batch without a line end: an over-long line
            };
            let rest = self.buf.split_off(cut);
            let lines = std::mem::replace(&mut self.buf, rest);
            let offset = self.offset;
            self.offset += lines.len() as u64;
            let long = (self.buf.len() > MAX_LINE_BYTES).then(|| {
                self.skipping = true;
                self.buf[..=MAX_LINE_BYTES].to_vec()
            });
            return Ok(Some(Batch {
                lines,
                offset,
                long,
            }));
        }
    }
}

/// Reads a word list file: one entry per line, `#` comments, blank lines ignored; problem
/// lines go to `problems` (see [`read_dir_collecting`]).
fn read_word_list(path: &Path, first_only: bool, problems: &mut Vec<Error>) -> Result<Vec<String>> {
    let file = std::fs::File::open(path).map_err(|e| Error::io(path, e))?;
    let mut batches = LineReader::new(file, READ_BATCH_BYTES);
    let mut words = Vec::new();
    let mut line = 0;
    while let Some(batch) = batches.next_batch().map_err(|e| Error::io(path, e))? {
        let long = batch.long.as_deref().map(|head| (head, batch.lines.len()));
        for (raw, at) in lines(&batch.lines).chain(long) {
            line += 1;
            match line_text(raw, batch.offset + at as u64) {
                Ok(text) => words.extend(word_of(text).map(str::to_owned)),
                Err((message, fatal)) => {
                    problems.push(Error::source(path, line, message));
                    if fatal || first_only {
                        return Ok(words);
                    }
                }
            }
        }
    }
    Ok(words)
}

/// The entry of a word list line, if it has one.
fn word_of(line: &str) -> Option<&str> {
    let w = line.trim().trim_start_matches('\u{FEFF}');
    (!w.is_empty() && !w.starts_with('#')).then_some(w)
}

fn parse_line(line: &str, path: &Path, lineno: usize) -> std::result::Result<Entity, String> {
    let fields: Vec<&str> = line.split('\t').collect();
    if fields.len() < 3 {
        return Err(format!(
            "expected at least 3 TAB-separated fields (id, type, name), found {}{}",
            fields.len(),
            if line.contains("  ") {
                " (are the fields separated by spaces instead of TABs?)"
            } else {
                ""
            }
        ));
    }
    let id = fields[0].trim();
    if id.is_empty()
        || !id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
    {
        return Err(format!(
            "invalid id `{}`: use lowercase ASCII letters, digits and `-`",
            shown(id)
        ));
    }
    let kind = EntityType::parse(fields[1].trim()).ok_or_else(|| {
        format!(
            "unknown type `{}`: expected PER, LOC or ORG",
            shown(fields[1].trim())
        )
    })?;
    let name = fields[2].trim();
    if name.is_empty() {
        return Err("empty canonical name".into());
    }
    // count the spellings before parsing any: a line may list thousands
    let count = |list: &str| list.split('|').count();
    let mut spellings = 1 + fields
        .get(3)
        .filter(|f| !f.trim().is_empty())
        .map_or(0, |f| count(f));
    for extra in fields.iter().skip(4) {
        if let Some((key, value)) = extra.split_once('=')
            && matches!(key.trim(), "adj" | "short")
        {
            spellings += count(value);
        }
    }
    if spellings > MAX_SPELLINGS {
        return Err(format!(
            "`{id}` has {spellings} spellings (name, variants, demonyms and short forms): at most {MAX_SPELLINGS} per entity"
        ));
    }
    let mut variants = vec![parse_variant(name)?];
    if let Some(list) = fields.get(3).filter(|f| !f.trim().is_empty()) {
        for v in list.split('|') {
            variants.push(parse_variant(v)?);
        }
    }
    let (mut en, mut wikidata, mut geonames, mut weight, mut adj, mut short) =
        (None, None, None, None, None, None);
    for extra in fields
        .iter()
        .skip(4)
        .map(|f| f.trim())
        .filter(|f| !f.is_empty())
    {
        let (key, value) = extra
            .split_once('=')
            .ok_or_else(|| format!("expected `key=value` in field `{}`", shown(extra)))?;
        let value = value.trim();
        let slot = match key.trim() {
            "en" => &mut en,
            "adj" => &mut adj,
            "short" => &mut short,
            "wikidata" => {
                if !(value.starts_with('Q')
                    && value.len() > 1
                    && value[1..].bytes().all(|b| b.is_ascii_digit()))
                {
                    return Err(format!(
                        "invalid wikidata id `{}`: expected Q followed by digits",
                        shown(value)
                    ));
                }
                &mut wikidata
            }
            "geonames" => {
                if value.is_empty() || !value.bytes().all(|b| b.is_ascii_digit()) {
                    return Err(format!(
                        "invalid geonames id `{}`: expected digits",
                        shown(value)
                    ));
                }
                &mut geonames
            }
            "weight" => {
                if value.is_empty()
                    || value.len() > 19
                    || !value.bytes().all(|b| b.is_ascii_digit())
                {
                    return Err(format!(
                        "invalid weight `{}`: expected a whole number of at most 19 digits",
                        shown(value)
                    ));
                }
                &mut weight
            }
            other => {
                return Err(format!(
                    "unknown field `{}` (known: en, wikidata, geonames, weight, adj, short)",
                    shown(other)
                ));
            }
        };
        if slot.is_some() {
            return Err(format!("field `{}` given twice", key.trim()));
        }
        *slot = Some(value.to_owned());
    }
    let mut demonyms = Vec::new();
    for d in adj.iter().flat_map(|list| list.split('|')) {
        let v = parse_variant(d)?;
        if v.exact {
            return Err(format!(
                "demonym `{}`: exact-only is not supported for demonyms",
                v.text
            ));
        }
        demonyms.push(v.text);
    }
    let mut shorts = Vec::new();
    for d in short.iter().flat_map(|list| list.split('|')) {
        let v = parse_variant(d)?;
        if v.exact {
            return Err(format!(
                "short form `{}`: exact-only is not supported for short forms",
                v.text
            ));
        }
        shorts.push(v.text);
    }
    Ok(Entity {
        id: id.to_owned(),
        kind,
        // an exact-only canonical name (`=…`) is the name without its marker
        name: variants[0].text.clone(),
        variants,
        en,
        wikidata,
        geonames,
        weight: weight.map(|w: String| w.parse().expect("checked: at most 19 digits")),
        demonyms,
        short: shorts,
        path: path.to_owned(),
        line: lineno,
    })
}

fn parse_variant(raw: &str) -> std::result::Result<Variant, String> {
    let raw = raw.trim();
    let (exact, text) = match raw.strip_prefix('=') {
        Some(rest) => (true, rest.trim()),
        None => (false, raw),
    };
    if text.is_empty() {
        return Err("empty variant (two `|` in a row, or a `|` at an end?)".into());
    }
    let chars = text.chars().count();
    if chars > MAX_SPELLING_CHARS {
        return Err(format!(
            "variant `{}` has {chars} characters: at most {MAX_SPELLING_CHARS}",
            shown(text)
        ));
    }
    // A key of more words than the limit has at least twice as many characters, less one;
    // below that, one letter that folding keeps is enough to know the key is not empty.
    // Otherwise fold it (the costly part, done again when compiling).
    let plain_letter = |c: char| {
        c.is_ascii_alphanumeric() || matches!(c, '\u{0621}'..='\u{063A}' | '\u{0641}'..='\u{064A}')
    };
    if chars >= 2 * MAX_SPELLING_WORDS - 1 || !text.chars().any(plain_letter) {
        let key = segment::key_form(&normalize::fold(text));
        if key.is_empty() {
            return Err(format!(
                "variant `{}` has no letters or digits",
                shown(text)
            ));
        }
        let words = key.split(' ').count();
        if words > MAX_SPELLING_WORDS {
            return Err(format!(
                "variant `{}` has {words} words: at most {MAX_SPELLING_WORDS}",
                shown(text)
            ));
        }
    }
    Ok(Variant {
        text: text.to_owned(),
        exact,
    })
}

/// `text` for a message: its first 40 characters, and `…` if there are more.
fn shown(text: &str) -> std::borrow::Cow<'_, str> {
    match text.char_indices().nth(40) {
        Some((at, _)) => format!("{}…", &text[..at]).into(),
        None => text.into(),
    }
}

/// Parses a word list: one word per line, `#` comments, blank lines ignored.
pub fn parse_word_list(text: &str) -> Vec<String> {
    text.lines()
        .filter_map(word_of)
        .map(str::to_owned)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> (Vec<Entity>, Vec<String>) {
        let (mut out, mut problems) = (Vec::new(), Vec::new());
        parse_entities(Path::new("g/x.tsv"), text, &mut out, &mut problems);
        check_unique_ids(&out, &mut problems);
        (out, problems.iter().map(|e| e.to_string()).collect())
    }

    #[test]
    fn exact_only_canonical_name() {
        let (e, problems) = parse("tournai\tLOC\t=تورناي\t=تورناى\n");
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(e[0].name, "تورناي");
        assert!(e[0].variants.iter().all(|v| v.exact));
    }

    #[test]
    fn full_line() {
        let (e, p) = parse(
            "# comment\n\nputin\tPER\tفلاديمير بوتين\tبوتين|=بوتن\ten=Vladimir Putin\twikidata=Q7747\n",
        );
        assert!(p.is_empty(), "{p:?}");
        assert_eq!(e.len(), 1);
        assert_eq!(e[0].line, 3);
        assert_eq!(e[0].kind, EntityType::Per);
        assert_eq!(e[0].variants.len(), 3);
        assert!(e[0].variants[2].exact && !e[0].variants[1].exact);
        assert_eq!(e[0].en.as_deref(), Some("Vladimir Putin"));
        assert_eq!(e[0].wikidata.as_deref(), Some("Q7747"));
    }

    #[test]
    fn ids_and_weight() {
        let (e, p) = parse("baku\tLOC\tباكو\t\tgeonames=587084\tweight=2300000\n");
        assert!(p.is_empty(), "{p:?}");
        assert_eq!(e[0].geonames.as_deref(), Some("587084"));
        assert_eq!(e[0].weight, Some(2_300_000));
        for (bad, message) in [
            ("geonames=Q1", "invalid geonames id"),
            ("weight=-1", "invalid weight"),
            ("weight=1.5", "invalid weight"),
            ("weight=99999999999999999999", "invalid weight"),
        ] {
            let (_, p) = parse(&format!("baku\tLOC\tباكو\t\t{bad}\n"));
            assert!(p[0].contains(message), "{bad}: {p:?}");
        }
    }

    #[test]
    fn demonyms() {
        let (e, p) = parse("az\tLOC\tأذربيجان\t\tadj=أذربيجاني|أذربيجانية\n");
        assert!(p.is_empty(), "{p:?}");
        assert_eq!(e[0].demonyms, ["أذربيجاني", "أذربيجانية"]);
        let (_, p) = parse("az\tLOC\tأذربيجان\t\tadj=أذربيجاني||x\n");
        assert!(p[0].contains("empty variant"), "{p:?}");
    }

    #[test]
    fn minimal_line() {
        let (e, p) = parse("baku\tLOC\tباكو\n");
        assert!(p.is_empty());
        assert_eq!(e[0].variants.len(), 1);
    }

    #[test]
    fn errors_name_file_and_line() {
        let cases = [
            ("x LOC باكو", "g/x.tsv:1: expected at least 3"),
            ("Baku\tLOC\tباكو", "g/x.tsv:1: invalid id `Baku`"),
            ("baku\tCITY\tباكو", "g/x.tsv:1: unknown type `CITY`"),
            ("baku\tLOC\t ", "g/x.tsv:1: empty canonical name"),
            ("baku\tLOC\tباكو\tا||ب", "g/x.tsv:1: empty variant"),
            ("baku\tLOC\tباكو\t\tfoo", "g/x.tsv:1: expected `key=value`"),
            (
                "baku\tLOC\tباكو\t\tlang=az",
                "g/x.tsv:1: unknown field `lang`",
            ),
            (
                "baku\tLOC\tباكو\t\twikidata=9248",
                "g/x.tsv:1: invalid wikidata id",
            ),
            (
                "baku\tLOC\tباكو\t...",
                "g/x.tsv:1: variant `...` has no letters",
            ),
            (
                "baku\tLOC\tباكو\nbaku\tLOC\tباكو",
                "g/x.tsv:2: duplicate id `baku` (first defined at g/x.tsv:1)",
            ),
        ];
        for (text, want) in cases {
            let (_, p) = parse(text);
            assert_eq!(p.len(), 1, "{text}: {p:?}");
            assert!(p[0].starts_with(want), "{text}: got {}", p[0]);
        }
    }

    /// Reads `bytes` as the file `g/x.tsv` through the batch reader, in batches of `batch`.
    fn read_in(batch: usize, bytes: impl Read, first_only: bool) -> (Vec<Entity>, Vec<String>) {
        let (mut out, mut problems) = (Vec::new(), Vec::new());
        parse_batches(
            Path::new("g/x.tsv"),
            LineReader::new(bytes, batch),
            first_only,
            &mut out,
            &mut problems,
        )
        .unwrap();
        (out, problems.iter().map(|e| e.to_string()).collect())
    }

    /// Reads `bytes` as the file `g/x.tsv` through the batch reader.
    fn read(bytes: impl Read, first_only: bool) -> (Vec<Entity>, Vec<String>) {
        read_in(READ_BATCH_BYTES, bytes, first_only)
    }

    /// A reader that counts what is read from it.
    struct Counted<R> {
        inner: R,
        read: u64,
    }

    impl<R: Read> Read for Counted<R> {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            let n = self.inner.read(buf)?;
            self.read += n as u64;
            Ok(n)
        }
    }

    #[test]
    fn a_huge_line_is_refused_after_a_bounded_read() {
        // a terabyte without a line end: never read whole, never held whole
        let mut endless = Counted {
            inner: std::io::repeat(b'x').take(1 << 40),
            read: 0,
        };
        let (e, p) = read(&mut endless, true);
        assert!(e.is_empty());
        assert_eq!(p.len(), 1);
        assert!(
            p[0].starts_with("g/x.tsv:1: line longer than 65536 bytes"),
            "{p:?}"
        );
        assert!(endless.read <= READ_BATCH_BYTES as u64, "{}", endless.read);

        // collecting: the line is skipped (in batches) and the next ones are read
        let mut text = b"baku\tLOC\t\xd8\xa8\xd8\xa7\xd9\x83\xd9\x88\n".to_vec();
        text.extend(std::iter::repeat_n(b'y', 3 * READ_BATCH_BYTES + 7));
        text.extend_from_slice("\nnot a line\nmoscow\tLOC\tموسكو".as_bytes());
        let (e, p) = read(&text[..], false);
        let lines: Vec<(&str, usize)> = e.iter().map(|e| (e.id.as_str(), e.line)).collect();
        assert_eq!(lines, [("baku", 1), ("moscow", 4)]);
        assert_eq!(p.len(), 2, "{p:?}");
        assert!(p[0].starts_with("g/x.tsv:2: line longer than 65536 bytes"));
        assert!(p[1].starts_with("g/x.tsv:3: expected at least 3"));
        // the same text in memory, in one piece: the same result
        let (mut e2, mut p2) = (Vec::new(), Vec::new());
        parse_entities(
            Path::new("g/x.tsv"),
            std::str::from_utf8(&text).unwrap(),
            &mut e2,
            &mut p2,
        );
        assert_eq!(e, e2);
        assert_eq!(p, p2.iter().map(|e| e.to_string()).collect::<Vec<_>>());
    }

    #[test]
    fn batches_hold_whole_lines_in_bounded_memory() {
        // whole lines, then a line that the first batch cuts after more than the limit
        let mut text = Vec::new();
        for i in 0.. {
            text.extend_from_slice(format!("line {i}\n").as_bytes());
            if text.len() > READ_BATCH_BYTES - 2 * MAX_LINE_BYTES {
                break;
            }
        }
        text.extend(std::iter::repeat_n(b'z', 3 * MAX_LINE_BYTES));
        text.extend_from_slice(b"\nlast");
        let mut reader = LineReader::new(&text[..], READ_BATCH_BYTES);
        let (mut seen, mut longs) = (0, 0);
        while let Some(b) = reader.next_batch().unwrap() {
            assert!(b.lines.len() <= READ_BATCH_BYTES);
            assert!(reader.buf.capacity() <= 2 * READ_BATCH_BYTES);
            assert_eq!(b.offset, seen as u64);
            assert!(b.lines.ends_with(b"\n") || b.lines.ends_with(b"last"));
            seen += b.lines.len();
            if let Some(head) = b.long {
                assert_eq!(head.len(), MAX_LINE_BYTES + 1);
                seen += 3 * MAX_LINE_BYTES + 1;
                longs += 1;
            }
        }
        assert_eq!((seen, longs), (text.len(), 1));
    }

    /// Batches of the smallest size, for tests.
    const SMALL_BATCH: usize = MAX_LINE_BYTES + 1024;

    /// A file of many small batches, with a byte order mark, CRLF line ends, comments, blank
    /// lines, bad lines and no line end at the end.
    fn big_source() -> String {
        let mut text = String::from("\u{FEFF}# generated\n");
        let letters: Vec<char> = "ابتثجحخدذرزسشصضطظعغفقكلمنهوي".chars().collect();
        for i in 0..SMALL_BATCH / 4 {
            let w: String = (0..5)
                .map(|k| letters[(i >> (k * 2)) % letters.len()])
                .collect();
            match i % 997 {
                0 => text.push_str("bad line\r\n"),
                1 => text.push_str("\r\n"),
                2 => text.push_str(&format!("e{i}\tCITY\t{w}\n")),
                _ => text.push_str(&format!("e{i}\tLOC\t{w}\t{w}ا|{w}ي\r\n")),
            }
        }
        text.push_str("last\tPER\tمحمد");
        text
    }

    #[test]
    fn parallel_batches_read_as_one_piece_does() {
        let text = big_source();
        assert!(text.len() > 10 * SMALL_BATCH);
        let (mut want, mut want_problems) = (Vec::new(), Vec::new());
        parse_entities(Path::new("g/x.tsv"), &text, &mut want, &mut want_problems);
        let want_problems: Vec<String> = want_problems.iter().map(|e| e.to_string()).collect();
        assert!(want.len() > 15_000 && want_problems.len() > 30);
        assert_eq!(want[0].line, 5);
        assert_eq!(want.last().unwrap().id, "last");
        for threads in [1, 2, 3] {
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .unwrap();
            let (e, p) = pool.install(|| read_in(SMALL_BATCH, text.as_bytes(), false));
            assert!(e == want, "{threads} threads");
            assert_eq!(p, want_problems, "{threads} threads");
            // stopping at the first problem gives that problem
            let (_, p) = pool.install(|| read_in(SMALL_BATCH, text.as_bytes(), true));
            assert_eq!(p[0], want_problems[0]);
        }
    }

    #[test]
    fn binary_data_and_bad_utf8_name_the_line_and_offset_and_end_the_file() {
        let (e, p) = read(
            &b"baku\tLOC\t\xd8\xa8\xd8\xa7\nx\tLOC\tab\x00c\ny\tLOC\tzz\n"[..],
            false,
        );
        assert_eq!(e.len(), 1);
        assert_eq!(
            p,
            [
                "g/x.tsv:2: binary data, not text: a NUL byte at byte offset 22 (gazetteer sources are UTF-8 text; the rest of this file is not read)"
            ]
        );
        let (e, p) = read(&b"a\tLOC\tab\nb\tLOC\tc\xff\xfed\nnot a line\n"[..], false);
        assert_eq!(e.len(), 1);
        assert_eq!(
            p,
            [
                "g/x.tsv:2: not valid UTF-8: the first invalid byte is at byte offset 16 (gazetteer sources are UTF-8 text; the rest of this file is not read)"
            ]
        );
        // a binary file without line ends is binary, not just a long line
        let mut blob = vec![1u8; 2 * MAX_LINE_BYTES];
        blob[MAX_LINE_BYTES - 1] = 0;
        let (_, p) = read(&blob[..], false);
        assert!(p[0].contains("a NUL byte at byte offset 65535"), "{p:?}");
        // an invalid byte at the cut of a long line's head is judged on what was read
        let long = format!("x{}", "ب".repeat(MAX_LINE_BYTES));
        let (_, p) = read(long.as_bytes(), false);
        assert!(p[0].contains("line longer than"), "{p:?}");
    }

    #[test]
    fn limits_on_spellings() {
        let many = vec!["ب"; MAX_SPELLINGS].join("|");
        let (e, p) = parse(&format!("x\tLOC\tباكو\t{many}\n"));
        assert!(e.is_empty());
        assert_eq!(
            p,
            [
                "g/x.tsv:1: `x` has 1001 spellings (name, variants, demonyms and short forms): at most 1000 per entity"
            ]
        );
        let (_, p) = parse(&format!("x\tLOC\tباكو\t\tadj={many}\n"));
        assert!(p[0].contains("has 1001 spellings"), "{p:?}");
        let fewer = vec!["ب"; MAX_SPELLINGS - 1].join("|");
        let (e, p) = parse(&format!("x\tLOC\tباكو\t{fewer}\n"));
        assert!(p.is_empty() && e[0].variants.len() == MAX_SPELLINGS);

        let long = "ب".repeat(MAX_SPELLING_CHARS + 1);
        let (_, p) = parse(&format!("x\tLOC\t{long}\n"));
        assert_eq!(
            p,
            [format!(
                "g/x.tsv:1: variant `{}…` has 257 characters: at most 256",
                "ب".repeat(40)
            )]
        );
        assert!(parse(&format!("x\tLOC\t{}\n", &long[2..])).1.is_empty());

        let words = |n: usize| vec!["كلمة"; n].join(" ");
        let (e, p) = parse(&format!("x\tORG\t{}\n", words(MAX_SPELLING_WORDS)));
        assert!(p.is_empty() && e.len() == 1, "{p:?}");
        let (_, p) = parse(&format!(
            "x\tORG\tباكو\t{}\n",
            words(MAX_SPELLING_WORDS + 1)
        ));
        assert!(p[0].ends_with("has 25 words: at most 24"), "{p:?}");
        // words as the matcher splits them: punctuation separates too
        let (_, p) = parse(&format!("x\tORG\t{}\n", vec!["ب"; 30].join(".")));
        assert!(p[0].ends_with("has 30 words: at most 24"), "{p:?}");
    }

    #[test]
    fn odd_characters_are_read_and_names_of_nothing_refused() {
        for name in [
            "\u{200F}باكو\u{200E}", // bidi marks
            "ﺑﺎﻛﻮ",                 // presentation forms
            "باكو 🚀",              // emoji
            "\u{0301}",             // a lone combining mark is a word character
            "باكو\u{1}",            // a control character separates like punctuation
            "Ǆemal",                // a title-case letter
        ] {
            let (e, p) = parse(&format!("x\tLOC\t{name}\n"));
            assert!(p.is_empty() && e[0].name == name, "{name:?}: {p:?}");
        }
        for name in ["🚀🚀", "\u{200F}", "ـــ", "\u{064E}", "...", "\u{1}"] {
            let (_, p) = parse(&format!("x\tLOC\tباكو\t{name}\n"));
            assert_eq!(p.len(), 1, "{name:?}");
            assert!(
                p[0].ends_with("has no letters or digits"),
                "{name:?}: {p:?}"
            );
        }
    }

    #[test]
    fn long_fields_are_cut_short_in_messages() {
        let id = "I".repeat(5000);
        let (_, p) = parse(&format!("{id}\tLOC\tباكو\n"));
        assert_eq!(
            p,
            [format!(
                "g/x.tsv:1: invalid id `{}…`: use lowercase ASCII letters, digits and `-`",
                "I".repeat(40)
            )]
        );
    }

    #[test]
    fn duplicate_ids_in_order_whatever_their_number() {
        let mut text = String::new();
        for i in 0..50_000 {
            text.push_str(&format!(
                "{}\tLOC\tباكو\n",
                if i % 2 == 0 { "a" } else { "b" }
            ));
        }
        text.push_str("c\tLOC\tباكو\n");
        let (e, p) = parse(&text);
        assert_eq!(e.len(), 50_001);
        assert_eq!(p.len(), 49_998);
        assert_eq!(
            p[0],
            "g/x.tsv:3: duplicate id `a` (first defined at g/x.tsv:1)"
        );
        assert_eq!(
            p[1],
            "g/x.tsv:4: duplicate id `b` (first defined at g/x.tsv:2)"
        );
        assert_eq!(
            p.last().unwrap(),
            "g/x.tsv:50000: duplicate id `b` (first defined at g/x.tsv:2)"
        );
        let mut first = Vec::new();
        duplicate_ids(&e, &mut first, true);
        assert_eq!(first.len(), 1);
        assert_eq!(first[0].to_string(), p[0]);
    }

    #[test]
    fn word_lists_read_in_bounded_lines() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("a.tsv"), "baku\tLOC\tباكو\n").unwrap();
        let mut common = "\u{FEFF}على\r\n# comment\n\nإلى\n".to_string();
        common.push_str(&"x".repeat(MAX_LINE_BYTES + 1));
        common.push_str("\nفي\n");
        std::fs::write(dir.path().join(COMMON_WORDS_FILE), &common).unwrap();
        std::fs::write(dir.path().join(TITLES_FILE), b"\xd8\xa7\xff\n").unwrap();
        let mut problems = Vec::new();
        let s = read_dir_collecting(dir.path(), &mut problems).unwrap();
        assert_eq!(s.common_words, ["على", "إلى", "في"]);
        let p: Vec<String> = problems.iter().map(|e| e.to_string()).collect();
        assert_eq!(p.len(), 2, "{p:?}");
        assert!(p[0].ends_with("common-words.txt:5: line longer than 65536 bytes, the most a source line may have (one entity per line: is a line end missing?)"));
        assert!(
            p[1].contains(
                "titles.txt:1: not valid UTF-8: the first invalid byte is at byte offset 2"
            )
        );
        let err = read_dir(dir.path()).unwrap_err().to_string();
        assert!(err.ends_with(&p[0]), "{err}");
    }

    #[test]
    fn word_list() {
        assert_eq!(parse_word_list("# x\nعلى\n\n إلى \n"), ["على", "إلى"]);
    }
}
