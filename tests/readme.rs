//! Every command the README shows, run as a new user would run it from a fresh clone, in
//! order: each must succeed (exit 0; `diff` exits 1 when the runs differ, as documented)
//! without an error or a panic on stderr.
//!
//! The README's command blocks are the ```sh blocks and the `$ ` lines of plain blocks. They
//! run in a copy of what a clone has (`seeds/`, `gazetteer/`, `tests/data/`), plus the user's
//! own files the README names: `corpus/` and `more.txt` (copies of the seeds), `train.txt` and
//! `gold.conll` (annotated CoNLL data), `more-names/` (a folder of sources). `gaztag` is the
//! binary under test. `cargo run --release -- ARGS` runs `gaztag ARGS`, `cargo build --release
//! && REST` runs REST; the other cargo commands (test, install, fuzz, bench, doc) and the
//! benchmark script are not run here: CI runs them.

use std::path::Path;
use std::process::Command;

/// The command lines of the README's blocks, in order, continuation lines joined.
fn readme_commands(readme: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut block: Option<&str> = None; // the fence's info string, inside a block
    let mut pending = String::new();
    for line in readme.lines() {
        if let Some(info) = line.strip_prefix("```") {
            block = match block {
                None => Some(info.trim()),
                Some(_) => None,
            };
            continue;
        }
        let Some(info) = block else { continue };
        let command = match info {
            "sh" | "bash" => line,
            "" => match line.strip_prefix("$ ") {
                Some(c) => c,
                None => continue,
            },
            _ => continue,
        };
        let command = command.trim();
        if command.is_empty() || command.starts_with('#') {
            continue;
        }
        match command.strip_suffix('\\') {
            Some(head) => pending.push_str(head),
            None => {
                pending.push_str(command);
                out.push(std::mem::take(&mut pending));
            }
        }
    }
    out
}

/// What is run for a README command line, or `None` for one left to CI.
fn runnable(command: &str) -> Option<String> {
    if let Some(args) = command.strip_prefix("cargo run --release -- ") {
        return Some(format!("gaztag {args}"));
    }
    if let Some(rest) = command.strip_prefix("cargo build --release && ") {
        return Some(rest.to_owned());
    }
    if command.starts_with("cargo ") || command.starts_with("bash bench/") {
        return None;
    }
    Some(command.to_owned())
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let target = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &target);
        } else {
            std::fs::copy(e.path(), target).unwrap();
        }
    }
}

#[test]
fn every_readme_command_runs_without_error() {
    let readme = std::fs::read_to_string("README.md").unwrap();
    let commands = readme_commands(&readme);
    assert!(commands.len() > 40, "{commands:#?}");

    let dir = tempfile::tempdir().unwrap();
    let clone = dir.path();
    for folder in ["seeds", "gazetteer", "tests/data"] {
        copy_dir(Path::new(folder), &clone.join(folder));
    }
    copy_dir(Path::new("seeds"), &clone.join("corpus"));
    std::fs::copy("seeds/001_6268b66d2b898126.txt", clone.join("more.txt")).unwrap();
    std::fs::copy("tests/data/import/news-iob2.conll", clone.join("train.txt")).unwrap();
    std::fs::copy("tests/data/eval/small.conll", clone.join("gold.conll")).unwrap();
    std::fs::create_dir(clone.join("more-names")).unwrap();
    std::fs::write(
        clone.join("more-names/teams.tsv"),
        "real-madrid\tORG\tريال مدريد\tالريال\n",
    )
    .unwrap();

    let bin = Path::new(env!("CARGO_BIN_EXE_gaztag")).parent().unwrap();
    let path = format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let mut ran = 0;
    for command in &commands {
        let Some(line) = runnable(command) else {
            continue;
        };
        let o = Command::new("bash")
            .args(["-o", "pipefail", "-c", &line])
            .current_dir(clone)
            .env("PATH", &path)
            .env_remove("GAZTAG_GAZETTEER")
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&o.stderr);
        let allowed: &[i32] = if line.starts_with("gaztag diff ") {
            &[0, 1]
        } else {
            &[0]
        };
        assert!(
            o.status.code().is_some_and(|c| allowed.contains(&c)),
            "README command `{command}` exited {:?}:\n{err}",
            o.status.code()
        );
        assert!(
            !err.contains("error:") && !err.contains("panicked"),
            "README command `{command}`:\n{err}"
        );
        // an example that finds nothing teaches nothing
        if line.starts_with("gaztag gazetteer suggest ") {
            let found = String::from_utf8_lossy(&o.stdout);
            assert!(
                found.contains("gaztag gazetteer add-variant "),
                "README command `{command}` suggests nothing:\n{err}"
            );
        }
        eprintln!("ran ({:?}): {command}", o.status.code());
        ran += 1;
    }
    assert!(ran > 35, "only {ran} commands ran");
}

/// The README's `--fuzzy` example pairs (`drift → listed`) are drift that only `--fuzzy`
/// finds: without it the drifted spelling names nothing.
#[test]
fn the_readme_fuzzy_examples_need_fuzzy() {
    let readme = std::fs::read_to_string("README.md").unwrap();
    let line = readme
        .lines()
        .find(|l| l.starts_with("gaztag tag corpus --fuzzy"))
        .expect("a --fuzzy example");
    let pairs: Vec<&str> = line
        .split_once("drift:")
        .unwrap()
        .1
        .split(" (")
        .next()
        .unwrap()
        .split(',')
        .collect();
    assert!(pairs.len() >= 3, "{line}");
    for pair in pairs {
        let (drift, _) = pair.split_once('→').unwrap();
        let drift = drift.trim();
        let tag = |fuzzy: bool| {
            let mut args = vec!["tag", "-", "-q", "--no-compose", "--no-aliases"];
            if fuzzy {
                args.push("--fuzzy");
            }
            let mut child = Command::new(env!("CARGO_BIN_EXE_gaztag"))
                .args(&args)
                .stdin(std::process::Stdio::piped())
                .stdout(std::process::Stdio::piped())
                .spawn()
                .unwrap();
            use std::io::Write as _;
            child
                .stdin
                .take()
                .unwrap()
                .write_all(drift.as_bytes())
                .unwrap();
            let o = child.wait_with_output().unwrap();
            let doc: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
            doc["mentions"].as_array().unwrap().len()
        };
        assert_eq!(tag(false), 0, "{drift} already matches without --fuzzy");
        assert_eq!(tag(true), 1, "{drift} is not found with --fuzzy");
    }
}
