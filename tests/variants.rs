//! A smoke check of the fuzzy-spelling variant benchmark (`docs/accuracy.md`, "Fuzzy spelling
//! variants") on the committed groups alone: the file parses, its parts do not share a place,
//! and on a sample of dev queries the weighted nearest tier finds more of the right places
//! than plain Levenshtein's nearest tier, at no lower precision, and more than today's rule.

#[path = "../examples/variants/bench.rs"]
#[allow(dead_code)]
mod bench;

use bench::{Method, Part};
use gaztag::distance::Weights;

const GROUPS: &str = "tests/data/variants/variants.tsv";

fn load() -> bench::Bench {
    let text = std::fs::read_to_string(GROUPS).expect("the committed benchmark");
    bench::load((GROUPS, &text), None).expect("it parses")
}

#[test]
fn the_parts_are_apart_and_large_enough() {
    let b = load();
    let dev: std::collections::HashSet<u32> = b
        .queries
        .iter()
        .filter(|q| q.part == Part::Dev)
        .map(|q| q.place)
        .collect();
    let held: Vec<u32> = b
        .queries
        .iter()
        .filter(|q| q.part == Part::Heldout)
        .map(|q| q.place)
        .collect();
    assert!(
        dev.len() >= 500 && held.len() >= 1000,
        "{} {}",
        dev.len(),
        held.len()
    );
    assert!(held.iter().all(|p| !dev.contains(p)));
}

#[test]
fn a_bad_line_names_its_file_and_line() {
    let err = bench::load(("g.tsv", "# c\ndev\t1\tباكو\nheldout\tx\tباكو\n"), None)
        .err()
        .expect("a bad id");
    assert_eq!(err, "g.tsv:3: expected part, geonameid and spelling");
    let err = bench::load(("g.tsv", "test\t1\tباكو\n"), None)
        .err()
        .expect("a bad part");
    assert_eq!(err, "g.tsv:1: part is dev or heldout");
}

#[test]
fn weighted_nearest_tier_beats_plain_levenshtein_on_dev() {
    let mut b = load();
    // a sample, so that the debug build stays quick
    let mut k = 0;
    b.queries.retain(|q| {
        k += 1;
        q.part == Part::Dev && k % 4 == 0
    });
    let plain = bench::score(&b, Part::Dev, Method::Nearest(Weights::levenshtein()), 3);
    let weighted = bench::score(&b, Part::Dev, Method::Nearest(Weights::default()), 3);
    let today = bench::score(&b, Part::Dev, Method::Today, 3);
    assert!(plain.queries > 300, "{plain:?}");
    assert!(
        weighted.recall() > plain.recall() && weighted.precision() >= plain.precision(),
        "weighted {weighted:?} plain {plain:?}"
    );
    assert!(
        weighted.recall() > today.recall(),
        "weighted {weighted:?} today {today:?}"
    );
}
