//! `gaztag gazetteer suggest CORPUS...`: candidate new spellings of known names, mined from
//! documents with the fuzzy matcher of `tag --fuzzy`.

use std::io::Write as _;
use std::path::PathBuf;

use gaztag::corpus;
use gaztag::suggest::suggest;

use crate::cli::GazetteerArgs;

/// Arguments of `gaztag gazetteer suggest`.
#[derive(clap::Args, Debug)]
pub struct SuggestArgs {
    /// Files and folders to mine.
    #[arg(required = true, value_name = "PATH")]
    paths: Vec<PathBuf>,
    /// Extension of the files to read inside folders (repeatable).
    #[arg(long = "ext", value_name = "EXT", default_value = "txt")]
    exts: Vec<String>,
    /// Only spellings seen at least this many times.
    #[arg(long, default_value_t = 1, value_name = "N")]
    min_count: usize,
    /// Print JSON Lines, one suggestion per line.
    #[arg(long)]
    json: bool,
    #[command(flatten)]
    gazetteer: GazetteerArgs,
}

pub fn run(args: SuggestArgs) -> anyhow::Result<i32> {
    // spellings of listed entities only: the name rules would take some of them first
    let tagger = args
        .gazetteer
        .builder()?
        .fuzzy(true)
        .aliases(false)
        .compose(false)
        .build();
    let (inputs, errors) = corpus::discover(&args.paths, &args.exts);
    let mut failed = errors.len();
    for e in &errors {
        eprintln!("gaztag: {e}");
    }
    let mut docs = Vec::new();
    for input in &inputs {
        match corpus::read_document(&input.path) {
            Ok(text) => docs.push((input.name.clone(), text)),
            Err(e) => {
                failed += 1;
                eprintln!("gaztag: {e}");
            }
        }
    }
    let suggestions = suggest(&tagger, docs.iter().map(|(n, t)| (n.as_str(), t.as_str())));
    let shown: Vec<_> = suggestions
        .iter()
        .filter(|s| s.count >= args.min_count)
        .collect();
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    for s in &shown {
        if args.json {
            writeln!(out, "{}", serde_json::to_string(s)?)?;
        } else {
            writeln!(
                out,
                "{}\t×{}\t{} ({}) via {}, distance {}\t{}: …{}…\n  {}",
                s.spelling,
                s.count,
                s.entity,
                s.name,
                s.variant,
                s.distance,
                s.document,
                s.context,
                s.command
            )?;
        }
    }
    out.flush()?;
    eprintln!(
        "{} suggestion(s) from {} document(s)",
        shown.len(),
        docs.len()
    );
    Ok(if failed > 0 {
        super::super::EXIT_PARTIAL
    } else {
        super::super::EXIT_OK
    })
}
