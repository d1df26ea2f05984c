//! `gaztag gazetteer check [DIR]`: print every problem as `file:line: severity: message`.

use std::io::Write as _;
use std::path::PathBuf;

use gaztag::gazetteer::check::{Severity, check_dir};

/// Arguments of `gaztag gazetteer check`.
#[derive(clap::Args, Debug)]
pub struct CheckArgs {
    /// Folder of gazetteer sources.
    #[arg(default_value = "gazetteer", value_name = "DIR")]
    dir: PathBuf,
}

pub fn run(args: CheckArgs) -> anyhow::Result<i32> {
    let diagnostics = check_dir(&args.dir)?;
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
        args.dir.display(),
        diagnostics.len() - errors
    );
    Ok(if errors > 0 {
        super::super::EXIT_PARTIAL
    } else {
        super::super::EXIT_OK
    })
}
