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
