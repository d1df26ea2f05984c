//! `gaztag gazetteer add`: add an entity, as one new line in a source file.

use std::path::{Path, PathBuf};

use anyhow::Context as _;
use gaztag::EntityType;

use gaztag::gazetteer::edit::{NewEntity, add_entity, default_file};

/// Arguments of `gaztag gazetteer add`.
#[derive(clap::Args, Debug)]
pub struct AddArgs {
    /// PER, LOC or ORG.
    #[arg(long = "type", value_name = "TYPE", value_parser = parse_type)]
    kind: EntityType,
    /// Canonical name (Arabic).
    #[arg(long)]
    name: String,
    /// A further spelling (repeatable; `=SPELLING` for exact-only).
    #[arg(long = "variant", value_name = "SPELLING")]
    variants: Vec<String>,
    /// Id (default: derived from --en, `Vladimir Putin` → `vladimir-putin`).
    #[arg(long)]
    id: Option<String>,
    /// English name.
    #[arg(long)]
    en: Option<String>,
    /// Wikidata id (Q…).
    #[arg(long)]
    wikidata: Option<String>,
    /// Folder of gazetteer sources (default: `gazetteer`, in a clone of the repository);
    /// created, with its source file, if it does not exist.
    #[arg(long, value_name = "DIR")]
    dir: Option<PathBuf>,
    /// Source file in DIR (default: people.tsv, places.tsv or organizations.tsv by type);
    /// created if DIR holds no source yet.
    #[arg(long, value_name = "FILE")]
    file: Option<PathBuf>,
}

pub(super) fn parse_type(s: &str) -> Result<EntityType, String> {
    EntityType::parse(&s.to_ascii_uppercase())
        .ok_or_else(|| format!("`{s}` is not PER, LOC or ORG"))
}

pub fn run(args: AddArgs) -> anyhow::Result<i32> {
    let new = NewEntity {
        id: args.id,
        kind: Some(args.kind),
        name: args.name,
        variants: args.variants,
        en: args.en,
        wikidata: args.wikidata,
    };
    let dir = super::source_dir(args.dir)?;
    let file = args
        .file
        .clone()
        .unwrap_or_else(|| default_file(args.kind).into());
    if let Some(created) = start_folder(&dir, &file)? {
        eprintln!("created {}", created.display());
    }
    let r = add_entity(&dir, &new, args.file.as_deref())?;
    super::report("added", &r);
    Ok(super::super::EXIT_OK)
}

/// Makes `dir` a gazetteer folder if it is not one yet: creates it, and an empty source `file`
/// in it when it holds no `*.tsv` source, so that the first `add` into a new folder works.
/// Returns what it created. A `file` that is not a plain name inside `dir` is left alone (the
/// edit itself reports it).
fn start_folder(dir: &Path, file: &Path) -> anyhow::Result<Option<PathBuf>> {
    let plain = file
        .components()
        .all(|c| matches!(c, std::path::Component::Normal(_)));
    if !plain || file.extension().is_none_or(|x| x != "tsv") {
        return Ok(None);
    }
    let new_dir = !dir.exists();
    if new_dir {
        std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    }
    let has_source = std::fs::read_dir(dir)
        .with_context(|| format!("reading {}", dir.display()))?
        .filter_map(Result::ok)
        .any(|e| e.path().extension().is_some_and(|x| x == "tsv"));
    if has_source {
        return Ok(new_dir.then(|| dir.to_owned()));
    }
    let path = dir.join(file);
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)
            .with_context(|| format!("creating {}", parent.display()))?;
    }
    std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&path)
        .with_context(|| format!("creating {}", path.display()))?;
    Ok(Some(path))
}
