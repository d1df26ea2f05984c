//! `gaztag eval`: precision, recall and F1 against gold CoNLL data.

use std::fmt::Write as _;
use std::io::Write as _;
use std::path::PathBuf;

use gaztag::eval::{self, ErrorKind, Evaluation, Options, TYPES};
use gaztag::import::Corpus;

use super::{EXIT_OK, GazetteerArgs, RuleArgs};

/// Arguments of `gaztag eval`.
#[derive(clap::Args, Debug)]
pub struct EvalArgs {
    /// Gold CoNLL files: one `token TAG` pair per line, a blank line between sentences, IOB1
    /// or IOB2 tags with PER (or PERS), LOC, ORG, MISC (MISC is not scored).
    #[arg(long = "gold", value_name = "FILE", required_unless_present = "decisions", num_args = 1..)]
    gold: Vec<PathBuf>,
    /// Gold data from review: the documents marked reviewed in a decisions file exported from
    /// the review pages, with their accepted and added mentions (docs/decisions.md).
    #[arg(long, value_name = "FILE")]
    decisions: Option<PathBuf>,
    /// Folder the reviewed documents' names are relative to (with --decisions).
    #[arg(long, value_name = "DIR", requires = "decisions")]
    docs: Option<PathBuf>,
    /// Also write the gold data made from --decisions as CoNLL into FILE.
    #[arg(long, value_name = "FILE", requires = "decisions")]
    save_gold: Option<PathBuf>,
    /// List every false positive and false negative with its context, grouped by how the
    /// mention was found.
    #[arg(long)]
    errors: bool,
    /// Print the scores (and with --errors, the errors) as one JSON object.
    #[arg(long)]
    json: bool,
    /// Treat every N sentences as one document (for corpora without -DOCSTART- lines);
    /// document-level aliases never cross a document. Default: the -DOCSTART- blocks.
    #[arg(long, value_name = "N")]
    document_sentences: Option<usize>,
    /// Score only the mentions whose score is at least S (0 to 1; see docs/annotations.md):
    /// trades recall for precision. Default: 0, every mention.
    #[arg(long, value_name = "S", default_value_t = 0.0, value_parser = parse_score)]
    min_score: f64,
    #[command(flatten)]
    rules: RuleArgs,
    #[command(flatten)]
    gazetteer: GazetteerArgs,
}

pub fn run(args: EvalArgs) -> anyhow::Result<i32> {
    if let Some(n) = args.document_sentences {
        anyhow::ensure!(n > 0, "--document-sentences must be at least 1");
    }
    let tagger = args
        .rules
        .apply(args.gazetteer.builder()?)
        .min_score(args.min_score)
        .build();
    let mut corpus = Corpus::read(&args.gold)?;
    if let Some(path) = &args.decisions {
        let gold =
            gaztag::decisions::gold(&gaztag::decisions::read(path)?, path, args.docs.as_deref())?;
        anyhow::ensure!(
            !gold.is_empty(),
            "{}: no document is marked reviewed",
            path.display()
        );
        let conll = gaztag::decisions::to_conll(&gold);
        if let Some(out) = &args.save_gold {
            gaztag::atomic::write(out, conll.as_bytes())?;
        }
        corpus.parse(path, &conll)?;
    }
    let mut evaluation = eval::evaluate(
        &tagger,
        &corpus,
        &Options {
            document_sentences: args.document_sentences,
        },
    );
    if !args.errors {
        evaluation.errors.clear();
    }
    if args.json {
        writeln!(
            std::io::stdout(),
            "{}",
            serde_json::to_string_pretty(&evaluation)?
        )?;
    } else {
        write!(std::io::stdout(), "{}", report(&evaluation, args.errors))?;
    }
    Ok(EXIT_OK)
}

/// Parses a `--min-score` value: a number from 0 to 1.
pub fn parse_score(s: &str) -> Result<f64, String> {
    match s.parse::<f64>() {
        Ok(x) if (0.0..=1.0).contains(&x) => Ok(x),
        _ => Err(format!(
            "`{s}` is not a score: expected a number from 0 to 1"
        )),
    }
}

/// The human-readable report: a table per type, the micro average, the split by match kind,
/// then the errors.
fn report(e: &Evaluation, errors: bool) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{} documents, {} sentences, {} tokens",
        e.documents, e.sentences, e.tokens
    );
    let _ = writeln!(
        out,
        "{:<6} {:>6} {:>6} {:>6} {:>9} {:>7} {:>7}",
        "type", "tp", "fp", "fn", "precision", "recall", "F1"
    );
    let rows = TYPES
        .iter()
        .map(|k| (k.as_str(), e.types.get(k).copied().unwrap_or_default()))
        .chain([("micro", e.micro)]);
    for (name, c) in rows {
        let _ = writeln!(
            out,
            "{:<6} {:>6} {:>6} {:>6} {:>9.4} {:>7.4} {:>7.4}",
            name,
            c.tp,
            c.fp,
            c.fn_,
            c.precision(),
            c.recall(),
            c.f1()
        );
    }
    let _ = writeln!(out, "found by:");
    for (how, c) in &e.by_match {
        let _ = writeln!(
            out,
            "  {:<9} {:>6} right {:>6} wrong  precision {:.4}",
            how.as_str(),
            c.tp,
            c.fp,
            c.precision()
        );
    }
    if errors {
        let mut groups: Vec<(String, Vec<&eval::ErrorCase>)> = Vec::new();
        for case in &e.errors {
            let group = match (case.error, case.how) {
                (ErrorKind::FalsePositive, Some(how)) => {
                    format!("false positives, found by {}", how.as_str())
                }
                _ => "false negatives".to_owned(),
            };
            match groups.iter_mut().find(|(g, _)| *g == group) {
                Some((_, cases)) => cases.push(case),
                None => groups.push((group, vec![case])),
            }
        }
        groups.sort_by(|a, b| a.0.cmp(&b.0));
        for (group, cases) in groups {
            let _ = writeln!(out, "\n{group} ({}):", cases.len());
            for c in cases {
                let gold = c
                    .gold
                    .as_deref()
                    .map(|g| format!(" (gold {g})"))
                    .unwrap_or_default();
                let entity = c
                    .entity
                    .as_deref()
                    .map(|id| format!(" {id}"))
                    .unwrap_or_default();
                let _ = writeln!(
                    out,
                    "  {}:{}: {}{entity}{gold}: {}",
                    c.file, c.line, c.kind, c.context
                );
            }
        }
    }
    out
}
