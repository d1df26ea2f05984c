//! The `gaztag` command, run as a user runs it.

use std::path::Path;
use std::process::{Command, Output};

mod common;
use common::{gaztag, json_lines as docs, stderr};

#[test]
fn tags_the_seeds_as_json_lines_in_path_order() {
    let o = gaztag(&["tag", "seeds"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let docs = docs(&o);
    let names: Vec<&str> = docs
        .iter()
        .map(|d| d["document"].as_str().unwrap())
        .collect();
    let mut sorted = names.clone();
    sorted.sort();
    assert_eq!(names.len(), 5);
    assert_eq!(names, sorted);
    for d in &docs {
        let text =
            std::fs::read_to_string(format!("seeds/{}", d["document"].as_str().unwrap())).unwrap();
        let chars: Vec<char> = text.chars().collect();
        assert_eq!(d["chars"].as_u64().unwrap() as usize, chars.len());
        let mentions = d["mentions"].as_array().unwrap();
        assert!(mentions.len() > 20);
        for m in mentions {
            let (s, e) = (
                m["start"].as_u64().unwrap() as usize,
                m["end"].as_u64().unwrap() as usize,
            );
            assert_eq!(
                chars[s..e].iter().collect::<String>(),
                m["text"].as_str().unwrap()
            );
        }
    }
}

#[test]
fn output_is_identical_whatever_the_thread_count() {
    let one = gaztag(&["tag", "seeds", "--jobs", "1"]);
    let two = gaztag(&["tag", "seeds", "--jobs", "2"]);
    assert!(one.status.success() && two.status.success());
    assert_eq!(one.stdout, two.stdout);

    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (dir.path().join("a"), dir.path().join("b"));
    for (out, jobs) in [(&a, "1"), (&b, "2")] {
        let o = gaztag(&[
            "tag",
            "seeds",
            "--jobs",
            jobs,
            "--out",
            out.to_str().unwrap(),
        ]);
        assert!(o.status.success(), "{}", stderr(&o));
        assert!(o.stdout.is_empty());
    }
    for entry in std::fs::read_dir("seeds").unwrap() {
        let name = format!("{}.json", entry.unwrap().file_name().to_string_lossy());
        assert_eq!(
            std::fs::read(a.join(&name)).unwrap(),
            std::fs::read(b.join(&name)).unwrap(),
            "{name}"
        );
    }
}

#[test]
fn out_mirrors_the_tree_with_the_same_annotations() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in");
    std::fs::create_dir_all(input.join("sub/deeper")).unwrap();
    std::fs::write(input.join("a.txt"), "زار بوتن باكو").unwrap();
    std::fs::write(input.join("sub/deeper/b.txt"), "الكرملين").unwrap();
    std::fs::write(input.join("sub/notes.md"), "يريفان").unwrap();
    let out = dir.path().join("ann");
    let o = gaztag(&[
        "tag",
        input.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let a: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("a.txt.json")).unwrap()).unwrap();
    assert_eq!(a["document"], "a.txt");
    assert_eq!(a["mentions"].as_array().unwrap().len(), 2);
    let b: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("sub/deeper/b.txt.json")).unwrap()).unwrap();
    assert_eq!(b["document"], "sub/deeper/b.txt");
    assert_eq!(b["mentions"][0]["entity"], "kremlin");
    assert!(!out.join("sub/notes.md.json").exists());
    // no temporary file is left behind
    let leftovers: Vec<_> = walk(&out)
        .into_iter()
        .filter(|p| p.contains(".gaztag-"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");

    // --ext picks other extensions
    let o = gaztag(&["tag", input.to_str().unwrap(), "--ext", "md"]);
    let docs = docs(&o);
    assert_eq!(docs.len(), 1);
    assert_eq!(docs[0]["document"], "sub/notes.md");
}

/// `--out` puts each batch's files in place together: over several batches (more than 64
/// documents per thread), every `NAME.json` is byte for byte the pretty form of its JSON Lines
/// record, with any number of threads, and no temporary file is left.
#[test]
fn out_files_over_many_batches_are_the_json_lines_records_pretty_printed() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in");
    std::fs::create_dir_all(input.join("sub")).unwrap();
    let seeds: Vec<String> = std::fs::read_dir("seeds")
        .unwrap()
        .map(|e| std::fs::read_to_string(e.unwrap().path()).unwrap())
        .collect();
    for i in 0..300 {
        let text: String = seeds[i % seeds.len()].chars().skip(i).take(400).collect();
        let folder = if i % 3 == 0 { "sub/" } else { "" };
        std::fs::write(input.join(format!("{folder}d{i:03}.txt")), text).unwrap();
    }
    let o = gaztag(&["tag", input.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    let lines = docs(&o);
    assert_eq!(lines.len(), 300);
    for jobs in ["1", "2"] {
        let out = dir.path().join(format!("out{jobs}"));
        let o = gaztag(&[
            "tag",
            input.to_str().unwrap(),
            "--jobs",
            jobs,
            "--out",
            out.to_str().unwrap(),
        ]);
        assert!(o.status.success(), "{}", stderr(&o));
        for d in &lines {
            let name = format!("{}.json", d["document"].as_str().unwrap());
            let doc: gaztag::Document = serde_json::from_value(d.clone()).unwrap();
            let want = serde_json::to_string_pretty(&doc).unwrap() + "\n";
            assert_eq!(
                std::fs::read_to_string(out.join(&name)).unwrap(),
                want,
                "{name}"
            );
        }
        let written = walk(&out);
        assert!(
            !written.iter().any(|p| p.contains(".gaztag-")),
            "{written:?}"
        );
        // the 300 annotations and the run record
        assert_eq!(written.len(), 301, "{written:?}");
    }
}

fn walk(dir: &Path) -> Vec<String> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p.display().to_string());
        }
    }
    out
}

#[test]
fn bad_files_are_reported_and_the_rest_still_tagged() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("good.txt"), "قال بيسكوف").unwrap();
    std::fs::write(dir.path().join("latin1.txt"), b"caf\xe9 \xd3").unwrap();
    let missing = dir.path().join("missing.txt");
    let o = gaztag(&[
        "tag",
        dir.path().to_str().unwrap(),
        missing.to_str().unwrap(),
        "--encoding",
        "utf-8",
    ]);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    let lines: Vec<&str> = err.lines().collect();
    assert_eq!(lines.len(), 3, "{err}");
    assert!(lines[2].starts_with("gaztag: 1 document tagged (1 mention), 0 skipped, 2 failed"));
    assert!(
        err.contains(&format!("{}: No such file or directory", missing.display())),
        "{err}"
    );
    assert!(
        err.contains("latin1.txt: not valid UTF-8 (first invalid byte at offset 3)"),
        "{err}"
    );
    let docs = docs(&o);
    assert_eq!(docs.len(), 1);
    assert_eq!(docs[0]["mentions"][0]["entity"], "dmitry-peskov");
    assert!(!err.contains("panicked"));
}

#[test]
fn user_gazetteer_layers_on_top_of_the_default() {
    let dir = tempfile::tempdir().unwrap();
    let gaz = dir.path().join("gaz");
    std::fs::create_dir(&gaz).unwrap();
    std::fs::write(
        gaz.join("mine.tsv"),
        "# mine\nguba\tLOC\tقوبا\tقوبة\ten=Guba\n",
    )
    .unwrap();
    let doc = dir.path().join("d.txt");
    std::fs::write(&doc, "اجتماع في قوبا مع علييف").unwrap();
    let ids = |o: &Output| -> Vec<String> {
        docs(o)[0]["mentions"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m["entity"].as_str().unwrap().to_owned())
            .collect()
    };
    let (g, d) = (gaz.to_str().unwrap(), doc.to_str().unwrap());
    assert_eq!(ids(&gaztag(&["tag", d])), ["ilham-aliyev"]);
    assert_eq!(
        ids(&gaztag(&["tag", d, "--gazetteer", g])),
        ["guba", "ilham-aliyev"]
    );
    assert_eq!(
        ids(&gaztag(&["tag", d, "--gazetteer", g, "--no-default"])),
        ["guba"]
    );

    let o = gaztag(&["tag", d, "--no-default"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("--no-default needs at least one --gazetteer"));

    std::fs::write(
        gaz.join("broken.tsv"),
        "ok\tLOC\tباكو\nbad line without tabs\n",
    )
    .unwrap();
    let o = gaztag(&["tag", d, "--gazetteer", g]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("broken.tsv:2: expected at least 3 TAB-separated fields"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn the_binary_alone_carries_the_default_gazetteer() {
    let dir = tempfile::tempdir().unwrap();
    let exe = dir.path().join("gaztag");
    std::fs::copy(env!("CARGO_BIN_EXE_gaztag"), &exe).unwrap();
    std::fs::write(dir.path().join("x.txt"), "وصل لافروف إلى يريفان").unwrap();
    let o = Command::new(&exe)
        .args(["tag", "x.txt"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    let docs = docs(&o);
    let ids: Vec<&str> = docs[0]["mentions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["entity"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["sergey-lavrov", "yerevan"]);
}

#[test]
fn usage_errors_exit_2() {
    let o = gaztag(&["tag"]);
    assert_eq!(o.status.code(), Some(2));
    let o = gaztag(&["frobnicate"]);
    assert_eq!(o.status.code(), Some(2));
    let o = gaztag(&["tag", "seeds", "--jobs", "0"]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn output_validates_against_the_documented_schema() {
    let schema: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string("docs/annotations.schema.json").unwrap())
            .unwrap();
    let validator = jsonschema::validator_for(&schema).expect("a valid schema");
    let dir = tempfile::tempdir().unwrap();
    // an ambiguous key, so that `candidates` is exercised too
    let gaz = dir.path().join("gaz");
    std::fs::create_dir(&gaz).unwrap();
    std::fs::write(gaz.join("x.tsv"), "baku-2\tORG\tباكو\n").unwrap();
    std::fs::write(dir.path().join("d.txt"), "باكو").unwrap();
    let mut all = docs(&gaztag(&["tag", "seeds"]));
    let with_demonyms = docs(&gaztag(&["tag", "seeds", "--demonyms"]));
    let demonyms = |d: &serde_json::Value| {
        d["mentions"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|m| m["kind"] == "demonym")
            .count()
    };
    assert!(all.iter().all(|d| demonyms(d) == 0));
    assert!(with_demonyms.iter().map(demonyms).sum::<usize>() > 50);
    all.extend(with_demonyms);
    // fuzzy mentions carry "match": "fuzzy" and a cost
    std::fs::write(dir.path().join("f.txt"), "قال فلاديمر بوتين").unwrap();
    let fuzzy = docs(&gaztag(&[
        "tag",
        dir.path().join("f.txt").to_str().unwrap(),
        "--fuzzy",
    ]));
    assert_eq!(fuzzy[0]["mentions"][0]["match"], "fuzzy");
    // in hundredths of an ordinary edit: a dropped long vowel costs 40
    assert_eq!(fuzzy[0]["mentions"][0]["cost"], 40);
    all.extend(fuzzy);
    let ambiguous = docs(&gaztag(&[
        "tag",
        dir.path().join("d.txt").to_str().unwrap(),
        "--gazetteer",
        gaz.to_str().unwrap(),
    ]));
    assert_eq!(
        ambiguous[0]["mentions"][0]["candidates"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
    all.extend(ambiguous);
    for doc in &all {
        let errors: Vec<String> = validator
            .iter_errors(doc)
            .map(|e| format!("{e} at {}", e.instance_path()))
            .collect();
        assert!(errors.is_empty(), "{}: {errors:?}", doc["document"]);
    }
    // and the schema is strict enough to catch a wrong annotation
    let mut wrong = all[0].clone();
    wrong["mentions"][0]["type"] = "CITY".into();
    assert!(!validator.is_valid(&wrong));
    let mut wrong = all[0].clone();
    wrong["mentions"][0]
        .as_object_mut()
        .unwrap()
        .remove("prefix");
    assert!(!validator.is_valid(&wrong));
}
