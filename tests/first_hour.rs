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
        &["gazetteer", "stats"],
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
    // the UTF-8 file, garbled so, is not garbled silently
    assert!(
        err(&o).contains("a-utf8.txt: looks like UTF-8, read as windows-1256 as --encoding says"),
        "{}",
        err(&o)
    );
    assert!(!err(&o).contains("b-cp1256.txt: looks like"), "{}", err(&o));
}

/// Runs `gaztag ARGS...` in `dir`.
fn gaztag_in(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_gaztag"))
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap()
}

/// Copies the seed articles into `dir/name`.
fn seeds_in(dir: &Path, name: &str) -> std::path::PathBuf {
    let to = dir.join(name);
    std::fs::create_dir_all(&to).unwrap();
    for e in std::fs::read_dir("seeds").unwrap() {
        let p = e.unwrap().path();
        if p.extension().is_some_and(|x| x == "txt") {
            std::fs::copy(&p, to.join(p.file_name().unwrap())).unwrap();
        }
    }
    to
}

/// `gaztag tag seeds --out ann/ && gaztag review ann/ --html view/` works with no flag, and
/// so does review from another folder, and diff's contexts: `tag --out` records where the
/// documents are.
#[test]
fn review_finds_the_documents_tag_out_read_from_anywhere() {
    let dir = tempfile::tempdir().unwrap();
    let work = dir.path().join("work");
    std::fs::create_dir(&work).unwrap();
    seeds_in(&work, "seeds");
    let o = gaztag_in(&work, &["tag", "seeds", "-o", "ann/", "-q"]);
    assert!(o.status.success(), "{}", err(&o));
    let o = gaztag_in(&work, &["review", "ann/", "--html", "view/"]);
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    assert!(work.join("view/index.html").is_file());
    // five pages, the index and the shared style sheet and scripts (_gaztag/)
    assert_eq!(std::fs::read_dir(work.join("view")).unwrap().count(), 7);
    // from elsewhere, by an absolute path
    let elsewhere = dir.path().join("elsewhere");
    std::fs::create_dir(&elsewhere).unwrap();
    let ann = work.join("ann");
    let o = gaztag_in(
        &elsewhere,
        &["review", ann.to_str().unwrap(), "--color", "never"],
    );
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    assert!(
        out(&o).contains("[كاراباخ]{LOC:nagorno-karabakh}"),
        "{}",
        out(&o)
    );
    // a JSON Lines run in the folder is found the same way
    let o = gaztag_in(
        &work,
        &["tag", "seeds", "--format", "jsonl", "-o", "run/", "-q"],
    );
    assert!(o.status.success(), "{}", err(&o));
    let run = work.join("run/annotations.jsonl");
    let o = gaztag_in(
        &elsewhere,
        &["review", run.to_str().unwrap(), "--color", "never"],
    );
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
}

/// `gaztag tag corpus/ more.txt --out ann/` (the README's example) can be reviewed with no
/// flag, and `tag A B` where both hold `x.txt` gives two documents of two names.
#[test]
fn several_arguments_give_distinct_names_and_can_be_reviewed() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let corpus = seeds_in(d, "corpus");
    std::fs::copy(corpus.join("001_6268b66d2b898126.txt"), d.join("more.txt")).unwrap();
    for (folder, text) in [("A", "زار بوتين موسكو"), ("B", "زار بوتين باكو")]
    {
        std::fs::create_dir(d.join(folder)).unwrap();
        std::fs::write(d.join(folder).join("x.txt"), text).unwrap();
    }
    let o = gaztag_in(d, &["tag", "corpus/", "more.txt", "--out", "ann/", "-q"]);
    assert!(o.status.success(), "{}", err(&o));
    assert!(d.join("ann/corpus/000_b7c2ae510c672f79.txt.json").is_file());
    assert!(d.join("ann/more.txt.json").is_file());
    let o = gaztag_in(&corpus, &["review", "../ann", "--html", "../view"]);
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    assert!(d.join("view/more.txt.html").is_file());
    assert!(
        d.join("view/corpus/000_b7c2ae510c672f79.txt.html")
            .is_file()
    );
    // one file deep in the folder, and the folder above it: the record is found above
    let deep = d.join("ann/corpus/000_b7c2ae510c672f79.txt.json");
    let o = gaztag_in(
        &corpus,
        &["review", deep.to_str().unwrap(), "--color", "never"],
    );
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    let o = gaztag_in(&d.join("ann"), &["review", ".", "--color", "never"]);
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    assert_eq!(out(&o).matches("==> ").count(), 6, "{}", out(&o));

    let o = gaztag_in(d, &["tag", "A", "B"]);
    assert!(o.status.success(), "{}", err(&o));
    let names: Vec<String> = common::json_lines(&o)
        .iter()
        .map(|doc| doc["document"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(names, ["A/x.txt", "B/x.txt"]);
    // the same folder twice is tagged once, under the names of one argument
    let o = gaztag_in(d, &["tag", "A", "./A/", "-q"]);
    assert!(o.status.success(), "{}", err(&o));
    assert!(
        err(&o).contains("./A/ is given twice: tagged once"),
        "{}",
        err(&o)
    );
    let docs = common::json_lines(&o);
    assert_eq!(docs.len(), 1);
    assert_eq!(docs[0]["document"], "x.txt");
    let o = gaztag_in(d, &["tag", "A", "B", "-o", "both/", "-q"]);
    assert!(o.status.success(), "{}", err(&o));
    let o = gaztag_in(&d.join("A"), &["review", "../both", "--color", "never"]);
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    assert!(
        out(&o).contains("[موسكو]") && out(&o).contains("[باكو]"),
        "{}",
        out(&o)
    );
}

/// `-` reads standard input as one document, named `<stdin>`, in any encoding.
#[test]
fn a_dash_reads_standard_input_as_one_document() {
    use std::io::Write as _;
    let (cp1256, _, _) = encoding_rs::WINDOWS_1256.encode(NEWS);
    for bytes in [NEWS.as_bytes(), &cp1256[..]] {
        let mut child = Command::new(env!("CARGO_BIN_EXE_gaztag"))
            .args(["tag", "-", "-q"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        child.stdin.take().unwrap().write_all(bytes).unwrap();
        let o = child.wait_with_output().unwrap();
        assert!(o.status.success(), "{}", err(&o));
        let docs = common::json_lines(&o);
        assert_eq!(docs.len(), 1);
        assert_eq!(docs[0]["document"], "<stdin>");
        assert!(entities(&docs[0]).contains(&"vladimir-putin".to_owned()));
    }
}

/// Annotations sent by someone else cannot make review or diff read a file outside the
/// documents' folder, a FIFO, a device or an endless file; each refusal names the annotation
/// file and line (issue 17, item 3).
#[cfg(unix)]
#[test]
fn annotations_cannot_read_files_outside_the_documents() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let docs = d.join("docs");
    std::fs::create_dir(&docs).unwrap();
    std::fs::write(docs.join("ok.txt"), "زار بوتين موسكو").unwrap();
    std::fs::write(d.join("secret.txt"), "كلمة السر").unwrap();
    std::os::unix::fs::symlink(d.join("secret.txt"), docs.join("link.txt")).unwrap();
    std::os::unix::fs::symlink("/dev/zero", docs.join("zero.txt")).unwrap();
    let fifo = docs.join("fifo.txt");
    assert!(
        Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap()
            .success()
    );
    std::fs::write(docs.join("big.txt"), "ب".repeat(1000)).unwrap();
    let secret = d.join("secret.txt");
    let names = [
        secret.to_str().unwrap(),
        "../secret.txt",
        "link.txt",
        "zero.txt",
        "fifo.txt",
        "big.txt",
    ];
    let mut jsonl = String::new();
    for name in names {
        jsonl += &serde_json::json!({"document": name, "chars": 9, "mentions": []}).to_string();
        jsonl += "\n";
    }
    let ann = d.join("evil.jsonl");
    std::fs::write(&ann, &jsonl).unwrap();
    let o = gaztag_in(
        d,
        &["review", "evil.jsonl", "--docs", "docs", "--color", "never"],
    );
    assert_eq!(o.status.code(), Some(1), "{}", err(&o));
    assert!(o.stdout.is_empty(), "{}", out(&o));
    let e = err(&o);
    for (line, why) in [
        (1, "not a relative path inside the documents' folder"),
        (2, "not a relative path inside the documents' folder"),
        (3, "leads out of the documents' folder"),
        (4, "leads out of the documents' folder"),
        (5, "not a regular file"),
        (6, "more than a text of 9 characters can take"),
    ] {
        let at = format!("evil.jsonl:{line}: cannot read the document it annotates");
        let said = e.lines().find(|l| l.contains(&at));
        assert!(said.is_some_and(|l| l.contains(why)), "line {line}: {e}");
    }
    assert!(!e.contains("كلمة"), "{e}");

    // diff reads through the same gate: no context from the secret, no hang on the FIFO
    let mut other = String::new();
    for name in names {
        let m = serde_json::json!({"start": 0, "end": 4, "byte_start": 0, "byte_end": 8,
            "text": "كلمة", "type": "LOC", "entity": "x", "name": "x", "variant": "x",
            "prefix": "", "match": "exact"});
        other += &serde_json::json!({"document": name, "chars": 9, "mentions": [m]}).to_string();
        other += "\n";
    }
    std::fs::write(d.join("other.jsonl"), other).unwrap();
    let o = gaztag_in(d, &["diff", "evil.jsonl", "other.jsonl", "--docs", "docs"]);
    assert_eq!(o.status.code(), Some(1), "{}", err(&o));
    assert!(!out(&o).contains("السر"), "{}", out(&o));
}

/// Runs a shell command line with stdout and stderr on a pseudo-terminal, through
/// `script(1)`; `None` when `script` is not installed.
fn on_a_terminal(line: &str) -> Option<String> {
    let o = Command::new("script")
        .args(["-qec", line, "/dev/null"])
        .env("NO_COLOR", "1")
        .output()
        .ok()?;
    o.status
        .success()
        .then(|| String::from_utf8_lossy(&o.stdout).into_owned())
}

/// The quick start on a terminal lists the mentions for reading, not 100 KB of compact JSON;
/// piped, the same command writes JSON Lines; the progress bar's rate has its unit.
#[test]
fn the_quick_start_reads_well_on_a_terminal_and_pipes_json() {
    let bin = env!("CARGO_BIN_EXE_gaztag");
    let Some(shown) = on_a_terminal(&format!("{bin} tag seeds")) else {
        eprintln!("script(1) is not available: terminal output not checked");
        return;
    };
    assert!(
        shown.contains("000_b7c2ae510c672f79.txt (")
            && shown.contains(" LOC كاراباخ  nagorno-karabakh"),
        "{shown}"
    );
    assert!(!shown.contains("\"byte_start\""), "{shown}");
    // --format json, or a pipe, gives JSON Lines
    let json = on_a_terminal(&format!("{bin} tag seeds --format json -q")).unwrap();
    assert!(json.contains("\"byte_start\""), "{json}");
    let piped = gaztag(&["tag", "seeds", "-q"]);
    assert_eq!(common::json_lines(&piped).len(), 5);
    // the progress bar (with --out, on a terminal) gives its rate in documents per second
    let dir = tempfile::tempdir().unwrap();
    let bar = on_a_terminal(&format!("{bin} tag seeds -o {}", dir.path().display())).unwrap();
    assert!(bar.contains(" documents/s, "), "{bar}");
}

/// `--help` screens end with examples of the command.
#[test]
fn help_screens_have_examples() {
    for cmd in [
        "tag",
        "review",
        "diff",
        "gazetteer",
        "gazetteer add",
        "gazetteer add-variant",
        "gazetteer check",
        "gazetteer build",
        "gazetteer lookup",
    ] {
        let mut args: Vec<&str> = cmd.split(' ').collect();
        args.push("--help");
        let o = gaztag(&args);
        assert!(o.status.success(), "{cmd}: {}", err(&o));
        let help = out(&o);
        let examples = help
            .split_once("Examples:")
            .map(|(_, e)| e)
            .unwrap_or_default();
        assert!(
            examples.contains(&format!("gaztag {cmd} ")),
            "{cmd}: {help}"
        );
    }
}

/// The gazetteer loop from an empty folder: `add --dir new-folder` creates it and its source,
/// `--dir` is taken by every command that reads sources, a misspelled id gets a "did you
/// mean", and `tag --gazetteer DIR` uses the names at once.
#[test]
fn the_gazetteer_loop_starts_from_a_new_folder() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let o = gaztag_in(
        d,
        &[
            "gazetteer",
            "add",
            "--dir",
            "my-names",
            "--type",
            "PER",
            "--name",
            "كريم بنزيمة",
            "--en",
            "Karim Benzema",
        ],
    );
    assert!(o.status.success(), "{}", err(&o));
    assert!(
        err(&o).contains("created my-names/people.tsv"),
        "{}",
        err(&o)
    );
    // --file names the source to start with
    let o = gaztag_in(
        d,
        &[
            "gazetteer",
            "add",
            "--dir",
            "teams",
            "--file",
            "clubs.tsv",
            "--type",
            "ORG",
            "--name",
            "ريال مدريد",
            "--en",
            "Real Madrid",
        ],
    );
    assert!(o.status.success(), "{}", err(&o));
    assert!(d.join("teams/clubs.tsv").is_file());

    let o = gaztag_in(
        d,
        &[
            "gazetteer",
            "add-variant",
            "--dir",
            "my-names",
            "karim-benzma",
            "بن زيمة",
        ],
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(
        err(&o).contains("did you mean `karim-benzema` (كريم بنزيمة)?"),
        "{}",
        err(&o)
    );
    // an entity's name given for its id
    let o = gaztag_in(
        d,
        &[
            "gazetteer",
            "add-variant",
            "--dir",
            "my-names",
            "كريم بنزيمة",
            "بن زيمة",
        ],
    );
    assert!(
        err(&o).contains("did you mean `karim-benzema`"),
        "{}",
        err(&o)
    );
    let o = gaztag_in(
        d,
        &[
            "gazetteer",
            "add-variant",
            "--dir",
            "my-names",
            "karim-benzema",
            "بن زيمة",
        ],
    );
    assert!(o.status.success(), "{}", err(&o));

    for args in [
        &["gazetteer", "check", "--dir", "my-names"][..],
        &["gazetteer", "check", "my-names"],
        &["gazetteer", "stats", "--dir", "my-names"],
        &[
            "gazetteer",
            "build",
            "--dir",
            "my-names",
            "-o",
            "my-names.gaz",
        ],
        &["gazetteer", "lookup", "--gazetteer", "my-names", "بن زيمة"],
    ] {
        let o = gaztag_in(d, args);
        assert!(o.status.success(), "{}: {}", args.join(" "), err(&o));
    }
    std::fs::write(d.join("a.txt"), "قال بن زيمة إن ريال مدريد فاز").unwrap();
    let o = gaztag_in(
        d,
        &[
            "tag",
            "a.txt",
            "--gazetteer",
            "my-names",
            "--gazetteer",
            "teams",
        ],
    );
    assert!(o.status.success(), "{}", err(&o));
    let docs = common::json_lines(&o);
    assert_eq!(entities(&docs[0]), ["karim-benzema", "real-madrid"]);
}

/// Outside a clone of the repository, a command that needs the default sources says so once,
/// with the hint to give a folder, instead of a bare "No such file" twice.
#[test]
fn outside_the_repository_the_gazetteer_commands_say_what_to_give() {
    let dir = tempfile::tempdir().unwrap();
    for args in [
        &["gazetteer", "check"][..],
        &["gazetteer", "build", "-o", "x.gaz"],
        &[
            "gazetteer",
            "add",
            "--type",
            "LOC",
            "--name",
            "قوبا",
            "--en",
            "Guba",
        ],
        &["gazetteer", "add-variant", "guba", "غوبا"],
    ] {
        let o = gaztag_in(dir.path(), args);
        assert_eq!(o.status.code(), Some(2), "{}", args.join(" "));
        let e = err(&o);
        assert_eq!(e.lines().count(), 1, "{e}");
        assert!(e.contains("give --dir DIR"), "{e}");
        assert!(!dir.path().join("gazetteer").exists());
    }
}
