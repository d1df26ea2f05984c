//! `gaztag gazetteer export --out DIR`: write the embedded default gazetteer out as source
//! files, to start a gazetteer of one's own from it.

use std::path::PathBuf;

use anyhow::bail;
use gaztag::Gazetteer;
use gaztag::gazetteer::export;

/// Arguments of `gaztag gazetteer export`.
#[derive(clap::Args, Debug)]
pub struct ExportArgs {
    /// The folder to write the source files into (created if missing).
    #[arg(long, value_name = "DIR")]
    out: PathBuf,
    /// Replace files of the same names already in the folder.
    #[arg(long)]
    force: bool,
}

pub fn run(args: ExportArgs) -> anyhow::Result<i32> {
    let gaz = Gazetteer::embedded();
    let layout = export::embedded_files();
    if !args.force {
        let existing: Vec<String> = export::file_names(&gaz, &layout)
            .into_iter()
            .filter(|name| args.out.join(name).exists())
            .collect();
        if !existing.is_empty() {
            bail!(
                "{}: already has {} (use --force to replace them)",
                args.out.display(),
                existing.join(", ")
            );
        }
    }
    let out = export::write_sources(&gaz, &layout, &args.out)?;
    for (path, n) in &out.files {
        eprintln!("{}: {n} lines", path.display());
    }
    eprintln!(
        "exported {} entities into {}; build them with `gaztag gazetteer build {} -o FILE` or use \
         `gaztag tag --no-default --gazetteer {}`",
        gaz.len(),
        args.out.display(),
        args.out.display(),
        args.out.display()
    );
    Ok(super::super::EXIT_OK)
}
