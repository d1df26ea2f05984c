//! `gaztag tag`: tag documents in parallel, write annotations in a deterministic order.

use std::path::PathBuf;
use std::time::Instant;

use anyhow::Context;
use rayon::prelude::*;

use gaztag::Tagger;
use gaztag::corpus::{self, Encoding, Input};
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
    /// Encoding of the documents: utf-8 (with or without a byte order mark; a file starting
    /// with a UTF-16 byte order mark is read as UTF-16), windows-1256 or iso-8859-6.
    #[arg(long, value_name = "ENCODING", default_value = "utf-8", value_parser = encoding_parser())]
    encoding: Encoding,
    /// Skip the documents whose output in --out exists and is newer than the document (to
    /// finish an interrupted run).
    #[arg(long, requires = "out")]
    resume: bool,
    /// No progress bar and no summary line at the end (errors and warnings are still
    /// printed).
    #[arg(long, short = 'q')]
    quiet: bool,
    /// Leave out mentions whose score is below S (0 to 1; see docs/annotations.md). Default:
    /// 0, every mention.
    #[arg(long, value_name = "S", default_value_t = 0.0, value_parser = super::eval::parse_score)]
    min_score: f64,
    #[command(flatten)]
    rules: RuleArgs,
    #[command(flatten)]
    gazetteer: GazetteerArgs,
}

/// Documents tagged in parallel per batch; batches keep memory bounded and output ordered.
const BATCH_PER_THREAD: usize = 64;

pub fn run(args: TagArgs) -> anyhow::Result<i32> {
    if args.stdin {
        anyhow::ensure!(
            args.min_score == 0.0,
            "--min-score does not apply to --stdin"
        );
        return super::stream::run(args.jobs, &args.rules, &args.gazetteer);
    }
    anyhow::ensure!(
        args.out.is_some() || !args.format.needs_dir(),
        "--format {} writes files: give --out DIR",
        args.format.as_str()
    );
    let started = Instant::now();
    anyhow::ensure!(
        !args.resume || args.format != Format::Jsonl,
        "--resume needs a format that writes one file per document (json, conll, brat)"
    );
    let tagger = args
        .rules
        .apply(args.gazetteer.builder()?)
        .min_score(args.min_score)
        .build();
    let mut pool = rayon::ThreadPoolBuilder::new();
    if let Some(n) = args.jobs {
        anyhow::ensure!(n > 0, "--jobs must be at least 1");
        pool = pool.num_threads(n);
    }
    let pool = pool.build().context("starting worker threads")?;
    let mut count = Count::default();
    // With --out, the documents are listed first: no two may share an output file and none may
    // be overwritten. On stdout they are found while they are tagged, so memory does not grow
    // with the number of documents.
    let (mut inputs, listed): (Box<dyn Iterator<Item = gaztag::Result<Input>>>, _) = match &args.out
    {
        Some(out) => {
            let inputs = listed_inputs(&args, out, &mut count)?;
            let n = inputs.len();
            (Box::new(inputs.into_iter().map(Ok)), Some(n))
        }
        None => (Box::new(corpus::documents(&args.paths, &args.exts)), None),
    };
    let exporter = match &args.out {
        Some(out) => Exporter::to_dir(args.format, out)?,
        None => Exporter::to_stream(args.format).context("this format needs --out DIR")?,
    };
    let batch = BATCH_PER_THREAD * pool.current_num_threads();
    let bar = progress_bar(args.quiet, || {
        listed.unwrap_or_else(|| {
            corpus::documents(&args.paths, &args.exts)
                .filter(Result::is_ok)
                .count()
        })
    });
    // The workers tag batch n + 1 while a writer thread writes batch n: the cores never wait for
    // the output, and at most three batches are held (tagged, queued, being written).
    let (done_tx, done_rx) = std::sync::mpsc::sync_channel::<Vec<gaztag::Result<Done>>>(1);
    let count = std::thread::scope(|scope| {
        let writer = scope.spawn(|| write_batches(done_rx, &exporter, &bar, count));
        loop {
            // a folder that cannot be read comes as an error in its place, reported like a
            // document that cannot be read
            let chunk: Vec<gaztag::Result<Input>> = inputs.by_ref().take(batch).collect();
            if chunk.is_empty() {
                break;
            }
            let results: Vec<gaztag::Result<Done>> = pool.install(|| {
                chunk
                    .into_par_iter()
                    .map(|input| process(&tagger, &input?, &exporter, &args))
                    .collect()
            });
            if done_tx.send(results).is_err() {
                // the writer stopped on an error, which its result reports
                break;
            }
        }
        drop(done_tx);
        writer
            .join()
            .unwrap_or_else(|_| Err(anyhow::anyhow!("the output thread panicked")))
    })?;
    bar.finish_and_clear();
    if !args.quiet {
        eprintln!("gaztag: {}", count.summary(started.elapsed()));
    }
    Ok(if count.failed > 0 {
        EXIT_PARTIAL
    } else {
        EXIT_OK
    })
}

/// Writes the finished batches in order (the sink on stdout, or nothing when each document's
/// files were written by its worker), reports the documents' errors, and counts.
fn write_batches(
    batches: std::sync::mpsc::Receiver<Vec<gaztag::Result<Done>>>,
    exporter: &Exporter,
    bar: &indicatif::ProgressBar,
    mut count: Count,
) -> anyhow::Result<Count> {
    let stdout = std::io::stdout();
    let mut sink = exporter.sink(std::io::BufWriter::new(stdout.lock()))?;
    let mut bytes = 0u64;
    for results in batches {
        let n = results.len();
        for result in results {
            match result {
                Ok(Done::Tagged {
                    chunk,
                    mentions,
                    size,
                }) => {
                    count.tagged += 1;
                    bytes += size as u64;
                    count.mentions += mentions;
                    if let Some(chunk) = chunk {
                        sink.push(&chunk)?;
                    }
                }
                Ok(Done::UpToDate) => count.up_to_date += 1,
                Err(e @ gaztag::Error::Binary { .. }) => {
                    count.skipped += 1;
                    bar.suspend(|| eprintln!("gaztag: warning: {e}"));
                }
                Err(e) => {
                    // every library error names its file (the input, or the output written)
                    count.failed += 1;
                    bar.suspend(|| eprintln!("gaztag: {e}"));
                }
            }
        }
        bar.inc(n as u64);
        bar.set_message(format!("{:.1} MB", bytes as f64 / 1e6));
    }
    sink.finish()?;
    Ok(count)
}

/// The documents for `--out DIR`, listed up front: those whose output name an earlier one has
/// are reported and left out (counted as failed), and the run is refused when an output would
/// overwrite an input.
fn listed_inputs(
    args: &TagArgs,
    out: &std::path::Path,
    count: &mut Count,
) -> anyhow::Result<Vec<Input>> {
    let (mut inputs, errors) = corpus::discover(&args.paths, &args.exts);
    count.failed += errors.len();
    for e in &errors {
        eprintln!("gaztag: {e}");
    }
    // one output file per name: a second document of the same name would overwrite it
    let (keep, dups) = corpus::split_duplicates(inputs);
    inputs = keep;
    count.failed += dups.len();
    for (dup, first) in dups {
        eprintln!(
            "gaztag: {}: its output name {} is already {}'s: skipped",
            dup.path.display(),
            dup.name,
            first.display()
        );
    }
    std::fs::create_dir_all(out)
        .with_context(|| format!("creating output folder {}", out.display()))?;
    let outputs = inputs
        .iter()
        .flat_map(|i| args.format.document_files(out, &i.name))
        .chain(args.format.run_files(out));
    if let Some(clash) = corpus::overwritten_input(&inputs, outputs) {
        anyhow::bail!(
            "--out {} would overwrite the input {}: choose an output folder outside the inputs",
            out.display(),
            clash.display()
        );
    }
    Ok(inputs)
}

/// What became of one document.
enum Done {
    /// Tagged: the chunk for the sink (`None` when its files were written), and its mentions.
    Tagged {
        chunk: Option<String>,
        mentions: usize,
        /// Its length in bytes (as UTF-8).
        size: usize,
    },
    /// Left alone by `--resume`: its output is already there.
    UpToDate,
}

/// Tags one document and exports it, unless `--resume` finds its output up to date.
fn process(
    tagger: &Tagger,
    input: &Input,
    exporter: &Exporter,
    args: &TagArgs,
) -> gaztag::Result<Done> {
    if args.resume && exporter.up_to_date(&input.name, &input.path) {
        return Ok(Done::UpToDate);
    }
    let text = corpus::read_document_as(&input.path, args.encoding)?;
    let doc = tagger.annotate(&input.name, &text);
    let chunk = exporter.document(&doc, &text)?;
    Ok(Done::Tagged {
        chunk,
        mentions: doc.mentions.len(),
        size: text.len(),
    })
}

/// A progress bar on stderr (documents and MB done, rate, time left) when it is a terminal and
/// the run is not `--quiet`; a hidden one otherwise.
/// `documents` counts them; it is called only when the bar is shown.
fn progress_bar(quiet: bool, documents: impl FnOnce() -> usize) -> indicatif::ProgressBar {
    use std::io::IsTerminal as _;
    if quiet || !std::io::stderr().is_terminal() {
        return indicatif::ProgressBar::hidden();
    }
    let bar = indicatif::ProgressBar::new(documents() as u64);
    bar.set_message("0.0 MB");
    bar.set_style(
        indicatif::ProgressStyle::with_template(
            "{wide_bar} {pos}/{len} documents, {msg}, {per_sec}, {eta} left",
        )
        .expect("a valid template"),
    );
    bar
}

/// The documents of a run, by outcome, for the summary line.
#[derive(Default)]
struct Count {
    tagged: usize,
    mentions: usize,
    up_to_date: usize,
    skipped: usize,
    failed: usize,
}

impl Count {
    /// `N documents tagged (M mentions), U up to date, S skipped, F failed in T s`, the up to
    /// date part only with `--resume`'s skips.
    fn summary(&self, elapsed: std::time::Duration) -> String {
        let plural =
            |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
        let mut line = format!(
            "{} tagged ({}), ",
            plural(self.tagged, "document", "documents"),
            plural(self.mentions, "mention", "mentions")
        );
        if self.up_to_date > 0 {
            line += &format!("{} up to date, ", self.up_to_date);
        }
        line += &format!(
            "{} skipped, {} failed in {:.2} s",
            self.skipped,
            self.failed,
            elapsed.as_secs_f64()
        );
        line
    }
}

/// `--encoding`: one of the names of [`Encoding::ALL`], listed in the help.
fn encoding_parser() -> impl clap::builder::TypedValueParser<Value = Encoding> {
    use clap::builder::TypedValueParser as _;
    clap::builder::PossibleValuesParser::new(Encoding::ALL.map(|e| e.as_str()))
        .try_map(|name| Encoding::parse(&name).ok_or("unknown encoding"))
}

/// `--format`: one of the names of [`Format::ALL`], listed in the help.
fn format_parser() -> impl clap::builder::TypedValueParser<Value = Format> {
    use clap::builder::TypedValueParser as _;
    clap::builder::PossibleValuesParser::new(Format::ALL.map(|f| f.as_str()))
        .try_map(|name| Format::parse(&name).ok_or("unknown format"))
}
