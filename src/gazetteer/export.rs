//! Writes a compiled gazetteer back out as source files (`gaztag gazetteer export`).
//!
//! An installed binary carries the default gazetteer only in its compiled form; this module
//! turns an index into a folder of `*.tsv` files and word lists that `gaztag gazetteer build`
//! (or `tag --gazetteer DIR`) reads back into the same entities, so a user can start their
//! own gazetteer from the default. The embedded default also records which source file each
//! entity came from ([`embedded_files`], written by `build.rs`), so its export has the same
//! file layout as `gazetteer/` in the repository; any other index is split by type.
//!
//! What the index does not keep is not exported: comments, the order of variants, and a
//! variant that folds to the same key as another spelling of its entity (it matched nothing
//! more). Word lists are written in the forms the index stores them in: common words lightly
//! normalized, the name rules' words folded (both read back unchanged).

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use super::source::{
    COMMON_WORDS_FILE, FOREIGN_GIVEN_FILE, GIVEN_NAMES_FILE, NAME_PARTS_FILE, SURNAMES_FILE,
    TITLES_FILE,
};
use super::{EntityType, Gazetteer};
use crate::error::{Error, Result};

/// `file\tentities` lines, one per source file of the embedded default, in entity order.
static EMBEDDED_FILES: &str = include_str!(concat!(env!("OUT_DIR"), "/default-files.tsv"));

/// The source files of the embedded default gazetteer, each with how many entities it gave,
/// in the order their entities are numbered in the index.
///
/// # Example
/// ```
/// let files = gaztag::gazetteer::export::embedded_files();
/// let total: usize = files.iter().map(|(_, n)| n).sum();
/// assert_eq!(total, gaztag::Gazetteer::embedded().len());
/// ```
pub fn embedded_files() -> Vec<(String, usize)> {
    EMBEDDED_FILES
        .lines()
        .filter_map(|l| {
            let (name, n) = l.split_once('\t')?;
            Some((name.to_owned(), n.parse().ok()?))
        })
        .collect()
}

/// What [`write_sources`] wrote.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Exported {
    /// Every file written, with the number of lines of data (entities or words) in it.
    pub files: Vec<(PathBuf, usize)>,
}

/// The files [`write_sources`] would write for `gaz` (entity files, then word lists), so a
/// caller can check for existing files first.
pub fn file_names(gaz: &Gazetteer, layout: &[(String, usize)]) -> Vec<String> {
    let mut names: Vec<String> = entity_files(gaz, layout)
        .into_iter()
        .map(|(name, _)| name)
        .collect();
    names.extend(
        [
            COMMON_WORDS_FILE,
            GIVEN_NAMES_FILE,
            FOREIGN_GIVEN_FILE,
            SURNAMES_FILE,
            NAME_PARTS_FILE,
            TITLES_FILE,
        ]
        .map(str::to_owned),
    );
    names
}

/// The entity files: `layout`'s names and ranges when they cover the whole index exactly,
/// else one file per type.
fn entity_files(gaz: &Gazetteer, layout: &[(String, usize)]) -> Vec<(String, Vec<u32>)> {
    let n = gaz.len();
    if !layout.is_empty() && layout.iter().map(|(_, c)| c).sum::<usize>() == n {
        let mut at = 0u32;
        return layout
            .iter()
            .map(|(name, count)| {
                let ids = (at..at + *count as u32).collect();
                at += *count as u32;
                (name.clone(), ids)
            })
            .collect();
    }
    let mut by_type: BTreeMap<&str, Vec<u32>> = BTreeMap::new();
    for i in 0..n as u32 {
        if let Some(e) = gaz.entity(i) {
            let file = match e.kind {
                EntityType::Per => "people.tsv",
                EntityType::Loc => "places.tsv",
                EntityType::Org => "organizations.tsv",
            };
            by_type.entry(file).or_default().push(i);
        }
    }
    by_type
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v))
        .collect()
}

/// The source lines of every entity of `gaz`, by entity index.
fn entity_lines(gaz: &Gazetteer) -> Vec<String> {
    #[derive(Default)]
    struct Spellings {
        /// Name and variant spellings, with their exact-only flag.
        names: Vec<(String, bool)>,
        demonyms: Vec<String>,
        short: Vec<String>,
    }
    let mut spellings: Vec<Spellings> = (0..gaz.len()).map(|_| Spellings::default()).collect();
    for v in (0..gaz.variant_count() as u32).filter_map(|i| gaz.variant(i)) {
        let Some(s) = spellings.get_mut(v.entity as usize) else {
            continue;
        };
        if v.demonym {
            s.demonyms.push(v.text.to_owned());
        } else if v.short {
            s.short.push(v.text.to_owned());
        } else {
            s.names.push((v.text.to_owned(), v.exact));
        }
    }
    (0..gaz.len() as u32)
        .zip(spellings)
        .map(|(i, s)| {
            let Some(e) = gaz.entity(i) else {
                return String::new();
            };
            // the canonical name is the stored spelling equal to it: a folding one if there is
            // one, else an exact-only one (written `=name`)
            let mut names = s.names;
            let at = names
                .iter()
                .position(|(t, exact)| t == e.name && !exact)
                .or_else(|| names.iter().position(|(t, _)| t == e.name));
            let name = match at.map(|i| names.remove(i)) {
                Some((_, true)) => format!("={}", e.name),
                _ => e.name.to_owned(),
            };
            let variants: Vec<String> = names
                .iter()
                .map(|(t, exact)| format!("{}{t}", if *exact { "=" } else { "" }))
                .collect();
            let mut line = format!("{}\t{}\t{name}\t{}", e.id, e.kind, variants.join("|"));
            for (key, value) in [
                ("en", e.en),
                ("wikidata", e.wikidata),
                ("geonames", e.geonames),
            ] {
                if let Some(v) = value {
                    let _ = write!(line, "\t{key}={}", v.replace(['\t', '\n'], " "));
                }
            }
            // the index gives every entity a weight; one that had none has the default
            if e.weight != super::format::DEFAULT_WEIGHT {
                let _ = write!(line, "\tweight={}", e.weight);
            }
            for (key, list) in [("adj", &s.demonyms), ("short", &s.short)] {
                if !list.is_empty() {
                    let _ = write!(line, "\t{key}={}", list.join("|"));
                }
            }
            line
        })
        .collect()
}

/// The words of the name rules' lists (given names, name parts, titles, surnames, given
/// names of other languages), folded. A given name of another language is listed only there.
fn name_lists(gaz: &Gazetteer) -> [Vec<String>; 5] {
    use super::format::{WORD_FOREIGN_GIVEN, WORD_GIVEN, WORD_PART, WORD_SURNAME, WORD_TITLE};
    use fst::Streamer;
    let mut lists: [Vec<String>; 5] = Default::default();
    let mut stream = gaz.name_words().stream();
    while let Some((key, mut flags)) = stream.next() {
        let word = String::from_utf8_lossy(key).into_owned();
        if flags & WORD_FOREIGN_GIVEN != 0 {
            flags &= !WORD_GIVEN;
        }
        let all = [
            WORD_GIVEN,
            WORD_PART,
            WORD_TITLE,
            WORD_SURNAME,
            WORD_FOREIGN_GIVEN,
        ];
        for (i, flag) in all.into_iter().enumerate() {
            if flags & flag != 0 {
                lists[i].push(word.clone());
            }
        }
    }
    lists
}

/// Writes `gaz` as source files into `dir` (created if missing): the entity files of
/// `layout` (see [`embedded_files`]; an empty layout gives `people.tsv`, `places.tsv`,
/// `organizations.tsv`) and the six word lists. Existing files of those names are replaced;
/// check [`file_names`] first to avoid that.
///
/// # Errors
/// A folder or file that cannot be written, with its path.
pub fn write_sources(gaz: &Gazetteer, layout: &[(String, usize)], dir: &Path) -> Result<Exported> {
    use fst::Streamer;
    std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    let lines = entity_lines(gaz);
    let mut out = Exported::default();
    let mut write = |name: &str, header: &str, body: &[String]| -> Result<()> {
        let path = dir.join(name);
        let mut text = String::with_capacity(body.iter().map(|l| l.len() + 1).sum());
        text.push_str(header);
        for l in body {
            text.push_str(l);
            text.push('\n');
        }
        crate::atomic::write(&path, text.as_bytes())?;
        out.files.push((path, body.len()));
        Ok(())
    };
    let header = "# Exported by `gaztag gazetteer export` from the compiled gazetteer (comments and \
                  variants that fold alike are not kept).\n# Format: see gazetteer/README.md.\n";
    for (name, ids) in entity_files(gaz, layout) {
        let body: Vec<String> = ids.iter().map(|&i| lines[i as usize].clone()).collect();
        write(&name, header, &body)?;
    }
    let mut common = Vec::new();
    let mut stream = gaz.common_words().stream();
    while let Some(w) = stream.next() {
        common.push(String::from_utf8_lossy(w).into_owned());
    }
    let lists_header = "# Exported by `gaztag gazetteer export` (see gazetteer/README.md).\n";
    write(COMMON_WORDS_FILE, lists_header, &common)?;
    let [given, parts, titles, surnames, foreign] = name_lists(gaz);
    write(GIVEN_NAMES_FILE, lists_header, &given)?;
    write(FOREIGN_GIVEN_FILE, lists_header, &foreign)?;
    write(SURNAMES_FILE, lists_header, &surnames)?;
    write(NAME_PARTS_FILE, lists_header, &parts)?;
    write(TITLES_FILE, lists_header, &titles)?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gazetteer::{compile, source};

    #[test]
    fn round_trip_keeps_entities_spellings_and_lists() {
        let tsv = "baku\tLOC\tباكو\tBaku|=باكوو\ten=Baku\twikidata=Q9248\tgeonames=587084\tweight=2300000\tadj=باكوي\n\
                   nato\tORG\t=حلف شمال الأطلسي\t\tshort=الحلف\n";
        let sources = source::Sources {
            entities: source::parse_str(Path::new("a.tsv"), tsv).unwrap(),
            common_words: vec!["على".into()],
            name_words: source::NameWords {
                given: vec!["نيكول".into()],
                parts: vec!["باشينيان".into()],
                titles: vec!["وزير الخارجية".into()],
                surnames: vec!["فرحات".into()],
                foreign_given: vec!["فلاديمير".into()],
            },
        };
        let gaz = Gazetteer::from_bytes(compile(&sources)).unwrap();
        let dir = tempfile::tempdir().unwrap();
        let layout = [("a.tsv".to_owned(), 2)];
        let out = write_sources(&gaz, &layout, dir.path()).unwrap();
        assert_eq!(out.files.len(), 7);
        let again = source::read_dir(dir.path()).unwrap();
        let ids: Vec<&str> = again.entities.iter().map(|e| e.id.as_str()).collect();
        assert_eq!(ids, ["baku", "nato"]);
        let baku = &again.entities[0];
        assert_eq!(
            (baku.en.as_deref(), baku.wikidata.as_deref()),
            (Some("Baku"), Some("Q9248"))
        );
        assert_eq!(
            (baku.geonames.as_deref(), baku.weight),
            (Some("587084"), Some(2_300_000))
        );
        assert_eq!(again.entities[1].weight, None);
        assert!(baku.variants.iter().any(|v| v.exact && v.text == "باكوو"));
        assert_eq!(baku.demonyms, ["باكوي"]);
        assert_eq!(again.entities[1].short, ["الحلف"]);
        // an exact-only canonical name stays exact-only, and is not repeated as a variant
        assert_eq!(again.entities[1].name, "حلف شمال الأطلسي");
        assert_eq!(again.entities[1].variants.len(), 1);
        assert!(again.entities[1].variants[0].exact);
        assert_eq!(again.common_words, ["على"]);
        // the name rules' words come back folded, as the index keeps them (same keys)
        assert_eq!(again.name_words.titles, ["وزير الخارجيه"]);
        assert_eq!(again.name_words.given, ["نيكول"]);
        assert_eq!(again.name_words.surnames, ["فرحات"]);
        assert_eq!(again.name_words.foreign_given, ["فلاديمير"]);
        assert!(gaz.name_word("فلاديمير").given && gaz.name_word("فلاديمير").foreign);
        // a layout that does not cover the index falls back to one file per type
        let names = file_names(&gaz, &[("x.tsv".to_owned(), 5)]);
        assert_eq!(&names[..2], ["organizations.tsv", "places.tsv"]);
    }
}
