//! `gaztag gazetteer import`, run as a user runs it, on the hand-made CoNLL files in
//! `tests/data/import/`:
//!
//! * `news-iob2.conll`: IOB2 with space-separated columns, `PERS`, a MISC span, two spellings
//!   of one place (أذربيجان, اذربيجان), spans with a proclitic glued on (وأرمينيا, للأمم
//!   المتحدة), and نور: tagged as a person once, untagged twice (a common word there);
//! * `sport-iob1.conll`: IOB1 with TAB-separated columns, `PER`, spans opened by `I-`, two
//!   adjacent places separated by `B-LOC`, a MISC span.
//!
//! The expected figures below were counted by hand from those files.

use std::path::Path;
use std::process::Output;

mod common;
use common::{gaztag, stderr};

const NEWS: &str = "tests/data/import/news-iob2.conll";
const SPORT: &str = "tests/data/import/sport-iob1.conll";

fn import(out: &Path, extra: &[&str]) -> Output {
    let mut args = vec![
        "gazetteer",
        "import",
        "--conll",
        NEWS,
        SPORT,
        "--out",
        out.to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    gaztag(&args)
}

/// The entity lines of a source file (comments left out).
fn entity_lines(path: &Path) -> Vec<String> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .filter(|l| !l.starts_with('#'))
        .map(str::to_owned)
        .collect()
}

fn file_names(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn imports_entities_per_type_with_merged_spellings() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("imported");
    let o = import(&out, &[]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(o.stdout.is_empty());
    assert_eq!(
        file_names(&out),
        [
            "common-words.txt",
            "given-names.txt",
            "left-out.txt",
            "name-parts.txt",
            "organizations.tsv",
            "people.tsv",
            "places.tsv"
        ]
    );
    assert_eq!(
        entity_lines(&out.join("people.tsv")),
        [
            "imp-per-000001\tPER\tإلهام علييف\t\tweight=1",
            "imp-per-000002\tPER\tعلييف\t\tweight=1",
            "imp-per-000003\tPER\tليونيل ميسي\t\tweight=1",
        ]
    );
    assert_eq!(
        entity_lines(&out.join("places.tsv")),
        [
            // three spans, two spellings that fold together; the commoner one names it
            "imp-loc-000001\tLOC\tأذربيجان\tاذربيجان\tweight=3",
            // أرمينيا and وأرمينيا: the proclitic is stripped
            "imp-loc-000002\tLOC\tأرمينيا\t\tweight=2",
            // IOB1: القاهرة I-LOC, دمشق B-LOC are two places
            "imp-loc-000003\tLOC\tالقاهرة\t\tweight=1",
            "imp-loc-000004\tLOC\tباكو\t\tweight=2",
            "imp-loc-000005\tLOC\tدمشق\t\tweight=1",
            "imp-loc-000006\tLOC\tعمان\t\tweight=2",
        ]
    );
    assert_eq!(
        entity_lines(&out.join("organizations.tsv")),
        [
            // الأمم المتحدة and للأمم المتحدة (ل + ال written لل)
            "imp-org-000001\tORG\tالأمم المتحدة\t\tweight=2",
            "imp-org-000002\tORG\tبرشلونة\t\tweight=2",
            "imp-org-000003\tORG\tريال مدريد\t\tweight=1",
        ]
    );
    // نور: tagged once, untagged twice
    assert_eq!(
        entity_lines(&out.join("left-out.txt")),
        ["نور\t1\t2\tPER:1"]
    );
    let header = std::fs::read_to_string(out.join("places.tsv")).unwrap();
    assert!(header.starts_with("# Imported by `gaztag gazetteer import`"));
    assert!(header.lines().next().unwrap().contains(NEWS));

    let err = stderr(&o);
    for want in [
        "read 77 tokens in 10 sentences",
        "20 PER/LOC/ORG spans (2 imported without a proclitic) and 2 MISC spans (ignored)",
        "Imported 12 entities (3 PER, 6 LOC, 3 ORG) with 13 spellings",
        "Left out 1 surface as common words",
        &format!("into {}", out.display()),
    ] {
        assert!(err.contains(want), "missing {want:?} in: {err}");
    }
    assert_eq!(err.lines().count(), 1, "{err}");
}

#[test]
fn output_is_deterministic() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (dir.path().join("a"), dir.path().join("b"));
    assert!(import(&a, &[]).status.success());
    assert!(import(&b, &[]).status.success());
    for name in file_names(&a) {
        assert_eq!(
            std::fs::read(a.join(&name)).unwrap(),
            std::fs::read(b.join(&name)).unwrap(),
            "{name}"
        );
    }
}

#[test]
fn the_tagger_finds_the_imported_names() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("imported");
    assert!(import(&out, &[]).status.success());
    let doc = dir.path().join("doc.txt");
    std::fs::write(
        &doc,
        "استقبل إلهام علييف في باكو وفدا من اذربيجان وللأمم المتحدة، وقال نور الدين إن ليونيل ميسي سيزور عمان.",
    )
    .unwrap();
    let o = gaztag(&[
        "tag",
        doc.to_str().unwrap(),
        "--gazetteer",
        out.to_str().unwrap(),
        "--no-default",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let json: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let got: Vec<(&str, &str, &str)> = json["mentions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            (
                m["text"].as_str().unwrap(),
                m["type"].as_str().unwrap(),
                m["entity"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            ("إلهام علييف", "PER", "imp-per-000001"),
            ("باكو", "LOC", "imp-loc-000004"),
            ("اذربيجان", "LOC", "imp-loc-000001"),
            // وللأمم: the span starts after و + ل (the tagger's rule for ل + ال)
            ("لأمم المتحدة", "ORG", "imp-org-000001"),
            // نور was left out
            ("ليونيل ميسي", "PER", "imp-per-000003"),
            ("عمان", "LOC", "imp-loc-000006"),
        ]
    );
}

#[test]
fn min_count_keeps_the_names_tagged_often_enough() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("imported");
    let o = import(&out, &["--min-count", "2"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    // no person is tagged twice, so there is no people.tsv
    assert_eq!(
        file_names(&out),
        [
            "common-words.txt",
            "given-names.txt",
            "left-out.txt",
            "name-parts.txt",
            "organizations.tsv",
            "places.tsv"
        ]
    );
    let names: Vec<String> = ["places.tsv", "organizations.tsv"]
        .iter()
        .flat_map(|f| entity_lines(&out.join(f)))
        .map(|l| l.split('\t').nth(2).unwrap().to_owned())
        .collect();
    assert_eq!(
        names,
        [
            "أذربيجان",
            "أرمينيا",
            "باكو",
            "عمان",
            "الأمم المتحدة",
            "برشلونة"
        ]
    );
    assert!(stderr(&o).contains("and 6 entities tagged fewer than 2 times"));
    let o = import(&dir.path().join("zero"), &["--min-count", "0"]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn malformed_lines_name_the_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    for (text, want) in [
        (
            "قال O\nباكو\n",
            "bad.conll:2: expected 2 columns (`token TAG`, separated by spaces or a TAB), found 1",
        ),
        (
            "قال O\n\nفي O\nباكو B-GPE\n",
            "bad.conll:4: unknown tag `B-GPE`",
        ),
        ("قال O\nباكو NNP B-LOC\n", "bad.conll:2: expected 2 columns"),
    ] {
        let bad = dir.path().join("bad.conll");
        std::fs::write(&bad, text).unwrap();
        let out = dir.path().join("out");
        let o = gaztag(&[
            "gazetteer",
            "import",
            "--conll",
            NEWS,
            bad.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
        ]);
        assert_eq!(o.status.code(), Some(2), "{text:?}");
        let err = stderr(&o);
        assert!(err.contains(want), "{text:?}: {err}");
        assert!(!out.exists(), "nothing is written on error");
    }
    // not CoNLL data at all
    let o = gaztag(&[
        "gazetteer",
        "import",
        "--conll",
        "tests/data/import/missing.conll",
        "--out",
        dir.path().join("x").to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("missing.conll: No such file or directory"));
}

#[test]
fn refuses_a_folder_that_holds_sources_unless_forced() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("g");
    // a folder with other files is fine
    std::fs::create_dir(&out).unwrap();
    std::fs::write(out.join("NOTES.md"), "mine").unwrap();
    assert!(import(&out, &[]).status.success());

    let before = std::fs::read(out.join("people.tsv")).unwrap();
    let o = import(&out, &["--min-count", "2"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains(
            "already holds gazetteer sources (organizations.tsv, people.tsv, places.tsv)"
        ),
        "{}",
        stderr(&o)
    );
    assert!(stderr(&o).contains("--force"));
    assert_eq!(std::fs::read(out.join("people.tsv")).unwrap(), before);

    // --force replaces this import's files, and drops the people.tsv it no longer writes
    let o = import(&out, &["--min-count", "2", "--force"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(
        file_names(&out),
        [
            "NOTES.md",
            "common-words.txt",
            "given-names.txt",
            "left-out.txt",
            "name-parts.txt",
            "organizations.tsv",
            "places.tsv"
        ]
    );
}

#[test]
fn usage_errors() {
    let o = gaztag(&["gazetteer", "import", "--out", "x"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("--conll"));
    let o = gaztag(&["gazetteer", "import", "--conll", NEWS]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("--out"));
}

/// A spelling tagged LOC five times and ORG once, in sentences of its own.
fn ambiguous_conll() -> String {
    let mut conll = String::new();
    for (i, tag) in ["LOC", "LOC", "ORG", "LOC", "LOC", "LOC"]
        .iter()
        .enumerate()
    {
        conll.push_str(&format!(
            "زار O\nالوفد O\nواشنطن B-{tag}\nأمس O\nمرة O\n{} O\n\n",
            ["أولى", "ثانية", "ثالثة", "رابعة", "خامسة", "سادسة"][i]
        ));
    }
    conll
}

#[test]
fn a_spelling_gets_its_majority_type_and_keeps_the_minority_as_a_candidate() {
    let dir = tempfile::tempdir().unwrap();
    let conll = dir.path().join("ambiguous.conll");
    std::fs::write(&conll, ambiguous_conll()).unwrap();
    let out = dir.path().join("imported");
    let o = gaztag(&[
        "gazetteer",
        "import",
        "--conll",
        conll.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    // the training counts are the weights
    assert_eq!(
        entity_lines(&out.join("places.tsv")),
        ["imp-loc-000001\tLOC\tواشنطن\t\tweight=5"]
    );
    assert_eq!(
        entity_lines(&out.join("organizations.tsv")),
        ["imp-org-000001\tORG\tواشنطن\t\tweight=1"]
    );
    let doc = dir.path().join("doc.txt");
    std::fs::write(&doc, "وصل الرئيس إلى واشنطن.").unwrap();
    let o = gaztag(&[
        "tag",
        doc.to_str().unwrap(),
        "--gazetteer",
        out.to_str().unwrap(),
        "--no-default",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let json: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let m = &json["mentions"][0];
    assert_eq!(
        (m["text"].as_str(), m["type"].as_str()),
        (Some("واشنطن"), Some("LOC"))
    );
    let candidates: Vec<(&str, f64)> = m["candidates"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (c["type"].as_str().unwrap(), c["score"].as_f64().unwrap()))
        .collect();
    assert_eq!(candidates.len(), 2, "{m}");
    assert_eq!((candidates[0].0, candidates[1].0), ("LOC", "ORG"));
    assert!(candidates[0].1 > candidates[1].1, "{candidates:?}");
    assert_eq!(m["score"].as_f64(), Some(candidates[0].1));
}
