//! `gaztag tag --format`: JSON Lines, CoNLL and brat output, read back and checked against the
//! JSON annotations of the same run.

use std::path::{Path, PathBuf};

use gaztag::Document;
use gaztag::import::{Corpus, Label, spans};

mod common;
use common::{gaztag, stderr, stdout};

/// The JSON annotations of `paths`, as `tag` prints them by default.
fn annotations(paths: &[&str]) -> Vec<Document> {
    let mut args = vec!["tag"];
    args.extend(paths);
    let o = gaztag(&args);
    assert!(o.status.success(), "{}", stderr(&o));
    stdout(&o)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

/// The document named `name` in a run over `seeds` and `docs`: with two arguments, each name
/// starts with its argument's folder name.
fn source_of(name: &str, docs: &Path) -> PathBuf {
    if let Some(rest) = name.strip_prefix("seeds/") {
        return Path::new("seeds").join(rest);
    }
    let folder = docs.file_name().unwrap().to_str().unwrap();
    docs.join(name.strip_prefix(&format!("{folder}/")).expect(name))
}

/// Text as `tag` reads it: UTF-8 without a byte order mark.
fn read_text(path: &Path) -> String {
    let t = std::fs::read_to_string(path).unwrap();
    t.strip_prefix('\u{FEFF}').unwrap_or(&t).to_owned()
}

/// A folder with documents that exercise the token and offset rules: a BOM, CR LF line
/// endings, a name across a line break, proclitics, glued words, punctuation.
fn tricky(dir: &Path) -> PathBuf {
    let docs = dir.join("tricky");
    std::fs::create_dir_all(docs.join("sub")).unwrap();
    std::fs::write(
        docs.join("bom.txt"),
        "\u{FEFF}أعلن الكرملين أن بوتين سيزور باكو، ثم يريفان.\nوقال بيسكوف: \"لا\".",
    )
    .unwrap();
    std::fs::write(
        docs.join("crlf.txt"),
        "زار لافروف ناغورنو\r\nكاراباخ\r\n\r\nثم عاد إلى موسكو؟ نعم",
    )
    .unwrap();
    std::fs::write(
        docs.join("sub/glued.txt"),
        "بين أذربيجان وأرمينيا وبكاراباخ للكرملين أذربيجانالمصدر ناغورنوكاراباخ\n(باكو)–يريفان",
    )
    .unwrap();
    docs
}

/// The character offsets of `tokens` in `text`, found in order (they are written in text
/// order, separated only by whitespace and invisible controls).
fn align(text: &[char], from: &mut usize, token: &str) -> (usize, usize) {
    let t: Vec<char> = token.chars().collect();
    while *from < text.len() && !text[*from..].starts_with(&t) {
        let c = text[*from];
        assert!(
            c.is_whitespace() || gaztag::normalize::is_invisible_control(c),
            "token {token:?} not found at {from}: {c:?} is skipped"
        );
        *from += 1;
    }
    assert!(text[*from..].starts_with(&t), "token {token:?} not found");
    let span = (*from, *from + t.len());
    *from += t.len();
    span
}

/// The mentions of a CoNLL file read back with gaztag's own reader, as (start, end, type)
/// character spans of `text`.
fn spans_read_back(conll: &Path, text: &str) -> Vec<(usize, usize, String)> {
    let corpus = Corpus::read(&[conll.to_owned()]).unwrap();
    let chars: Vec<char> = text.chars().collect();
    let mut at = 0;
    let mut out = Vec::new();
    for sentence in &corpus.sentences {
        let offsets: Vec<(usize, usize)> = sentence
            .tokens
            .iter()
            .map(|t| align(&chars, &mut at, &t.text))
            .collect();
        for s in spans(&sentence.tokens) {
            let Label::Entity(kind) = s.label else {
                panic!("MISC in gaztag output")
            };
            out.push((
                offsets[s.start].0,
                offsets[s.end - 1].1,
                kind.as_str().to_owned(),
            ));
        }
    }
    // every character left is whitespace: no text was dropped
    assert!(chars[at..].iter().all(|c| c.is_whitespace()));
    out
}

fn mention_spans(doc: &Document) -> Vec<(usize, usize, String)> {
    doc.mentions
        .iter()
        .map(|m| (m.start, m.end, m.kind.as_str().to_owned()))
        .collect()
}

#[test]
fn json_is_the_default_and_unchanged() {
    let plain = gaztag(&["tag", "seeds"]);
    let json = gaztag(&["tag", "seeds", "--format", "json"]);
    assert!(plain.status.success() && json.status.success());
    assert_eq!(plain.stdout, json.stdout);

    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (dir.path().join("a"), dir.path().join("b"));
    let o = gaztag(&["tag", "seeds", "--out", a.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    let o = gaztag(&[
        "tag",
        "seeds",
        "--out",
        b.to_str().unwrap(),
        "--format",
        "json",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    for doc in annotations(&["seeds"]) {
        let name = format!("{}.json", doc.document);
        let bytes = std::fs::read(a.join(&name)).unwrap();
        assert_eq!(bytes, std::fs::read(b.join(&name)).unwrap());
        assert_eq!(
            bytes,
            (serde_json::to_string_pretty(&doc).unwrap() + "\n").as_bytes()
        );
    }
}

#[test]
fn jsonl_streams_like_json_and_writes_one_file_with_out() {
    let json = gaztag(&["tag", "seeds"]);
    let jsonl = gaztag(&["tag", "seeds", "--format", "jsonl"]);
    assert!(jsonl.status.success(), "{}", stderr(&jsonl));
    assert_eq!(json.stdout, jsonl.stdout);

    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let o = gaztag(&[
        "tag",
        "seeds",
        "--format",
        "jsonl",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(o.stdout.is_empty());
    // (beside the run record that says where the documents are, for review and diff)
    let files: Vec<String> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|f| f != gaztag::review::locate::RUN_RECORD)
        .collect();
    assert_eq!(files, ["annotations.jsonl"]);
    assert_eq!(
        std::fs::read(out.join("annotations.jsonl")).unwrap(),
        json.stdout
    );
    assert_eq!(
        gaztag::annotation::read_annotations(&out).unwrap(),
        annotations(&["seeds"])
    );
}

#[test]
fn conll_reads_back_with_the_mentions_spans() {
    let dir = tempfile::tempdir().unwrap();
    let docs = tricky(dir.path());
    let out = dir.path().join("conll");
    let o = gaztag(&[
        "tag",
        "seeds",
        docs.to_str().unwrap(),
        "--format",
        "conll",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(o.stdout.is_empty());
    let all = annotations(&["seeds", docs.to_str().unwrap()]);
    assert_eq!(all.len(), 8);
    let mut mentions = 0;
    for doc in &all {
        let source = source_of(&doc.document, &docs);
        let text = read_text(&source);
        let conll = out.join(format!("{}.conll", doc.document));
        assert_eq!(
            spans_read_back(&conll, &text),
            mention_spans(doc),
            "{}",
            doc.document
        );
        mentions += doc.mentions.len();
    }
    assert!(mentions > 450, "{mentions}");

    // the cases the rules are about, as written
    let glued = std::fs::read_to_string(out.join("tricky/sub/glued.txt.conll")).unwrap();
    for lines in [
        "و O\nأرمينيا B-LOC\n",
        "وب O\nكاراباخ B-LOC\n",
        "أذربيجان B-LOC\nالمصدر O\n",
        "ناغورنوكاراباخ B-LOC\n",
        "( O\nباكو B-LOC\n) O\n– O\nيريفان B-LOC\n",
    ] {
        assert!(glued.contains(lines), "{lines:?} not in\n{glued}");
    }
    let crlf = std::fs::read_to_string(out.join("tricky/crlf.txt.conll")).unwrap();
    assert_eq!(
        crlf,
        "زار O\nلافروف B-PER\nناغورنو B-LOC\nكاراباخ I-LOC\n\n\
         ثم O\nعاد O\nإلى O\nموسكو B-LOC\n؟ O\n\nنعم O\n\n"
    );
}

#[test]
fn conll_on_stdout_starts_each_document_with_docstart() {
    let o = gaztag(&["tag", "seeds", "--format", "conll"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let text = stdout(&o);
    let blocks: Vec<&str> = text.split("-DOCSTART- O\n\n").collect();
    assert_eq!(blocks.len(), 6);
    assert!(blocks[0].is_empty());
    // each block is the document's file as --out writes it
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("c");
    let o = gaztag(&[
        "tag",
        "seeds",
        "--format",
        "conll",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    for (doc, block) in annotations(&["seeds"]).iter().zip(&blocks[1..]) {
        let file = std::fs::read_to_string(out.join(format!("{}.conll", doc.document))).unwrap();
        assert_eq!(&file, block, "{}", doc.document);
    }
    // and gaztag's own reader takes the whole stream
    let all = dir.path().join("all.conll");
    std::fs::write(&all, &text).unwrap();
    let corpus = Corpus::read(&[all]).unwrap();
    let tagged: usize = corpus
        .sentences
        .iter()
        .map(|s| spans(&s.tokens).len())
        .sum();
    let mentions: usize = annotations(&["seeds"])
        .iter()
        .map(|d| d.mentions.len())
        .sum();
    assert_eq!(tagged, mentions);
}

/// The T lines of a `.ann` file, checked as brat checks them against the text: every
/// fragment inside the text, none with a line break, and the fragments' texts joined by a
/// space equal to the text written after the tab.
fn brat_spans(txt: &str, ann: &str) -> Vec<(String, Vec<(usize, usize)>)> {
    let chars: Vec<char> = txt.chars().collect();
    let mut out = Vec::new();
    for line in ann.lines() {
        if line.starts_with('#') {
            assert!(line.contains("\tAnnotatorNotes T"), "{line}");
            continue;
        }
        if line.starts_with('N') {
            // a knowledge-base id of the entity (brat normalization)
            assert!(line.contains("\tReference T"), "{line}");
            continue;
        }
        let f: Vec<&str> = line.split('\t').collect();
        assert_eq!(f.len(), 3, "{line}");
        assert!(f[0].starts_with('T'), "{line}");
        let (kind, offsets) = f[1].split_once(' ').unwrap();
        let frags: Vec<(usize, usize)> = offsets
            .split(';')
            .map(|p| {
                let (s, e) = p.split_once(' ').unwrap();
                (s.parse().unwrap(), e.parse().unwrap())
            })
            .collect();
        let mut texts = Vec::new();
        for &(s, e) in &frags {
            assert!(s < e && e <= chars.len(), "{line}");
            let t: String = chars[s..e].iter().collect();
            assert!(!t.contains(['\n', '\r']), "{line}");
            texts.push(t);
        }
        assert_eq!(texts.join(" "), f[2], "{line}");
        out.push((kind.to_owned(), frags));
    }
    out
}

#[test]
fn brat_offsets_slice_the_text_copy() {
    let dir = tempfile::tempdir().unwrap();
    let docs = tricky(dir.path());
    let out = dir.path().join("brat");
    let o = gaztag(&[
        "tag",
        "seeds",
        docs.to_str().unwrap(),
        "--format",
        "brat",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let conf = std::fs::read_to_string(out.join("annotation.conf")).unwrap();
    assert!(conf.contains("[entities]\nPER\nLOC\nORG\n"), "{conf}");
    assert!(out.join("visual.conf").is_file());

    let mut fragmented = 0;
    for doc in annotations(&["seeds", docs.to_str().unwrap()]) {
        let source = source_of(&doc.document, &docs);
        let text = read_text(&source);
        let txt = std::fs::read_to_string(out.join(format!("{}.txt", doc.document))).unwrap();
        let ann = std::fs::read_to_string(out.join(format!("{}.ann", doc.document))).unwrap();
        // the text that was tagged: no BOM, line endings as LF
        assert_eq!(txt, text.replace("\r\n", "\n"), "{}", doc.document);
        let got = brat_spans(&txt, &ann);
        assert_eq!(got.len(), doc.mentions.len(), "{}", doc.document);
        let lf_only = !text.contains('\r');
        for ((kind, frags), m) in got.iter().zip(&doc.mentions) {
            assert_eq!(kind, m.kind.as_str());
            if frags.len() > 1 {
                fragmented += 1;
            }
            if lf_only {
                // an LF text is copied as is: the fragments cover the mention exactly
                assert_eq!(frags[0].0, m.start);
                assert_eq!(frags.last().unwrap().1, m.end);
            }
        }
    }
    assert_eq!(fragmented, 1, "the name across a line break");
    let crlf = std::fs::read_to_string(out.join("tricky/crlf.txt.ann")).unwrap();
    assert!(
        crlf.starts_with("T1\tPER 4 10\tلافروف\n#1\tAnnotatorNotes T1\tsergey-lavrov (")
            && crlf.contains("\nT2\tLOC 11 18;19 26\tناغورنو كاراباخ\n"),
        "{crlf}"
    );
}

#[test]
fn brat_needs_an_output_folder() {
    let o = gaztag(&["tag", "seeds", "--format", "brat"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("--format brat writes files: give --out DIR"),
        "{}",
        stderr(&o)
    );
    assert!(o.stdout.is_empty());
    let o = gaztag(&["tag", "seeds", "--format", "xml"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("[possible values: json, jsonl, conll, brat]"));
}

#[test]
fn a_failed_document_is_reported_and_the_others_exported() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("good.txt"), "قال بيسكوف").unwrap();
    std::fs::write(dir.path().join("latin1.txt"), b"caf\xe9").unwrap();
    let out = dir.path().join("out");
    let o = gaztag(&[
        "tag",
        dir.path().to_str().unwrap(),
        "--format",
        "jsonl",
        "--out",
        out.to_str().unwrap(),
        "--encoding",
        "utf-8",
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("latin1.txt: not valid UTF-8"),
        "{}",
        stderr(&o)
    );
    let docs = gaztag::annotation::read_annotations(&out.join("annotations.jsonl")).unwrap();
    assert_eq!(docs.len(), 1);
    assert_eq!(docs[0].mentions[0].entity, "dmitry-peskov");
}
