//! `gaztag diff` holds one document of each side at a time, not the runs (issue 17: two runs
//! over 1 GB of text took 8.1 GB). Measured with a counting allocator: the peak heap while
//! two runs of 12 MB each are indexed and compared stays under a bound set by the largest
//! document, and the old way (both runs read whole, then compared) is shown to exceed it, so
//! the measurement tells the two apart.

use std::alloc::{GlobalAlloc, Layout, System};
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};

use gaztag::annotation::{Document, read_annotations};
use gaztag::diff::{self, Format, Run, Side, Sources};
use gaztag::review::locate::Locator;

struct Counting;

static NOW: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

// SAFETY: every call is passed to the system allocator unchanged; the counters only observe.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            let now = NOW.fetch_add(layout.size(), Relaxed) + layout.size();
            PEAK.fetch_max(now, Relaxed);
        }
        p
    }
    unsafe fn dealloc(&self, p: *mut u8, layout: Layout) {
        unsafe { System.dealloc(p, layout) };
        NOW.fetch_sub(layout.size(), Relaxed);
    }
    unsafe fn realloc(&self, p: *mut u8, layout: Layout, size: usize) -> *mut u8 {
        let q = unsafe { System.realloc(p, layout, size) };
        if !q.is_null() {
            if size > layout.size() {
                let now = NOW.fetch_add(size - layout.size(), Relaxed) + size - layout.size();
                PEAK.fetch_max(now, Relaxed);
            } else {
                NOW.fetch_sub(layout.size() - size, Relaxed);
            }
        }
        q
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// The most bytes on the heap while `f` runs, above what was there before.
fn peak_of<T>(f: impl FnOnce() -> T) -> (T, usize) {
    let base = NOW.load(Relaxed);
    PEAK.store(base, Relaxed);
    let out = f();
    (out, PEAK.load(Relaxed) - base)
}

/// A run of `docs` documents of `mentions` mentions each, as JSON Lines; in the new run every
/// tenth document has one mention removed and one retyped. Returns the longest line.
fn write_runs(dir: &Path, docs: usize, mentions: usize) -> usize {
    let mut longest = 0;
    for (name, new) in [("old.jsonl", false), ("new.jsonl", true)] {
        let mut text = String::new();
        for d in 0..docs {
            let mut ms = Vec::new();
            for i in 0..mentions {
                if new && d % 10 == 0 && i == 3 {
                    continue;
                }
                let kind = if new && d % 10 == 0 && i == 5 {
                    "ORG"
                } else {
                    "LOC"
                };
                ms.push(format!(
                    r#"{{"start":{s},"end":{e},"byte_start":{s},"byte_end":{e},"text":"باكو","type":"{kind}","entity":"baku-{i}","name":"باكو","variant":"باكو","prefix":"","match":"exact","score":0.95}}"#,
                    s = 10 * i,
                    e = 10 * i + 4,
                ));
            }
            let line = format!(
                r#"{{"document":"doc-{d:05}.txt","chars":{},"mentions":[{}]}}"#,
                10 * mentions,
                ms.join(",")
            );
            longest = longest.max(line.len());
            text.push_str(&line);
            text.push('\n');
        }
        std::fs::write(dir.join(name), text).unwrap();
    }
    longest
}

#[test]
fn diff_holds_a_document_per_side_not_the_runs() {
    let dir = tempfile::tempdir().unwrap();
    let longest = write_runs(dir.path(), 800, 100);
    let (old, new) = (dir.path().join("old.jsonl"), dir.path().join("new.jsonl"));
    let run_bytes = std::fs::metadata(&old).unwrap().len() as usize;
    // the annotations are read as `Document`s, which take more room than their JSON: the
    // bound allows each side's document a few times over, buffers and the index
    let bound = 16 * longest + (1 << 20);
    assert!(
        run_bytes > 8 * bound,
        "the runs are too small to tell: {run_bytes}"
    );
    let locator = Locator::default();

    for format in [Format::Text, Format::Json] {
        let (summary, peak) = peak_of(|| {
            let old = Run::index(&old, Side::Old).unwrap();
            let new = Run::index(&new, Side::New).unwrap();
            let mut out = std::io::sink();
            diff::write_report(&old, &new, format, &locator, 30, &mut out, Path::new("-")).unwrap()
        });
        eprintln!("{format:?}: peak {peak}, bound {bound}, run {run_bytes}");
        assert_eq!(
            (summary.differing, summary.removed, summary.changed),
            (80, 80, 80)
        );
        assert!(
            peak < bound,
            "{format:?}: {peak} bytes at the peak, bound {bound} (runs of {run_bytes} bytes)"
        );
    }

    // the old way: both runs read whole, then compared and rendered
    let (report, peak) = peak_of(|| {
        let old: Vec<Document> = read_annotations(&old).unwrap();
        let new: Vec<Document> = read_annotations(&new).unwrap();
        let d = diff::compare(&old, &new).unwrap();
        diff::render_text(&d, &Sources::load(&d, &locator), 30)
    });
    eprintln!("old way: peak {peak}");
    assert!(report.contains("80 differing"), "{report}");
    assert!(
        peak > 4 * bound,
        "the old way takes {peak} bytes: the bound {bound} does not tell the designs apart"
    );
}
