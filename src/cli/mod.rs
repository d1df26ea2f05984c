//! Command-line parsing and dispatch. Each subcommand lives in its own file; none holds logic
//! the library should have.

use std::path::PathBuf;

use clap::{Parser, Subcommand};

mod diff;
mod gazetteer;
mod tag;

/// Exit status: everything worked.
pub const EXIT_OK: i32 = 0;
/// Exit status: some inputs failed (each was reported on stderr); the others were processed.
pub const EXIT_PARTIAL: i32 = 1;
/// Exit status: nothing could be done (bad usage, unusable gazetteer, unwritable output).
pub const EXIT_FATAL: i32 = 2;

/// Find the people, places and organizations named in Arabic text.
#[derive(Parser, Debug)]
#[command(name = "gaztag", version, about, long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Tag documents (files or folders) and write JSON annotations.
    Tag(tag::TagArgs),
    /// Check, edit, compile and query gazetteers.
    #[command(subcommand)]
    Gazetteer(gazetteer::GazetteerCommand),
    /// Compare two sets of annotations: mentions added, removed and changed per document.
    Diff(diff::DiffArgs),
}

/// Gazetteer selection shared by the commands that tag.
#[derive(clap::Args, Debug, Clone)]
pub struct GazetteerArgs {
    /// A gazetteer to use on top of the default: a folder of sources or a compiled index.
    /// Repeat to layer several; the first given takes precedence.
    #[arg(long = "gazetteer", value_name = "PATH")]
    pub gazetteers: Vec<PathBuf>,
    /// Leave the embedded default gazetteer out.
    #[arg(long)]
    pub no_default: bool,
}

impl GazetteerArgs {
    /// A tagger builder with these gazetteer layers, for further options.
    pub fn builder(&self) -> anyhow::Result<gaztag::TaggerBuilder> {
        let mut b = gaztag::Tagger::builder();
        for path in &self.gazetteers {
            b.gazetteer(gaztag::Gazetteer::load(path)?);
        }
        if !self.no_default {
            b.gazetteer(gaztag::Gazetteer::embedded());
        } else if self.gazetteers.is_empty() {
            anyhow::bail!("--no-default needs at least one --gazetteer");
        }
        Ok(b)
    }
}

/// Parses the command line, runs the command, and returns the exit status.
pub fn run() -> i32 {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() { EXIT_FATAL } else { EXIT_OK };
        }
    };
    let result = match cli.command {
        Command::Tag(args) => tag::run(args),
        Command::Gazetteer(cmd) => gazetteer::run(cmd),
        Command::Diff(args) => diff::run(args),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("gaztag: error: {e:#}");
            EXIT_FATAL
        }
    }
}
