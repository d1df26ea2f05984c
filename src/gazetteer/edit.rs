//! Edits gazetteer sources in place (`gaztag gazetteer add`, `add-variant`).
//!
//! Every edit changes or adds exactly one line and leaves every other byte of the file as it
//! was, so that the diff a reviewer sees is one line. The file is written with
//! [`crate::atomic::write`]: an interrupted edit leaves either the old file or the new one,
//! never half of either.
//!
//! An edit is refused when it would duplicate what is there (an id in use, a variant the entity
//! already has, a new entity whose name is already an entity of the same type); a spelling that
//! another entity also has is allowed but reported, since it makes the key ambiguous.

use std::path::{Path, PathBuf};

use super::compile::key_of;
use super::source::{self, Entity, EntityType, Sources};
use crate::error::{Error, Result};

/// A new entity for [`add_entity`].
#[derive(Clone, Debug, Default)]
pub struct NewEntity {
    /// Id; derived from `en` when `None`.
    pub id: Option<String>,
    /// PER, LOC or ORG.
    pub kind: Option<EntityType>,
    /// Canonical name.
    pub name: String,
    /// Further spellings (a leading `=` marks one exact-only).
    pub variants: Vec<String>,
    /// English name.
    pub en: Option<String>,
    /// Wikidata id.
    pub wikidata: Option<String>,
}

/// What an edit did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Edited {
    /// The file written.
    pub path: PathBuf,
    /// The line added or changed (1-based).
    pub line: usize,
    /// The id of the entity.
    pub id: String,
    /// Collisions with other entities, worth a look.
    pub notes: Vec<String>,
}

/// The source file an entity of `kind` goes to by default.
pub fn default_file(kind: EntityType) -> &'static str {
    match kind {
        EntityType::Per => "people.tsv",
        EntityType::Loc => "places.tsv",
        EntityType::Org => "organizations.tsv",
    }
}

/// An id from an English name: `Vladimir Putin` → `vladimir-putin`.
pub fn slug(en: &str) -> String {
    let mut s = String::new();
    for c in en.chars() {
        if c.is_ascii_alphanumeric() {
            s.push(c.to_ascii_lowercase());
        } else if !s.is_empty() && !s.ends_with('-') {
            s.push('-');
        }
    }
    s.trim_end_matches('-').to_owned()
}

fn refuse(path: &Path, line: usize, message: String) -> Error {
    Error::source(path, line, message)
}

/// Refuses a field that holds a control character (a tab or a line break would add a field
/// or a whole entity line to the source), or, for a single spelling, a `|`.
fn plain_field(path: &Path, what: &str, value: &str, spelling: bool) -> Result<()> {
    if let Some(c) = value.chars().find(|c| c.is_control()) {
        return Err(refuse(
            path,
            0,
            format!(
                "{what} {:?} holds the control character U+{:04X}: tabs, line breaks and other control characters are not allowed",
                value, c as u32
            ),
        ));
    }
    if spelling && value.contains('|') {
        return Err(refuse(
            path,
            0,
            format!(
                "{what} {value:?} holds `|`, which separates spellings: give each spelling on its own"
            ),
        ));
    }
    Ok(())
}

/// The source file `file` names, which must be a `.tsv` file directly in `dir` (the files
/// [`source::read_dir`] reads), given as a name or a path inside `dir`, and not a symlink.
fn confined(dir: &Path, file: &Path) -> Result<PathBuf> {
    let outside = |why: &str| {
        refuse(
            file,
            0,
            format!("--file must name a .tsv file in {} ({why})", dir.display()),
        )
    };
    let rel = file.strip_prefix(dir).unwrap_or(file);
    let mut parts = rel
        .components()
        .filter(|c| *c != std::path::Component::CurDir);
    let name = match (parts.next(), parts.next()) {
        (Some(std::path::Component::Normal(name)), None) => name,
        _ => return Err(outside("a file name, not a path elsewhere")),
    };
    let path = dir.join(name);
    if path.extension().is_none_or(|e| e != "tsv") {
        return Err(outside("the sources are the *.tsv files"));
    }
    if std::fs::symlink_metadata(&path).is_ok_and(|m| !m.file_type().is_file()) {
        return Err(outside("it is a symbolic link or not a regular file"));
    }
    Ok(path)
}

/// Splits a leading byte order mark off a source's text, so that edits keep it first.
fn split_bom(text: &str) -> (&str, &str) {
    match text.strip_prefix('\u{feff}') {
        Some(rest) => ("\u{feff}", rest),
        None => ("", text),
    }
}

/// Notes for each variant key that other entities already have.
fn collisions(sources: &Sources, own_id: &str, variants: &[String]) -> Vec<String> {
    let mut notes = Vec::new();
    for v in variants {
        let key = key_of(v.trim_start_matches('='));
        for e in &sources.entities {
            if e.id != own_id && e.variants.iter().any(|x| key_of(&x.text) == key) {
                notes.push(format!(
                    "`{v}` is also a spelling of `{}` ({} {}, {}:{}): the key `{key}` is now ambiguous",
                    e.id, e.kind, e.name, e.path.display(), e.line
                ));
            }
        }
    }
    notes
}

/// Adds a new entity to `dir`, into `file` (default: by type, see [`default_file`]), at its
/// place in id order.
///
/// # Errors
/// A malformed entity, an id already in use, an entity of the same type whose name already has
/// this key, or a source that cannot be read or written.
pub fn add_entity(dir: &Path, new: &NewEntity, file: Option<&Path>) -> Result<Edited> {
    let sources = source::read_dir(dir)?;
    let kind = new
        .kind
        .ok_or_else(|| refuse(dir, 0, "a type (PER, LOC, ORG) is required".into()))?;
    let id = match (&new.id, &new.en) {
        (Some(id), _) => id.clone(),
        (None, Some(en)) if !slug(en).is_empty() => slug(en),
        _ => {
            return Err(refuse(
                dir,
                0,
                "give an id (--id), or an English name (--en) to derive it from".into(),
            ));
        }
    };
    let path = match file {
        Some(f) => confined(dir, f)?,
        None => dir.join(default_file(kind)),
    };
    plain_field(&path, "the id", &id, false)?;
    plain_field(&path, "the name", &new.name, false)?;
    for v in &new.variants {
        plain_field(&path, "the spelling", v, true)?;
    }
    for (what, value) in [("--en", &new.en), ("--wikidata", &new.wikidata)] {
        if let Some(value) = value {
            plain_field(&path, what, value, false)?;
        }
    }
    let mut fields = vec![
        id.clone(),
        kind.as_str().to_owned(),
        new.name.trim().to_owned(),
        new.variants.join("|"),
    ];
    if let Some(en) = &new.en {
        fields.push(format!("en={en}"));
    }
    if let Some(q) = &new.wikidata {
        fields.push(format!("wikidata={q}"));
    }
    while fields.len() > 3 && fields.last().is_some_and(String::is_empty) {
        fields.pop();
    }
    let line_text = fields.join("\t");
    let entity = parse_one(&path, &line_text)?;
    if let Some(e) = sources.entities.iter().find(|e| e.id == id) {
        return Err(refuse(
            &path,
            0,
            format!(
                "id `{id}` is already used at {}:{}",
                e.path.display(),
                e.line
            ),
        ));
    }
    let name_key = key_of(&entity.name);
    if let Some(e) = sources
        .entities
        .iter()
        .find(|e| e.kind == kind && e.variants.iter().any(|v| key_of(&v.text) == name_key))
    {
        return Err(refuse(
            &path,
            0,
            format!(
                "`{}` is already a {kind} entity: `{}` at {}:{} (use add-variant to add a spelling)",
                entity.name,
                e.id,
                e.path.display(),
                e.line
            ),
        ));
    }
    let all: Vec<String> = entity.variants.iter().map(|v| v.text.clone()).collect();
    let notes = collisions(&sources, &id, &all);

    let text = if path.exists() {
        read(&path)?
    } else {
        String::new()
    };
    let (bom, old) = split_bom(&text);
    let mut old = old.to_owned();
    if !old.is_empty() && !old.ends_with('\n') {
        old.push('\n');
    }
    let mut lines: Vec<&str> = old.split_inclusive('\n').collect();
    // before the first entity line whose id sorts after ours; else at the end
    let at = lines
        .iter()
        .position(|l| {
            let t = l.trim_start();
            !t.is_empty()
                && !t.starts_with('#')
                && t.split('\t').next().is_some_and(|i| i > id.as_str())
        })
        .unwrap_or(lines.len());
    let newline = format!("{line_text}\n");
    lines.insert(at, &newline);
    lines.insert(0, bom);
    crate::atomic::write(&path, lines.concat().as_bytes())?;
    Ok(Edited {
        path,
        line: at + 1,
        id,
        notes,
    })
}

/// Adds spellings to the entity `id`, changing only its line.
///
/// # Errors
/// An unknown id, a spelling the entity already has (written the same, or folding to a key it
/// already has), a malformed spelling, or a source that cannot be read or written.
pub fn add_variants(dir: &Path, id: &str, variants: &[String]) -> Result<Edited> {
    let sources = source::read_dir(dir)?;
    let e = sources
        .entities
        .iter()
        .find(|e| e.id == id)
        .ok_or_else(|| {
            refuse(
                dir,
                0,
                format!("no entity with id `{id}` in {}", dir.display()),
            )
        })?;
    for v in variants {
        plain_field(&e.path, "the spelling", v, true)?;
    }
    let mut keys: Vec<String> = e.variants.iter().map(|v| key_of(&v.text)).collect();
    for v in variants {
        let key = key_of(v.trim_start_matches('='));
        if keys.contains(&key) {
            let had = e
                .variants
                .iter()
                .find(|x| key_of(&x.text) == key)
                .map_or(v.as_str(), |x| x.text.as_str());
            return Err(refuse(
                &e.path,
                e.line,
                format!("`{id}` already has `{had}`, which `{v}` folds to (`{key}`)"),
            ));
        }
        keys.push(key);
    }
    let notes = collisions(&sources, id, variants);
    rewrite_line(&e.path, e.line, |fields| {
        if fields.len() < 4 {
            fields.resize(4, String::new());
        }
        let mut list: Vec<String> = fields[3]
            .split('|')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .collect();
        list.extend(variants.iter().map(|v| v.trim().to_owned()));
        fields[3] = list.join("|");
        Ok(())
    })?;
    Ok(Edited {
        path: e.path.clone(),
        line: e.line,
        id: id.to_owned(),
        notes,
    })
}

/// Rewrites line `line` (1-based) of the source `path`, every other line and byte untouched:
/// `change` gets the line's TAB-separated fields (its line end, and a byte order mark before
/// the first line, kept aside) and changes them, or says why it cannot (an error at that
/// line). The new line must still parse as one entity. The file is written atomically.
///
/// `add_variants` and the review decisions' edits (`decisions::apply`) both go through it.
pub fn rewrite_line(
    path: &Path,
    line: usize,
    change: impl FnOnce(&mut Vec<String>) -> std::result::Result<(), String>,
) -> Result<()> {
    let text = read(path)?;
    let (bom, old) = split_bom(&text);
    let mut lines: Vec<String> = old.split_inclusive('\n').map(str::to_owned).collect();
    let target = line
        .checked_sub(1)
        .and_then(|i| lines.get_mut(i))
        .ok_or_else(|| refuse(path, line, "no such line".into()))?;
    let ending = if target.ends_with("\r\n") {
        "\r\n"
    } else if target.ends_with('\n') {
        "\n"
    } else {
        ""
    };
    let mut fields: Vec<String> = target[..target.len() - ending.len()]
        .split('\t')
        .map(str::to_owned)
        .collect();
    change(&mut fields).map_err(|m| refuse(path, line, m))?;
    let new_line = fields.join("\t");
    parse_one(path, &new_line)?;
    *target = format!("{new_line}{ending}");
    lines.insert(0, bom.to_owned());
    crate::atomic::write(path, lines.concat().as_bytes())
}

fn parse_one(path: &Path, line: &str) -> Result<Entity> {
    match source::parse_str(path, line) {
        Err(Error::Source { message, .. }) => Err(refuse(
            path,
            0,
            format!("the new line would be malformed: {message}"),
        )),
        Err(other) => Err(other),
        Ok(mut entities) => entities
            .pop()
            .ok_or_else(|| refuse(path, 0, "nothing to add".into())),
    }
}

fn read(path: &Path) -> Result<String> {
    std::fs::read_to_string(path).map_err(|e| Error::io(path, e))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dir_with(files: &[(&str, &str)]) -> tempfile::TempDir {
        let d = tempfile::tempdir().unwrap();
        for (name, text) in files {
            std::fs::write(d.path().join(name), text).unwrap();
        }
        d
    }

    /// A line is rewritten in place: the byte order mark stays first, the line ends and the
    /// other lines are untouched, a refused change or a malformed result writes nothing.
    #[test]
    fn rewrite_line_changes_one_line_and_keeps_the_rest() {
        let text = "\u{feff}baku\tLOC\tباكو\r\n# note\nguba\tLOC\tقوبا\tقوبة\n";
        let d = dir_with(&[("places.tsv", text)]);
        let p = d.path().join("places.tsv");
        rewrite_line(&p, 1, |f| {
            f.push("en=Baku".into());
            Ok(())
        })
        .unwrap();
        let after = std::fs::read_to_string(&p).unwrap();
        assert_eq!(after, text.replace("باكو\r\n", "باكو\ten=Baku\r\n"));
        let e = rewrite_line(&p, 3, |_| Err("no".into())).unwrap_err();
        assert!(e.to_string().contains("places.tsv:3: no"), "{e}");
        let e = rewrite_line(&p, 3, |f| {
            f[1] = "XYZ".into();
            Ok(())
        })
        .unwrap_err();
        assert!(e.to_string().contains("malformed"), "{e}");
        assert!(rewrite_line(&p, 9, |_| Ok(())).is_err());
        assert_eq!(std::fs::read_to_string(&p).unwrap(), after);
    }

    const PLACES: &str = "# places\nbaku\tLOC\tباكو\tBaku\nyerevan\tLOC\tيريفان\n";

    #[test]
    fn add_inserts_one_line_in_id_order() {
        let d = dir_with(&[("places.tsv", PLACES)]);
        let new = NewEntity {
            kind: Some(EntityType::Loc),
            name: "قوبا".into(),
            variants: vec!["قوبة".into()],
            en: Some("Guba".into()),
            ..Default::default()
        };
        let r = add_entity(d.path(), &new, None).unwrap();
        assert_eq!((r.id.as_str(), r.line), ("guba", 3));
        let text = std::fs::read_to_string(d.path().join("places.tsv")).unwrap();
        assert_eq!(
            text,
            "# places\nbaku\tLOC\tباكو\tBaku\nguba\tLOC\tقوبا\tقوبة\ten=Guba\nyerevan\tLOC\tيريفان\n"
        );
        // refused: the id again, and the same name under another id
        assert!(
            add_entity(d.path(), &new, None)
                .unwrap_err()
                .to_string()
                .contains("id `guba` is already used")
        );
        let again = NewEntity {
            id: Some("guba-2".into()),
            ..new.clone()
        };
        assert!(
            add_entity(d.path(), &again, None)
                .unwrap_err()
                .to_string()
                .contains("is already a LOC entity: `guba`")
        );
        // a new file for another type, created when missing
        let p = NewEntity {
            kind: Some(EntityType::Per),
            name: "بوتين".into(),
            id: Some("putin".into()),
            ..Default::default()
        };
        add_entity(d.path(), &p, None).unwrap();
        assert_eq!(
            std::fs::read_to_string(d.path().join("people.tsv")).unwrap(),
            "putin\tPER\tبوتين\n"
        );
    }

    #[test]
    fn add_to_a_file_without_its_last_line_feed() {
        let d = dir_with(&[("places.tsv", "baku\tLOC\tباكو")]);
        let new = NewEntity {
            kind: Some(EntityType::Loc),
            name: "يريفان".into(),
            id: Some("yerevan".into()),
            ..Default::default()
        };
        assert_eq!(add_entity(d.path(), &new, None).unwrap().line, 2);
        let text = std::fs::read_to_string(d.path().join("places.tsv")).unwrap();
        assert_eq!(text, "baku\tLOC\tباكو\nyerevan\tLOC\tيريفان\n");
    }

    #[test]
    fn add_variant_changes_only_its_line() {
        let d = dir_with(&[
            ("places.tsv", PLACES),
            ("people.tsv", "x\tPER\tباكو علييف\n"),
        ]);
        let r = add_variants(d.path(), "yerevan", &["إيريفان".into(), "Yerevan".into()]).unwrap();
        assert_eq!(r.line, 3);
        let text = std::fs::read_to_string(d.path().join("places.tsv")).unwrap();
        assert_eq!(
            text,
            "# places\nbaku\tLOC\tباكو\tBaku\nyerevan\tLOC\tيريفان\tإيريفان|Yerevan\n"
        );
        let r = add_variants(d.path(), "baku", &["Bakou".into()]).unwrap();
        assert!(r.notes.is_empty());
        let text = std::fs::read_to_string(d.path().join("places.tsv")).unwrap();
        assert!(text.contains("baku\tLOC\tباكو\tBaku|Bakou\n"));
        // duplicates refused, with the spelling it collides with
        let e = add_variants(d.path(), "baku", &["BAKU".into()])
            .unwrap_err()
            .to_string();
        assert!(e.contains("`baku` already has `Baku`"), "{e}");
        let e = add_variants(d.path(), "nowhere", &["x".into()])
            .unwrap_err()
            .to_string();
        assert!(e.contains("no entity with id `nowhere`"), "{e}");
        // a spelling of another entity is added but reported
        let r = add_variants(d.path(), "yerevan", &["باكو علييف".into()]).unwrap();
        assert_eq!(r.notes.len(), 1);
        assert!(r.notes[0].contains("also a spelling of `x`"));
    }

    #[test]
    fn slugs() {
        assert_eq!(slug("Jean-Yves Le Drian"), "jean-yves-le-drian");
        assert_eq!(slug("  AFP!"), "afp");
    }

    /// `add-variant --dir g moscow $'موس\nevil\tPER\tشرير'` used to add a whole entity line.
    #[test]
    fn control_characters_and_bars_are_refused_in_every_field() {
        let d = dir_with(&[("places.tsv", PLACES)]);
        for bad in [
            "موس\nevil\tPER\tشرير",
            "موس\tx",
            "موس\r",
            "موس\u{1b}[31m",
            "موس|شرير",
        ] {
            let e = add_variants(d.path(), "baku", &[bad.to_owned()]).unwrap_err();
            assert!(
                e.to_string().contains("not allowed") || e.to_string().contains("`|`"),
                "{e}"
            );
        }
        let base = NewEntity {
            id: Some("x".into()),
            kind: Some(EntityType::Loc),
            name: "شرير".into(),
            ..Default::default()
        };
        let cases = [
            NewEntity {
                id: Some("x\ny\tLOC\tمدينة".into()),
                ..base.clone()
            },
            NewEntity {
                name: "شرير\nevil\tPER\tشرير".into(),
                ..base.clone()
            },
            NewEntity {
                variants: vec!["a\tb".into()],
                ..base.clone()
            },
            NewEntity {
                en: Some("Evil\nx\tPER\ty".into()),
                ..base.clone()
            },
            NewEntity {
                wikidata: Some("Q1\t".into()),
                ..base.clone()
            },
        ];
        for new in &cases {
            let e = add_entity(d.path(), new, None).unwrap_err();
            assert!(e.to_string().contains("not allowed"), "{e}");
        }
        assert_eq!(
            std::fs::read_to_string(d.path().join("places.tsv")).unwrap(),
            PLACES
        );
        assert!(
            !d.path()
                .join("places.tsv")
                .with_extension("tsv.new")
                .exists()
        );
    }

    /// On a file that starts with a byte order mark, the new line used to go before it, and
    /// the gazetteer no longer loaded.
    #[test]
    fn a_byte_order_mark_stays_first() {
        let text = "\u{feff}baku\tLOC\tباكو\nyerevan\tLOC\tيريفان\n";
        let d = dir_with(&[("places.tsv", text)]);
        let new = NewEntity {
            id: Some("ankara".into()),
            kind: Some(EntityType::Loc),
            name: "أنقرة".into(),
            ..Default::default()
        };
        let r = add_entity(d.path(), &new, None).unwrap();
        assert_eq!(r.line, 1);
        let written = std::fs::read_to_string(d.path().join("places.tsv")).unwrap();
        assert!(
            written.starts_with("\u{feff}ankara\tLOC\tأنقرة\nbaku\t"),
            "{written:?}"
        );
        add_variants(d.path(), "ankara", &["انكارا".into()]).unwrap();
        let written = std::fs::read_to_string(d.path().join("places.tsv")).unwrap();
        assert!(
            written.starts_with("\u{feff}ankara\tLOC\tأنقرة\tانكارا\n"),
            "{written:?}"
        );
        assert_eq!(written.matches('\u{feff}').count(), 1);
        let g = crate::Gazetteer::load(d.path()).unwrap();
        assert_eq!(g.len(), 3);
    }

    #[test]
    fn file_stays_inside_dir() {
        let outer = tempfile::tempdir().unwrap();
        let d = outer.path().join("g");
        std::fs::create_dir(&d).unwrap();
        std::fs::write(d.join("places.tsv"), PLACES).unwrap();
        let new = NewEntity {
            id: Some("ankara".into()),
            kind: Some(EntityType::Loc),
            name: "أنقرة".into(),
            ..Default::default()
        };
        let escape = outer.path().join("escape.tsv");
        #[cfg(unix)]
        std::os::unix::fs::symlink(&escape, d.join("link.tsv")).unwrap();
        for f in [
            escape.clone(),
            PathBuf::from("../escape.tsv"),
            d.join("../escape.tsv"),
            PathBuf::from("sub/x.tsv"),
            PathBuf::from("notes.txt"),
            #[cfg(unix)]
            PathBuf::from("link.tsv"),
        ] {
            let e = add_entity(&d, &new, Some(&f)).unwrap_err();
            assert!(
                e.to_string().contains("--file must name a .tsv file in"),
                "{f:?}: {e}"
            );
        }
        assert!(!escape.exists());
        // a name, ./name or dir/name is fine
        for (f, id) in [("more.tsv", "ankara"), ("./more.tsv", "x1"), ("", "x2")] {
            let f = if f.is_empty() {
                d.join("more.tsv")
            } else {
                PathBuf::from(f)
            };
            let new = NewEntity {
                id: Some(id.into()),
                name: format!("أنقرة{id}"),
                ..new.clone()
            };
            let r = add_entity(&d, &new, Some(&f)).unwrap();
            assert_eq!(r.path, d.join("more.tsv"));
        }
    }
}
