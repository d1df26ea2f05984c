#!/usr/bin/env python3
"""The variant benchmark end to end: `gaztag tag --fuzzy` on each spelling as a document.

`examples/variants` scores `src/distance.rs` alone; this scores what a user gets. For a part of
`tests/data/variants/variants.tsv` (dev or heldout) it writes, per round r, a gazetteer of every
place of `bench/data/variants-names.tsv` (both written by scripts/variants.py) without the r-th
spelling of each group of the part, and one document per such spelling holding that spelling on
its own line; it builds the gazetteer, runs `gaztag tag DOCS --no-default --gazetteer G --fuzzy`,
and scores as the example does: the places a query's mentions name (entity and candidates) are
its answer, none or more than 3 is no answer. Recall: queries answered with the right place,
over all queries; precision: right places over places returned; cands: places per answer.
A spelling that also names another place (after folding) is left out, as in the example.

Usage: scripts/variants_tag.py [--gaztag target/release/gaztag] [--part heldout] [-- TAG ARGS]
Writes under target/variants-tag/ only. Standard library only.
"""
import argparse
import collections
import importlib.util
import json
import os
import shutil
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
spec = importlib.util.spec_from_file_location("variants", os.path.join(ROOT, "scripts", "variants.py"))
variants = importlib.util.module_from_spec(spec)
spec.loader.exec_module(variants)
fold = variants.fold


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--gaztag", default=os.path.join(ROOT, "target", "release", "gaztag"))
    ap.add_argument("--part", action="append", choices=["dev", "heldout"])
    ap.add_argument("--dump", help="write one line per query (part, spelling, truth, cost, answer)")
    ap.add_argument("tag_args", nargs="*", help="more arguments for `gaztag tag` (after --)")
    a = ap.parse_args()
    parts = a.part or ["dev", "heldout"]
    names_path = os.path.join(ROOT, "bench", "data", "variants-names.tsv")
    if not os.path.exists(names_path):
        sys.exit(f"{names_path} is missing: run scripts/variants.py first")
    names = collections.defaultdict(list)
    with open(names_path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            gid, s = line.rstrip("\n").split("\t")
            names[gid].append(s)
    owners = collections.defaultdict(set)
    for gid, ss in names.items():
        for s in ss:
            owners[fold(s)].add(gid)
    dump = open(a.dump, "w", encoding="utf-8") if a.dump else None
    for part in parts:
        score(a, part, names, owners, dump)


def score(a, part, names, owners, dump):
    groups = collections.defaultdict(list)
    with open(os.path.join(ROOT, "tests", "data", "variants", "variants.tsv"), encoding="utf-8") as f:
        for line in f:
            if line.startswith("#"):
                continue
            p, gid, s = line.rstrip("\n").split("\t")
            if p != part or owners[fold(s)] != {gid}:
                continue
            if fold(s) not in {fold(x) for x in groups[gid]}:
                groups[gid].append(s)
    out = os.path.join(ROOT, "target", "variants-tag", part)
    shutil.rmtree(out, ignore_errors=True)
    hit = returned = answered = queries = 0
    for r in range(max(len(ss) for ss in groups.values())):
        asked = {gid: ss[r] for gid, ss in sorted(groups.items()) if len(ss) > r}
        gaz, docs = os.path.join(out, f"r{r}", "gaz"), os.path.join(out, f"r{r}", "docs")
        os.makedirs(gaz)
        os.makedirs(docs)
        with open(os.path.join(gaz, "places.tsv"), "w", encoding="utf-8") as f:
            for gid, ss in names.items():
                keep, seen = [], {fold(asked[gid])} if gid in asked else set()
                for s in ss:
                    if fold(s) not in seen:
                        seen.add(fold(s))
                        keep.append(s)
                if keep:
                    f.write(f"g{gid}\tLOC\t{keep[0]}\t{'|'.join(keep[1:])}\n")
        truth = {}
        for i, (gid, s) in enumerate(asked.items()):
            name = f"q{i:05d}.txt"
            with open(os.path.join(docs, name), "w", encoding="utf-8") as f:
                f.write(s + "\n")
            truth[name] = (f"g{gid}", s)
        g = os.path.join(out, f"r{r}", "g.gaz")
        subprocess.run([a.gaztag, "gazetteer", "build", gaz, "-o", g], check=True,
                       capture_output=True)
        run = subprocess.run([a.gaztag, "tag", docs, "--no-default", "--gazetteer", g, "--fuzzy",
                              "-q", *a.tag_args], check=True, capture_output=True, text=True)
        for line in run.stdout.splitlines():
            d = json.loads(line)
            ents = set()
            for m in d["mentions"]:
                ents.add(m["entity"])
                ents.update(c["entity"] for c in m.get("candidates", []))
            right, spelling = truth[d["document"]]
            if dump:
                costs = ",".join(str(m.get("cost")) for m in d["mentions"])
                dump.write(f"{part}\t{spelling}\t{right}\t{costs}\t{','.join(sorted(ents))}\n")
            if not ents or len(ents) > 3:
                continue
            answered += 1
            returned += len(ents)
            hit += right in ents
        queries += len(truth)
    print(f"{part}: recall {hit / queries:.3f}  precision {hit / max(returned, 1):.3f}  "
          f"cands {returned / max(answered, 1):.2f}  ({queries} queries, {answered} answered)")


if __name__ == "__main__":
    main()
