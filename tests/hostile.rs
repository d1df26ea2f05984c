//! Hostile input (issue 17): trees with symlinks out of the corpus, streams whose reader goes
//! away, damaged and crafted indexes, gazetteer edits that would corrupt the sources. Each test
//! reproduces an attack and checks it is refused or contained.
//!
//! The tests run as root in CI, so none of them relies on file permissions.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

mod common;
use common::{gaztag, json_lines, stderr};

const TEXT: &str = "زار بوتين موسكو";

/// Waits for `child` at most `limit`, killing it (and failing) when it is still running.
fn wait_at_most(child: &mut std::process::Child, limit: Duration) -> std::process::ExitStatus {
    let start = Instant::now();
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return status;
        }
        if start.elapsed() > limit {
            child.kill().unwrap();
            let _ = child.wait();
            panic!("still running after {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// `mkdir c && cp seed c/ && ln -s / c/root && gaztag tag c`: used to walk the whole machine.
#[cfg(unix)]
#[test]
fn a_symlink_to_the_root_is_not_followed() {
    let dir = tempfile::tempdir().unwrap();
    let c = dir.path().join("c");
    std::fs::create_dir(&c).unwrap();
    std::fs::write(c.join("a.txt"), TEXT).unwrap();
    std::fs::write(dir.path().join("secret.txt"), "SECRET موسكو").unwrap();
    std::os::unix::fs::symlink("/", c.join("root")).unwrap();
    std::os::unix::fs::symlink(dir.path().join("secret.txt"), c.join("x.txt")).unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_gaztag"))
        .args(["tag", c.to_str().unwrap(), "-q"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let status = wait_at_most(&mut child, Duration::from_secs(60));
    let o = child.wait_with_output().unwrap();
    assert_eq!(status.code(), Some(0), "{}", stderr(&o));
    let docs = json_lines(&std::process::Output { status, ..o });
    assert_eq!(docs.len(), 1);
    assert_eq!(docs[0]["document"], "a.txt");
    // brat copies each document's text: a symlinked file is not read, so not copied
    let out = dir.path().join("out");
    let o = gaztag(&[
        "tag",
        c.to_str().unwrap(),
        "--format",
        "brat",
        "--out",
        out.to_str().unwrap(),
        "-q",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(out.join("a.txt.txt").exists());
    assert!(!out.join("x.txt.txt").exists());
    for e in walkdir::WalkDir::new(&out) {
        let e = e.unwrap();
        if e.file_type().is_file() {
            let text = std::fs::read_to_string(e.path()).unwrap();
            assert!(!text.contains("SECRET"), "{}", e.path().display());
        }
    }
}

#[test]
fn a_folder_with_no_document_says_so_and_hints_at_ext() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("a.md"), TEXT).unwrap();
    let o = gaztag(&["tag", dir.path().to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(err.contains("no .txt file in this folder"), "{err}");
    assert!(err.contains("--ext"), "{err}");
    let o = gaztag(&["tag", dir.path().to_str().unwrap(), "--ext", "md", "-q"]);
    assert_eq!(o.status.code(), Some(0));
}

#[test]
fn hidden_folders_are_skipped_unless_asked() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join(".git")).unwrap();
    std::fs::write(dir.path().join(".git/x.txt"), TEXT).unwrap();
    std::fs::write(dir.path().join("a.txt"), TEXT).unwrap();
    let d = dir.path().to_str().unwrap();
    assert_eq!(json_lines(&gaztag(&["tag", d, "-q"])).len(), 1);
    assert_eq!(json_lines(&gaztag(&["tag", d, "-q", "--hidden"])).len(), 2);
    let o = gaztag(&["tag", d, "-q", "--hidden", "--exclude", ".git"]);
    assert_eq!(json_lines(&o).len(), 1);
    let o = gaztag(&["tag", d, "-q", "--glob", "["]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("--glob ["), "{}", stderr(&o));
}

/// `yes RECORD | gaztag tag --stdin > /dev/full` used to hang forever: the reader thread was
/// blocked on a full channel that nobody read any more. docs/scale-out.md promises exit 2.
#[cfg(target_os = "linux")]
#[test]
fn stdin_to_a_full_disk_exits_2() {
    let full = std::fs::OpenOptions::new()
        .write(true)
        .open("/dev/full")
        .unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_gaztag"))
        .args(["tag", "--stdin", "--jobs", "1"])
        .stdin(Stdio::piped())
        .stdout(full)
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let line = format!("{{\"id\": 1, \"text\": \"{TEXT}\"}}\n");
    // an endless producer, as `yes` is: it stops when gaztag closes the pipe
    std::thread::spawn(move || while stdin.write_all(line.as_bytes()).is_ok() {});
    let status = wait_at_most(&mut child, Duration::from_secs(60));
    assert_eq!(status.code(), Some(2));
}

/// `yes RECORD | gaztag tag --stdin | head -1`: the reader goes away; gaztag must end (the
/// status of a closed pipe is the output helpers' business: 0 or 2, never a hang or a panic).
#[cfg(unix)]
#[test]
fn stdin_to_a_closed_pipe_ends() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_gaztag"))
        .args(["tag", "--stdin", "--jobs", "1"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let line = format!("{{\"id\": 1, \"text\": \"{TEXT}\"}}\n");
    std::thread::spawn(move || while stdin.write_all(line.as_bytes()).is_ok() {});
    let mut out = child.stdout.take().unwrap();
    let mut first = [0u8; 16];
    std::io::Read::read_exact(&mut out, &mut first).unwrap();
    drop(out);
    let status = wait_at_most(&mut child, Duration::from_secs(60));
    assert!(matches!(status.code(), Some(0 | 2)), "{status:?}");
}
