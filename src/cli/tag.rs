//! `gaztag tag`: tag documents in parallel, write annotations in a deterministic order.

use std::path::PathBuf;

use anyhow::Context;
use rayon::prelude::*;

use gaztag::Tagger;
use gaztag::corpus::{self, Input};
use gaztag::export::{Exporter, Format};

use super::{EXIT_OK, EXIT_PARTIAL, GazetteerArgs, RuleArgs};

#[derive(clap::Args, Debug)]
pub struct TagArgs {
    /// Files and folders to tag (folders are searched recursively).
    #[arg(
        required_unless_present = "stdin",
        conflicts_with = "stdin",
        value_name = "PATH"
    )]
    paths: Vec<PathBuf>,
    /// Read JSON Lines records (`{"id": ..., "text": ..., ...}`) from standard input and write
    /// one annotated record per line to standard output, in input order (see
    /// docs/scale-out.md). A malformed line gives `{"line": N, "error": ...}` and the stream goes
    /// on.
    #[arg(long, conflicts_with_all = ["out", "format", "exts"])]
    stdin: bool,
    /// Write into DIR instead of stdout: with the default format, one pretty-printed
    /// `NAME.json` per document, mirroring the input tree.
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
    /// Output format: json (default: JSON Lines on stdout, `NAME.json` files with --out),
    /// jsonl (with --out: one `annotations.jsonl`), conll (`token TAG` lines, IOB2), brat
    /// (`NAME.txt` + `NAME.ann`, needs --out).
    #[arg(long, value_name = "FORMAT", default_value = "json", value_parser = format_parser())]
    format: Format,
    /// Extension of the files to tag inside folders (repeatable).
    #[arg(long = "ext", value_name = "EXT", default_value = "txt")]
    exts: Vec<String>,
    /// Number of worker threads (default: one per core).
    #[arg(long, short = 'j', value_name = "N")]
    jobs: Option<usize>,
    #[command(flatten)]
    rules: RuleArgs,
    #[command(flatten)]
    gazetteer: GazetteerArgs,
}

/// Documents tagged in parallel per batch; batches keep memory bounded and output ordered.
const BATCH_PER_THREAD: usize = 64;

pub fn run(args: TagArgs) -> anyhow::Result<i32> {
    if args.stdin {
        return super::stream::run(args.jobs, &args.rules, &args.gazetteer);
    }
    anyhow::ensure!(
        args.out.is_some() || !args.format.needs_dir(),
        "--format {} writes files: give --out DIR",
        args.format.as_str()
    );
    let tagger = args.rules.apply(args.gazetteer.builder()?).build();
    let mut pool = rayon::ThreadPoolBuilder::new();
    if let Some(n) = args.jobs {
        anyhow::ensure!(n > 0, "--jobs must be at least 1");
        pool = pool.num_threads(n);
    }
    let pool = pool.build().context("starting worker threads")?;
    let (inputs, errors) = corpus::discover(&args.paths, &args.exts);
    let mut failed = errors.len();
    for e in &errors {
        eprintln!("gaztag: {e}");
    }
    if let Some(out) = &args.out {
        std::fs::create_dir_all(out)
            .with_context(|| format!("creating output folder {}", out.display()))?;
    }
    let exporter = match &args.out {
        Some(out) => Exporter::to_dir(args.format, out)?,
        None => Exporter::to_stream(args.format).context("this format needs --out DIR")?,
    };
    let stdout = std::io::stdout();
    let mut sink = exporter.sink(std::io::BufWriter::new(stdout.lock()))?;
    let batch = BATCH_PER_THREAD * pool.current_num_threads();
    for chunk in inputs.chunks(batch) {
        let results: Vec<gaztag::Result<Option<String>>> = pool.install(|| {
            chunk
                .par_iter()
                .map(|input| process(&tagger, input, &exporter))
                .collect()
        });
        for result in results {
            match result {
                Ok(Some(chunk)) => sink.push(&chunk)?,
                Ok(None) => {}
                Err(e) => {
                    // every library error names its file (the input, or the output written)
                    failed += 1;
                    eprintln!("gaztag: {e}");
                }
            }
        }
    }
    sink.finish()?;
    Ok(if failed > 0 { EXIT_PARTIAL } else { EXIT_OK })
}

/// Tags one document and exports it: returns the chunk for the sink, or writes its files and
/// returns `None`.
fn process(tagger: &Tagger, input: &Input, exporter: &Exporter) -> gaztag::Result<Option<String>> {
    let text = corpus::read_document(&input.path)?;
    let doc = tagger.annotate(&input.name, &text);
    exporter.document(&doc, &text)
}

/// `--format`: one of the names of [`Format::ALL`], listed in the help.
fn format_parser() -> impl clap::builder::TypedValueParser<Value = Format> {
    use clap::builder::TypedValueParser as _;
    clap::builder::PossibleValuesParser::new(Format::ALL.map(|f| f.as_str()))
        .try_map(|name| Format::parse(&name).ok_or("unknown format"))
}
