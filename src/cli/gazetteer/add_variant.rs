//! `gaztag gazetteer add-variant ID SPELLING...`: add spellings to an entity's line.

use std::path::PathBuf;

use gaztag::gazetteer::edit::add_variants;

/// Arguments of `gaztag gazetteer add-variant`.
#[derive(clap::Args, Debug)]
pub struct AddVariantArgs {
    /// The entity's id.
    id: String,
    /// The spellings to add (`=SPELLING` for exact-only).
    #[arg(required = true, value_name = "SPELLING")]
    variants: Vec<String>,
    /// Folder of gazetteer sources.
    #[arg(long, default_value = "gazetteer", value_name = "DIR")]
    dir: PathBuf,
}

pub fn run(args: AddVariantArgs) -> anyhow::Result<i32> {
    let r = add_variants(&args.dir, &args.id, &args.variants)?;
    super::report("changed", &r);
    Ok(super::super::EXIT_OK)
}
