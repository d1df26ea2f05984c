//! Hostile input (issue 17): trees with symlinks out of the corpus, streams whose reader goes
//! away, damaged and crafted indexes, gazetteer edits that would corrupt the sources. Each test
//! reproduces an attack and checks it is refused or contained.
//!
//! The tests run as root in CI, so none of them relies on file permissions.

use std::io::Write;
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

mod index {
    use gaztag::gazetteer::format::{
        CHECKSUM_AT, HEADER_LEN, NAMES, SECTIONS, checksum, pack_postings, u64_at, unpack_postings,
    };
    use gaztag::gazetteer::{Gazetteer, compile, source};
    use gaztag::{Tagger, TaggerBuilder};
    use std::time::{Duration, Instant};

    /// A small index: a few entities with variants, demonyms and short forms, common words
    /// and name lists.
    fn small() -> Vec<u8> {
        let tsv = "baku\tLOC\tباكو\t=باكو|بكو\ten=Baku\tadj=باكوي\n\
                   moscow\tLOC\tموسكو\tموسكوفا\ten=Moscow\n\
                   putin\tPER\tفلاديمير بوتين\tبوتن\ten=Putin\tshort=بوتين\n\
                   un\tORG\tالأمم المتحدة\tالامم المتحده\ten=UN\twikidata=Q1065\n";
        let sources = source::Sources {
            entities: source::parse_str("x.tsv".as_ref(), tsv).unwrap(),
            common_words: vec!["على".into(), "في".into()],
            name_words: source::NameWords {
                given: vec!["نيكول".into(), "محمد".into()],
                parts: vec!["باشينيان".into()],
                titles: vec!["الرئيس".into()],
                ..Default::default()
            },
        };
        compile(&sources)
    }

    const DOC: &str = "زار الرئيس فلاديمير بوتين باكو ثم موسكو، وقال بوتين إن الأمم المتحدة على حق. نيكول باشينيان في بكو والباكوي محمد.";

    fn reseal(bytes: &mut [u8]) {
        let sum = checksum(bytes);
        bytes[CHECKSUM_AT..CHECKSUM_AT + 4].copy_from_slice(&sum.to_le_bytes());
    }

    /// With the checksum recomputed after each change (as an attacker would), 1,000 mutated
    /// indexes are each refused or tag without panicking (119 of 500 used to panic inside fst).
    #[test]
    fn crafted_indexes_never_panic() {
        let good = small();
        let mut seed = 0x9E37_79B9_7F4A_7C15u64;
        let mut next = move || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        let (mut refused, mut loaded) = (0, 0);
        for round in 0..1000 {
            let mut bad = good.clone();
            for _ in 0..1 + next() % 3 {
                let at = HEADER_LEN + (next() as usize % (good.len() - HEADER_LEN));
                bad[at] = next() as u8;
            }
            reseal(&mut bad);
            let outcome = std::panic::catch_unwind(move || match Gazetteer::from_bytes(bad) {
                Err(_) => false,
                Ok(g) => {
                    let t = TaggerBuilder::new()
                        .gazetteer(g.clone())
                        .demonyms(true)
                        .fuzzy(true)
                        .build();
                    let doc = t.annotate("x", DOC);
                    for m in &doc.mentions {
                        assert_eq!(&DOC[m.byte_start..m.byte_end], m.text);
                    }
                    let _ = g.stats();
                    let _ = g.fuzzy("باكو", 1);
                    true
                }
            });
            match outcome {
                Ok(true) => loaded += 1,
                Ok(false) => refused += 1,
                Err(_) => panic!("mutation round {round} panicked"),
            }
        }
        // most mutations are caught by the checks; some (a string's letters) are harmless
        assert!(
            refused > 500 && loaded > 50,
            "{refused} refused, {loaded} loaded"
        );
    }

    /// A key whose packed value claims 2^32 − 1 postings used to make a short document run
    /// for minutes; the count is bounded by the postings there are.
    #[test]
    fn a_huge_posting_count_costs_nothing() {
        let good = small();
        let lens: Vec<usize> = (0..SECTIONS)
            .map(|i| u64_at(&good, 24 + 8 * i) as usize)
            .collect();
        let starts: Vec<usize> = lens
            .iter()
            .scan(HEADER_LEN, |at, len| {
                let s = *at;
                *at += len;
                Some(s)
            })
            .collect();
        let names =
            fst::Map::new(good[starts[NAMES]..starts[NAMES] + lens[NAMES]].to_vec()).unwrap();
        let mut b = fst::MapBuilder::memory();
        let mut s = names.stream();
        use fst::Streamer;
        while let Some((k, v)) = s.next() {
            b.insert(k, pack_postings(unpack_postings(v).0, u32::MAX))
                .unwrap();
        }
        let new_names = b.into_inner().unwrap();
        let mut bad = good[..HEADER_LEN].to_vec();
        bad[24 + 8 * NAMES..32 + 8 * NAMES]
            .copy_from_slice(&(new_names.len() as u64).to_le_bytes());
        for i in 0..SECTIONS {
            if i == NAMES {
                bad.extend_from_slice(&new_names);
            } else {
                bad.extend_from_slice(&good[starts[i]..starts[i] + lens[i]]);
            }
        }
        reseal(&mut bad);
        let g = Gazetteer::from_bytes(bad).unwrap();
        let t = Tagger::new(g);
        let text = DOC.repeat(8_500 / DOC.len() + 1);
        let start = Instant::now();
        let _ = t.annotate("x", &text);
        assert!(
            start.elapsed() < Duration::from_secs(30),
            "{:?}",
            start.elapsed()
        );
    }
}

/// A FIFO named `titles.txt` in a gazetteer folder, or given as `--gazetteer`, used to hang
/// the load forever.
#[cfg(unix)]
#[test]
fn a_fifo_in_place_of_a_gazetteer_file_is_refused_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let g = dir.path().join("g");
    std::fs::create_dir(&g).unwrap();
    std::fs::write(g.join("places.tsv"), "baku\tLOC\tباكو\n").unwrap();
    let mkfifo = |p: &std::path::Path| {
        assert!(Command::new("mkfifo").arg(p).status().unwrap().success());
    };
    mkfifo(&g.join("titles.txt"));
    let fifo = dir.path().join("index.gaz");
    mkfifo(&fifo);
    let doc = dir.path().join("a.txt");
    std::fs::write(&doc, TEXT).unwrap();
    for gaz in [&g, &fifo] {
        let mut child = Command::new(env!("CARGO_BIN_EXE_gaztag"))
            .args([
                "tag",
                doc.to_str().unwrap(),
                "--gazetteer",
                gaz.to_str().unwrap(),
            ])
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let status = wait_at_most(&mut child, Duration::from_secs(30));
        assert_eq!(status.code(), Some(2));
        let mut err = String::new();
        std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut err).unwrap();
        assert!(err.contains("not a regular file"), "{err}");
    }
}
