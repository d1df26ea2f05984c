//! `gaztag gazetteer import`: gazetteer sources from annotated CoNLL data.

use std::path::PathBuf;
use std::time::Instant;

use gaztag::EntityType;
use gaztag::import::{self, Corpus, Options};

use crate::cli::EXIT_OK;

/// Arguments of `gaztag gazetteer import`.
#[derive(clap::Args, Debug)]
pub struct ImportArgs {
    /// CoNLL files: one `token TAG` pair per line, a blank line between sentences; IOB1 or
    /// IOB2 tags with PER (or PERS), LOC, ORG; MISC is ignored.
    #[arg(long = "conll", value_name = "FILE", required = true, num_args = 1..)]
    conll: Vec<PathBuf>,
    /// Folder to write the sources into (people.tsv, places.tsv, organizations.tsv, and
    /// left-out.txt); `tag --gazetteer DIR` reads it. Created if needed.
    #[arg(long, value_name = "DIR")]
    out: PathBuf,
    /// Write even if DIR already holds gazetteer sources (*.tsv), replacing this import's files.
    #[arg(long)]
    force: bool,
    /// Keep only entities tagged at least N times.
    #[arg(long, value_name = "N", default_value_t = 1)]
    min_count: usize,
    /// Keep only entities whose matches in the data are the right span and type at least
    /// this share of the time (0 to 1; 0 keeps every entity).
    #[arg(long, value_name = "R", default_value_t = import::DEFAULT_MIN_RELIABILITY)]
    min_reliability: f64,
}

pub fn run(args: ImportArgs) -> anyhow::Result<i32> {
    anyhow::ensure!(args.min_count >= 1, "--min-count must be at least 1");
    anyhow::ensure!(
        (0.0..=1.0).contains(&args.min_reliability),
        "--min-reliability must be between 0 and 1"
    );
    let started = Instant::now();
    let corpus = Corpus::read(&args.conll)?;
    let imported = import::import(
        &corpus,
        &Options {
            min_count: args.min_count,
            min_reliability: args.min_reliability,
        },
    );
    anyhow::ensure!(
        imported.spans > 0,
        "no PER, LOC or ORG span in {} sentences of {}: is this `token TAG` CoNLL data?",
        corpus.sentences.len(),
        files(&args.conll)
    );
    let written = import::write_sources(&imported, &args.out, args.force)?;

    let per_type: Vec<String> = [EntityType::Per, EntityType::Loc, EntityType::Org]
        .iter()
        .map(|&k| format!("{} {k}", imported.count(k)))
        .collect();
    let written: Vec<String> = written
        .iter()
        .map(|p| {
            p.file_name()
                .unwrap_or_default()
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    let below = if args.min_count > 1 {
        format!(
            ", and {} tagged fewer than {} times",
            plural(imported.below_min_count, "entity", "entities"),
            args.min_count
        )
    } else {
        String::new()
    };
    eprintln!(
        "gaztag: read {} in {} from {}: {} ({} imported without a proclitic) and {} \
         (ignored). Imported {} ({}) with {}. Left out {} as common words (more often \
         untagged than tagged; listed in {}){below}, and {} whose matches in the data are \
         right less than {:.2} of the time (listed there too). Derived {} given names, {} \
         name parts and {} common words. Wrote {} into {} in {:.2}s.",
        plural(corpus.token_count(), "token", "tokens"),
        plural(corpus.sentences.len(), "sentence", "sentences"),
        files(&args.conll),
        plural(imported.spans, "PER/LOC/ORG span", "PER/LOC/ORG spans"),
        imported.clitic_stripped,
        plural(imported.misc_spans, "MISC span", "MISC spans"),
        plural(imported.entities.len(), "entity", "entities"),
        per_type.join(", "),
        plural(imported.variant_count(), "spelling", "spellings"),
        plural(imported.left_out.len(), "surface", "surfaces"),
        import::LEFT_OUT_FILE,
        plural(imported.unreliable.len(), "entity", "entities"),
        args.min_reliability,
        imported.word_lists.given_names.len(),
        imported.word_lists.name_parts.len(),
        imported.word_lists.common_words.len(),
        written.join(", "),
        args.out.display(),
        started.elapsed().as_secs_f64()
    );
    if imported.entities.is_empty() {
        eprintln!(
            "gaztag: warning: no entity was kept, so {} is not a usable gazetteer folder",
            args.out.display()
        );
    }
    Ok(EXIT_OK)
}

fn files(paths: &[PathBuf]) -> String {
    let names: Vec<String> = paths.iter().map(|p| p.display().to_string()).collect();
    names.join(", ")
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}
