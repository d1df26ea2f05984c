//! `gaztag tag`: tag documents in parallel, write annotations in a deterministic order.

use std::path::PathBuf;
use std::time::Instant;

use anyhow::Context;
use rayon::prelude::*;

use gaztag::Tagger;
use gaztag::corpus::{self, Encoding, Input};
use gaztag::export::{Exported, Exporter, Format};

use super::{EXIT_OK, EXIT_PARTIAL, GazetteerArgs, RuleArgs};

#[derive(clap::Args, Debug)]
pub struct TagArgs {
    /// Files and folders to tag (folders are searched recursively); `-` reads standard input
    /// as one document, named `<stdin>`. With several, each document's name starts with its
    /// argument's name (`corpus/a.txt`, `more.txt`), so that no two documents share one.
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
    #[arg(long, short = 'o', value_name = "DIR")]
    out: Option<PathBuf>,
    /// Output format: json (JSON Lines on stdout, `NAME.json` files with --out; the default,
    /// except that on a terminal, without --out, `tag` lists each document's mentions for
    /// reading instead),
    /// jsonl (with --out: one `annotations.jsonl`), conll (`token TAG` lines, IOB2), brat
    /// (`NAME.txt` + `NAME.ann`, needs --out).
    #[arg(long, value_name = "FORMAT", value_parser = format_parser())]
    format: Option<Format>,
    /// Extension of the files to tag inside folders (repeatable).
    #[arg(long = "ext", value_name = "EXT", default_value = "txt")]
    exts: Vec<String>,
    /// Follow symbolic links inside folders (never into /proc, /sys or /dev, never in a loop).
    /// Without it a symlinked file is not read and a symlinked folder not entered.
    #[arg(long, short = 'L')]
    follow: bool,
    /// Tag hidden files and enter hidden folders (names starting with `.`, such as `.git/`).
    #[arg(long)]
    hidden: bool,
    /// Inside folders, tag only the files matching GLOB (repeatable; a glob without `/`
    /// matches file names, one with `/` the path under the folder). --ext still applies.
    #[arg(long = "glob", value_name = "GLOB", conflicts_with = "stdin")]
    globs: Vec<String>,
    /// Inside folders, leave out the files and folders matching GLOB (repeatable).
    #[arg(long = "exclude", value_name = "GLOB", conflicts_with = "stdin")]
    excludes: Vec<String>,
    /// Number of worker threads (default: one per core).
    #[arg(long, short = 'j', value_name = "N")]
    jobs: Option<usize>,
    /// Encoding of the documents: auto (found per file: a byte order mark, UTF-8, UTF-16
    /// without a byte order mark, else the likeliest legacy encoding, such as windows-1256),
    /// or one forced for every file: utf-8, utf-16le, utf-16be, windows-1256, iso-8859-6.
    /// The summary counts the encodings read, and the annotation of a document not in UTF-8
    /// names its encoding.
    #[arg(long, value_name = "ENCODING", default_value = "auto", value_parser = encoding_parser())]
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

impl TagArgs {
    /// The output format: `--format`, JSON by default.
    fn format(&self) -> Format {
        self.format.unwrap_or(Format::Json)
    }

    /// Is the output for a person to read: a terminal, with no --out and no --format?
    fn for_reading(&self) -> bool {
        use std::io::IsTerminal as _;
        self.format.is_none() && self.out.is_none() && std::io::stdout().is_terminal()
    }
}

/// Documents tagged in parallel per batch and thread at most; batches keep memory bounded and
/// output ordered.
const BATCH_PER_THREAD: usize = 64;

/// Bytes of input documents (by their files' sizes) per batch and thread at most; a document
/// alone may be larger. So memory follows the size of the documents, not their number.
const BATCH_BYTES_PER_THREAD: u64 = 8 << 20;

/// The next batch of `items`, each with its size: up to `max_items` of them, and no more than
/// `max_bytes` in all unless the first alone is larger (a batch has at least one item while
/// any is left). Empty when `items` is.
fn next_batch<T>(
    items: &mut std::iter::Peekable<impl Iterator<Item = (T, u64)>>,
    max_items: usize,
    max_bytes: u64,
) -> Vec<T> {
    let mut batch = Vec::new();
    let mut bytes = 0u64;
    while batch.len() < max_items.max(1) {
        let Some((_, size)) = items.peek() else {
            break;
        };
        if !batch.is_empty() && bytes.saturating_add(*size) > max_bytes {
            break;
        }
        let (item, size) = items.next().expect("peeked");
        bytes = bytes.saturating_add(size);
        batch.push(item);
    }
    batch
}

/// The size of a document's file, for [`next_batch`] (0 when unknown: standard input, or an
/// error that is reported in its place).
fn input_size(input: &gaztag::Result<Input>) -> u64 {
    match input {
        Ok(i) if !is_stdin(&i.path) => std::fs::metadata(&i.path).map_or(0, |m| m.len()),
        _ => 0,
    }
}

pub fn run(mut args: TagArgs) -> anyhow::Result<i32> {
    if args.stdin {
        anyhow::ensure!(
            args.min_score == 0.0,
            "--min-score does not apply to --stdin"
        );
        return super::stream::run(args.jobs, &args.rules, &args.gazetteer);
    }
    // the same path twice would give its documents twice, under names made to differ
    let mut seen = std::collections::HashSet::new();
    args.paths.retain(|p| {
        let same = std::fs::canonicalize(p).unwrap_or_else(|_| p.clone());
        let first = seen.insert(same);
        if !first {
            eprintln!(
                "gaztag: warning: {} is given twice: tagged once",
                p.display()
            );
        }
        first
    });
    anyhow::ensure!(
        args.out.is_some() || !args.format().needs_dir(),
        "--format {} writes files: give --out DIR",
        args.format().as_str()
    );
    let started = Instant::now();
    anyhow::ensure!(
        !args.resume || args.format() != Format::Jsonl,
        "--resume needs a format that writes one file per document (json, conll, brat)"
    );
    let walk = walk(&args)?;
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
            let inputs = listed_inputs(&args, &walk, out, &mut count)?;
            let n = inputs.len();
            (Box::new(inputs.into_iter().map(Ok)), Some(n))
        }
        None => (Box::new(find_documents(&args.paths, &walk)), None),
    };
    let exporter = match &args.out {
        Some(out) => Exporter::to_dir(args.format(), out)?,
        None => Exporter::to_stream(args.format()).context("this format needs --out DIR")?,
    };
    let batch = BATCH_PER_THREAD * pool.current_num_threads();
    let batch_bytes = BATCH_BYTES_PER_THREAD * pool.current_num_threads() as u64;
    // a listing on the terminal is the progress; a bar would be drawn across it
    let bar = progress_bar(args.quiet || args.for_reading(), || {
        listed.unwrap_or_else(|| {
            find_documents(&args.paths, &walk)
                .filter(Result::is_ok)
                .count()
        })
    });
    // The workers tag batch n + 1 while a writer thread writes batch n: the cores never wait for
    // the output, and at most two batches are held (being written, and tagged or being tagged:
    // the channel hands a batch over only when the writer takes it). With a file per document a
    // tagged batch is only its files' names, and the writer commits many batches' files at once
    // (one sync, then the renames): a few batches may wait for it, so that the workers do not.
    let waiting = if args.out.is_some()
        && !args
            .format()
            .document_files(&PathBuf::new(), "x")
            .is_empty()
    {
        BATCHES_WAITING_FOR_COMMIT
    } else {
        0
    };
    let (done_tx, done_rx) = std::sync::mpsc::sync_channel::<Vec<gaztag::Result<Done>>>(waiting);
    let mut inputs = inputs
        .by_ref()
        .map(|input| {
            let size = input_size(&input);
            (input, size)
        })
        .peekable();
    let count = std::thread::scope(|scope| {
        let writer = scope.spawn(|| write_batches(done_rx, &exporter, &bar, count));
        loop {
            // a folder that cannot be read comes as an error in its place, reported like a
            // document that cannot be read
            let chunk: Vec<gaztag::Result<Input>> = next_batch(&mut inputs, batch, batch_bytes);
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
        if args.for_reading() {
            eprintln!(
                "gaztag: note: a listing for reading on a terminal; piped, or with --format json, \
                 tag writes JSON Lines"
            );
        }
    }
    Ok(if count.failed > 0 {
        EXIT_PARTIAL
    } else {
        EXIT_OK
    })
}

/// Staged files put in place together at most: the writer gathers the files of several
/// batches and flushes them to disk with one sync (see [`gaztag::atomic::Committer`]).
const COMMIT_FILES: usize = 1024;

/// Tagged batches that may wait for the writer with `--out` and a file per document (each only
/// its files' names and counts).
const BATCHES_WAITING_FOR_COMMIT: usize = 8;

/// How long a tagged document's files wait for their sync at most, so that a slow run still
/// shows its files as it goes (and a crash loses no more than that much work).
const COMMIT_EVERY: std::time::Duration = std::time::Duration::from_secs(1);

/// Writes the finished batches in order (the sink on stdout, or each document's files, written
/// by its worker and put in place here, several batches at a time), reports the documents'
/// errors, and counts.
fn write_batches(
    batches: std::sync::mpsc::Receiver<Vec<gaztag::Result<Done>>>,
    exporter: &Exporter,
    bar: &indicatif::ProgressBar,
    mut count: Count,
) -> anyhow::Result<Count> {
    let stdout = std::io::stdout();
    let mut sink = exporter.sink(std::io::BufWriter::new(stdout.lock()))?;
    let mut bytes = 0u64;
    let mut committer = gaztag::atomic::Committer::new();
    // documents whose files wait for the next commit, in order, and how many files that is
    let mut pending: Vec<gaztag::Result<Done>> = Vec::new();
    let (mut staged, mut since) = (0usize, Instant::now());
    let mut batches = batches.into_iter();
    loop {
        let next = batches.next();
        let ended = next.is_none();
        if let Some(results) = next {
            if pending.is_empty() {
                since = Instant::now();
            }
            staged += results.iter().map(Done::files).sum::<usize>();
            pending.extend(results);
            if !(staged == 0 || staged >= COMMIT_FILES || since.elapsed() >= COMMIT_EVERY) {
                continue;
            }
        }
        // the files gathered are flushed to disk together, then put in place
        let mut results = std::mem::take(&mut pending);
        staged = 0;
        let n = results.len();
        let files = results
            .iter_mut()
            .map(|r| match r {
                Ok(Done::Tagged { files, .. }) => std::mem::take(files),
                _ => Vec::new(),
            })
            .collect();
        let committed = committer.commit(files);
        for (result, committed) in results.into_iter().zip(committed) {
            match result.and_then(|done| committed.map(|()| done)) {
                Ok(Done::Tagged {
                    chunk,
                    files: _,
                    mentions,
                    size,
                    encoding,
                    warning,
                }) => {
                    if let Some(w) = warning {
                        bar.suspend(|| eprintln!("gaztag: warning: {w}"));
                    }
                    count.tagged += 1;
                    *count.encodings.entry(encoding).or_default() += 1;
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
        if ended {
            break;
        }
    }
    // the folders' sync makes the last renames last: a failure there fails the run
    committer.finish()?;
    sink.finish()?;
    Ok(count)
}

/// The documents for `--out DIR`, listed up front: those whose output name an earlier one has
/// are reported and left out (counted as failed), and the run is refused when an output would
/// overwrite an input.
fn listed_inputs(
    args: &TagArgs,
    walk: &corpus::Walk,
    out: &std::path::Path,
    count: &mut Count,
) -> anyhow::Result<Vec<Input>> {
    let (mut inputs, mut errors) = (Vec::new(), Vec::new());
    for found in find_documents(&args.paths, walk) {
        match found {
            Ok(input) => inputs.push(input),
            Err(e) => errors.push(e),
        }
    }
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
        .flat_map(|i| args.format().document_files(out, &i.name))
        .chain(args.format().run_files(out));
    if let Some(clash) = corpus::overwritten_input(&inputs, outputs) {
        anyhow::bail!(
            "--out {} would overwrite the input {}: choose an output folder outside the inputs",
            out.display(),
            clash.display()
        );
    }
    // where the documents are, so that `review OUT` and `diff` find them from anywhere
    let record = gaztag::review::locate::RunRecord {
        roots: roots(&args.paths),
    };
    if let Err(e) = record.write(out) {
        eprintln!("gaztag: warning: {e} (review and diff will need --docs)");
    }
    Ok(inputs)
}

/// How the folders of the arguments are walked (`--ext`, `--follow`, `--hidden`, `--glob`,
/// `--exclude`).
fn walk(args: &TagArgs) -> anyhow::Result<corpus::Walk> {
    let mut walk = corpus::Walk::new(&args.exts);
    walk.follow(args.follow).hidden(args.hidden);
    for g in &args.globs {
        walk.include(g).with_context(|| format!("--glob {g}"))?;
    }
    for g in &args.excludes {
        walk.exclude(g).with_context(|| format!("--exclude {g}"))?;
    }
    Ok(walk)
}

/// The name standard input is given as a document (`tag -`).
const STDIN_NAME: &str = "<stdin>";

/// Is this path argument standard input?
fn is_stdin(path: &std::path::Path) -> bool {
    path.as_os_str() == "-"
}

/// The documents under the path arguments, in order, found while they are consumed
/// ([`corpus::Walk::documents`]). With one argument, names are relative to it; with several, each
/// starts with its argument's [`prefixes`] name, so that two arguments holding `x.txt` give
/// `a/x.txt` and `b/x.txt`. `-` is standard input, read when its document is tagged.
fn find_documents<'a>(
    paths: &'a [PathBuf],
    walk: &'a corpus::Walk,
) -> impl Iterator<Item = gaztag::Result<Input>> + 'a {
    let prefixes = prefixes(paths);
    let several = paths.len() > 1;
    paths
        .iter()
        .zip(prefixes)
        .flat_map(move |(path, prefix)| -> Box<dyn Iterator<Item = _>> {
            if is_stdin(path) {
                return Box::new(std::iter::once(Ok(Input {
                    path: path.clone(),
                    name: STDIN_NAME.to_owned(),
                })));
            }
            let found = walk.documents(std::slice::from_ref(path));
            if !several {
                return Box::new(found);
            }
            let is_dir = path.is_dir();
            Box::new(found.map(move |input| {
                input.map(|mut input| {
                    input.name = if is_dir {
                        format!("{prefix}/{}", input.name)
                    } else {
                        prefix.clone()
                    };
                    input
                })
            }))
        })
}

/// The name each path argument gives its documents when there are several: the shortest end
/// of its absolute path that no other argument's path ends with (`corpus` for `data/corpus`,
/// `a/2020` and `b/2020` for two folders named `2020`).
fn prefixes(paths: &[PathBuf]) -> Vec<String> {
    let parts: Vec<Vec<String>> = paths
        .iter()
        .map(|p| {
            let mut parts: Vec<String> = Vec::new();
            for c in std::path::absolute(p)
                .unwrap_or_else(|_| p.clone())
                .components()
            {
                match c {
                    std::path::Component::Normal(s) => parts.push(s.to_string_lossy().into()),
                    std::path::Component::ParentDir => {
                        parts.pop();
                    }
                    _ => {}
                }
            }
            parts
        })
        .collect();
    parts
        .iter()
        .enumerate()
        .map(|(i, mine)| {
            let ends = |other: &Vec<String>, k: usize| {
                other.len() >= k && other[other.len() - k..] == mine[mine.len() - k..]
            };
            (1..=mine.len())
                .find(|&k| {
                    !parts
                        .iter()
                        .enumerate()
                        .any(|(j, other)| j != i && ends(other, k))
                })
                .map_or_else(|| mine.join("/"), |k| mine[mine.len() - k..].join("/"))
        })
        .collect()
}

/// The run record's roots: each path argument, absolute, with the start its documents' names
/// share (see [`find_documents`]).
fn roots(paths: &[PathBuf]) -> Vec<gaztag::review::locate::Root> {
    let several = paths.len() > 1;
    paths
        .iter()
        .zip(prefixes(paths))
        .filter(|(p, _)| !is_stdin(p))
        .filter_map(|(p, prefix)| {
            let path = std::fs::canonicalize(p).ok()?;
            let name = match (several, path.is_dir()) {
                (true, _) => prefix,
                (false, true) => String::new(),
                (false, false) => path.file_name()?.to_string_lossy().into_owned(),
            };
            Some(gaztag::review::locate::Root { name, path })
        })
        .collect()
}

/// What became of one document.
enum Done {
    /// Tagged: the chunk for the sink (`None` when its files were written), and its mentions.
    Tagged {
        chunk: Option<String>,
        /// Its files, written and sealed but not in place: the writer puts those of several
        /// batches in place together.
        files: Vec<gaztag::atomic::Sealed>,
        mentions: usize,
        /// Its length in bytes (as UTF-8).
        size: usize,
        /// The encoding it was read in.
        encoding: &'static str,
        /// A warning about how it was read (a forced encoding its bytes are plainly not in).
        warning: Option<String>,
    },
    /// Left alone by `--resume`: its output is already there.
    UpToDate,
}

impl Done {
    /// How many files wait to be put in place for it (0 for an error).
    fn files(result: &gaztag::Result<Done>) -> usize {
        match result {
            Ok(Done::Tagged { files, .. }) => files.len(),
            _ => 0,
        }
    }
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
    let read = if is_stdin(&input.path) {
        read_stdin(args.encoding)?
    } else {
        corpus::read_document_as(&input.path, args.encoding)?
    };
    let mut doc = tagger.annotate(&input.name, &read.text);
    if read.encoding != corpus::UTF_8 {
        doc.encoding = Some(read.encoding.to_owned());
    }
    let (chunk, files) = if args.for_reading() {
        (Some(listing(&doc, colors())), Vec::new())
    } else {
        match exporter.document_staged(&doc, &read.text)? {
            Exported::Chunk(chunk) => (Some(chunk), Vec::new()),
            // closed now: the files of many documents wait for one commit
            Exported::Files(files) => (
                None,
                files
                    .into_iter()
                    .map(gaztag::atomic::AtomicFile::seal)
                    .collect::<gaztag::Result<_>>()?,
            ),
        }
    };
    Ok(Done::Tagged {
        chunk,
        files,
        mentions: doc.mentions.len(),
        size: read.text.len(),
        encoding: read.encoding,
        warning: read.unlike.map(|plain| {
            format!(
                "{}: looks like {plain}, read as {} as --encoding says (leave --encoding out \
                 to find each file's encoding)",
                input.path.display(),
                read.encoding
            )
        }),
    })
}

/// Whether to color the listing: NO_COLOR is not set.
fn colors() -> bool {
    std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
}

/// A document's mentions listed for reading (`tag` on a terminal): a header with the counts
/// per type, then one line per mention: its character span, type, text and entity.
fn listing(doc: &gaztag::annotation::Document, color: bool) -> String {
    use std::fmt::Write as _;
    let paint = |code: &str, text: &str| {
        if color {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_owned()
        }
    };
    let count = |kind| doc.mentions.iter().filter(|m| m.kind == kind).count();
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{} ({} mention{}: PER {}, LOC {}, ORG {})",
        paint("1", &doc.document),
        doc.mentions.len(),
        if doc.mentions.len() == 1 { "" } else { "s" },
        count(gaztag::EntityType::Per),
        count(gaztag::EntityType::Loc),
        count(gaztag::EntityType::Org),
    );
    for m in &doc.mentions {
        let code = match m.kind {
            gaztag::EntityType::Per => "34",
            gaztag::EntityType::Loc => "32",
            _ => "35",
        };
        // control characters from the text would move the cursor: shown escaped
        let text: String = m
            .text
            .chars()
            .map(|c| if c.is_control() { ' ' } else { c })
            .collect();
        let _ = writeln!(
            out,
            "  {:>6}..{:<6} {} {}  {} ({})",
            m.start,
            m.end,
            paint(code, m.kind.as_str()),
            text,
            m.entity,
            m.how.as_str()
        );
    }
    out.push('\n');
    out
}

/// Reads standard input whole, as one document (`tag -`).
fn read_stdin(encoding: Encoding) -> gaztag::Result<corpus::Decoded> {
    use std::io::Read as _;
    let name = std::path::Path::new(STDIN_NAME);
    let mut bytes = Vec::new();
    std::io::stdin()
        .lock()
        .take(corpus::MAX_DOCUMENT_BYTES as u64 + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| gaztag::Error::Io {
            path: name.to_owned(),
            source: e,
        })?;
    if bytes.len() > corpus::MAX_DOCUMENT_BYTES {
        return Err(gaztag::Error::Io {
            path: name.to_owned(),
            source: std::io::Error::new(
                std::io::ErrorKind::InvalidData,
                format!(
                    "more than {} bytes: gaztag tags documents of up to 2 GiB; split it",
                    corpus::MAX_DOCUMENT_BYTES
                ),
            ),
        });
    }
    corpus::decode_as(name, &bytes, encoding)
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
            "{wide_bar} {pos}/{len} documents, {msg}, {rate}, {eta} left",
        )
        .expect("a valid template")
        .with_key(
            "rate",
            |state: &indicatif::ProgressState, w: &mut dyn std::fmt::Write| {
                let _ = w.write_str(&rate(state.per_sec()));
            },
        ),
    );
    bar
}

/// A rate of documents per second, as the progress bar shows it: `1269 documents/s`,
/// `3.4 documents/s`.
fn rate(per_sec: f64) -> String {
    if !per_sec.is_finite() {
        "… documents/s".to_owned()
    } else if per_sec >= 10.0 {
        format!("{per_sec:.0} documents/s")
    } else {
        format!("{per_sec:.1} documents/s")
    }
}

/// The documents of a run, by outcome, for the summary line.
#[derive(Default)]
struct Count {
    tagged: usize,
    mentions: usize,
    up_to_date: usize,
    skipped: usize,
    failed: usize,
    /// Documents tagged per encoding read.
    encodings: std::collections::BTreeMap<&'static str, usize>,
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
        // which encodings were read, when not every document was UTF-8
        if self.encodings.keys().any(|&e| e != corpus::UTF_8) {
            let mut by_count: Vec<(&str, usize)> =
                self.encodings.iter().map(|(&e, &n)| (e, n)).collect();
            by_count.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
            let parts: Vec<String> = by_count.iter().map(|(e, n)| format!("{n} {e}")).collect();
            line += &format!("; read as {}", parts.join(", "));
        }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_batch_is_cut_by_bytes_and_holds_at_least_one_item() {
        let sizes = [3u64, 4, 2, 10, 1, 1, 1, 1, 0, 0, 20];
        let mut items = sizes.iter().copied().enumerate().peekable();
        let mut batches = Vec::new();
        loop {
            let b = next_batch(&mut items, 3, 8);
            if b.is_empty() {
                break;
            }
            batches.push(b);
        }
        // 3+4 fits in 8, +2 would not; 10 alone is over and goes alone; at most 3 items
        let want: [&[usize]; 6] = [&[0, 1], &[2], &[3], &[4, 5, 6], &[7, 8, 9], &[10]];
        assert_eq!(batches, want);
        assert!(next_batch(&mut items, 3, 8).is_empty());
    }

    #[test]
    fn the_rate_has_its_unit_and_no_long_fraction() {
        assert_eq!(rate(1269.4015), "1269 documents/s");
        assert_eq!(rate(3.42), "3.4 documents/s");
        assert_eq!(rate(f64::INFINITY), "… documents/s");
    }

    #[test]
    fn a_listing_shows_each_mention_on_a_line() {
        let tagger = Tagger::new(gaztag::Gazetteer::embedded());
        let doc = tagger.annotate("a.txt", "زار بوتين موسكو");
        let shown = listing(&doc, false);
        assert_eq!(
            shown,
            "a.txt (2 mentions: PER 1, LOC 1, ORG 0)\n       4..9      PER بوتين  vladimir-putin (exact)\n      10..15     LOC موسكو  moscow (exact)\n\n"
        );
    }
}
