//! In-process benchmarks: gaztag against the aho-corasick crate and against reading the files.
//!
//! ```sh
//! bash bench/gen.sh                 # the data, once (bench/run.sh also does it)
//! cargo bench --bench tagging       # every group below
//! cargo bench --bench tagging -- 'scan-realistic/gaztag'   # a filter, as usual with criterion
//! ```
//!
//! Groups (throughput in MB = 10^6 bytes of input text per second):
//!
//! * `scan-realistic`, `scan-seeds`: a sample of each corpus held in memory, tagged on a rayon
//!   pool of 1 and of 2 threads, one output buffer per document as `gaztag tag` does:
//!   * `read/Nt`: read the sample's files from the page cache (the floor);
//!   * `ac-dfa/SIZE/Nt`: the aho-corasick crate, DFA, leftmost-longest over the raw bytes, every
//!     surface form of the gazetteer as a pattern, matches touching a word character rejected
//!     (the search resumes one character after the rejected start), a JSON line per match;
//!     larger gazetteers use the crate's contiguous NFA (`ac-nfa`), as a DFA would not fit;
//!   * `gaztag/SIZE/Nt`: `Tagger::annotate` (folding, segmentation, fst walk, clitics) and the
//!     JSON document with every field, through `Document::write_json` as `gaztag tag` writes it.
//! * `index`: `load/SIZE` (`Gazetteer::load` of a compiled index: map it and check it),
//!   `build/SIZE/Nt` (read the sources and compile them), and `embedded-one-seed` (what
//!   `gaztag tag` does in-process for one seed article: open the embedded index, tag, write).
//!
//! Data: `bench/data` (or `GAZTAG_BENCH_DATA`), written by `bench/gen.sh`; compiled indexes
//! `gaz/real-SIZE.gaz` are written by `bench/run.sh` (without them the sources are compiled in
//! memory and `load` is skipped). Without any data, the seeds and the embedded gazetteer are
//! used, so the benchmark still runs on a fresh clone. Knobs: `GAZTAG_BENCH_MB` (sample size
//! per corpus, default 8), `GAZTAG_BENCH_SIZES` (default `1000 100000 1000000`),
//! `GAZTAG_BENCH_AC_DFA_MAX` (largest gazetteer for the DFA, default 1000),
//! `GAZTAG_BENCH_AC_MAX` (largest for aho-corasick at all, default 100000),
//! `GAZTAG_BENCH_BUILD_MAX` (largest gazetteer whose build is timed, default 100000).

use std::hint::black_box;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::time::Duration;

use aho_corasick::{AhoCorasick, AhoCorasickKind, Input, MatchKind};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use rayon::prelude::*;

use gaztag::gazetteer::{compile, source};
use gaztag::{Gazetteer, Tagger};

fn env_usize(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn data_dir() -> PathBuf {
    std::env::var_os("GAZTAG_BENCH_DATA")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("bench/data"))
}

fn seeds_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("seeds")
}

/// The first documents of a corpus folder, in name order, up to `max_bytes`.
struct Sample {
    docs: Vec<(String, PathBuf, String)>,
    bytes: u64,
}

impl Sample {
    fn read(dir: &Path, max_bytes: u64) -> Option<Sample> {
        let mut paths: Vec<PathBuf> = std::fs::read_dir(dir)
            .ok()?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|e| e == "txt"))
            .collect();
        paths.sort();
        let mut sample = Sample {
            docs: Vec::new(),
            bytes: 0,
        };
        for path in paths {
            if sample.bytes >= max_bytes {
                break;
            }
            let text = std::fs::read_to_string(&path).ok()?;
            let name = path.file_name()?.to_string_lossy().into_owned();
            sample.bytes += text.len() as u64;
            sample.docs.push((name, path, text));
        }
        (!sample.docs.is_empty()).then_some(sample)
    }
}

/// A gazetteer in the peers' TSV format: every surface form (first owner wins).
struct PeerGazetteer {
    ids: Vec<String>,
    types: Vec<String>,
    forms: Vec<(String, usize)>,
}

impl PeerGazetteer {
    fn read(path: &Path) -> Option<PeerGazetteer> {
        let text = std::fs::read_to_string(path).ok()?;
        let mut g = PeerGazetteer {
            ids: Vec::new(),
            types: Vec::new(),
            forms: Vec::new(),
        };
        let mut seen = std::collections::HashSet::new();
        for line in text.lines().filter(|l| !l.is_empty()) {
            let cols: Vec<&str> = line.split('\t').collect();
            let entry = g.ids.len();
            g.ids.push(cols.first()?.to_string());
            g.types.push(cols.get(1)?.to_string());
            let variants = cols.get(3).map_or("", |v| v);
            for form in std::iter::once(*cols.get(2)?).chain(variants.split('|')) {
                if !form.is_empty() && seen.insert(form) {
                    g.forms.push((form.to_owned(), entry));
                }
            }
        }
        Some(g)
    }
}

/// A word character for the peers' boundary rule: letter, digit, mark, or `_`.
fn is_word_char(c: char) -> bool {
    c == '_' || c.is_alphanumeric() || gaztag::normalize::is_arabic_mark(c)
}

/// The aho-corasick peer: leftmost-longest over the raw text, word boundaries checked.
struct AcPeer {
    ac: AhoCorasick,
    gaz: PeerGazetteer,
}

impl AcPeer {
    fn new(gaz: PeerGazetteer, kind: AhoCorasickKind) -> AcPeer {
        let ac = AhoCorasick::builder()
            .match_kind(MatchKind::LeftmostLongest)
            .kind(Some(kind))
            .build(gaz.forms.iter().map(|(f, _)| f.as_bytes()))
            .expect("the automaton builds");
        AcPeer { ac, gaz }
    }

    fn scan(&self, doc: &str, text: &str, out: &mut Vec<u8>) {
        let mut pos = 0;
        while pos < text.len() {
            let Some(m) = self.ac.find(Input::new(text).span(pos..text.len())) else {
                break;
            };
            let before = text[..m.start()].chars().next_back();
            let after = text[m.end()..].chars().next();
            if before.is_some_and(is_word_char) || after.is_some_and(is_word_char) {
                pos = m.start() + text[m.start()..].chars().next().map_or(1, char::len_utf8);
                continue;
            }
            let entry = self.gaz.forms[m.pattern().as_usize()].1;
            out.extend_from_slice(b"{\"doc\":");
            serde_json::to_writer(&mut *out, doc).expect("writing to memory");
            write!(
                out,
                ",\"start\":{},\"end\":{},\"type\":\"{}\",\"id\":",
                m.start(),
                m.end(),
                self.gaz.types[entry]
            )
            .expect("writing to memory");
            serde_json::to_writer(&mut *out, &self.gaz.ids[entry]).expect("writing to memory");
            out.extend_from_slice(b"}\n");
            pos = m.end();
        }
    }
}

/// gaztag: annotate and write the JSON document, as one line of `gaztag tag`'s output.
fn tag_json(tagger: &Tagger, doc: &str, text: &str, out: &mut Vec<u8>) {
    let document = tagger.annotate(doc, text);
    let mut line = String::new();
    document.write_json(&mut line);
    out.extend_from_slice(line.as_bytes());
    out.push(b'\n');
}

/// Runs `f` over every document of the sample on `pool`, one output buffer per document.
fn run_docs(
    pool: &rayon::ThreadPool,
    sample: &Sample,
    f: &(dyn Fn(&str, &str, &mut Vec<u8>) + Sync),
) -> usize {
    pool.install(|| {
        sample
            .docs
            .par_iter()
            .map(|(name, _, text)| {
                let mut out = Vec::new();
                f(name, text, &mut out);
                out
            })
            .collect::<Vec<Vec<u8>>>()
    })
    .iter()
    .map(Vec::len)
    .sum()
}

fn pools() -> Vec<(usize, rayon::ThreadPool)> {
    [1, 2]
        .into_iter()
        .map(|n| {
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(n)
                .build()
                .expect("a thread pool");
            (n, pool)
        })
        .collect()
}

fn sizes() -> Vec<usize> {
    std::env::var("GAZTAG_BENCH_SIZES")
        .ok()
        .map(|v| {
            v.split_whitespace()
                .filter_map(|s| s.parse().ok())
                .collect()
        })
        .unwrap_or_else(|| vec![1000, 100_000, 1_000_000])
}

/// The gazetteer of `size` entries: its compiled index if there is one, else its sources.
fn gazetteer(size: usize) -> Option<Gazetteer> {
    let gaz = data_dir().join("gaz");
    let index = gaz.join(format!("real-{size}.gaz"));
    let path = if index.exists() {
        index
    } else {
        gaz.join(format!("real-{size}"))
    };
    path.exists()
        .then(|| Gazetteer::load(&path).expect("a usable benchmark gazetteer"))
}

fn scan(c: &mut Criterion) {
    let max_bytes = env_usize("GAZTAG_BENCH_MB", 8) as u64 * 1_000_000;
    let data = data_dir();
    let mut corpora: Vec<(&str, Sample)> = ["realistic", "seeds"]
        .into_iter()
        .filter_map(|name| {
            Sample::read(&data.join(format!("corpus-{name}")), max_bytes).map(|s| (name, s))
        })
        .collect();
    if corpora.is_empty() {
        eprintln!(
            "no benchmark corpus in {} (run bash bench/gen.sh): timing the seeds only",
            data.display()
        );
        corpora.push((
            "seeds",
            Sample::read(&seeds_dir(), max_bytes).expect("the seeds"),
        ));
    }
    let pools = pools();
    let dfa_max = env_usize("GAZTAG_BENCH_AC_DFA_MAX", 1000);
    let ac_max = env_usize("GAZTAG_BENCH_AC_MAX", 100_000);
    let mut taggers: Vec<(String, Tagger)> = sizes()
        .into_iter()
        .filter_map(|n| gazetteer(n).map(|g| (n.to_string(), Tagger::new(g))))
        .collect();
    if taggers.is_empty() {
        taggers.push(("default".into(), Tagger::new(Gazetteer::embedded())));
    }
    let peers: Vec<(String, AcPeer)> = sizes()
        .into_iter()
        .filter(|&n| n <= ac_max)
        .filter_map(|n| {
            let tsv = data.join(format!("gaz/real-{n}.tsv"));
            let gaz = PeerGazetteer::read(&tsv)?;
            let (label, kind) = if n <= dfa_max {
                ("ac-dfa", AhoCorasickKind::DFA)
            } else {
                ("ac-nfa", AhoCorasickKind::ContiguousNFA)
            };
            Some((format!("{label}/{n}"), AcPeer::new(gaz, kind)))
        })
        .collect();

    for (corpus, sample) in &corpora {
        let mut group = c.benchmark_group(format!("scan-{corpus}"));
        group
            .throughput(Throughput::BytesDecimal(sample.bytes))
            .sample_size(10)
            .warm_up_time(Duration::from_secs(1))
            .measurement_time(Duration::from_secs(5));
        for (threads, pool) in &pools {
            group.bench_function(format!("read/{threads}t"), |b| {
                b.iter(|| {
                    pool.install(|| {
                        sample
                            .docs
                            .par_iter()
                            .map(|(_, path, _)| std::fs::read(path).expect("readable").len())
                            .sum::<usize>()
                    })
                })
            });
            for (label, peer) in &peers {
                group.bench_function(format!("{label}/{threads}t"), |b| {
                    b.iter(|| run_docs(pool, sample, &|d, t, o| peer.scan(d, t, o)))
                });
            }
            for (label, tagger) in &taggers {
                group.bench_function(format!("gaztag/{label}/{threads}t"), |b| {
                    b.iter(|| run_docs(pool, sample, &|d, t, o| tag_json(tagger, d, t, o)))
                });
            }
        }
        group.finish();
    }
}

fn index(c: &mut Criterion) {
    let gaz = data_dir().join("gaz");
    let build_max = env_usize("GAZTAG_BENCH_BUILD_MAX", 100_000);
    let pools = pools();
    let mut group = c.benchmark_group("index");
    group
        .sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(5));
    for n in sizes() {
        let index = gaz.join(format!("real-{n}.gaz"));
        if index.exists() {
            group.bench_function(format!("load/{n}"), |b| {
                b.iter(|| Gazetteer::load(black_box(&index)).expect("a good index"))
            });
        }
        let sources = gaz.join(format!("real-{n}"));
        if sources.is_dir() && n <= build_max {
            for (threads, pool) in &pools {
                group.bench_function(format!("build/{n}/{threads}t"), |b| {
                    b.iter(|| {
                        pool.install(|| {
                            compile(&source::read_dir(black_box(&sources)).expect("sources"))
                        })
                    })
                });
            }
        }
    }
    let seed = std::fs::read_to_string(seeds_dir().join("000_b7c2ae510c672f79.txt"))
        .expect("the first seed");
    group.bench_function("embedded-one-seed", |b| {
        b.iter(|| {
            let tagger = Tagger::new(Gazetteer::embedded());
            let mut out = Vec::new();
            tag_json(
                &tagger,
                "000_b7c2ae510c672f79.txt",
                black_box(&seed),
                &mut out,
            );
            out
        })
    });
    group.finish();
}

criterion_group!(benches, scan, index);
criterion_main!(benches);
