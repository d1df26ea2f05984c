//! `gaztag gazetteer import`. (Being written.)

/// Arguments of `gaztag gazetteer import`.
#[derive(clap::Args, Debug)]
pub struct ImportArgs {
    /// CoNLL files (one `token TAG` per line).
    #[arg(long = "conll", value_name = "FILE", required = true, num_args = 1..)]
    conll: Vec<std::path::PathBuf>,
}

pub fn run(args: ImportArgs) -> anyhow::Result<i32> {
    let _ = args.conll;
    anyhow::bail!("gazetteer import is not available yet")
}
