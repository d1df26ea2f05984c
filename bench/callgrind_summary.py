#!/usr/bin/env python3
"""Where gaztag's time goes, from callgrind profiles of `gaztag tag`: one table row per stage.

usage: callgrind_summary.py LABEL=CALLGRIND_OUT=INPUT_BYTES ...
Prints a markdown table: instructions per input byte for each stage, and its share of the
whole process.  Stages are found by function name (inclusive cost, the largest entry of a
function that debug info splits over several files); rename a function and its row shows 0.
Needs callgrind_annotate (valgrind).  Standard library only.
"""
import collections
import re
import subprocess
import sys


def annotate(args):
    return subprocess.run(["callgrind_annotate", "--threshold=100"] + args,
                          capture_output=True, text=True, check=True).stdout


def inclusive(path):
    total, cost = None, collections.Counter()
    for line in annotate(["--inclusive=yes", path]).splitlines():
        m = re.match(r"\s*([\d,]+) \(\s*[\d.]+%\)\s+(.*)$", line)
        if not m:
            continue
        n, rest = int(m.group(1).replace(",", "")), m.group(2)
        if rest.startswith("PROGRAM TOTALS"):
            total = n
            continue
        rest = re.sub(r" \[[^\]]*\]$", "", rest)
        fn = rest.split(":", 1)[1] if ":" in rest else rest
        cost[fn] = max(cost[fn], n)
    return total, cost


def stages(path):
    total, c = inclusive(path)
    collect, step = c["gaztag::tagger::Tagger::collect"], c["gaztag::tagger::step"]
    json = max([v for k, v in c.items() if "Serialize for gaztag::annotation::Document>::serialize" in k
                or k == "gaztag::annotation::Document::write_json"] or [0])
    names = sum(
        c[m + "::Names::" + f]
        for m in ("gaztag::names", "gaztag::tagger::rules::names")  # before and after issue 13
        for f in ("compose", "alias", "learn")
    )
    return total, [
        ("decoding: read + UTF-8 check (`corpus::read_document_as`)", c["gaztag::corpus::read_document_as"]),
        ("folding: `normalize::normalize` (folded text + offset map)", c["gaztag::normalize::normalize_with"]),
        ("segmentation: `segment::words`", c["gaztag::segment::words"]),
        ("fst walk: node steps (`tagger::step`)", step),
        ("fst walk: the rest (clitic readings, first-letter table, walk loop)", collect - step),
        ("selection: `choose`/`allowed` (light_form, key_of, common words)", c["gaztag::tagger::Tagger::choose"]),
        ("name rules: `names::Names` compose, alias, learn", names),
        ("JSON writing: `Document::write_json` (`serde_json` before)", json),
        ("*of which, inside folding + segmentation: `char::is_alphabetic` slow path*",
         c["core::unicode::unicode_data::alphabetic::lookup_slow"]),
    ]


def main():
    cols = []
    for arg in sys.argv[1:]:
        label, path, nbytes = arg.split("=")
        total, rows = stages(path)
        cols.append((label, int(nbytes), total, rows))
    if not cols:
        sys.exit(__doc__)
    print("| instructions per input byte (share) | " + " | ".join(c[0] for c in cols) + " |")
    print("|---|" + "---:|" * len(cols))
    print("| **whole process** | " + " | ".join(f"**{t / b:.0f}**" for _, b, t, _ in cols) + " |")
    for i, (name, _) in enumerate(cols[0][3]):
        cells = [f"{rows[i][1] / b:.0f} ({100 * rows[i][1] / t:.0f} %)" for _, b, t, rows in cols]
        print(f"| {name} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
