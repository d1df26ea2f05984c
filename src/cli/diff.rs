//! `gaztag diff OLD NEW`: the mentions added, removed and changed between two sets of
//! annotations of the same documents. Exit status as `diff`: 0 equal, 1 different, 2 error.

use std::io::Write as _;
use std::path::PathBuf;

use anyhow::Context;

use gaztag::annotation::read_annotations;
use gaztag::diff::{self, Side, Sources};
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
    let old = read_annotations(&args.old)?;
    let new = read_annotations(&args.new)?;
    let diff = diff::compare(&old, &new).map_err(|e| {
        let path = match e.side {
            Side::Old => &args.old,
            Side::New => &args.new,
        };
        anyhow::anyhow!("{}: {e}", path.display())
    })?;
    let mut record_errors = Vec::new();
    let sides = [args.old.clone(), args.new.clone()];
    let locator = Locator::new(args.docs.as_deref(), &sides, &mut record_errors);
    for e in record_errors {
        eprintln!("gaztag: warning: {e}");
    }
    let sources = Sources::load(&diff, &locator);
    let report = if args.json {
        diff::render_json(&diff, &sources, args.context)
    } else {
        diff::render_text(&diff, &sources, args.context)
    };
    let mut out = std::io::stdout().lock();
    out.write_all(report.as_bytes())
        .and_then(|()| out.flush())
        .context("writing the report to standard output")?;
    Ok(if diff.is_equal() {
        EXIT_OK
    } else {
        EXIT_PARTIAL
    })
}
