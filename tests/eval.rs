//! `gaztag eval`: scores on a small hand-made gold file, computed by hand, and its errors.

mod common;

use common::{gaztag, stderr, stdout};

const GOLD: &str = "tests/data/eval/small.conll";

/// Scores of tests/data/eval/small.conll with the default gazetteer, by hand:
///
/// | gold span | type | predicted |
/// |---|---|---|
/// | بوتين | PER | PER: tp |
/// | باكو, يريفان | LOC | LOC: 2 tp |
/// | وزارة الدفاع الروسية | ORG | ORG: tp |
/// | بسميث | PER | nothing: fn |
/// | علييف (`I-PER` at the start: IOB1) | PER | PER: tp |
/// | موسكو | ORG | LOC: fp LOC + fn ORG |
/// | القوقاز | MISC (not scored) | LOC: fp LOC |
/// | (O) الكرملين | – | ORG: fp ORG |
///
/// PER 2/0/1, LOC 2/2/0, ORG 1/1/1; micro 5/3/2: P 5/8, R 5/7, F1 10/15.
#[test]
fn scores_match_the_hand_computed_ones() {
    let o = gaztag(&[
        "eval",
        "--gold",
        GOLD,
        "--no-compose",
        "--no-aliases",
        "--json",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let c = |t: &str| {
        let x = if t == "micro" {
            &v["micro"]
        } else {
            &v["types"][t]
        };
        (
            x["tp"].as_u64().unwrap(),
            x["fp"].as_u64().unwrap(),
            x["fn"].as_u64().unwrap(),
        )
    };
    assert_eq!(c("PER"), (2, 0, 1));
    assert_eq!(c("LOC"), (2, 2, 0));
    assert_eq!(c("ORG"), (1, 1, 1));
    assert_eq!(c("micro"), (5, 3, 2));
    assert_eq!(
        (v["sentences"].as_u64(), v["tokens"].as_u64()),
        (Some(3), Some(21))
    );

    let o = gaztag(&["eval", "--gold", GOLD, "--no-compose", "--no-aliases"]);
    let text = stdout(&o);
    assert!(
        text.contains("micro       5      3      2    0.6250  0.7143  0.6667"),
        "{text}"
    );
}

#[test]
fn errors_are_listed_with_context_grouped_by_match_kind() {
    let o = gaztag(&["eval", "--gold", GOLD, "--errors", "--no-compose"]);
    let text = stdout(&o);
    assert!(text.contains("false negatives (2):"), "{text}");
    assert!(
        text.contains("false positives, found by exact (3):"),
        "{text}"
    );
    assert!(
        text.contains(&format!(
            "{GOLD}:21: LOC moscow (gold ORG): التقى علييف بوفد من [موسكو] في القوقاز"
        )),
        "{text}"
    );
    let o = gaztag(&["eval", "--gold", GOLD, "--errors", "--json"]);
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let errors = v["errors"].as_array().unwrap();
    assert_eq!(errors.len(), 5);
    assert!(
        errors
            .iter()
            .any(|e| e["error"] == "fp" && e["match"] == "exact")
    );
}

#[test]
fn malformed_gold_names_the_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.conll");
    std::fs::write(&bad, "زار O\nبوتين B-PER extra\n").unwrap();
    let o = gaztag(&["eval", "--gold", bad.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("bad.conll:2: expected 2 columns"),
        "{}",
        stderr(&o)
    );
    std::fs::write(&bad, "زار O\nبوتين B-PERSON\n").unwrap();
    let o = gaztag(&["eval", "--gold", bad.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("bad.conll:2: unknown tag `B-PERSON`"),
        "{}",
        stderr(&o)
    );

    let o = gaztag(&["eval", "--gold", "no/such.conll"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("no/such.conll"), "{}", stderr(&o));
}

#[test]
fn documents_group_sentences_for_the_aliases() {
    // the surname is an alias only when the full name is in the same document
    let dir = tempfile::tempdir().unwrap();
    let gold = dir.path().join("g.conll");
    std::fs::write(
        &gold,
        "وصل O\nنيكول B-PER\nباشينيانوف I-PER\n\nوقال O\nباشينيانوف B-PER\nإن O\n",
    )
    .unwrap();
    let g = gold.to_str().unwrap();
    let tp = |extra: &[&str]| {
        // composition is opt-in: the full name is composed from the given name
        let mut args = vec!["eval", "--gold", g, "--json", "--compose", "given"];
        args.extend_from_slice(extra);
        let v: serde_json::Value = serde_json::from_str(&stdout(&gaztag(&args))).unwrap();
        v["micro"]["tp"].as_u64().unwrap()
    };
    assert_eq!(tp(&[]), 2);
    assert_eq!(tp(&["--document-sentences", "1"]), 1);
    assert_eq!(tp(&["--no-aliases"]), 1);
}

#[test]
fn min_score_leaves_out_the_weaker_mentions() {
    let micro = |extra: &[&str]| {
        let mut args = vec!["eval", "--gold", GOLD, "--json"];
        args.extend_from_slice(extra);
        let o = gaztag(&args);
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
        let m = &v["micro"];
        (
            m["tp"].as_u64().unwrap(),
            m["fp"].as_u64().unwrap(),
            m["fn"].as_u64().unwrap(),
        )
    };
    // every mention here is an exact name (0.95): all are kept up to there, none above
    assert_eq!(
        micro(&["--no-compose", "--no-aliases", "--min-score", "0.95"]),
        (5, 3, 2)
    );
    assert_eq!(micro(&["--min-score", "0.96"]), (0, 0, 7));
    let o = gaztag(&["eval", "--gold", GOLD, "--min-score", "1.5"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("not a score"), "{}", stderr(&o));
}
