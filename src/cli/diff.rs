//! `gaztag diff OLD NEW`: the mentions added, removed and changed between two sets of
//! annotations of the same documents. Exit status as `diff`: 0 equal, 1 different, 2 error.

use std::io::Write as _;
use std::path::{Path, PathBuf};

use anyhow::Context;

use gaztag::diff::{self, Format, Run, Side};
use gaztag::review::locate::Locator;

use super::{EXIT_OK, EXIT_PARTIAL};

#[derive(clap::Args, Debug)]
pub struct DiffArgs {
    /// The old annotations: a `tag --out` folder, a `.json` file, or a JSON Lines file.
    #[arg(value_name = "OLD")]
    old: PathBuf,
    /// The new annotations, in any of the same forms.
    #[arg(value_name = "NEW")]
    new: PathBuf,
    /// The folder that was tagged, where each document's text is found for context snippets
    /// (default: where `tag --out` recorded it, else each document's name taken as a path
    /// from the current folder).
    #[arg(long, value_name = "DIR")]
    docs: Option<PathBuf>,
    /// Characters of context either side of a mention.
    #[arg(long, value_name = "N", default_value_t = 30)]
    context: usize,
    /// Print one JSON object (shape in docs/diff.md) instead of the report.
    #[arg(long)]
    json: bool,
}

pub fn run(args: DiffArgs) -> anyhow::Result<i32> {
    if let Some(dir) = &args.docs {
        anyhow::ensure!(dir.is_dir(), "--docs {}: not a folder", dir.display());
    }
    // an index of each side; the documents are read back one pair at a time
    let old = Run::index(&args.old, Side::Old)?;
    let new = Run::index(&args.new, Side::New)?;
    let mut record_errors = Vec::new();
    let sides = [args.old.clone(), args.new.clone()];
    let locator = Locator::new(args.docs.as_deref(), &sides, &mut record_errors);
    for e in record_errors {
        eprintln!("gaztag: warning: {e}");
    }
    let format = if args.json {
        Format::Json
    } else {
        Format::Text
    };
    let stdout = std::io::stdout().lock();
    let mut out = std::io::BufWriter::with_capacity(1 << 16, stdout);
    let summary = diff::write_report(
        &old,
        &new,
        format,
        &locator,
        args.context,
        &mut out,
        Path::new("standard output"),
    )?;
    out.flush()
        .context("writing the report to standard output")?;
    Ok(if summary.is_equal() {
        EXIT_OK
    } else {
        EXIT_PARTIAL
    })
}
