//! `gaztag gazetteer stats [PATH]`: size counts of a gazetteer.

use std::path::PathBuf;

use gaztag::Gazetteer;

/// Arguments of `gaztag gazetteer stats`.
#[derive(clap::Args, Debug)]
pub struct StatsArgs {
    /// A folder of sources or an index file (default: the embedded default gazetteer).
    #[arg(value_name = "PATH", conflicts_with = "dir")]
    path: Option<PathBuf>,
    /// A folder of sources, given as an option as to the other gazetteer commands.
    #[arg(long, value_name = "DIR")]
    dir: Option<PathBuf>,
    /// Print JSON.
    #[arg(long)]
    json: bool,
}

pub fn run(args: StatsArgs) -> anyhow::Result<i32> {
    let g = match args.path.as_ref().or(args.dir.as_ref()) {
        Some(p) => Gazetteer::load(p)?,
        None => Gazetteer::embedded(),
    };
    let s = g.stats();
    if args.json {
        println!("{}", serde_json::to_string(&s)?);
    } else {
        println!("gazetteer       {}", g.origin());
        println!(
            "entities        {} (PER {}, LOC {}, ORG {})",
            s.entities, s.per, s.loc, s.org
        );
        println!("variants        {}", s.variants);
        println!("keys            {}", s.keys);
        println!("ambiguous keys  {}", s.ambiguous_keys);
        println!("index bytes     {}", s.index_bytes);
    }
    Ok(super::super::EXIT_OK)
}
