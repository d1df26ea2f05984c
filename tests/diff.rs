//! `gaztag diff OLD NEW`, run as a user runs it to review the effect of a gazetteer change on
//! the seeds.

use std::path::{Path, PathBuf};

use gaztag::{Document, Mention};

mod common;
use common::{gaztag, stderr, stdout};

/// A copy of the default gazetteer sources in `dir/name`, changed by `edit`.
fn gazetteer_copy(dir: &Path, name: &str, edit: impl Fn(&str, String) -> String) -> PathBuf {
    let to = dir.join(name);
    std::fs::create_dir(&to).unwrap();
    for entry in std::fs::read_dir("gazetteer").unwrap() {
        let path = entry.unwrap().path();
        let file = path.file_name().unwrap().to_str().unwrap().to_owned();
        let text = std::fs::read_to_string(&path).unwrap();
        std::fs::write(to.join(&file), edit(&file, text)).unwrap();
    }
    to
}

/// Tags the seeds into `dir/out` (JSON files), with `gazetteer` alone or the default.
fn tag_seeds(dir: &Path, out: &str, gazetteer: Option<&Path>) -> PathBuf {
    let out = dir.join(out);
    let mut args = vec!["tag", "seeds", "--out", out.to_str().unwrap()];
    if let Some(g) = gazetteer {
        args.extend(["--no-default", "--gazetteer", g.to_str().unwrap()]);
    }
    let o = gaztag(&args);
    assert!(o.status.success(), "{}", stderr(&o));
    out
}

fn read(path: &Path) -> Vec<Document> {
    gaztag::annotation::read_annotations(path).unwrap()
}

/// The report line of an added or removed mention, as documented, without context.
fn line(sign: char, m: &Mention) -> String {
    format!(
        "{sign} {}..{} {} {} «{}»",
        m.start,
        m.end,
        m.kind.as_str(),
        m.entity,
        m.text
    )
}

/// The change lines of a report, without their context snippets.
fn change_lines(report: &str) -> Vec<String> {
    report
        .lines()
        .filter(|l| l.starts_with(['-', '+', '~']))
        .map(|l| l.split("  ").next().unwrap().to_owned())
        .collect()
}

#[test]
fn equal_runs_exit_0() {
    let dir = tempfile::tempdir().unwrap();
    let a = tag_seeds(dir.path(), "a", None);
    // the same sources loaded from a folder instead of the embedded index
    let same = gazetteer_copy(dir.path(), "same", |_, t| t);
    let b = tag_seeds(dir.path(), "b", Some(&same));
    let o = gaztag(&["diff", a.to_str().unwrap(), b.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(
        stdout(&o),
        "summary: 5 documents on both sides, no differences\n"
    );
    // a folder against the JSON Lines of the same run
    let lines = dir.path().join("run.jsonl");
    std::fs::write(&lines, gaztag(&["tag", "seeds"]).stdout).unwrap();
    let o = gaztag(&[
        "diff",
        a.to_str().unwrap(),
        lines.to_str().unwrap(),
        "--json",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let json: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(json["equal"], true);
    assert_eq!(json["summary"]["documents"], 5);
    assert_eq!(json["documents"], serde_json::json!([]));
}

#[test]
fn dropping_and_adding_entities_reports_exactly_those_mentions() {
    let dir = tempfile::tempdir().unwrap();
    let a = tag_seeds(dir.path(), "a", None);
    // drop Yerevan, add the separatists as an organization
    let edited = gazetteer_copy(dir.path(), "edited", |file, text| match file {
        "places.tsv" => text
            .lines()
            .filter(|l| !l.starts_with("yerevan\t"))
            .map(|l| format!("{l}\n"))
            .collect(),
        "organizations.tsv" => text + "separatists\tORG\tالانفصاليين\n",
        _ => text,
    });
    let b = tag_seeds(dir.path(), "b", Some(&edited));
    let (old, new) = (read(&a), read(&b));

    let o = gaztag(&[
        "diff",
        a.to_str().unwrap(),
        b.to_str().unwrap(),
        "--docs",
        "seeds",
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let report = stdout(&o);

    // expected: per document, Yerevan's old mentions removed and the separatists' new ones
    // added, in text order, and nothing else
    let mut expected = Vec::new();
    let (mut added, mut removed, mut differing) = (0, 0, 0);
    for (o, n) in old.iter().zip(&new) {
        assert_eq!(o.document, n.document);
        let mut lines: Vec<(usize, String)> = Vec::new();
        for m in o.mentions.iter().filter(|m| m.entity == "yerevan") {
            lines.push((m.start, line('-', m)));
        }
        for m in n.mentions.iter().filter(|m| m.entity == "separatists") {
            lines.push((m.start, line('+', m)));
        }
        lines.sort();
        added += lines.iter().filter(|l| l.1.starts_with('+')).count();
        removed += lines.iter().filter(|l| l.1.starts_with('-')).count();
        differing += usize::from(!lines.is_empty());
        expected.extend(lines.into_iter().map(|l| l.1));
    }
    assert!(added >= 5 && removed >= 3, "{added} {removed}");
    assert_eq!(change_lines(&report), expected, "{report}");
    assert!(
        report.ends_with(&format!(
            "summary: 5 documents on both sides, {differing} differing: {added} added, \
             {removed} removed, 0 changed; 0 only in OLD, 0 only in NEW\n"
        )),
        "{report}"
    );
    // with --docs, each line has its context: the mention in brackets amid its text
    for l in report.lines().filter(|l| l.starts_with(['-', '+'])) {
        let (_, ctx) = l.split_once("  ").expect(l);
        assert!(
            ctx.contains("[يريفان]") || ctx.contains("[الانفصاليين]"),
            "{l}"
        );
        assert!(ctx.chars().count() > 40, "{l}");
    }
    assert!(report.contains("و[الانفصاليين] الأرمن"), "{report}");

    // --json says the same
    let o = gaztag(&["diff", a.to_str().unwrap(), b.to_str().unwrap(), "--json"]);
    assert_eq!(o.status.code(), Some(1));
    let json: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(json["equal"], false);
    assert_eq!(json["summary"]["added"], added);
    assert_eq!(json["summary"]["removed"], removed);
    assert_eq!(json["summary"]["differing"], differing);
    let ops: Vec<String> = json["documents"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|d| d["changes"].as_array().unwrap())
        .map(|c| {
            let (sign, m) = match c["op"].as_str().unwrap() {
                "added" => ('+', &c["new"]),
                _ => ('-', &c["old"]),
            };
            let m: Mention = serde_json::from_value(m.clone()).unwrap();
            // no --docs: the run record of `tag --out` says where the documents are
            let context = c["context"].as_str().unwrap_or_default();
            assert!(context.contains(&format!("[{}]", m.text)), "{c}");
            line(sign, &m)
        })
        .collect();
    assert_eq!(ops, expected);

    // without --docs, the run record `tag --out` left says where the documents are
    let o = gaztag(&["diff", a.to_str().unwrap(), b.to_str().unwrap()]);
    assert!(!stdout(&o).contains("note: no context"), "{}", stdout(&o));
    assert!(stdout(&o).contains("و[الانفصاليين] الأرمن"), "{}", stdout(&o));
    // without it either, the documents are not found from here: spans alone, and a note
    for side in [&a, &b] {
        std::fs::remove_file(side.join(gaztag::review::locate::RUN_RECORD)).unwrap();
    }
    let o = gaztag(&["diff", a.to_str().unwrap(), b.to_str().unwrap()]);
    let report = stdout(&o);
    assert_eq!(change_lines(&report), expected);
    assert!(
        report.contains("note: no context (001_6268b66d2b898126.txt not found)"),
        "{report}"
    );
}

#[test]
fn a_type_change_is_a_changed_mention() {
    let dir = tempfile::tempdir().unwrap();
    let a = tag_seeds(dir.path(), "a", None);
    let edited = gazetteer_copy(dir.path(), "edited", |file, text| match file {
        "places.tsv" => text.replace("yerevan\tLOC\t", "yerevan\tORG\t"),
        _ => text,
    });
    let b = tag_seeds(dir.path(), "b", Some(&edited));
    let o = gaztag(&["diff", a.to_str().unwrap(), b.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let expected: Vec<String> = read(&a)
        .iter()
        .flat_map(|d| d.mentions.iter().filter(|m| m.entity == "yerevan"))
        .map(|m| {
            format!(
                "~ {}..{} LOC yerevan → ORG yerevan (type) «{}»",
                m.start, m.end, m.text
            )
        })
        .collect();
    assert!(!expected.is_empty());
    assert_eq!(change_lines(&stdout(&o)), expected, "{}", stdout(&o));
}

#[test]
fn documents_on_one_side_only_are_reported() {
    let dir = tempfile::tempdir().unwrap();
    let a = tag_seeds(dir.path(), "a", None);
    let b = dir.path().join("b.jsonl");
    // one document less
    let o = gaztag(&["tag", "seeds"]);
    let lines: Vec<&str> = std::str::from_utf8(&o.stdout).unwrap().lines().collect();
    std::fs::write(&b, lines[1..].join("\n")).unwrap();
    let o = gaztag(&["diff", a.to_str().unwrap(), b.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    let mentions = read(&a)[0].mentions.len();
    assert_eq!(
        stdout(&o),
        format!(
            "== 000_b7c2ae510c672f79.txt: only in OLD ({mentions} mentions)\n\
             summary: 4 documents on both sides, 0 differing: 0 added, 0 removed, 0 changed; \
             1 only in OLD, 0 only in NEW\n"
        )
    );
    let o = gaztag(&["diff", b.to_str().unwrap(), a.to_str().unwrap(), "--json"]);
    assert_eq!(o.status.code(), Some(1));
    let json: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(json["summary"]["only_new"], 1);
    assert_eq!(json["documents"][0]["status"], "only_new");
    assert_eq!(json["documents"][0]["old_chars"], serde_json::Value::Null);
    assert_eq!(json["documents"][0]["new_mentions"], mentions);
}

#[test]
fn bad_inputs_exit_2_naming_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let a = tag_seeds(dir.path(), "a", None);
    let a = a.to_str().unwrap();

    // malformed JSON: file and line
    let bad = dir.path().join("bad.jsonl");
    std::fs::write(
        &bad,
        "{\"document\":\"x.txt\",\"chars\":0,\"mentions\":[]}\n{\"document\": \"y.txt\", oops}\n",
    )
    .unwrap();
    let o = gaztag(&["diff", a, bad.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(
        err.contains(&format!("{}:2: not a gaztag annotation", bad.display())),
        "{err}"
    );
    assert!(o.stdout.is_empty());

    // a missing path
    let missing = dir.path().join("missing");
    let o = gaztag(&["diff", missing.to_str().unwrap(), a]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains(&format!("{}: No such file or directory", missing.display())),
        "{}",
        stderr(&o)
    );

    // --docs that is not a folder
    let o = gaztag(&["diff", a, a, "--docs", missing.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("not a folder"), "{}", stderr(&o));

    // a folder annotating a document twice (two runs in one folder)
    let twice = dir.path().join("twice");
    std::fs::create_dir(&twice).unwrap();
    std::fs::write(
        twice.join("x.json"),
        "{\"document\":\"x.txt\",\"chars\":0,\"mentions\":[]}",
    )
    .unwrap();
    std::fs::write(
        twice.join("y.jsonl"),
        "{\"document\":\"x.txt\",\"chars\":0,\"mentions\":[]}",
    )
    .unwrap();
    let o = gaztag(&["diff", a, twice.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("document `x.txt` is annotated twice in NEW"),
        "{}",
        stderr(&o)
    );

    // usage
    let o = gaztag(&["diff", a]);
    assert_eq!(o.status.code(), Some(2));
}
