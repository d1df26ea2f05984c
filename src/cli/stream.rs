//! `gaztag tag --stdin`: JSON Lines in on stdin, annotated JSON Lines out on stdout.

use anyhow::Context;

use gaztag::stream;

use super::{EXIT_OK, EXIT_PARTIAL, GazetteerArgs, RuleArgs};

/// Records tagged in parallel per batch and thread; each batch is written and flushed before
/// the next is read.
const BATCH_PER_THREAD: usize = 64;

/// Bytes of input records per batch and thread at most (a record alone may be larger): memory
/// follows the size of the records, not their number.
const BATCH_BYTES_PER_THREAD: usize = 8 << 20;

pub fn run(
    jobs: Option<usize>,
    rules: &RuleArgs,
    gazetteer: &GazetteerArgs,
) -> anyhow::Result<i32> {
    let tagger = rules.apply(gazetteer.builder()?).build();
    let mut pool = rayon::ThreadPoolBuilder::new();
    if let Some(n) = jobs {
        anyhow::ensure!(n > 0, "--jobs must be at least 1");
        pool = pool.num_threads(n);
    }
    let pool = pool.build().context("starting worker threads")?;
    let batch = BATCH_PER_THREAD * pool.current_num_threads();
    let batch_bytes = BATCH_BYTES_PER_THREAD * pool.current_num_threads();
    let summary = pool
        .install(|| {
            let input = std::io::BufReader::with_capacity(1 << 16, std::io::stdin());
            let output = std::io::BufWriter::new(std::io::stdout().lock());
            stream::tag_stream_sized(&tagger, input, output, batch, batch_bytes, |e| {
                eprintln!("gaztag: stdin: {e}")
            })
        })
        .context("streaming from stdin to stdout")?;
    if summary.failed > 0 {
        eprintln!(
            "gaztag: {} of {} records could not be tagged",
            summary.failed, summary.records
        );
        return Ok(EXIT_PARTIAL);
    }
    Ok(EXIT_OK)
}
