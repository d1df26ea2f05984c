//! `gaztag gazetteer ...`: check, edit, compile and query gazetteer sources. One file per
//! subcommand.

use clap::Subcommand;

mod import;

/// The `gazetteer` subcommands.
#[derive(Subcommand, Debug)]
pub enum GazetteerCommand {
    /// Build gazetteer sources from annotated CoNLL data.
    Import(import::ImportArgs),
}

pub fn run(cmd: GazetteerCommand) -> anyhow::Result<i32> {
    match cmd {
        GazetteerCommand::Import(a) => import::run(a),
    }
}
