//! Parses the human-edited gazetteer sources (format: `gazetteer/README.md`).
//!
//! This module needs only std and its sibling modules: `build.rs` includes it to compile the
//! default gazetteer into the binary.

use std::collections::HashMap;
use std::fmt;
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
    /// The name rules' word lists (`given-names.txt`, `name-parts.txt`, `titles.txt`).
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
}

/// The file of common words inside a source folder.
pub const COMMON_WORDS_FILE: &str = "common-words.txt";
/// The file of given names inside a source folder.
pub const GIVEN_NAMES_FILE: &str = "given-names.txt";
/// The file of person-name parts inside a source folder.
pub const NAME_PARTS_FILE: &str = "name-parts.txt";
/// The file of person titles inside a source folder.
pub const TITLES_FILE: &str = "titles.txt";

/// Reads every `*.tsv` file and `common-words.txt` in `dir`, failing on the first problem.
///
/// # Errors
/// An unreadable folder or file, a malformed line (with file and line), or an id used twice.
pub fn read_dir(dir: &Path) -> Result<Sources> {
    let mut problems = Vec::new();
    let sources = read_dir_collecting(dir, &mut problems)?;
    match problems.into_iter().next() {
        Some(e) => Err(e),
        None => Ok(sources),
    }
}

/// Reads a source folder, pushing every malformed line to `problems` instead of stopping.
///
/// # Errors
/// Only for a folder or file that cannot be read at all.
pub fn read_dir_collecting(dir: &Path, problems: &mut Vec<Error>) -> Result<Sources> {
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
    for path in &files {
        let text = read_text(path)?;
        parse_entities(path, &text, &mut sources.entities, problems);
    }
    check_unique_ids(&sources.entities, problems);
    let list = |file: &str| -> Result<Vec<String>> {
        let path = dir.join(file);
        Ok(if path.exists() {
            parse_word_list(&read_text(&path)?)
        } else {
            Vec::new()
        })
    };
    sources.common_words = list(COMMON_WORDS_FILE)?;
    sources.name_words = NameWords {
        given: list(GIVEN_NAMES_FILE)?,
        parts: list(NAME_PARTS_FILE)?,
        titles: list(TITLES_FILE)?,
    };
    Ok(sources)
}

fn read_text(path: &Path) -> Result<String> {
    let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
    String::from_utf8(bytes).map_err(|e| Error::Encoding {
        path: path.to_owned(),
        offset: e.utf8_error().valid_up_to(),
    })
}

/// Pushes an error for every id defined more than once.
pub fn check_unique_ids(entities: &[Entity], problems: &mut Vec<Error>) {
    let mut seen: HashMap<&str, &Entity> = HashMap::new();
    for e in entities {
        if let Some(first) = seen.get(e.id.as_str()) {
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
        } else {
            seen.insert(&e.id, e);
        }
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

/// Parses one entity file's text, appending entities and problems.
pub fn parse_entities(path: &Path, text: &str, out: &mut Vec<Entity>, problems: &mut Vec<Error>) {
    let text = text.strip_prefix('\u{FEFF}').unwrap_or(text);
    for (i, raw) in text.lines().enumerate() {
        let line = raw.trim_end_matches('\r');
        if line.trim().is_empty() || line.trim_start().starts_with('#') {
            continue;
        }
        match parse_line(line, path, i + 1) {
            Ok(entity) => out.push(entity),
            Err(message) => problems.push(Error::source(path, i + 1, message)),
        }
    }
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
            "invalid id `{id}`: use lowercase ASCII letters, digits and `-`"
        ));
    }
    let kind = EntityType::parse(fields[1].trim()).ok_or_else(|| {
        format!(
            "unknown type `{}`: expected PER, LOC or ORG",
            fields[1].trim()
        )
    })?;
    let name = fields[2].trim();
    if name.is_empty() {
        return Err("empty canonical name".into());
    }
    let mut variants = vec![parse_variant(name)?];
    if let Some(list) = fields.get(3).filter(|f| !f.trim().is_empty()) {
        for v in list.split('|') {
            variants.push(parse_variant(v)?);
        }
    }
    let (mut en, mut wikidata, mut adj, mut short) = (None, None, None, None);
    for extra in fields
        .iter()
        .skip(4)
        .map(|f| f.trim())
        .filter(|f| !f.is_empty())
    {
        let (key, value) = extra
            .split_once('=')
            .ok_or_else(|| format!("expected `key=value` in field `{extra}`"))?;
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
                        "invalid wikidata id `{value}`: expected Q followed by digits"
                    ));
                }
                &mut wikidata
            }
            other => {
                return Err(format!(
                    "unknown field `{other}` (known: en, wikidata, adj, short)"
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
        name: name.to_owned(),
        variants,
        en,
        wikidata,
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
    if segment::key_form(&normalize::fold(text)).is_empty() {
        return Err(format!("variant `{text}` has no letters or digits"));
    }
    Ok(Variant {
        text: text.to_owned(),
        exact,
    })
}

/// Parses a word list: one word per line, `#` comments, blank lines ignored.
pub fn parse_word_list(text: &str) -> Vec<String> {
    text.lines()
        .map(|l| l.trim().trim_start_matches('\u{FEFF}'))
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
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

    #[test]
    fn word_list() {
        assert_eq!(parse_word_list("# x\nعلى\n\n إلى \n"), ["على", "إلى"]);
    }
}
