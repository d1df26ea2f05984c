//! `gaztag gazetteer ...`: check, edit, compile and query gazetteer sources. One file per
//! subcommand.

use std::path::PathBuf;

use clap::Subcommand;

mod add;
mod add_variant;
mod apply;
mod build;
mod check;
mod export;
mod import;
mod lookup;
mod stats;
mod suggest;

/// The `gazetteer` subcommands.
#[derive(Subcommand, Debug)]
pub enum GazetteerCommand {
    /// Validate sources: print `file:line: severity: message` for each problem.
    #[command(
        after_help = "Examples:\n  gaztag gazetteer check                  the default sources, in a clone of the repository\n  gaztag gazetteer check --dir my-names   a folder of your own"
    )]
    Check(check::CheckArgs),
    /// Add an entity (one new line in a source file).
    #[command(
        after_help = "Examples:\n  gaztag gazetteer add --dir my-names --type PER --name \"كريم بنزيمة\" --en \"Karim Benzema\"\n  gaztag gazetteer add --type LOC --name \"قوبا\" --en Guba --wikidata Q1010962   into gazetteer/places.tsv"
    )]
    Add(add::AddArgs),
    /// Add spellings to an entity (its line changes, nothing else).
    #[command(
        after_help = "Examples:\n  gaztag gazetteer add-variant --dir my-names karim-benzema \"بن زيمة\"\n  gaztag gazetteer add-variant guba \"غوبا\"                   in a clone of the repository"
    )]
    AddVariant(add_variant::AddVariantArgs),
    /// Compile sources into one index file.
    #[command(
        after_help = "Examples:\n  gaztag gazetteer build --dir my-names -o my-names.gaz\n  gaztag tag corpus --gazetteer my-names.gaz"
    )]
    Build(build::BuildArgs),
    /// Write the embedded default gazetteer out as source files (to start your own from it).
    Export(export::ExportArgs),
    /// Show the folded key of names and the entities they match.
    #[command(
        after_help = "Examples:\n  gaztag gazetteer lookup \"قرة باغ\" بوتن\n  gaztag gazetteer lookup --fuzzy 1 مسكو\n  gaztag gazetteer lookup --gazetteer my-names \"بن زيمة\""
    )]
    Lookup(lookup::LookupArgs),
    /// Entities per type, variants, keys, ambiguous keys, index size.
    Stats(stats::StatsArgs),
    /// Mine documents for new spellings of known names, with the command that adds each.
    Suggest(suggest::SuggestArgs),
    /// Build gazetteer sources from annotated CoNLL data.
    Import(import::ImportArgs),
    /// Turn decisions exported from the review pages into source edits (--dry-run: the diff).
    Apply(apply::ApplyArgs),
}

pub fn run(cmd: GazetteerCommand) -> anyhow::Result<i32> {
    match cmd {
        GazetteerCommand::Check(a) => check::run(a),
        GazetteerCommand::Add(a) => add::run(a),
        GazetteerCommand::AddVariant(a) => add_variant::run(a),
        GazetteerCommand::Build(a) => build::run(a),
        GazetteerCommand::Export(a) => export::run(a),
        GazetteerCommand::Lookup(a) => lookup::run(a),
        GazetteerCommand::Stats(a) => stats::run(a),
        GazetteerCommand::Suggest(a) => suggest::run(a),
        GazetteerCommand::Import(a) => import::run(a),
        GazetteerCommand::Apply(a) => apply::run(a),
    }
}

/// The folder of gazetteer sources a command works on: `--dir` (or the positional DIR) when
/// given, else `gazetteer` in the current folder, the default gazetteer's sources in a clone of
/// the repository.
///
/// # Errors
/// Without a folder given, when there is no `gazetteer` folder here: a hint to give one.
pub(crate) fn source_dir(given: Option<PathBuf>) -> anyhow::Result<PathBuf> {
    if let Some(dir) = given {
        return Ok(dir);
    }
    let default = PathBuf::from(DEFAULT_DIR);
    anyhow::ensure!(
        default.is_dir(),
        "no `{DEFAULT_DIR}` folder here: the default gazetteer's sources are the `{DEFAULT_DIR}/` \
         folder of a clone of the gaztag repository, so run this there, or give --dir DIR for \
         a folder of your own (`gaztag gazetteer add --dir DIR ...` creates one, and \
         `gaztag tag --gazetteer DIR` uses it on top of the default)"
    );
    Ok(default)
}

/// The folder of the default gazetteer's sources, in a clone of the repository.
const DEFAULT_DIR: &str = "gazetteer";

/// Reports an edit on stderr: where, and any collision worth a look.
fn report(what: &str, r: &gaztag::gazetteer::edit::Edited) {
    eprintln!("{what} `{}` at {}:{}", r.id, r.path.display(), r.line);
    for n in &r.notes {
        eprintln!("note: {n}");
    }
}
