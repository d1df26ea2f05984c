//! Scores fuzzy-spelling methods on the variant benchmark (`docs/accuracy.md`, "Fuzzy
//! spelling variants").
//!
//! ```sh
//! scripts/variants.py      # writes bench/data/variants-names.tsv (and the committed groups)
//! cargo run --release --example variants -- tests/data/variants/variants.tsv \
//!     --names bench/data/variants-names.tsv
//! ```
//!
//! `--only-weighted` skips the baselines. `--tune` also searches the weights, one at a time, on the dev part only, and prints the
//! best set found.

mod bench;

use std::process::ExitCode;

use bench::{Bench, Method, Part, Score};
use gaztag::distance::Weights;

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> Result<(), String> {
    let mut args = std::env::args().skip(1);
    let (mut groups, mut names, mut tune, mut max) = (None, None, false, 3);
    let mut only_weighted = false;
    while let Some(a) = args.next() {
        match a.as_str() {
            "--names" => names = Some(args.next().ok_or("--names needs a file")?),
            "--tune" => tune = true,
            "--only-weighted" => only_weighted = true,
            "--max" => {
                max = args
                    .next()
                    .and_then(|m| m.parse().ok())
                    .ok_or("--max needs a number")?
            }
            _ if groups.is_none() => groups = Some(a),
            _ => return Err(format!("unexpected argument {a}")),
        }
    }
    let groups =
        groups.ok_or("usage: variants GROUPS.tsv [--names NAMES.tsv] [--max N] [--tune]")?;
    let read = |p: &str| std::fs::read_to_string(p).map_err(|e| format!("{p}: {e}"));
    let gtext = read(&groups)?;
    let ntext = names.as_deref().map(read).transpose()?;
    let b = bench::load((&groups, &gtext), names.as_deref().zip(ntext.as_deref()))?;
    let count = |p| b.queries.iter().filter(|q| q.part == p).count();
    println!(
        "names: {}; places: {}; queries: dev {}, held-out {} ({} ambiguous spellings left out); at most {max} candidates",
        b.names.len(),
        b.places.len(),
        count(Part::Dev),
        count(Part::Heldout),
        b.ambiguous
    );
    let lev = Weights::levenshtein();
    let mut w = Weights::default();
    if tune {
        w = search(&b, w, max);
        println!("tuned on dev: {w:?}");
    }
    let no_limit = Weights {
        limit_base: u32::MAX / 4,
        limit_per_letter: 0,
        ..w
    };
    let rows: Vec<(String, Method)> = vec![
        (
            "plain Levenshtein, 3 nearest places".into(),
            Method::Top(lev, max),
        ),
        (
            "plain Levenshtein, nearest tier".into(),
            Method::Nearest(lev),
        ),
        (
            "plain Levenshtein, nearest tier, at most 1 edit".into(),
            Method::Nearest(Weights {
                limit_base: 100,
                ..lev
            }),
        ),
        ("today's rule (plausible_drift)".into(), Method::Today),
        (
            "weighted costs, 3 nearest places".into(),
            Method::Top(w, max),
        ),
        (
            "weighted costs, nearest tier".into(),
            Method::Nearest(no_limit),
        ),
        (
            format!(
                "weighted costs, nearest tier, threshold {} + {}/letter",
                w.limit_base, w.limit_per_letter
            ),
            Method::Nearest(w),
        ),
    ];
    println!("| method | dev R | dev P | dev cands | held-out R | held-out P | held-out cands |");
    println!("|---|---:|---:|---:|---:|---:|---:|");
    for (name, m) in rows {
        if only_weighted && !name.starts_with("weighted") {
            continue;
        }
        let t = std::time::Instant::now();
        let d = bench::score(&b, Part::Dev, m, max);
        let h = bench::score(&b, Part::Heldout, m, max);
        println!(
            "| {name} | {:.3} | {:.3} | {:.2} | {:.3} | {:.3} | {:.2} |",
            d.recall(),
            d.precision(),
            d.mean(),
            h.recall(),
            h.precision(),
            h.mean()
        );
        eprintln!("({name}: {:.1} s)", t.elapsed().as_secs_f64());
    }
    Ok(())
}

/// What the search maximizes: F1 of recall and precision.
fn objective(s: &Score) -> f64 {
    let (r, p) = (s.recall(), s.precision());
    if r + p == 0.0 {
        0.0
    } else {
        2.0 * r * p / (r + p)
    }
}

/// Coordinate search on every second dev query: each weight in turn takes the value of its
/// grid that scores best, until a pass changes nothing (two passes at most).
fn search(b: &Bench, mut w: Weights, max: usize) -> Weights {
    let mut k = 0;
    let sample = Bench {
        queries: b
            .queries
            .iter()
            .filter(|q| {
                k += 1;
                q.part == Part::Dev && k % 2 == 0
            })
            .cloned()
            .collect(),
        names: Vec::new(),
        places_of: b.places_of.clone(),
        places: Vec::new(),
        ambiguous: 0,
        set: b.set.clone(),
    };
    let b = &sample;
    type Field = (&'static str, fn(&mut Weights) -> &mut u32, &'static [u32]);
    const CHEAP: &[u32] = &[20, 40, 60, 80, 100];
    let fields: &[Field] = &[
        ("vowel_indel", |w| &mut w.vowel_indel, CHEAP),
        ("vowel_sub", |w| &mut w.vowel_sub, CHEAP),
        ("g_sub", |w| &mut w.g_sub, CHEAP),
        ("class_sub", |w| &mut w.class_sub, CHEAP),
        ("final_sub", |w| &mut w.final_sub, CHEAP),
        ("final_indel", |w| &mut w.final_indel, CHEAP),
        ("initial_ain", |w| &mut w.initial_ain, CHEAP),
        ("digraph", |w| &mut w.digraph, CHEAP),
        ("gemination", |w| &mut w.gemination, CHEAP),
        ("space_indel", |w| &mut w.space_indel, CHEAP),
        ("article", |w| &mut w.article, &[60, 100, 150, 200]),
        (
            "limit_base",
            |w| &mut w.limit_base,
            &[0, 25, 50, 75, 100, 150],
        ),
        (
            "limit_per_letter",
            |w| &mut w.limit_per_letter,
            &[0, 10, 15, 20, 25, 30, 40],
        ),
        ("tier", |w| &mut w.tier, &[0, 10, 20]),
    ];
    let mut best = objective(&bench::score(b, Part::Dev, Method::Nearest(w), max));
    for pass in 1..=2 {
        let mut changed = false;
        for (name, get, grid) in fields {
            for &v in *grid {
                let mut t = w;
                if *get(&mut t) == v {
                    continue;
                }
                *get(&mut t) = v;
                let s = bench::score(b, Part::Dev, Method::Nearest(t), max);
                let o = objective(&s);
                if o > best + 1e-9 {
                    eprintln!(
                        "pass {pass}: {name} = {v}: R {:.3} P {:.3} F1 {o:.4}",
                        s.recall(),
                        s.precision()
                    );
                    best = o;
                    w = t;
                    changed = true;
                }
            }
        }
        if !changed {
            break;
        }
    }
    w
}
