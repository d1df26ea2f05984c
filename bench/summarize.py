#!/usr/bin/env python3
"""Turn bench/run.sh's raw.tsv into the markdown tables of BENCHMARKS.md, targets included.

usage: summarize.py RAW.tsv DATA_DIR [CRITERION.txt]
raw.tsv columns: section corpus gazetteer tool threads rep wall_s rss_kb count rc
  section: tag | build | load | big | seed
Wall = median over the repeats that exited 0; peak RSS = max over them; MB = 10**6 bytes,
MiB = 2**20 bytes.  Standard library only.
"""
import collections
import os
import re
import statistics
import sys

GAZ_ORDER = {"-": 0, "1k": 1, "100k": 2, "1m": 3, "default": 4}
FLOORS = ("cat", "readall", "tokenize")


def load(path):
    rows = collections.defaultdict(list)
    with open(path, encoding="utf-8") as f:
        for line in f:
            c = line.rstrip("\n").split("\t")
            if len(c) != 10:
                continue
            section, corpus, gaz, tool, thr, _rep, wall, rss, n, rc = c
            rows[(section, corpus, gaz, tool, int(thr))].append(
                (float(wall), int(rss), int(n), int(rc)))
    return rows


class Row:
    def __init__(self, runs):
        ok = [r for r in runs if r[3] == 0]
        self.runs = f"{len(ok)}/{len(runs)} ok"
        self.ok = bool(ok)
        self.wall = statistics.median(r[0] for r in ok) if ok else None
        self.rss_mib = max(r[1] for r in ok) / 1024 if ok else None
        self.count = ok[-1][2] if ok else None


def corpus_bytes(data, corpus):
    d = os.path.join(data, f"corpus-{corpus}")
    total = 0
    for root, _, files in os.walk(d):
        total += sum(os.path.getsize(os.path.join(root, f)) for f in files if f.endswith(".txt"))
    return total


def fmt(x, nd=2):
    if x is None:
        return "–"
    if x >= 100:
        return f"{x:.0f}"
    return f"{x:.{nd}f}"


def tool_name(tool, thr):
    if tool in ("gaztag-norules",):
        return f"gaztag --no-compose --no-aliases -{thr}t"
    if tool in ("gaztag-fuzzy", "gaztag-out"):
        return f"gaztag {'--fuzzy' if tool.endswith('fuzzy') else '--out DIR'} -{thr}t"
    if tool == "gaztag-out-over":
        return f"gaztag --out DIR over the files of a run before -{thr}t"
    if tool == "gaztag-out-emptied":
        return f"gaztag --out DIR just emptied (rm -rf) -{thr}t"
    if tool in ("cat", "pyahocorasick", "flashtext", "spacy") or tool.endswith("-build") or tool == "fst-load":
        return tool
    return f"{tool}-{thr}t"


def criterion(path):
    """(name, time, throughput) from criterion's terminal output."""
    if not path or not os.path.exists(path):
        return []
    out, name = [], None
    pending = {}
    with open(path, encoding="utf-8", errors="replace") as f:
        for line in f:
            line = line.rstrip()
            m = re.match(r"^(\S+/\S+)\s*(time:.*)?$", line)
            if m and not line.startswith(" "):
                name = m.group(1)
                line = m.group(2) or ""
            t = re.search(r"time:\s+\[\S+ \S+ (\S+ \S+) \S+ \S+\]", line)
            if t and name:
                pending[name] = [t.group(1), "–"]
                out.append(name)
            th = re.search(r"thrpt:\s+\[\S+ \S+ (\S+ \S+) \S+ \S+\]", line)
            if th and name in pending:
                pending[name][1] = th.group(1)
    return [(n, *pending[n]) for n in out]


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    rows = load(sys.argv[1])
    data = sys.argv[2]
    crit = criterion(sys.argv[3] if len(sys.argv) > 3 else None)
    get = lambda *k: Row(rows[k]) if k in rows else None  # noqa: E731
    corpora = sorted({k[1] for k in rows if k[0] == "tag"}, key=lambda c: (c != "realistic", c))
    sizes = {c: corpus_bytes(data, c) for c in corpora + ["1gb"]}

    print("## Tagging, whole process (start, load, tag, write JSON Lines), warm cache\n")
    for c in corpora:
        mb = sizes[c] / 1e6
        print(f"### corpus `{c}` ({sizes[c]:,} bytes)\n")
        print("| gazetteer | tool | wall s (median) | MB/s | peak RSS MiB | mentions / matches | runs |")
        print("|---|---|---:|---:|---:|---:|---|")
        keys = sorted((k for k in rows if k[0] == "tag" and k[1] == c),
                      key=lambda k: (GAZ_ORDER.get(k[2], 9), k[3] != "gaztag", k[3], k[4]))
        for k in keys:
            r = Row(rows[k])
            name = tool_name(k[3], k[4])
            if k[3] == "gaztag":
                name = f"**{name}**"
            mbs = mb / r.wall if r.wall else None
            cnt = f"{r.count:,}" if r.count else "–"
            print(f"| {k[2]} | {name} | {fmt(r.wall)} | {fmt(mbs, 1)} | {fmt(r.rss_mib, 0)} | {cnt} | {r.runs} |")
        print()

    print("## Index build and load\n")
    print("| gazetteer | what | threads | wall s (median) | peak RSS MiB | runs |")
    print("|---|---|---:|---:|---:|---|")
    for k in sorted((k for k in rows if k[0] in ("build", "load")),
                    key=lambda k: (k[0], GAZ_ORDER.get(k[2], 9), k[3] != "gaztag", k[3], k[4])):
        r = Row(rows[k])
        what = {"build": "gaztag gazetteer build (sources → index)",
                "load": "gaztag tag on an empty document (start + load + exit)"}[k[0]] \
            if k[3] == "gaztag" else k[3]
        print(f"| {k[2]} | {what} | {k[4]} | {fmt(r.wall, 3)} | {fmt(r.rss_mib, 0)} | {r.runs} |")
    print()

    big = {k: Row(v) for k, v in rows.items() if k[0] == "big"}
    if big:
        print("## Memory against corpus size (gaztag, 2 threads, output to /dev/null)\n")
        print("| gazetteer | corpus | bytes | wall s | MB/s | peak RSS MiB |")
        print("|---|---|---:|---:|---:|---:|")
        for k in sorted(big, key=lambda k: (GAZ_ORDER.get(k[2], 9), k[1] == "1gb")):
            r = big[k]
            b = sizes.get(k[1]) or corpus_bytes(data, k[1])
            print(f"| {k[2]} | {k[1]} | {b:,} | {fmt(r.wall)} | {fmt(b / 1e6 / r.wall if r.wall else None, 1)} | {fmt(r.rss_mib, 0)} |")
        print()

    mem = {k: Row(v) for k, v in rows.items() if k[0] == "mem"}
    if mem:
        print("## Memory against the number of documents (embedded default, 2 threads)\n")
        print("| input | how | wall s | peak RSS MiB |")
        print("|---|---|---:|---:|")
        for k in sorted(mem, key=lambda k: (k[3], k[1] != "one")):
            r = mem[k]
            what = "one 50 MB document" if k[1] == "one" else "30 documents of 50 MB"
            how = "`tag --stdin` (JSON Lines records)" if k[3] == "gaztag-stdin" else "`tag DIR` (files)"
            print(f"| {what} | {how} | {fmt(r.wall)} | {fmt(r.rss_mib, 0)} |")
        print()

    seed = get("seed", "-", "default", "gaztag", 1)
    if seed:
        print("## One seed file, embedded gazetteer\n")
        print(f"`gaztag tag seeds/<first>.txt`, whole process: median **{seed.wall * 1000:.1f} ms** "
              f"({'hyperfine, ' + str(seed.count) + ' runs' if seed.count else seed.runs}).\n")

    if crit:
        print("## Criterion (in process; median time, throughput in MB/s of input)\n")
        print("| benchmark | time | throughput |")
        print("|---|---:|---:|")
        for n, t, th in crit:
            print(f"| {n} | {t} | {th} |")
        print()

    # ---- targets ------------------------------------------------------------------------
    print("## Targets\n")
    print("| target | measured | met? |")
    print("|---|---|---|")

    def verdict(ok):
        return "yes" if ok else ("**no**" if ok is not None else "not measured")

    def mbs(c, gaz, tool, thr):
        r = get("tag", c, gaz, tool, thr)
        return sizes[c] / 1e6 / r.wall if r and r.wall else None

    for c in corpora:
        g, ac, ft = mbs(c, "1k", "gaztag", 2), mbs(c, "1k", "ac-dfa", 2), mbs(c, "1k", "flashtext", 1)
        print(f"| {c}, 1k: gaztag-2t ≥ ac-dfa-2t | {fmt(g, 1)} vs {fmt(ac, 1)} MB/s | "
              f"{verdict(g >= ac if g and ac else None)} |")
        print(f"| {c}, 1k: gaztag-2t ≥ 10 × flashtext | {fmt(g, 1)} vs 10 × {fmt(ft, 1)} MB/s | "
              f"{verdict(g >= 10 * ft if g and ft else None)} |")
        r1, rm = get("tag", c, "1k", "gaztag", 2), get("tag", c, "1m", "gaztag", 2)
        if r1 and rm and r1.wall and rm.wall:
            print(f"| {c}: 1M whole run ≤ 2 × 1k run (2 threads) | {rm.wall:.2f} s vs {r1.wall:.2f} s "
                  f"(× {rm.wall / r1.wall:.2f}) | {verdict(rm.wall <= 2 * r1.wall)} |")
            print(f"| {c}: 1M peak RSS < 400 MB | {rm.rss_mib * 1.048576:.0f} MB ({rm.rss_mib:.0f} MiB) | "
                  f"{verdict(rm.rss_mib * 1.048576 < 400)} |")
        for gaz in ("1k", "100k", "1m"):
            a, b = get("tag", c, gaz, "gaztag", 1), get("tag", c, gaz, "gaztag", 2)
            if a and b and a.wall and b.wall:
                print(f"| {c}, {gaz}: 2 threads ≥ 1.8 × 1 thread | × {a.wall / b.wall:.2f} | "
                      f"{verdict(a.wall / b.wall >= 1.8)} |")
    # issue 16: as users run it, embedded default, rules on (realistic corpus); a row per
    # target, "not measured" when the run did not time it
    c = "realistic"
    d2, d1 = get("tag", c, "default", "gaztag", 2), get("tag", c, "default", "gaztag", 1)
    g = mbs(c, "default", "gaztag", 2) if c in corpora else None
    ac = mbs(c, "1k", "ac-dfa", 2) if c in corpora else None
    fc = mbs(c, "1k", "fst-clitics", 2) if c in corpora else None
    print(f"| realistic, default gazetteer, rules on: gaztag-2t ≥ ac-dfa-2t (1k) | {fmt(g, 1)} vs {fmt(ac, 1)} MB/s"
          f"{f' (× {g / ac:.2f})' if g and ac else ''} | {verdict(g >= ac if g and ac else None)} |")
    print(f"| realistic, default gazetteer, rules on: gaztag-2t ≥ fst-clitics-2t (1k) | {fmt(g, 1)} vs {fmt(fc, 1)} MB/s"
          f"{f' (× {g / fc:.2f})' if g and fc else ''} | {verdict(g >= fc if g and fc else None)} |")
    ok = d1 and d2 and d1.wall and d2.wall
    print(f"| realistic, default: 2 threads ≥ 1.8 × 1 thread | "
          f"{f'{d1.wall:.2f} s vs {d2.wall:.2f} s (× {d1.wall / d2.wall:.2f})' if ok else '–'} | "
          f"{verdict(d1.wall / d2.wall >= 1.8 if ok else None)} |")
    for tool, bound, what in (
            ("gaztag-out", 1.3, "`--out` a file per document ≤ 1.3 × JSON Lines (a new folder)"),
            ("gaztag-out-over", 1.3, "`--out` over the files of the run before ≤ 1.3 × JSON Lines"),
            ("gaztag-out-emptied", 1.3, "`--out` into a folder just emptied ≤ 1.3 × JSON Lines"),
            ("gaztag-fuzzy", 2.0, "`--fuzzy` ≤ 2 × plain")):
        r = get("tag", c, "default", tool, 2)
        ok = r and r.wall and d2 and d2.wall
        print(f"| realistic, default: {what} | "
              f"{f'{r.wall:.2f} s vs {d2.wall:.2f} s (× {r.wall / d2.wall:.2f})' if ok else '–'} | "
              f"{verdict(r.wall <= bound * d2.wall if ok else None)} |")
    r1, rm = get("tag", c, "1k", "gaztag", 2), get("tag", c, "1m", "gaztag", 2)
    if not (r1 and rm and r1.wall and rm.wall):
        print("| realistic: 1M whole run ≤ 2 × 1k run (2 threads) | – | not measured |")
    if not mem:
        print("| peak RSS, 30 × 50 MB documents ≤ 2 × one (files and --stdin) | – | not measured (BIG=0) |")
    for tool in ("gaztag", "gaztag-stdin"):
        one, thirty = mem.get(("mem", "one", "default", tool, 2)), mem.get(("mem", "thirty", "default", tool, 2))
        if one and thirty and one.rss_mib and thirty.rss_mib:
            print(f"| {tool}: peak RSS, 30 × 50 MB ≤ 2 × one 50 MB | {thirty.rss_mib:.0f} vs {one.rss_mib:.0f} MiB | "
                  f"{verdict(thirty.rss_mib <= 2 * one.rss_mib)} |")
    ld = get("load", "-", "1m", "gaztag", 1)
    cl = [t for n, t, _ in crit if n == "index/load/1000000"]
    if ld and ld.wall:
        extra = f"; in process (criterion `index/load/1000000`): {cl[0]}" if cl else ""
        print(f"| 1M index load < 50 ms | whole process on an empty document {ld.wall * 1000:.0f} ms{extra} | "
              f"{verdict(ld.wall < 0.05)} |")
    bd = get("build", "-", "1m", "gaztag", 2)
    if bd and bd.wall:
        print(f"| 1M index build from sources < 8 s (2 threads) | {bd.wall:.2f} s, peak RSS {bd.rss_mib:.0f} MiB | "
              f"{verdict(bd.wall < 8)} |")
    for gaz in ("1k", "1m"):
        small, large = big.get(("big", "realistic", gaz, "gaztag", 2)), big.get(("big", "1gb", gaz, "gaztag", 2))
        if small and large and small.rss_mib and large.rss_mib:
            print(f"| {gaz}: peak RSS on 1 GB ≤ on 100 MB | {large.rss_mib:.0f} vs {small.rss_mib:.0f} MiB | "
                  f"{verdict(large.rss_mib <= small.rss_mib * 1.02)} |")
    if seed and seed.wall:
        print(f"| one seed file, whole process < 20 ms | {seed.wall * 1000:.1f} ms | {verdict(seed.wall < 0.02)} |")
    print()
    print("(1 GB vs 100 MB: within 2 %, the run-to-run noise of peak RSS.)")


if __name__ == "__main__":
    main()
