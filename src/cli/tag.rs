//! `gaztag tag`: tag documents in parallel, write annotations in a deterministic order.

use std::io::Write as _;
use std::path::{Path, PathBuf};

use anyhow::Context;
use rayon::prelude::*;

use gaztag::corpus::{self, Input};
use gaztag::{Document, Tagger};

use super::{EXIT_OK, EXIT_PARTIAL, GazetteerArgs, RuleArgs};

#[derive(clap::Args, Debug)]
pub struct TagArgs {
    /// Files and folders to tag (folders are searched recursively).
    #[arg(required = true, value_name = "PATH")]
    paths: Vec<PathBuf>,
    /// Write one pretty-printed `NAME.json` per document into DIR, mirroring the input tree,
    /// instead of JSON Lines on stdout.
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
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
    let stdout = std::io::stdout();
    let mut sink = std::io::BufWriter::new(stdout.lock());
    let batch = BATCH_PER_THREAD * pool.current_num_threads();
    for chunk in inputs.chunks(batch) {
        let results: Vec<gaztag::Result<Option<String>>> = pool.install(|| {
            chunk
                .par_iter()
                .map(|input| process(&tagger, input, args.out.as_deref()))
                .collect()
        });
        for result in results {
            match result {
                Ok(Some(line)) => {
                    sink.write_all(line.as_bytes())?;
                    sink.write_all(b"\n")?;
                }
                Ok(None) => {}
                Err(e) => {
                    // every library error names its file (the input, or the output written)
                    failed += 1;
                    eprintln!("gaztag: {e}");
                }
            }
        }
    }
    sink.flush()?;
    Ok(if failed > 0 { EXIT_PARTIAL } else { EXIT_OK })
}

/// Tags one document; returns its JSON line, or writes its file and returns `None`.
fn process(tagger: &Tagger, input: &Input, out: Option<&Path>) -> gaztag::Result<Option<String>> {
    let text = corpus::read_document(&input.path)?;
    let doc = tagger.annotate(&input.name, &text);
    match out {
        None => Ok(Some(
            serde_json::to_string(&doc).expect("a Document always serializes"),
        )),
        Some(dir) => {
            write_document(&dir.join(format!("{}.json", input.name)), &doc)?;
            Ok(None)
        }
    }
}

/// Writes `doc` pretty-printed to `path`, atomically: a file in `--out` is always complete.
fn write_document(path: &Path, doc: &Document) -> gaztag::Result<()> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|e| gaztag::Error::Io {
            path: dir.to_owned(),
            source: e,
        })?;
    }
    let mut bytes = serde_json::to_vec_pretty(doc).expect("a Document always serializes");
    bytes.push(b'\n');
    gaztag::atomic::write(path, &bytes)
}
