//! `gaztag gazetteer ...`: check, edit, compile and query gazetteer sources. One file per
//! subcommand.

use clap::Subcommand;

mod add;
mod add_variant;
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
    Check(check::CheckArgs),
    /// Add an entity (one new line in a source file).
    Add(add::AddArgs),
    /// Add spellings to an entity (its line changes, nothing else).
    AddVariant(add_variant::AddVariantArgs),
    /// Compile sources into one index file.
    Build(build::BuildArgs),
    /// Write the embedded default gazetteer out as source files (to start your own from it).
    Export(export::ExportArgs),
    /// Show the folded key of names and the entities they match.
    Lookup(lookup::LookupArgs),
    /// Entities per type, variants, keys, ambiguous keys, index size.
    Stats(stats::StatsArgs),
    /// Mine documents for new spellings of known names, with the command that adds each.
    Suggest(suggest::SuggestArgs),
    /// Build gazetteer sources from annotated CoNLL data.
    Import(import::ImportArgs),
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
    }
}

/// Reports an edit on stderr: where, and any collision worth a look.
fn report(what: &str, r: &gaztag::gazetteer::edit::Edited) {
    eprintln!("{what} `{}` at {}:{}", r.id, r.path.display(), r.line);
    for n in &r.notes {
        eprintln!("note: {n}");
    }
}
