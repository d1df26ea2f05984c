//! Running the `gaztag` binary from integration tests, as a user runs it.
#![allow(dead_code)] // each test binary uses its own subset

use std::process::{Command, Output};

/// Runs `gaztag ARGS...` and waits for it.
pub fn gaztag(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_gaztag"))
        .args(args)
        .output()
        .expect("run gaztag")
}

/// Its standard output, as text.
pub fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).unwrap()
}

/// Its standard error, as text.
pub fn stderr(o: &Output) -> String {
    String::from_utf8(o.stderr.clone()).unwrap()
}

/// Its standard output read as JSON Lines.
pub fn json_lines(o: &Output) -> Vec<serde_json::Value> {
    stdout(o)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}
