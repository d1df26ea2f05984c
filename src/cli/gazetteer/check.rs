//! `gaztag gazetteer check [DIR]`: print every problem as `file:line: severity: message`.

use std::io::Write as _;
use std::path::PathBuf;

use gaztag::gazetteer::check::{Severity, check_dir};

/// Arguments of `gaztag gazetteer check`.
#[derive(clap::Args, Debug)]
pub struct CheckArgs {
    /// Folder of gazetteer sources (default: `gazetteer`, in a clone of the repository).
    #[arg(value_name = "DIR", conflicts_with = "dir_flag")]
    dir: Option<PathBuf>,
    /// The same folder, given as an option as to the other gazetteer commands.
    #[arg(long = "dir", value_name = "DIR")]
    dir_flag: Option<PathBuf>,
}

pub fn run(args: CheckArgs) -> anyhow::Result<i32> {
    let dir = super::source_dir(args.dir.or(args.dir_flag))?;
    let diagnostics = check_dir(&dir)?;
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    for d in &diagnostics {
        writeln!(out, "{d}")?;
    }
    out.flush()?;
    let errors = diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .count();
    eprintln!(
        "{}: {errors} error(s), {} warning(s)",
        dir.display(),
        diagnostics.len() - errors
    );
    Ok(if errors > 0 {
        super::super::EXIT_PARTIAL
    } else {
        super::super::EXIT_OK
    })
}
