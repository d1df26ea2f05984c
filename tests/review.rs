//! `gaztag review`, run as a user runs it: plain markup, HTML pages, errors, and the pages in a
//! real browser (headless Chromium, skipped with a message when there is none).

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

mod common;
use common::{gaztag, stderr, stdout};

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// `gaztag tag seeds --out DIR/ann`; returns DIR/ann.
fn tag_seeds(dir: &Path) -> PathBuf {
    let ann = dir.join("ann");
    let o = gaztag(&["tag", "seeds", "--out", s(&ann)]);
    assert!(o.status.success(), "{}", stderr(&o));
    ann
}

/// The annotations of a document as JSON.
fn annotations(ann: &Path, doc: &str) -> serde_json::Value {
    serde_json::from_slice(&std::fs::read(ann.join(format!("{doc}.json"))).unwrap()).unwrap()
}

fn seed_names() -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir("seeds")
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// What plain review must print for a document, built independently of the renderer: the
/// markup inserted at the byte offsets, then one paragraph per non-blank line.
fn expected_markup(text: &str, doc: &serde_json::Value) -> String {
    let mut marked = String::new();
    let mut at = 0;
    for m in doc["mentions"].as_array().unwrap() {
        let (bs, be) = (
            m["byte_start"].as_u64().unwrap() as usize,
            m["byte_end"].as_u64().unwrap() as usize,
        );
        marked.push_str(&text[at..bs]);
        marked.push('[');
        marked.push_str(&text[bs..be]);
        marked.push_str(&format!(
            "]{{{}:{}}}",
            m["type"].as_str().unwrap(),
            m["entity"].as_str().unwrap()
        ));
        at = be;
    }
    marked.push_str(&text[at..]);
    let paragraphs: Vec<&str> = marked
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    paragraphs.join("\n\n") + "\n"
}

#[test]
fn plain_markup_of_the_seeds() {
    let dir = tempfile::tempdir().unwrap();
    let ann = tag_seeds(dir.path());
    let o = gaztag(&["review", s(&ann), "--docs", "seeds"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stderr(&o).is_empty(), "{}", stderr(&o));
    let out = stdout(&o);
    // not a terminal: no colors, no bidi controls
    assert!(!out.contains('\x1b') && !out.contains('\u{2066}'));

    let mut expected = String::new();
    for (i, name) in seed_names().iter().enumerate() {
        if i > 0 {
            expected.push('\n');
        }
        expected.push_str(&format!("==> {name} <==\n"));
        let text = std::fs::read_to_string(Path::new("seeds").join(name)).unwrap();
        expected.push_str(&expected_markup(&text, &annotations(&ann, name)));
    }
    assert_eq!(out, expected);
    // one mention, as the README shows it
    assert!(out.contains("لوقف النار ب[كاراباخ]{LOC:nagorno-karabakh}.."));

    // one file, read from the documents' folder without --docs: no header
    let one = ann.join("003_56097a8b74bfb2b0.txt.json");
    let o = Command::new(env!("CARGO_BIN_EXE_gaztag"))
        .args(["review", s(&std::fs::canonicalize(&one).unwrap())])
        .current_dir("seeds")
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let text = std::fs::read_to_string("seeds/003_56097a8b74bfb2b0.txt").unwrap();
    assert_eq!(
        stdout(&o),
        expected_markup(&text, &annotations(&ann, "003_56097a8b74bfb2b0.txt"))
    );
}

#[test]
fn json_lines_read_like_the_out_folder() {
    let dir = tempfile::tempdir().unwrap();
    let ann = tag_seeds(dir.path());
    let jsonl = dir.path().join("run.jsonl");
    let o = gaztag(&["tag", "seeds"]);
    std::fs::write(&jsonl, &o.stdout).unwrap();
    let from_lines = gaztag(&["review", s(&jsonl), "--docs", "seeds"]);
    let from_folder = gaztag(&["review", s(&ann), "--docs", "seeds"]);
    assert_eq!(from_lines.status.code(), Some(0), "{}", stderr(&from_lines));
    assert_eq!(stdout(&from_lines), stdout(&from_folder));
    assert_eq!(stdout(&from_lines).matches("==> ").count(), 5);
}

#[test]
fn colors_on_request_and_never_with_no_color_in_auto() {
    let dir = tempfile::tempdir().unwrap();
    let ann = tag_seeds(dir.path());
    let one = ann.join("000_b7c2ae510c672f79.txt.json");
    let o = gaztag(&["review", s(&one), "--docs", "seeds", "--color", "always"]);
    assert!(o.status.success());
    let out = stdout(&o);
    assert!(out.starts_with("\x1b[1;34mPER\x1b[0m person"), "{out}");
    assert!(out.contains(
        "ب\x1b[1;32mكاراباخ\x1b[0m\x1b[2m\u{2066}{LOC:nagorno-karabakh}\u{2069}\x1b[0m.."
    ));
    let n = annotations(&ann, "000_b7c2ae510c672f79.txt")["mentions"]
        .as_array()
        .unwrap()
        .len();
    assert_eq!(out.matches('\u{2066}').count(), n);

    // auto: stdout is a pipe here, so plain even without NO_COLOR; NO_COLOR is also honoured
    let o = Command::new(env!("CARGO_BIN_EXE_gaztag"))
        .args(["review", s(&one), "--docs", "seeds"])
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    assert!(!stdout(&o).contains('\x1b'));
    assert!(stdout(&o).contains("[كاراباخ]{LOC:nagorno-karabakh}"));
}

#[test]
fn missing_document_is_reported_and_the_others_reviewed() {
    let dir = tempfile::tempdir().unwrap();
    let ann = tag_seeds(dir.path());
    let docs = dir.path().join("docs");
    std::fs::create_dir(&docs).unwrap();
    // every seed but one
    for name in seed_names().iter().skip(1) {
        std::fs::copy(Path::new("seeds").join(name), docs.join(name)).unwrap();
    }
    let o = gaztag(&["review", s(&ann), "--docs", s(&docs)]);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    let missing = ann.join("000_b7c2ae510c672f79.txt.json");
    assert!(
        err.starts_with(&format!(
            "gaztag: {}:1: cannot read the document it annotates: {}: No such file",
            missing.display(),
            docs.join("000_b7c2ae510c672f79.txt").display()
        )),
        "{err}"
    );
    assert_eq!(err.lines().count(), 1, "{err}");
    assert_eq!(stdout(&o).matches("==> ").count(), 4);

    // an empty folder: nothing to review is not success
    let empty = dir.path().join("empty");
    std::fs::create_dir(&empty).unwrap();
    let o = gaztag(&["review", s(&empty)]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(
        stderr(&o),
        format!("gaztag: no annotations in {}\n", empty.display())
    );

    // without --docs, the run record `tag --out` left beside the annotations finds the text
    let o = gaztag(&["review", s(&missing)]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    // without it either, the names are taken from here, and the message says so
    std::fs::remove_file(ann.join(gaztag::review::locate::RUN_RECORD)).unwrap();
    let o = gaztag(&["review", s(&missing)]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("use --docs DIR"), "{}", stderr(&o));
    assert!(o.stdout.is_empty());
}

#[test]
fn malformed_json_names_file_and_line_and_the_rest_is_reviewed() {
    let dir = tempfile::tempdir().unwrap();
    let ann = tag_seeds(dir.path());
    let bad = ann.join("broken.jsonl");
    std::fs::write(
        &bad,
        "{\"document\":\"000_b7c2ae510c672f79.txt\",\"chars\":4743,\"mentions\":[]}\n{\"document\": oops}\n",
    )
    .unwrap();
    let o = gaztag(&["review", s(&ann), "--docs", "seeds"]);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(
        err.starts_with(&format!(
            "gaztag: {}:2: not a gaztag annotation",
            bad.display()
        )),
        "{err}"
    );
    assert_eq!(err.lines().count(), 1, "{err}");
    assert_eq!(stdout(&o).matches("==> ").count(), 5);
}

#[test]
fn annotations_that_do_not_fit_the_text_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let ann = tag_seeds(dir.path());
    let file = ann.join("003_56097a8b74bfb2b0.txt.json");
    let mut doc = annotations(&ann, "003_56097a8b74bfb2b0.txt");
    let original = doc["mentions"][2]["text"].as_str().unwrap().to_owned();
    doc["mentions"][2]["text"] = "بوتن".into();
    std::fs::write(&file, serde_json::to_vec_pretty(&doc).unwrap()).unwrap();
    let o = gaztag(&["review", s(&ann), "--docs", "seeds"]);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert_eq!(
        err.trim_end(),
        format!(
            "gaztag: {}:1: document 003_56097a8b74bfb2b0.txt: mention 3: its text \"بوتن\" is not \
             the document's text {original:?} at bytes {}..{}",
            file.display(),
            doc["mentions"][2]["byte_start"],
            doc["mentions"][2]["byte_end"]
        )
    );
    assert_eq!(stdout(&o).matches("==> ").count(), 4);

    // offsets in the middle of a character
    doc["mentions"][2]["text"] = original.into();
    doc["mentions"][2]["byte_start"] =
        (doc["mentions"][2]["byte_start"].as_u64().unwrap() + 1).into();
    std::fs::write(&file, serde_json::to_vec_pretty(&doc).unwrap()).unwrap();
    let o = gaztag(&["review", s(&file), "--docs", "seeds"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("cut a character in two"),
        "{}",
        stderr(&o)
    );

    // a document edited after tagging
    let docs = dir.path().join("docs");
    std::fs::create_dir(&docs).unwrap();
    let text = std::fs::read_to_string("seeds/004_f76ec2edefe350e1.txt").unwrap();
    std::fs::write(
        docs.join("004_f76ec2edefe350e1.txt"),
        format!("عاجل: {text}"),
    )
    .unwrap();
    let o = gaztag(&[
        "review",
        s(&ann.join("004_f76ec2edefe350e1.txt.json")),
        "--docs",
        s(&docs),
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("was it changed after tagging?"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn html_pages_and_index_for_the_seeds() {
    let dir = tempfile::tempdir().unwrap();
    let ann = tag_seeds(dir.path());
    let out = dir.path().join("html");
    let o = gaztag(&["review", s(&ann), "--docs", "seeds", "--html", s(&out)]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(
        stdout(&o),
        format!("{}\n", out.join("index.html").display())
    );
    let index = std::fs::read_to_string(out.join("index.html")).unwrap();
    for name in seed_names() {
        let doc = annotations(&ann, &name);
        let n = doc["mentions"].as_array().unwrap().len();
        let page = std::fs::read_to_string(out.join(format!("{name}.html"))).unwrap();
        assert!(page.starts_with("<!DOCTYPE html>\n<html dir=\"rtl\" lang=\"ar\">"));
        assert_eq!(page.matches("<mark class=\"m ").count(), n, "{name}");
        // nothing fetched (the text itself may quote a URL): the only links are relative,
        // to the shared files and the other pages
        for external in [
            "href=\"http",
            "href=\"//",
            "src=\"http",
            "src=\"//",
            "url(",
            "@import",
        ] {
            assert!(!page.contains(external), "{name}: {external}");
        }
        assert!(page.contains("<link rel=\"stylesheet\" href=\"_gaztag/review.css\">"));
        assert!(page.contains("<script src=\"_gaztag/review.js\"></script>"));
        // the index lists it, with its mention count
        assert!(
            index.contains(&format!("[\"{name}\",\"{name}.html\",{n},")),
            "{name}"
        );
    }
    for asset in ["review.css", "review.js", "index.js"] {
        let text = std::fs::read_to_string(out.join("_gaztag").join(asset)).unwrap();
        assert!(
            !text.contains("@import") && !text.contains("url("),
            "{asset}"
        );
        assert!(
            !text.contains("fetch(") && !text.contains("XMLHttpRequest"),
            "{asset}"
        );
    }
    // a file where OUT should be: nothing can be done
    let blocked = dir.path().join("file");
    std::fs::write(&blocked, "").unwrap();
    let o = gaztag(&["review", s(&ann), "--docs", "seeds", "--html", s(&blocked)]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("creating output folder"),
        "{}",
        stderr(&o)
    );
}

// ---- in a real browser ----

/// A Chromium binary: `$GAZTAG_CHROMIUM`, or `chromium`, `chromium-browser`, `google-chrome`
/// on the PATH.
fn chromium() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("GAZTAG_CHROMIUM") {
        return Some(PathBuf::from(p));
    }
    let path = std::env::var_os("PATH")?;
    for name in [
        "chromium",
        "chromium-browser",
        "google-chrome",
        "google-chrome-stable",
    ] {
        for dir in std::env::split_paths(&path) {
            let candidate = dir.join(name);
            if candidate.is_file() {
                return Some(candidate);
            }
        }
    }
    None
}

/// Says a browser test was skipped, past the test harness's capture so that it is seen.
fn skip(test: &str) {
    let _ = writeln!(
        std::io::stderr(),
        "SKIPPED {test}: no Chromium found (install the Debian package `chromium`, or set \
         GAZTAG_CHROMIUM to a Chrome or Chromium binary)"
    );
}

/// Loads `page` in headless Chromium inside a harness page that inspects it and exercises its
/// script (hover, panel clicks), and returns what the harness found, as JSON.
fn inspect_in_browser(browser: &Path, page: &Path) -> serde_json::Value {
    run_harness(browser, page, HARNESS)
}

/// Loads `page` in headless Chromium inside the harness page `harness` (its `PAGE_URL`
/// replaced by the page's address) and returns what the harness wrote into `<pre id="out">`.
fn run_harness(browser: &Path, page: &Path, harness_text: &str) -> serde_json::Value {
    let work = tempfile::tempdir().unwrap();
    let harness = work.path().join("harness.html");
    let page_url = format!("file://{}", s(&std::fs::canonicalize(page).unwrap()));
    std::fs::write(&harness, harness_text.replace("PAGE_URL", &page_url)).unwrap();
    let profile = work.path().join("profile");
    let mut child = Command::new(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--allow-file-access-from-files",
            "--window-size=1280,900",
            &format!("--user-data-dir={}", s(&profile)),
            // wait for the frame's second load (a reload) before the DOM is dumped
            "--virtual-time-budget=30000",
            "--dump-dom",
            &format!("file://{}", s(&harness)),
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start chromium");
    let deadline = Instant::now() + Duration::from_secs(120);
    while child.try_wait().unwrap().is_none() {
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("chromium did not finish in 120 s");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let out: Output = child.wait_with_output().unwrap();
    let dom = String::from_utf8_lossy(&out.stdout);
    let start = dom.find("<pre id=\"out\">").expect("harness output") + "<pre id=\"out\">".len();
    let end = start + dom[start..].find("</pre>").unwrap();
    let json = dom[start..end]
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&");
    serde_json::from_str(&json).unwrap_or_else(|e| panic!("{e}: {json}"))
}

/// Inspects the page in an iframe (same origin for file URLs with
/// --allow-file-access-from-files) once it has loaded, before Chromium dumps the DOM. Non-ASCII
/// is escaped so the JSON survives the DOM dump.
const HARNESS: &str = r#"<!DOCTYPE html><meta charset="utf-8"><pre id="out">not run</pre>
<iframe id="f" src="PAGE_URL" width="1200" height="800"></iframe>
<script>
var f = document.getElementById('f');
f.addEventListener('load', function () {
  var out = {};
  try {
    var d = f.contentDocument;
    out.dir = d.documentElement.getAttribute('dir');
    out.lang = d.documentElement.getAttribute('lang');
    out.pwned = f.contentWindow.pwned === undefined ? null : String(f.contentWindow.pwned);
    out.paragraphs = d.querySelectorAll('main p').length;
    var M = f.contentWindow.gaztag.mentions;
    out.marks = Array.from(d.querySelectorAll('mark.m')).map(function (m, i) {
      return { id: m.id, text: m.textContent, entity: M[i] && M[i].entity,
               type: M[i] && M[i].type, title: m.hasAttribute('title') };
    });
    var first = d.querySelector('mark.m');
    if (first) {
      first.dispatchEvent(new MouseEvent('mouseenter'));
      var tip = d.getElementById('tip');
      out.tip = { hidden: tip.hidden, text: tip.textContent };
    }
    out.entities = Array.from(d.querySelectorAll('a.ent')).map(function (a) {
      var n = Number(a.querySelector('.n').textContent);
      var visits = [];
      for (var i = 0; i <= n; i++) {
        a.click();
        var cur = d.querySelectorAll('mark.current');
        visits.push(cur.length === 1 ? cur[0].id : 'current x' + cur.length);
      }
      return { entity: a.getAttribute('data-entity'), count: n, visits: visits,
               pos: a.querySelector('.pos').textContent,
               selected: Array.from(d.querySelectorAll('mark.sel')).map(function (m) { return m.id; }) };
    });
  } catch (e) { out.error = String(e && e.stack || e); }
  document.getElementById('out').textContent = JSON.stringify(out).replace(/[\u007f-\uffff]/g,
    function (c) { return '\\u' + ('0000' + c.charCodeAt(0).toString(16)).slice(-4); });
});
</script>
"#;

/// Checks what the browser saw against the annotations: every mention highlighted, in order,
/// with its text; the panel listing every entity, each entry cycling through its mentions.
fn check_page_in_browser(found: &serde_json::Value, doc: &serde_json::Value) {
    assert!(found.get("error").is_none(), "{found}");
    assert_eq!(found["dir"], "rtl");
    assert_eq!(found["lang"], "ar");
    let mentions = doc["mentions"].as_array().unwrap();
    let marks = found["marks"].as_array().unwrap();
    assert_eq!(
        marks.len(),
        mentions.len(),
        "highlighted elements vs mentions"
    );
    for (i, (mark, m)) in marks.iter().zip(mentions).enumerate() {
        assert_eq!(mark["id"], format!("m{i}"));
        assert_eq!(mark["text"], m["text"]);
        assert_eq!(mark["entity"], m["entity"]);
        assert_eq!(mark["type"], m["type"]);
        assert_eq!(
            mark["title"], false,
            "the script replaces titles by its tooltip"
        );
    }
    let tip = &found["tip"];
    assert_eq!(tip["hidden"], false);
    assert!(
        tip["text"]
            .as_str()
            .unwrap()
            .contains(mentions[0]["entity"].as_str().unwrap()),
        "{tip}"
    );

    // the panel: every entity once, with all its mentions, visited in order then cycling
    let mut expected: std::collections::BTreeMap<String, Vec<String>> = Default::default();
    for (i, m) in mentions.iter().enumerate() {
        let key = m["entity"].as_str().unwrap().to_owned();
        expected.entry(key).or_default().push(format!("m{i}"));
    }
    let entries = found["entities"].as_array().unwrap();
    assert_eq!(entries.len(), expected.len(), "panel entries vs entities");
    for e in entries {
        let ids = &expected[e["entity"].as_str().unwrap()];
        assert_eq!(e["count"], ids.len());
        let mut cycle = ids.clone();
        cycle.push(ids[0].clone());
        assert_eq!(e["visits"], serde_json::json!(cycle), "{e}");
        assert_eq!(e["pos"], format!("1/{}", ids.len()));
        assert_eq!(e["selected"], serde_json::json!(ids));
    }
}

#[test]
fn html_page_of_a_seed_in_headless_chromium() {
    let Some(browser) = chromium() else {
        skip("html_page_of_a_seed_in_headless_chromium");
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let ann = tag_seeds(dir.path());
    let out = dir.path().join("html");
    let o = gaztag(&["review", s(&ann), "--docs", "seeds", "--html", s(&out)]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let name = "000_b7c2ae510c672f79.txt";
    let found = inspect_in_browser(&browser, &out.join(format!("{name}.html")));
    let doc = annotations(&ann, name);
    check_page_in_browser(&found, &doc);
    let text = std::fs::read_to_string(Path::new("seeds").join(name)).unwrap();
    assert_eq!(
        found["paragraphs"],
        text.lines().filter(|l| !l.trim().is_empty()).count()
    );
}

#[test]
fn markup_in_the_text_stays_text_in_the_browser() {
    let Some(browser) = chromium() else {
        skip("markup_in_the_text_stays_text_in_the_browser");
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let docs = dir.path().join("docs");
    std::fs::create_dir(&docs).unwrap();
    std::fs::write(
        docs.join("x.txt"),
        "وصل <script>window.pwned = 1</script> بوتين & \"<b>باكو</b>\" </p></mark><!-- '\n\n<i>موسكو",
    )
    .unwrap();
    let ann = dir.path().join("ann");
    assert!(
        gaztag(&["tag", s(&docs), "--out", s(&ann)])
            .status
            .success()
    );
    let out = dir.path().join("html");
    let o = gaztag(&["review", s(&ann), "--docs", s(&docs), "--html", s(&out)]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let found = inspect_in_browser(&browser, &out.join("x.txt.html"));
    let doc = annotations(&ann, "x.txt");
    assert_eq!(doc["mentions"].as_array().unwrap().len(), 3);
    check_page_in_browser(&found, &doc);
    assert_eq!(found["pwned"], serde_json::Value::Null);
    assert_eq!(found["paragraphs"], 2);
}

/// The review loop in the browser: filters, search, keyboard, decisions on a mention, on an
/// entity and on a spelling, a span added, the export, a reload that shows them again, the
/// document marked reviewed. Phase 1 acts, reloads the frame; phase 2 looks.
const LOOP_HARNESS: &str = r#"<!DOCTYPE html><meta charset="utf-8"><pre id="out">not run</pre>
<iframe id="f" src="PAGE_URL" width="1200" height="800"></iframe>
<script>
var f = document.getElementById('f');
var out = {}, phase = 1;
function finish() {
  document.getElementById('out').textContent = JSON.stringify(out).replace(/[\u007f-\uffff]/g,
    function (c) { return '\\u' + ('0000' + c.charCodeAt(0).toString(16)).slice(-4); });
}
function classes(d) {
  return Array.from(d.querySelectorAll('mark.m:not(.added)')).map(function (m) {
    return m.id + (m.classList.contains('dec-accept') ? ' accept' : '') +
      (m.classList.contains('dec-reject') ? ' reject' : '');
  });
}
f.addEventListener('load', function () {
  var w = f.contentWindow, d = f.contentDocument, g = w.gaztag;
  function key(k) { d.dispatchEvent(new w.KeyboardEvent('keydown', { key: k, bubbles: true })); }
  function input(sel, value) { var i = d.querySelector(sel); i.value = value; i.dispatchEvent(new w.Event('input')); }
  try {
    if (phase === 1) {
      phase = 2;
      var M = g.mentions;
      var loc = d.querySelector('input[data-filter="types"][value="LOC"]');
      loc.click(); out.noLoc = g.shown(); loc.click();
      var exact = d.querySelector('input[data-filter="matches"][value="exact"]');
      exact.click(); out.noExact = g.shown(); exact.click();
      input('input[data-filter="entity"]', 'baku'); out.baku = g.shown();
      out.bakuPanel = Array.from(d.querySelectorAll('a.ent')).filter(function (a) { return !a.parentNode.hidden; })
        .map(function (a) { return a.getAttribute('data-entity'); });
      input('input[data-filter="entity"]', '');
      input('input[data-filter="min"]', '0.5'); out.minScore = g.shown(); input('input[data-filter="min"]', '');
      out.all = g.shown();
      input('#search', '\u0628\u0627\u0643\u0648'); out.hits = d.getElementById('hits').textContent;
      d.getElementById('search').blur();
      key('j'); out.first = g.current(); key('j'); out.second = g.current(); key('k'); out.back = g.current();
      // accept m0 with the tooltip's button, reject m1 with the key
      d.getElementById('m0').click();
      Array.from(d.querySelectorAll('#tip button')).filter(function (b) { return b.textContent === '\u2713 accept'; })[0].click();
      key('j'); key('r');
      // every mention of an entity (R), every mention of a spelling (W)
      var used = [M[0].entity, M[1].entity];
      var count = {};
      M.forEach(function (m) { count[m.entity] = (count[m.entity] || 0) + 1; });
      var e = M.findIndex(function (m) { return used.indexOf(m.entity) < 0 && count[m.entity] >= 2; });
      d.getElementById('m' + e).click(); key('R');
      out.entity = M[e].entity;
      used.push(M[e].entity);
      var sp = M.findIndex(function (m) {
        return used.indexOf(m.entity) < 0 && m.match === 'exact' && m.text === m.variant && m.variant !== m.name;
      });
      d.getElementById('m' + sp).click(); key('W');
      out.spelling = { entity: M[sp].entity, text: M[sp].text };
      // a missed span, selected and added as a person (key 1)
      var word = '\u063a\u062f\u0627\u0629';
      var walker = d.createTreeWalker(d.getElementById('text'), w.NodeFilter.SHOW_TEXT), node;
      while ((node = walker.nextNode()) && node.data.indexOf(word) < 0) {}
      var r = d.createRange();
      r.setStart(node, node.data.indexOf(word)); r.setEnd(node, node.data.indexOf(word) + word.length);
      w.getSelection().removeAllRanges(); w.getSelection().addRange(r);
      d.activeElement && d.activeElement.blur && d.activeElement.blur();
      key('1');
      out.added1 = Array.from(d.querySelectorAll('mark.added')).map(function (m) { return m.textContent; });
      out.classes1 = classes(d);
      out.export1 = g.exportDecisions();
      out.status1 = d.getElementById('status').textContent;
      w.location.reload();
      return;
    }
    out.classes2 = classes(d);
    out.added2 = Array.from(d.querySelectorAll('mark.added')).map(function (m) { return m.textContent; });
    out.export2 = g.exportDecisions();
    // an export read back into an empty store gives the same export
    w.localStorage.clear();
    out.emptied = g.exportDecisions().decisions.length;
    out.imported = g.importDecisions(JSON.parse(JSON.stringify(out.export2)));
    out.export2b = g.exportDecisions();
    d.getElementById('reviewed').click();
    out.export3 = g.exportDecisions();
  } catch (err) { out.error = String(err && err.stack || err); }
  finish();
});
</script>
"#;

/// Ids `m0`… of the mentions for which `keep` holds.
fn ids_where(
    mentions: &[serde_json::Value],
    keep: impl Fn(&serde_json::Value) -> bool,
) -> Vec<String> {
    mentions
        .iter()
        .enumerate()
        .filter(|(_, m)| keep(m))
        .map(|(i, _)| format!("m{i}"))
        .collect()
}

#[test]
fn review_loop_filter_decide_export_reload_apply_retag() {
    let Some(browser) = chromium() else {
        skip("review_loop_filter_decide_export_reload_apply_retag");
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let ann = tag_seeds(dir.path());
    let out = dir.path().join("html");
    let o = gaztag(&["review", s(&ann), "--docs", "seeds", "--html", s(&out)]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let name = "000_b7c2ae510c672f79.txt";
    let found = run_harness(&browser, &out.join(format!("{name}.html")), LOOP_HARNESS);
    assert!(found.get("error").is_none(), "{found}");
    let doc = annotations(&ann, name);
    let mentions = doc["mentions"].as_array().unwrap();
    let all = ids_where(mentions, |_| true);

    // filters: by type, by match kind, by entity; no score in these annotations, so a score
    // range hides nothing
    let json = |v: Vec<String>| serde_json::json!(v);
    assert_eq!(
        found["noLoc"],
        json(ids_where(mentions, |m| m["type"] != "LOC"))
    );
    assert_eq!(
        found["noExact"],
        json(ids_where(mentions, |m| m["match"] != "exact"))
    );
    let baku = ids_where(mentions, |m| m["entity"].as_str().unwrap().contains("baku"));
    assert!(!baku.is_empty());
    assert_eq!(found["baku"], json(baku));
    assert_eq!(found["bakuPanel"], serde_json::json!(["baku"]));
    assert_eq!(found["minScore"], json(all.clone()));
    assert_eq!(found["all"], json(all.clone()));
    // search, folded: every باكو of the text, in mentions or not
    let text = std::fs::read_to_string(Path::new("seeds").join(name)).unwrap();
    assert_eq!(
        found["hits"],
        format!("{} matches", text.matches("باكو").count())
    );
    // keyboard: j, j, k
    assert_eq!(
        (&found["first"], &found["second"], &found["back"]),
        (&"m0".into(), &"m1".into(), &"m0".into())
    );

    // decisions as the page shows them, and as they are exported
    let entity = found["entity"].as_str().unwrap();
    let spelling = &found["spelling"];
    let expected: Vec<String> = mentions
        .iter()
        .enumerate()
        .map(|(i, m)| {
            let rejected = i == 1
                || m["entity"] == entity
                || (m["entity"] == spelling["entity"] && m["text"] == spelling["text"]);
            let accepted = i == 0;
            format!(
                "m{i}{}",
                if accepted {
                    " accept"
                } else if rejected {
                    " reject"
                } else {
                    ""
                }
            )
        })
        .collect();
    assert_eq!(found["classes1"], json(expected.clone()));
    assert_eq!(found["added1"], serde_json::json!(["غداة"]));
    let e1 = &found["export1"];
    assert_eq!(e1["gaztag_decisions"], 1);
    let decisions = e1["decisions"].as_array().unwrap();
    assert_eq!(decisions.len(), 3, "{e1}");
    let m0 = &mentions[0];
    assert_eq!(decisions[0]["decision"], "accept");
    assert_eq!(decisions[0]["document"], name);
    assert_eq!(
        (
            &decisions[0]["start"],
            &decisions[0]["end"],
            &decisions[0]["text"]
        ),
        (&m0["start"], &m0["end"], &m0["text"])
    );
    assert_eq!(decisions[0]["entity"], m0["entity"]);
    assert_eq!(decisions[0]["was"]["variant"], m0["variant"]);
    let added = decisions.iter().find(|d| d["decision"] == "add").unwrap();
    assert_eq!(
        (&added["type"], &added["text"]),
        (&"PER".into(), &"غداة".into())
    );
    let start = text[..text.find("غداة").unwrap()].chars().count();
    assert_eq!(added["start"], start);
    assert!(
        decisions
            .iter()
            .any(|d| d["decision"] == "reject" && d["start"] == mentions[1]["start"])
    );
    let rules = e1["rules"].as_array().unwrap();
    assert_eq!(rules.len(), 2, "{e1}");
    assert_eq!(
        (&rules[0]["scope"], &rules[0]["entity"]),
        (&"entity".into(), &entity.into())
    );
    assert_eq!(rules[1]["scope"], "spelling");
    assert_eq!(rules[1]["text"], spelling["text"]);

    // reopened: the same decisions shown, the same export
    assert_eq!(found["classes2"], json(expected));
    assert_eq!(found["added2"], serde_json::json!(["غداة"]));
    assert_eq!(found["export2"]["decisions"], e1["decisions"]);
    assert_eq!(found["export2"]["rules"], e1["rules"]);
    assert_eq!(found["emptied"], 0);
    assert_eq!(found["imported"], decisions.len());
    assert_eq!(found["export2b"]["decisions"], e1["decisions"]);
    assert_eq!(found["export2b"]["rules"], e1["rules"]);
    // marked reviewed: every mention decided, the added span kept
    let e3 = &found["export3"];
    assert_eq!(e3["reviewed"], serde_json::json!([name]));
    assert_eq!(
        e3["decisions"].as_array().unwrap().len(),
        mentions.len() + 1
    );

    // every export is what docs/decisions.schema.json says
    let schema: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string("docs/decisions.schema.json").unwrap())
            .unwrap();
    let validator = jsonschema::validator_for(&schema).expect("a valid schema");
    for e in [e1, &found["export2"], e3] {
        let errors: Vec<String> = validator.iter_errors(e).map(|x| x.to_string()).collect();
        assert!(errors.is_empty(), "{errors:?}");
    }

    // the export, read by `gazetteer apply` on a copy of the default sources
    let decisions_file = dir.path().join("decisions.json");
    std::fs::write(&decisions_file, serde_json::to_vec_pretty(e3).unwrap()).unwrap();
    let gaz = dir.path().join("gazetteer");
    std::fs::create_dir(&gaz).unwrap();
    for entry in std::fs::read_dir("gazetteer").unwrap() {
        let p = entry.unwrap().path();
        std::fs::copy(&p, gaz.join(p.file_name().unwrap())).unwrap();
    }
    let snapshot = |dir: &Path| -> std::collections::BTreeMap<String, String> {
        std::fs::read_dir(dir)
            .unwrap()
            .map(|e| {
                let p = e.unwrap().path();
                (
                    p.file_name().unwrap().to_string_lossy().into_owned(),
                    std::fs::read_to_string(&p).unwrap(),
                )
            })
            .collect()
    };
    let before = snapshot(&gaz);
    let dry = gaztag(&[
        "gazetteer",
        "apply",
        s(&decisions_file),
        "--dir",
        s(&gaz),
        "--dry-run",
    ]);
    assert_eq!(dry.status.code(), Some(0), "{}", stderr(&dry));
    assert_eq!(snapshot(&gaz), before, "a dry run writes nothing");
    let diff = stdout(&dry);
    assert!(
        diff.contains("+ghdaa\tPER\tغداة"),
        "{diff}\n{}",
        stderr(&dry)
    );
    let run = gaztag(&["gazetteer", "apply", s(&decisions_file), "--dir", s(&gaz)]);
    assert_eq!(run.status.code(), Some(0), "{}", stderr(&run));
    assert_eq!(
        stdout(&run),
        diff,
        "the run makes the changes the dry run showed"
    );
    let after = snapshot(&gaz);
    for block in diff.split("--- ").skip(1) {
        let file = block.lines().next().unwrap();
        let file = Path::new(file)
            .file_name()
            .unwrap()
            .to_string_lossy()
            .into_owned();
        for line in block.lines().skip(2) {
            if let Some(added) = line.strip_prefix('+') {
                assert!(after[&file].lines().any(|l| l == added), "{file}: {added}");
            } else if let Some(removed) = line.strip_prefix('-') {
                assert!(
                    !after[&file].lines().any(|l| l == removed),
                    "{file}: {removed}"
                );
            }
        }
    }
    let changed: Vec<&String> = after
        .keys()
        .filter(|k| before.get(*k) != after.get(*k))
        .collect();
    assert_eq!(
        changed.len(),
        diff.matches("\n+++ ").count() + usize::from(diff.starts_with("+++ ")),
        "{changed:?}"
    );

    // tagged again with the changed sources: the added name is found, the rejected spelling
    // is not
    let tag = |gazetteer: &Path| -> serde_json::Value {
        let o = gaztag(&[
            "tag",
            &format!("seeds/{name}"),
            "--no-default",
            "--gazetteer",
            s(gazetteer),
        ]);
        assert!(o.status.success(), "{}", stderr(&o));
        serde_json::from_str(stdout(&o).lines().next().unwrap()).unwrap()
    };
    let retagged = tag(&gaz);
    let ms = retagged["mentions"].as_array().unwrap();
    assert!(
        ms.iter()
            .any(|m| m["text"] == "غداة" && m["type"] == "PER" && m["entity"] == "ghdaa"),
        "{retagged}"
    );
    let is_spelling =
        |m: &&serde_json::Value| m["entity"] == spelling["entity"] && m["text"] == spelling["text"];
    assert!(!ms.iter().any(|m| is_spelling(&m)), "{}", stderr(&run));
    let original = tag(Path::new("gazetteer"));
    assert!(
        original["mentions"]
            .as_array()
            .unwrap()
            .iter()
            .any(|m| is_spelling(&m))
    );
}

/// Reads the compact mention JSON of a page, lets `edit` change it, writes it back.
fn edit_page_json(page: &Path, edit: impl FnOnce(&mut serde_json::Value)) {
    let html = std::fs::read_to_string(page).unwrap();
    let open = "<script type=\"application/json\" id=\"gaztag-mentions\">";
    let start = html.find(open).unwrap() + open.len();
    let end = start + html[start..].find("</script>").unwrap();
    let mut data: serde_json::Value = serde_json::from_str(&html[start..end]).unwrap();
    edit(&mut data);
    let json = serde_json::to_string(&data)
        .unwrap()
        .replace('<', "\\u003c");
    std::fs::write(page, format!("{}{json}{}", &html[..start], &html[end..])).unwrap();
}

/// A mention whose key names two entities: its tooltip offers the other, and choosing it is
/// exported as an accept with the chosen entity; a score, Wikidata and GeoNames ids and a
/// gazetteer line, when the annotations have them, show in the tooltip (links out) and the
/// score filter hides the mention.
const CANDIDATE_HARNESS: &str = r#"<!DOCTYPE html><meta charset="utf-8"><pre id="out">not run</pre>
<iframe id="f" src="PAGE_URL" width="1200" height="800"></iframe>
<script>
var f = document.getElementById('f');
f.addEventListener('load', function () {
  var out = {};
  try {
    var w = f.contentWindow, d = f.contentDocument, g = w.gaztag, M = g.mentions;
    var k = M.findIndex(function (m) { return m.candidates; });
    out.k = k;
    var mk = d.getElementById('m' + k);
    mk.click();
    var tip = d.getElementById('tip');
    out.tip = tip.textContent;
    out.links = Array.from(tip.querySelectorAll('a')).map(function (a) { return a.href; });
    var other = M[k].candidates.filter(function (c) { return c.entity !== M[k].entity; })[0];
    out.other = other.entity;
    Array.from(tip.querySelectorAll('button')).filter(function (b) {
      return b.title === 'accept it as ' + other.entity;
    })[0].click();
    out.chosen = mk.classList.contains('dec-other');
    out.cardLinks = (function () {
      d.querySelector('a.ent[data-mentions~="m' + k + '"]').click();
      return Array.from(d.querySelectorAll('#card a')).map(function (a) { return a.href; });
    })();
    var min = d.querySelector('input[data-filter="min"]');
    min.value = '0.5'; min.dispatchEvent(new w.Event('input'));
    out.shownWithMin = g.shown();
    min.value = ''; min.dispatchEvent(new w.Event('input'));
    // a name cut short: adding over it is refused until it is rejected, then it lies inside
    var m0 = d.getElementById('m0'), r = d.createRange();
    r.setStart(m0.previousSibling, 0); r.setEndAfter(m0);
    w.getSelection().removeAllRanges(); w.getSelection().addRange(r);
    out.addedBeforeReject = g.addSelection('PER');
    g.decide(0, 'reject');
    w.getSelection().removeAllRanges(); w.getSelection().addRange(r);
    out.addedAfterReject = g.addSelection('PER');
    var added = d.querySelector('mark.added');
    out.added = added && { text: added.textContent, holds: !!added.querySelector('#m0') };
    out.export = g.exportDecisions();
  } catch (err) { out.error = String(err && err.stack || err); }
  document.getElementById('out').textContent = JSON.stringify(out).replace(/[\u007f-\uffff]/g,
    function (c) { return '\\u' + ('0000' + c.charCodeAt(0).toString(16)).slice(-4); });
});
</script>
"#;

#[test]
fn another_candidate_links_and_score_in_the_browser() {
    let Some(browser) = chromium() else {
        skip("another_candidate_links_and_score_in_the_browser");
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let docs = dir.path().join("docs");
    let gaz = dir.path().join("gaz");
    std::fs::create_dir(&docs).unwrap();
    std::fs::create_dir(&gaz).unwrap();
    std::fs::write(gaz.join("x.tsv"), "baku-2\tORG\tباكو\n").unwrap();
    std::fs::write(docs.join("d.txt"), "زار بوتين باكو أمس").unwrap();
    let ann = dir.path().join("ann");
    let o = gaztag(&["tag", s(&docs), "--out", s(&ann), "--gazetteer", s(&gaz)]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = dir.path().join("html");
    let o = gaztag(&["review", s(&ann), "--docs", s(&docs), "--html", s(&out)]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let page = out.join("d.txt.html");
    // what newer annotations carry, put in as they will be
    edit_page_json(&page, |data| {
        for row in data["mentions"].as_array_mut().unwrap() {
            if row.get(3).is_some_and(|more| more.get("a").is_some()) {
                let more = row[3].as_object_mut().unwrap();
                more.insert("score".into(), 0.4.into());
                more.insert("wikidata".into(), "Q9248".into());
                more.insert("geonames".into(), "587084".into());
                more.insert("source".into(), "places.tsv:7".into());
            }
        }
    });
    let found = run_harness(&browser, &page, CANDIDATE_HARNESS);
    assert!(found.get("error").is_none(), "{found}");
    let k = found["k"].as_u64().unwrap();
    let tip = found["tip"].as_str().unwrap();
    for part in [
        "score0.400",
        "gazetteerplaces.tsv:7",
        "Wikidata Q9248",
        "GeoNames 587084",
    ] {
        assert!(tip.contains(part), "{part}: {tip}");
    }
    let links = serde_json::json!([
        "https://www.wikidata.org/wiki/Q9248",
        "https://www.geonames.org/587084"
    ]);
    assert_eq!(found["links"], links);
    assert_eq!(found["cardLinks"], links);
    assert_eq!(found["chosen"], true);
    // a score below the range hides the mention; one without a score stays
    let shown = found["shownWithMin"].as_array().unwrap();
    assert!(!shown.contains(&format!("m{k}").into()), "{found}");
    assert!(!shown.is_empty());
    let decisions = found["export"]["decisions"].as_array().unwrap();
    let d = decisions.iter().find(|d| d["text"] == "باكو").unwrap();
    assert_eq!(d["decision"], "accept");
    assert_eq!(d["entity"], found["other"]);
    assert_ne!(d["was"]["entity"], found["other"]);

    // the span corrected: refused over a mention still standing, taken over a rejected one
    assert_eq!(found["addedBeforeReject"], false);
    assert_eq!(found["addedAfterReject"], true);
    assert_eq!(
        found["added"],
        serde_json::json!({"text": "زار بوتين", "holds": true})
    );
    let kinds: Vec<(&str, &str)> = decisions
        .iter()
        .map(|d| (d["decision"].as_str().unwrap(), d["text"].as_str().unwrap()))
        .collect();
    assert_eq!(
        kinds,
        [
            ("add", "زار بوتين"),
            ("reject", "بوتين"),
            ("accept", "باكو")
        ]
    );
    // and read back by apply: the rejected part is no spelling to remove
    let file = dir.path().join("decisions.json");
    std::fs::write(&file, serde_json::to_vec(&found["export"]).unwrap()).unwrap();
    let o = gaztag(&[
        "gazetteer",
        "apply",
        s(&file),
        "--dir",
        "gazetteer",
        "--dry-run",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("the span was wrong, not the spelling"),
        "{}",
        stderr(&o)
    );
    assert!(!stdout(&o).contains("-vladimir-putin"), "{}", stdout(&o));
}

/// The index: its entity list searched and filtered by type, an entity's documents listed.
const INDEX_HARNESS: &str = r#"<!DOCTYPE html><meta charset="utf-8"><pre id="out">not run</pre>
<iframe id="f" src="PAGE_URL" width="1200" height="800"></iframe>
<script>
var f = document.getElementById('f');
f.addEventListener('load', function () {
  var out = {};
  try {
    var w = f.contentWindow, d = f.contentDocument;
    function rows(id) {
      return Array.from(d.querySelectorAll('#' + id + ' tbody tr')).map(function (tr) {
        return Array.from(tr.cells).map(function (c) { return c.textContent; });
      });
    }
    out.documents = rows('documents');
    d.getElementById('tab-entities').click();
    out.entities = rows('entities').length;
    var search = d.getElementById('search');
    search.value = 'moscow'; search.dispatchEvent(new w.Event('input'));
    out.moscow = rows('entities');
    d.querySelector('#entities button.more').click();
    out.moscowDocs = rows('documents').map(function (r) { return r[0]; });
    search.value = ''; search.dispatchEvent(new w.Event('input'));
    d.getElementById('tab-entities').click();
    d.querySelector('input[data-filter="types"][value="LOC"]').click();
    out.noLoc = rows('entities').map(function (r) { return r[0]; });
  } catch (err) { out.error = String(err && err.stack || err); }
  document.getElementById('out').textContent = JSON.stringify(out).replace(/[\u007f-\uffff]/g,
    function (c) { return '\\u' + ('0000' + c.charCodeAt(0).toString(16)).slice(-4); });
});
</script>
"#;

#[test]
fn index_lists_searches_and_filters_entities_in_the_browser() {
    let Some(browser) = chromium() else {
        skip("index_lists_searches_and_filters_entities_in_the_browser");
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let ann = tag_seeds(dir.path());
    let out = dir.path().join("html");
    let o = gaztag(&["review", s(&ann), "--docs", "seeds", "--html", s(&out)]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let found = run_harness(&browser, &out.join("index.html"), INDEX_HARNESS);
    assert!(found.get("error").is_none(), "{found}");
    // expected from the annotations
    let mut entities = std::collections::BTreeMap::<(String, String), Vec<String>>::new();
    for name in seed_names() {
        for m in annotations(&ann, &name)["mentions"].as_array().unwrap() {
            let key = (
                m["type"].as_str().unwrap().to_owned(),
                m["entity"].as_str().unwrap().to_owned(),
            );
            entities.entry(key).or_default().push(name.clone());
        }
    }
    let documents = found["documents"].as_array().unwrap();
    assert_eq!(documents.len(), seed_names().len());
    for (row, name) in documents.iter().zip(seed_names()) {
        let n = annotations(&ann, &name)["mentions"]
            .as_array()
            .unwrap()
            .len();
        assert_eq!(
            (&row[0], &row[1]),
            (&name.clone().into(), &n.to_string().into())
        );
    }
    assert_eq!(found["entities"], entities.len().min(100));
    let moscow = &entities[&("LOC".to_owned(), "moscow".to_owned())];
    // the search finds every entity whose id or name holds it, most mentioned first
    let rows = found["moscow"].as_array().unwrap();
    let ids: Vec<&serde_json::Value> = rows.iter().map(|r| &r[2]).collect();
    let mut expected: Vec<(&(String, String), usize)> = entities
        .iter()
        .filter(|((_, id), _)| id.contains("moscow"))
        .map(|(k, v)| (k, v.len()))
        .collect();
    expected.sort_by_key(|(_, n)| std::cmp::Reverse(*n));
    assert_eq!(ids.len(), expected.len(), "{found}");
    assert_eq!(ids[0], "moscow");
    assert!(ids.iter().all(|id| id.as_str().unwrap().contains("moscow")));
    assert_eq!(rows[0][3], moscow.len().to_string());
    let mut docs = moscow.clone();
    docs.dedup();
    assert_eq!(rows[0][4], docs.len().to_string());
    assert_eq!(found["moscowDocs"], serde_json::json!(docs));
    let no_loc = found["noLoc"].as_array().unwrap();
    assert!(
        !no_loc.is_empty() && no_loc.iter().all(|t| t != "LOC"),
        "{found}"
    );
}

/// The loop without a browser: decisions written as the pages export them (one document
/// reviewed, a missed organization added), scored by eval, applied, scored again.
#[test]
fn decisions_from_review_are_gold_data_and_gazetteer_edits() {
    let dir = tempfile::tempdir().unwrap();
    let ann = tag_seeds(dir.path());
    let name = "003_56097a8b74bfb2b0.txt";
    let doc = annotations(&ann, name);
    let text = std::fs::read_to_string(Path::new("seeds").join(name)).unwrap();
    let missed = "قوات الأمن الأرمينية";
    let start = text[..text.find(missed).unwrap()].chars().count();
    let mut decisions = vec![serde_json::json!({
        "document": name, "start": start, "end": start + missed.chars().count(), "text": missed,
        "decision": "add", "type": "ORG", "entity": "", "name": missed, "by": "mention"})];
    for m in doc["mentions"].as_array().unwrap() {
        decisions.push(serde_json::json!({
            "document": name, "start": m["start"], "end": m["end"], "text": m["text"],
            "decision": "accept", "type": m["type"], "entity": m["entity"], "name": m["name"],
            "by": "document",
            "was": {"type": m["type"], "entity": m["entity"], "name": m["name"],
                    "variant": m["variant"], "match": m["match"]}}));
    }
    let file = dir.path().join("decisions.json");
    let all =
        serde_json::json!({"gaztag_decisions": 1, "reviewed": [name], "decisions": decisions});
    std::fs::write(&file, serde_json::to_vec_pretty(&all).unwrap()).unwrap();

    let gold = dir.path().join("reviewed.conll");
    let eval = |extra: &[&str]| -> serde_json::Value {
        let mut args = vec!["eval", "--decisions", s(&file), "--docs", "seeds", "--json"];
        args.extend(extra);
        let o = gaztag(&args);
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        serde_json::from_slice(&o.stdout).unwrap()
    };
    let before = eval(&["--save-gold", s(&gold)]);
    assert_eq!(before["documents"], 1);
    assert_eq!(before["types"]["ORG"]["fn"], 1, "{before}");
    let conll = std::fs::read_to_string(&gold).unwrap();
    assert!(conll.starts_with("-DOCSTART- O\n\n"));
    assert!(
        conll.contains("قوات B-ORG\nالأمن I-ORG\nالأرمينية I-ORG\n"),
        "{conll}"
    );
    // the saved CoNLL is gold data for eval as it is
    let o = gaztag(&["eval", "--gold", s(&gold), "--json"]);
    let again: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(again["micro"], before["micro"]);

    let gaz = dir.path().join("gazetteer");
    std::fs::create_dir(&gaz).unwrap();
    for entry in std::fs::read_dir("gazetteer").unwrap() {
        let p = entry.unwrap().path();
        std::fs::copy(&p, gaz.join(p.file_name().unwrap())).unwrap();
    }
    let o = gaztag(&["gazetteer", "apply", s(&file), "--dir", s(&gaz)]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(
        stdout(&o).contains(&format!("+qwat-alamn-alarmynya\tORG\t{missed}\n")),
        "{}",
        stdout(&o)
    );
    assert!(
        stderr(&o).ends_with("1 edit(s) in 1 file(s)\n"),
        "{}",
        stderr(&o)
    );
    let after = eval(&["--no-default", "--gazetteer", s(&gaz)]);
    assert_eq!(after["types"]["ORG"]["fn"], 0, "{after}");
    assert_eq!(after["micro"]["fp"], before["micro"]["fp"]);

    // applied again: the name is a spelling now, nothing to do
    let o = gaztag(&[
        "gazetteer",
        "apply",
        s(&file),
        "--dir",
        s(&gaz),
        "--dry-run",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stdout(&o).is_empty(), "{}", stdout(&o));
    assert!(
        stderr(&o).contains("already a spelling of ORG `qwat-alamn-alarmynya`"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn bad_decisions_files_are_refused_with_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("d.json");
    let run = |text: &str| {
        std::fs::write(&file, text).unwrap();
        let o = gaztag(&[
            "gazetteer",
            "apply",
            s(&file),
            "--dir",
            "gazetteer",
            "--dry-run",
        ]);
        assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
        stderr(&o)
    };
    let e = run("{\"gaztag_decisions\": 1,\n \"decisions\": [\n  {\"document\": \"a\"}\n]}");
    assert!(
        e.starts_with(&format!(
            "gaztag: error: {}:3: not a decisions file",
            file.display()
        )),
        "{e}"
    );
    let e = run("[1, 2]");
    assert!(e.contains("d.json:1: not a decisions file"), "{e}");
    std::fs::write(
        &file,
        "{\"gaztag_decisions\": 1, \"reviewed\": [\"../etc/passwd\"], \"decisions\": []}",
    )
    .unwrap();
    let o = gaztag(&["eval", "--decisions", s(&file), "--docs", "seeds"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("reviewed document: its name \"../etc/passwd\""),
        "{}",
        stderr(&o)
    );
    std::fs::write(&file, "{\"gaztag_decisions\": 1, \"decisions\": []}").unwrap();
    let o = gaztag(&["eval", "--decisions", s(&file), "--docs", "seeds"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("no document is marked reviewed"),
        "{}",
        stderr(&o)
    );
}
