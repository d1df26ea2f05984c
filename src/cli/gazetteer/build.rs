//! `gaztag gazetteer build [DIR] -o FILE`: compile sources into one index file.

use std::path::PathBuf;
use std::time::Instant;

use gaztag::Gazetteer;
use gaztag::gazetteer::{compile, source};

/// Arguments of `gaztag gazetteer build`.
#[derive(clap::Args, Debug)]
pub struct BuildArgs {
    /// Folder of gazetteer sources (default: `gazetteer`, in a clone of the repository).
    #[arg(value_name = "DIR", conflicts_with = "dir_flag")]
    dir: Option<PathBuf>,
    /// The same folder, given as an option as to the other gazetteer commands.
    #[arg(long = "dir", value_name = "DIR")]
    dir_flag: Option<PathBuf>,
    /// The index file to write.
    #[arg(short, long, value_name = "FILE")]
    output: PathBuf,
}

pub fn run(args: BuildArgs) -> anyhow::Result<i32> {
    let t = Instant::now();
    let dir = super::source_dir(args.dir.or(args.dir_flag))?;
    let sources = source::read_dir(&dir)?;
    let bytes = compile(&sources);
    gaztag::atomic::write(&args.output, &bytes)?;
    // read back the file users will load (`load` checks every byte)
    let index = Gazetteer::load(&args.output)?;
    eprintln!(
        "{}: {} entities, {} keys, {} bytes, in {:.2?}",
        args.output.display(),
        index.len(),
        index.key_count(),
        bytes.len(),
        t.elapsed()
    );
    Ok(super::super::EXIT_OK)
}
