//! `gaztag gazetteer add-variant ID SPELLING...`: add spellings to an entity's line.

use std::path::PathBuf;

use gaztag::gazetteer::edit::add_variants;
use gaztag::gazetteer::key_of;
use gaztag::gazetteer::source::{self, Entity};

/// Arguments of `gaztag gazetteer add-variant`.
#[derive(clap::Args, Debug)]
pub struct AddVariantArgs {
    /// The entity's id.
    id: String,
    /// The spellings to add (`=SPELLING` for exact-only).
    #[arg(required = true, value_name = "SPELLING")]
    variants: Vec<String>,
    /// Folder of gazetteer sources (default: `gazetteer`, in a clone of the repository).
    #[arg(long, value_name = "DIR")]
    dir: Option<PathBuf>,
}

pub fn run(args: AddVariantArgs) -> anyhow::Result<i32> {
    let dir = super::source_dir(args.dir)?;
    let sources = source::read_dir(&dir)?;
    if !sources.entities.iter().any(|e| e.id == args.id) {
        let mut message = format!("no entity with id `{}` in {}", args.id, dir.display());
        let near = nearest_ids(&sources.entities, &args.id);
        if !near.is_empty() {
            message += &format!("; did you mean {}?", near.join(" or "));
        }
        anyhow::bail!(message);
    }
    let r = add_variants(&dir, &args.id, &args.variants)?;
    super::report("changed", &r);
    Ok(super::super::EXIT_OK)
}

/// The ids `id` was likely meant to be, best first (at most three): ids a small edit away
/// (`gubba` for `guba`), and the ids of entities one of whose spellings `id` is (`قوبا` for
/// `guba`), each shown with its canonical name.
fn nearest_ids(entities: &[Entity], id: &str) -> Vec<String> {
    let key = key_of(id);
    let mut scored: Vec<(f64, &Entity)> = entities
        .iter()
        .filter_map(|e| {
            if !key.is_empty() && e.variants.iter().any(|v| key_of(&v.text) == key) {
                return Some((2.0, e));
            }
            let score = strsim::jaro_winkler(&e.id, id);
            (score >= 0.85).then_some((score, e))
        })
        .collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.id.cmp(&b.1.id)));
    scored
        .iter()
        .take(3)
        .map(|(_, e)| format!("`{}` ({})", e.id, e.name))
        .collect()
}
