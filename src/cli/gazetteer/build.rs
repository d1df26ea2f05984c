//! `gaztag gazetteer build [DIR] -o FILE`: compile sources into one index file.

use std::path::PathBuf;
use std::time::Instant;

use gaztag::Gazetteer;
use gaztag::gazetteer::{compile, source};

/// Arguments of `gaztag gazetteer build`.
#[derive(clap::Args, Debug)]
pub struct BuildArgs {
    /// Folder of gazetteer sources.
    #[arg(default_value = "gazetteer", value_name = "DIR")]
    dir: PathBuf,
    /// The index file to write.
    #[arg(short, long, value_name = "FILE")]
    output: PathBuf,
}

pub fn run(args: BuildArgs) -> anyhow::Result<i32> {
    let t = Instant::now();
    let sources = source::read_dir(&args.dir)?;
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
