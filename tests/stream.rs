//! `gaztag tag --stdin`: JSON Lines records in, annotated records out, as a Unix filter.

use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Output, Stdio};

use serde_json::{Value, json};

mod common;
use common::{gaztag, json_lines, stderr, stdout};

/// Runs `gaztag ARGS...` with `input` on its standard input.
fn gaztag_with_input(args: &[&str], input: &[u8]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_gaztag"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run gaztag");
    let mut stdin = child.stdin.take().unwrap();
    let input = input.to_vec();
    let writer = std::thread::spawn(move || stdin.write_all(&input));
    let out = child.wait_with_output().unwrap();
    writer.join().unwrap().unwrap();
    out
}

/// The seeds' paragraphs, in path order.
fn paragraphs() -> Vec<String> {
    let mut paths: Vec<_> = std::fs::read_dir("seeds")
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    paths.sort();
    paths
        .iter()
        .flat_map(|p| {
            std::fs::read_to_string(p)
                .unwrap()
                .lines()
                .filter(|l| !l.trim().is_empty())
                .map(str::to_owned)
                .collect::<Vec<_>>()
        })
        .collect()
}

/// `n` records cycling through the seeds' paragraphs, with ids `p0`, `p1`…
fn records(n: usize) -> String {
    let paras = paragraphs();
    (0..n)
        .map(|i| json!({"id": format!("p{i}"), "text": paras[i % paras.len()]}).to_string() + "\n")
        .collect()
}

#[test]
fn same_annotations_as_tagging_the_files() {
    for rules in [
        &[][..],
        &["--demonyms", "--fuzzy"],
        &["--no-aliases", "--no-compose"],
    ] {
        let files = gaztag(&[&["tag", "seeds"], rules].concat());
        assert!(files.status.success(), "{}", stderr(&files));
        let mut input = String::new();
        for d in json_lines(&files) {
            let name = d["document"].as_str().unwrap();
            let text = std::fs::read_to_string(format!("seeds/{name}")).unwrap();
            input += &(json!({"id": name, "text": text}).to_string() + "\n");
        }
        let streamed = gaztag_with_input(&[&["tag", "--stdin"], rules].concat(), input.as_bytes());
        assert!(streamed.status.success(), "{}", stderr(&streamed));
        let streamed: Vec<Value> = json_lines(&streamed)
            .into_iter()
            .map(|mut d| {
                assert_eq!(d["id"], d["document"]);
                d.as_object_mut().unwrap().remove("id");
                d
            })
            .collect();
        assert_eq!(streamed, json_lines(&files), "rules {rules:?}");
    }
}

#[test]
fn many_lines_keep_input_order_whatever_the_thread_count() {
    let input = records(3000);
    let one = gaztag_with_input(&["tag", "--stdin", "--jobs", "1"], input.as_bytes());
    let two = gaztag_with_input(&["tag", "--stdin", "--jobs", "2"], input.as_bytes());
    assert!(one.status.success(), "{}", stderr(&one));
    assert!(two.status.success(), "{}", stderr(&two));
    assert_eq!(one.stdout, two.stdout);
    let docs = json_lines(&one);
    assert_eq!(docs.len(), 3000);
    for (i, d) in docs.iter().enumerate() {
        assert_eq!(d["document"], format!("p{i}"));
    }
    assert!(
        docs.iter()
            .map(|d| d["mentions"].as_array().unwrap().len())
            .sum::<usize>()
            > 3000
    );
}

#[test]
fn other_fields_are_passed_through_untouched() {
    let input = concat!(
        r#"{"source":"wire","id":17,"text":"زار بوتين موسكو","meta":{"z":1,"a":[true,null,2.5]},"lang":"ar"}"#,
        "\n"
    );
    let o = gaztag_with_input(&["tag", "--stdin"], input.as_bytes());
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    // the input's fields in their order, without `text`, then the annotation
    assert!(
        out.starts_with(
            r#"{"source":"wire","id":17,"meta":{"a":[true,null,2.5],"z":1},"lang":"ar","document":"17","chars":15,"mentions":["#
        ),
        "{out}"
    );
    let d = &json_lines(&o)[0];
    let found: Vec<&str> = d["mentions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["text"].as_str().unwrap())
        .collect();
    assert_eq!(found, ["بوتين", "موسكو"]);
}

#[test]
fn malformed_lines_give_error_objects_and_the_stream_goes_on() {
    let input = [
        r#"{"id": "a", "text": "موسكو"}"#,
        r#"{"id": "b", "text": "موسكو""#,
        r#"{"id": "c"}"#,
        "",
        r#"{"id": "d", "text": 42}"#,
        r#"{"text": "موسكو"}"#,
        r#"{"id": "e", "text": "روسيا"}"#,
    ]
    .join("\n");
    let o = gaztag_with_input(&["tag", "--stdin"], input.as_bytes());
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let lines = json_lines(&o);
    assert_eq!(lines.len(), 6);
    assert_eq!(lines[0]["document"], "a");
    assert_eq!(lines[0]["mentions"][0]["text"], "موسكو");
    assert_eq!(lines[1]["line"], 2);
    assert!(lines[1].get("id").is_none());
    assert!(
        lines[1]["error"]
            .as_str()
            .unwrap()
            .contains("not a JSON object")
    );
    assert_eq!(
        lines[2],
        json!({"line": 3, "id": "c", "error": "no `text` field"})
    );
    assert_eq!(
        lines[3],
        json!({"line": 5, "id": "d", "error": "`text` must be a string, not a number"})
    );
    assert_eq!(lines[4], json!({"line": 6, "error": "no `id` field"}));
    assert_eq!(lines[5]["document"], "e");
    assert_eq!(lines[5]["mentions"][0]["text"], "روسيا");
    let err = stderr(&o);
    for n in [2, 3, 5, 6] {
        assert!(err.contains(&format!("gaztag: stdin: line {n}")), "{err}");
    }
    assert!(err.contains("4 of 6 records could not be tagged"), "{err}");
    assert!(
        !err.contains("stdin: line 1") && !err.contains("stdin: line 7"),
        "{err}"
    );
}

#[test]
fn empty_input_gives_empty_output() {
    for input in ["", "\n\n"] {
        let o = gaztag_with_input(&["tag", "--stdin"], input.as_bytes());
        assert!(o.status.success(), "{}", stderr(&o));
        assert!(o.stdout.is_empty());
        assert!(o.stderr.is_empty(), "{}", stderr(&o));
    }
}

#[test]
fn usage_errors() {
    let cases: [&[&str]; 5] = [
        &["tag", "--stdin", "--out", "x"],
        &["tag", "--stdin", "seeds"],
        &["tag", "--stdin", "--format", "conll"],
        &["tag"],
        &["tag", "--stdin", "--jobs", "0"],
    ];
    for args in cases {
        let o = gaztag_with_input(args, b"");
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        assert!(o.stdout.is_empty(), "{args:?}");
        let err = stderr(&o);
        assert!(
            err.contains("--stdin") || err.contains("PATH") || err.contains("--jobs"),
            "{err}"
        );
    }
    assert!(!std::path::Path::new("x").exists());
}

/// Peak resident memory (VmHWM) of a live process, in KiB.
#[cfg(target_os = "linux")]
fn peak_rss_kib(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    let line = status.lines().find(|l| l.starts_with("VmHWM:")).unwrap();
    line.split_whitespace().nth(1).unwrap().parse().unwrap()
}

/// Streams `n` records through one process and returns its output lines and its peak memory,
/// read while it still runs: all the output must arrive before the input is closed, which also
/// shows that each batch is flushed as it is done.
#[cfg(target_os = "linux")]
fn stream_and_measure(n: usize) -> (Vec<String>, u64) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_gaztag"))
        .args(["tag", "--stdin", "--jobs", "2"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let input = records(n);
    let writer = std::thread::spawn(move || {
        stdin.write_all(input.as_bytes()).unwrap();
        stdin // kept open until the output is read
    });
    let mut reader = BufReader::new(child.stdout.take().unwrap());
    let mut lines = Vec::with_capacity(n);
    for _ in 0..n {
        let mut line = String::new();
        assert!(
            reader.read_line(&mut line).unwrap() > 0,
            "output ended early"
        );
        lines.push(line);
    }
    let peak = peak_rss_kib(child.id());
    drop(writer.join().unwrap());
    assert!(child.wait().unwrap().success());
    (lines, peak)
}

#[cfg(target_os = "linux")]
#[test]
fn a_large_input_streams_in_bounded_memory() {
    let (small, small_peak) = stream_and_measure(1_000);
    let (large, large_peak) = stream_and_measure(20_000);
    assert_eq!(large.len(), 20_000);
    // the records cycle through the same paragraphs: the annotations repeat with the ids
    let paras = paragraphs().len();
    for (i, line) in large.iter().enumerate() {
        let d: Value = serde_json::from_str(line).unwrap();
        assert_eq!(d["document"], format!("p{i}"));
        if i < small.len() {
            assert_eq!(*line, small[i]);
        }
        if i >= paras {
            let earlier: Value = serde_json::from_str(&large[i - paras]).unwrap();
            assert_eq!(d["mentions"], earlier["mentions"]);
        }
    }
    let input_kib = records(20_000).len() as u64 / 1024;
    eprintln!(
        "peak RSS: {small_peak} KiB for 1000 records, {large_peak} KiB for 20000 ({input_kib} KiB of input)"
    );
    // twenty times the input costs no more than a fraction of it: memory does not grow with it
    assert!(
        large_peak < small_peak + input_kib / 4,
        "peak RSS grew from {small_peak} to {large_peak} KiB"
    );
}
