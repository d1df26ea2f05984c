//! A run killed halfway leaves only complete output files, and `--resume` finishes it with
//! exactly the output of a run that was never interrupted.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

mod common;
use common::{gaztag, stderr};

const DOCS: usize = 2000;

/// `DOCS` small documents cut from the seed articles, half of them in a subfolder.
fn corpus(dir: &Path) {
    let mut text = String::new();
    for entry in std::fs::read_dir("seeds").unwrap() {
        text += &std::fs::read_to_string(entry.unwrap().path()).unwrap();
    }
    let chars: Vec<char> = text.chars().collect();
    std::fs::create_dir_all(dir.join("sub")).unwrap();
    for i in 0..DOCS {
        let start = (i * 97) % (chars.len() - 400);
        let doc: String = chars[start..start + 300].iter().collect();
        let name = if i % 2 == 0 {
            format!("{i:05}.txt")
        } else {
            format!("sub/{i:05}.txt")
        };
        std::fs::write(dir.join(name), doc).unwrap();
    }
}

/// Every file under `dir`, by relative path, with its bytes (but the run record, which names
/// the input folder and is the same for any run over it).
fn files(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<(String, Vec<u8>)> = walkdir::WalkDir::new(dir)
        .into_iter()
        .map(Result::unwrap)
        .filter(|e| e.file_type().is_file())
        .filter(|e| e.file_name() != gaztag::review::locate::RUN_RECORD)
        .map(|e| {
            let rel = e.path().strip_prefix(dir).unwrap();
            (rel.display().to_string(), std::fs::read(e.path()).unwrap())
        })
        .collect();
    files.sort();
    files
}

fn is_temporary(name: &str) -> bool {
    name.rsplit('/').next().unwrap().starts_with(".gaztag-")
}

#[test]
fn a_run_killed_halfway_then_resumed_gives_the_uninterrupted_output() {
    let dir = tempfile::tempdir().unwrap();
    let (input, whole, cut) = (
        dir.path().join("in"),
        dir.path().join("whole"),
        dir.path().join("cut"),
    );
    corpus(&input);
    let inp = input.to_str().unwrap();

    let o = gaztag(&["tag", inp, "--out", whole.to_str().unwrap(), "-q"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let expected = files(&whole);
    assert_eq!(expected.len(), DOCS);

    let mut child = Command::new(env!("CARGO_BIN_EXE_gaztag"))
        .args(["tag", inp, "--out", cut.to_str().unwrap(), "-q"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        let done = walkdir::WalkDir::new(&cut)
            .into_iter()
            .filter_map(Result::ok)
            .filter(|e| e.file_name().to_string_lossy().ends_with(".json"))
            .count();
        if done >= DOCS / 5 {
            break;
        }
        assert!(Instant::now() < deadline, "no output after two minutes");
        assert!(child.try_wait().unwrap().is_none(), "finished too early");
        std::thread::sleep(Duration::from_millis(5));
    }
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();

    // what is there is complete: every .json parses, and is byte for byte the final output
    let partial = files(&cut);
    let (temporary, done): (Vec<_>, Vec<_>) = partial.iter().partition(|(n, _)| is_temporary(n));
    assert!(
        done.len() < DOCS,
        "the run was not interrupted ({} files)",
        done.len()
    );
    assert!(done.len() >= DOCS / 5);
    for (name, bytes) in &done {
        assert!(name.ends_with(".json"), "{name}");
        serde_json::from_slice::<serde_json::Value>(bytes)
            .unwrap_or_else(|e| panic!("{name} is not complete JSON: {e}"));
        let want = &expected.iter().find(|(n, _)| n == name).unwrap().1;
        assert_eq!(bytes, want, "{name}");
    }
    for (name, _) in &temporary {
        assert!(!name.ends_with(".json"), "{name}");
    }

    let o = gaztag(&["tag", inp, "--out", cut.to_str().unwrap(), "--resume"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let summary = stderr(&o);
    let left = DOCS - done.len();
    assert!(
        summary.contains(&format!("{left} documents tagged (",))
            && summary.contains(&format!("), {} up to date, 0 skipped", done.len())),
        "{summary}"
    );
    let resumed: Vec<_> = files(&cut)
        .into_iter()
        .filter(|(n, _)| !is_temporary(n))
        .collect();
    assert_eq!(resumed.len(), expected.len());
    for ((name, bytes), (want_name, want)) in resumed.iter().zip(&expected) {
        assert_eq!(name, want_name);
        assert!(bytes == want, "{name} differs from the uninterrupted run");
    }
}

#[test]
fn resume_redoes_documents_changed_since_their_output() {
    let dir = tempfile::tempdir().unwrap();
    let (input, out) = (dir.path().join("in"), dir.path().join("out"));
    std::fs::create_dir(&input).unwrap();
    std::fs::write(input.join("a.txt"), "زار بوتين موسكو").unwrap();
    std::fs::write(input.join("b.txt"), "باكو").unwrap();
    let (inp, outp) = (input.to_str().unwrap(), out.to_str().unwrap());
    let o = gaztag(&["tag", inp, "--out", outp, "--format", "brat", "-q"]);
    assert!(o.status.success(), "{}", stderr(&o));

    // b.txt changes after its output was written; a.txt's .ann is lost
    std::thread::sleep(Duration::from_millis(20));
    std::fs::write(input.join("b.txt"), "يريفان").unwrap();
    std::fs::remove_file(out.join("a.txt.ann")).unwrap();
    let o = gaztag(&["tag", inp, "--out", outp, "--format", "brat", "--resume"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("gaztag: 2 documents tagged (3 mentions), 0 skipped"),
        "{}",
        stderr(&o)
    );
    assert_eq!(
        std::fs::read_to_string(out.join("b.txt.txt")).unwrap(),
        "يريفان"
    );
    assert!(out.join("a.txt.ann").is_file());

    let o = gaztag(&["tag", inp, "--out", outp, "--format", "brat", "--resume"]);
    assert!(
        stderr(&o).contains("gaztag: 0 documents tagged (0 mentions), 2 up to date, 0 skipped"),
        "{}",
        stderr(&o)
    );
}
