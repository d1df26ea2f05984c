//! `gaztag gazetteer add`: add an entity, as one new line in a source file.

use std::path::PathBuf;

use gaztag::EntityType;
use gaztag::gazetteer::edit::{NewEntity, add_entity};

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
    /// Folder of gazetteer sources.
    #[arg(long, default_value = "gazetteer", value_name = "DIR")]
    dir: PathBuf,
    /// Source file in DIR (default: people.tsv, places.tsv or organizations.tsv by type).
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
    let r = add_entity(&args.dir, &new, args.file.as_deref())?;
    super::report("added", &r);
    Ok(super::super::EXIT_OK)
}
