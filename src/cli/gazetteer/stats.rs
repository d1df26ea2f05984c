//! `gaztag gazetteer stats [PATH]`: size counts of a gazetteer, and its entities per source
//! file.

use std::io::Write;
use std::path::PathBuf;

use gaztag::Gazetteer;
use gaztag::gazetteer::{export, source};

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

/// Entities per source file: the embedded default's file list, a folder's files, or nothing
/// for an index file (which does not record its sources).
fn per_file(path: Option<&PathBuf>) -> anyhow::Result<Vec<(String, usize)>> {
    match path {
        None => Ok(export::embedded_files()),
        Some(p) if p.is_dir() => {
            let sources = source::read_dir(p)?;
            Ok(sources
                .entities
                .chunk_by(|a, b| a.path == b.path)
                .map(|g| {
                    let name = g[0].path.file_name().unwrap_or_default();
                    (name.to_string_lossy().into_owned(), g.len())
                })
                .collect())
        }
        Some(_) => Ok(Vec::new()),
    }
}

pub fn run(args: StatsArgs) -> anyhow::Result<i32> {
    let g = match args.path.as_ref().or(args.dir.as_ref()) {
        Some(p) => Gazetteer::load(p)?,
        None => Gazetteer::embedded(),
    };
    let s = g.stats();
    let files = per_file(args.path.as_ref())?;
    // written, not printed: a closed pipe (`stats | head -1`) is an error the caller ends
    // quietly on, never a panic
    let mut out = std::io::stdout().lock();
    if args.json {
        let mut v = serde_json::to_value(s)?;
        v["files"] = files
            .iter()
            .map(|(f, n)| serde_json::json!({ "file": f, "entities": n }))
            .collect();
        writeln!(out, "{}", serde_json::to_string(&v)?)?;
    } else {
        writeln!(out, "gazetteer       {}", g.origin())?;
        writeln!(
            out,
            "entities        {} (PER {}, LOC {}, ORG {})",
            s.entities, s.per, s.loc, s.org
        )?;
        writeln!(out, "variants        {}", s.variants)?;
        writeln!(out, "keys            {}", s.keys)?;
        writeln!(out, "ambiguous keys  {}", s.ambiguous_keys)?;
        writeln!(out, "index bytes     {}", s.index_bytes)?;
        for (f, n) in &files {
            writeln!(out, "  {n:>8}  {f}")?;
        }
    }
    out.flush()?;
    Ok(super::super::EXIT_OK)
}
