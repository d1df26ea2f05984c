//! Recall and precision on the seeds against `tests/gold/seeds.tsv`, a list of the mentions a
//! careful reader finds in them, written by reading the documents (not by running the tool),
//! following `docs/annotation-guidelines.md`.

use std::collections::HashMap;

use gaztag::{Gazetteer, Tagger};

type Key = (String, usize, String, String);

fn gold() -> HashMap<Key, usize> {
    let text = std::fs::read_to_string("tests/gold/seeds.tsv").unwrap();
    let mut gold = HashMap::new();
    for (i, line) in text.lines().enumerate() {
        if line.starts_with('#') || line.trim().is_empty() {
            continue;
        }
        let f: Vec<&str> = line.split('\t').collect();
        assert_eq!(
            f.len(),
            4,
            "tests/gold/seeds.tsv:{}: expected 4 fields",
            i + 1
        );
        let key = (
            f[0].to_owned(),
            f[1].parse().unwrap(),
            f[2].to_owned(),
            f[3].to_owned(),
        );
        *gold.entry(key).or_default() += 1;
    }
    gold
}

fn predicted(tagger: &Tagger) -> HashMap<Key, usize> {
    let mut pred = HashMap::new();
    let mut names: Vec<_> = std::fs::read_dir("seeds")
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    names.sort();
    for name in names {
        let name = name.to_string_lossy().into_owned();
        let text = std::fs::read_to_string(format!("seeds/{name}")).unwrap();
        for m in tagger.tag(&text) {
            let line = text[..m.byte_start].matches('\n').count() + 1;
            *pred
                .entry((name.clone(), line, m.kind.as_str().to_owned(), m.text))
                .or_default() += 1;
        }
    }
    pred
}

#[test]
fn seeds_recall_and_precision_at_least_097() {
    score(&Tagger::new(Gazetteer::embedded()));
}

/// Fuzzy matching (opt in) must not lower precision on the seeds below the bar.
#[test]
fn seeds_with_fuzzy_matching_still_at_least_097() {
    score(
        &Tagger::builder()
            .gazetteer(Gazetteer::embedded())
            .fuzzy(true)
            .build(),
    );
}

fn score(tagger: &Tagger) {
    let (gold, pred) = (gold(), predicted(tagger));
    let count = |m: &HashMap<Key, usize>| m.values().sum::<usize>();
    let tp: usize = gold
        .iter()
        .map(|(k, g)| (*g).min(*pred.get(k).unwrap_or(&0)))
        .sum();
    let (recall, precision) = (
        tp as f64 / count(&gold) as f64,
        tp as f64 / count(&pred) as f64,
    );
    let diff = |a: &HashMap<Key, usize>, b: &HashMap<Key, usize>| {
        let mut d: Vec<String> = a
            .iter()
            .filter(|(k, n)| **n > *b.get(*k).unwrap_or(&0))
            .map(|(k, _)| format!("  {}:{} {} {}", k.0, k.1, k.2, k.3))
            .collect();
        d.sort();
        d.join("\n")
    };
    eprintln!(
        "seeds: {tp} right of {} found, {} in gold: precision {precision:.3}, recall {recall:.3}",
        count(&pred),
        count(&gold)
    );
    eprintln!(
        "missed:\n{}\nwrong:\n{}",
        diff(&gold, &pred),
        diff(&pred, &gold)
    );
    assert!(recall >= 0.97, "recall {recall:.3} < 0.97");
    assert!(precision >= 0.97, "precision {precision:.3} < 0.97");
}

#[test]
fn every_gold_surface_is_on_its_line() {
    for ((file, line, _, surface), n) in gold() {
        let text = std::fs::read_to_string(format!("seeds/{file}")).unwrap();
        let l = text
            .split('\n')
            .nth(line - 1)
            .unwrap_or_else(|| panic!("{file}:{line}: no such line"));
        assert!(
            l.matches(surface.as_str()).count() >= n,
            "{file}:{line}: `{surface}` not there {n} times"
        );
    }
}
