//! `gaztag gazetteer apply DECISIONS`: turn a reviewer's decisions into source edits.

use std::io::Write;
use std::path::PathBuf;

use gaztag::decisions::{self, apply};

/// Arguments of `gaztag gazetteer apply`.
#[derive(clap::Args, Debug)]
pub struct ApplyArgs {
    /// The decisions file exported from the review pages (`decisions.json`).
    decisions: PathBuf,
    /// Folder of gazetteer sources to change.
    #[arg(long, default_value = "gazetteer", value_name = "DIR")]
    dir: PathBuf,
    /// Print the diff of the edits and change nothing.
    #[arg(long)]
    dry_run: bool,
}

pub fn run(args: ApplyArgs) -> anyhow::Result<i32> {
    let d = decisions::read(&args.decisions)?;
    let r = apply::apply(&d, &args.dir, args.dry_run)?;
    let mut out = std::io::stdout().lock();
    for c in &r.changes {
        write!(
            out,
            "{}",
            apply::diff(&c.path.display().to_string(), &c.before, &c.after)
        )?;
    }
    out.flush()?;
    let verb = if args.dry_run { "would" } else { "did" };
    for line in &r.done {
        eprintln!("{verb}: {line}");
    }
    for line in &r.notes {
        eprintln!("note: {line}");
    }
    eprintln!(
        "{} edit(s) in {} file(s){}",
        r.done.len(),
        r.changes.len(),
        if args.dry_run {
            " (dry run: nothing written)"
        } else {
            ""
        }
    );
    Ok(super::super::EXIT_OK)
}
