//! A new user's first hour (issue 18), as they would run it: closed pipes, errors printed once,
//! standard input as a document, the encodings of real archives, reviewing what was tagged
//! from anywhere, and the gazetteer loop.

use std::path::Path;
use std::process::{Command, Output, Stdio};

mod common;
use common::{gaztag, stderr as err, stdout as out};

/// Runs `gaztag ARGS...` in `dir` (the current folder when `None`) with its standard output
/// a pipe whose reader is already gone: every write fails with a broken pipe, whatever the
/// size of the output and however fast the reader would have been.
fn into_closed_pipe(args: &[&str], dir: Option<&Path>) -> Output {
    let (reader, writer) = std::io::pipe().unwrap();
    drop(reader);
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_gaztag"));
    cmd.args(args).stdout(writer).stderr(Stdio::piped());
    if let Some(dir) = dir {
        cmd.current_dir(dir);
    }
    cmd.output().unwrap()
}

fn assert_quiet_success(o: &Output, what: &str) {
    assert_eq!(o.status.code(), Some(0), "{what}: {}", err(o));
    assert!(
        !err(o).contains("error:") && !err(o).contains("panicked"),
        "{what}: {}",
        err(o)
    );
}

/// `gaztag tag seeds | head`, `diff | head`, `gazetteer lookup | head`, `completions zsh |
/// head -1`, `man | head`, `review | head`: a reader that stops early is a quiet exit 0, as
/// ripgrep does; never an error (exit 2) or a panic (exit 101).
#[test]
fn a_closed_pipe_is_a_quiet_success() {
    let dir = tempfile::tempdir().unwrap();
    let a = dir.path().join("a.jsonl");
    let o = gaztag(&["tag", "seeds", "-q"]);
    assert!(o.status.success());
    std::fs::write(&a, &o.stdout).unwrap();
    // the same run with one mention fewer in the first document
    let mut lines: Vec<serde_json::Value> = out(&o)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    lines[0]["mentions"].as_array_mut().unwrap().remove(0);
    let b = dir.path().join("b.jsonl");
    let text: String = lines.iter().map(|l| format!("{l}\n")).collect();
    std::fs::write(&b, text).unwrap();
    let (a, b) = (a.to_str().unwrap(), b.to_str().unwrap());
    for args in [
        &["tag", "seeds"][..],
        &["tag", "seeds", "--format", "conll"],
        &["diff", a, b, "--docs", "seeds"],
        &["gazetteer", "lookup", "بوتين", "موسكو"],
        &["completions", "zsh"],
        &["man"],
        &["review", a, "--docs", "seeds", "--color", "never"],
    ] {
        assert_quiet_success(&into_closed_pipe(args, None), &args.join(" "));
    }
}

/// An error from a file gives the system's reason once, not once as the message and again as
/// its cause.
#[test]
fn a_file_error_prints_its_cause_once() {
    let o = gaztag(&["tag", "--gazetteer", "no-such-gazetteer", "seeds"]);
    assert_eq!(o.status.code(), Some(2));
    let e = err(&o);
    assert_eq!(e.matches("No such file").count(), 1, "{e}");
    assert!(e.contains("no-such-gazetteer"), "{e}");
}

/// A text with one person, one place and one organization of the default gazetteer.
const NEWS: &str = "أعلن الكرملين أن الرئيس فلاديمير بوتين سيزور باكو الأسبوع المقبل.\n";

/// The entities `gaztag` found in one annotation.
fn entities(doc: &serde_json::Value) -> Vec<String> {
    doc["mentions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["entity"].as_str().unwrap().to_owned())
        .collect()
}

/// A folder mixing UTF-8, Windows-1256 and UTF-16 (with and without a byte order mark) is
/// tagged whole with no flag: each file's encoding is found, the summary counts them, and the
/// annotation of a file not in UTF-8 says what it was read as. `--encoding` forces one.
#[test]
fn a_folder_of_mixed_encodings_is_tagged_whole() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let utf16 = |le: bool, bom: bool| -> Vec<u8> {
        let mut out = Vec::new();
        if bom {
            out.extend(if le { [0xFF, 0xFE] } else { [0xFE, 0xFF] });
        }
        for u in NEWS.encode_utf16() {
            out.extend(if le { u.to_le_bytes() } else { u.to_be_bytes() });
        }
        out
    };
    let (cp1256, _, lossy) = encoding_rs::WINDOWS_1256.encode(NEWS);
    assert!(!lossy);
    std::fs::write(d.join("a-utf8.txt"), NEWS).unwrap();
    std::fs::write(d.join("b-cp1256.txt"), &cp1256).unwrap();
    std::fs::write(d.join("c-utf16le-bom.txt"), utf16(true, true)).unwrap();
    std::fs::write(d.join("d-utf16le.txt"), utf16(true, false)).unwrap();
    std::fs::write(d.join("e-utf16be.txt"), utf16(false, false)).unwrap();

    let o = gaztag(&["tag", d.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    let docs = common::json_lines(&o);
    assert_eq!(docs.len(), 5, "{}", err(&o));
    let expected = entities(&docs[0]);
    assert!(
        expected.contains(&"vladimir-putin".to_owned()),
        "{expected:?}"
    );
    let mut read_as = Vec::new();
    for doc in &docs {
        assert_eq!(entities(doc), expected, "{doc}");
        assert_eq!(doc["chars"], docs[0]["chars"], "{doc}");
        read_as.push(doc["encoding"].as_str().unwrap_or("(UTF-8)").to_owned());
    }
    assert_eq!(
        read_as,
        [
            "(UTF-8)",
            "windows-1256",
            "UTF-16LE",
            "UTF-16LE",
            "UTF-16BE"
        ]
    );
    let schema: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string("docs/annotations.schema.json").unwrap())
            .unwrap();
    let validator = jsonschema::validator_for(&schema).expect("a valid schema");
    for doc in &docs {
        assert!(validator.is_valid(doc), "{doc}");
    }
    assert!(
        err(&o).contains("; read as 2 UTF-16LE, 1 UTF-16BE, 1 UTF-8, 1 windows-1256"),
        "{}",
        err(&o)
    );

    // forced: every file is read as windows-1256 (the UTF-16 ones are binary then)
    let o = gaztag(&["tag", d.to_str().unwrap(), "--encoding", "windows-1256"]);
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    let docs = common::json_lines(&o);
    assert_eq!(docs.len(), 2, "{}", err(&o));
    assert!(docs.iter().all(|d| d["encoding"] == "windows-1256"));
    assert_eq!(entities(&docs[1]), expected);
    assert!(err(&o).contains("read as 2 windows-1256"), "{}", err(&o));
}
