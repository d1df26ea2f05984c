#!/usr/bin/env python3
"""Turn a peer-benchmark gazetteer TSV into a gaztag source folder.

The generators (make_gazetteer.py, make_realistic_gazetteer.py) write the peers' format:
    id <TAB> type <TAB> canonical name <TAB> variants separated by |
with ids such as E0000001.  gaztag's source format (gazetteer/README.md) is the same
line shape with lowercase ids, so this writes DIR/entities.tsv with the ids
lowercased (E0000001 -> e0000001) and copies the default gazetteer's common-words.txt
next to it, so that gaztag tags with the same common-word rules as with its default.
Every entity and every surface form is kept; nothing else changes.

usage: to_gaztag.py GAZ.tsv OUT_DIR [--common-words gazetteer/common-words.txt]
Standard library only.
"""
import argparse
import os
import shutil
import sys

HERE = os.path.dirname(os.path.abspath(__file__))


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("tsv")
    ap.add_argument("out")
    ap.add_argument("--common-words", default=os.path.join(HERE, "..", "gazetteer", "common-words.txt"))
    args = ap.parse_args(argv)

    os.makedirs(args.out, exist_ok=True)
    tmp = os.path.join(args.out, "entities.tsv.tmp")
    n = 0
    with open(args.tsv, encoding="utf-8") as src, open(tmp, "w", encoding="utf-8", newline="\n") as dst:
        for lineno, line in enumerate(src, 1):
            line = line.rstrip("\n")
            if not line:
                continue
            cols = line.split("\t")
            if len(cols) < 3:
                sys.exit(f"{args.tsv}:{lineno}: expected id, type, name[, variants]")
            cols[0] = cols[0].lower()
            dst.write("\t".join(cols) + "\n")
            n += 1
    os.replace(tmp, os.path.join(args.out, "entities.tsv"))
    shutil.copyfile(args.common_words, os.path.join(args.out, "common-words.txt"))
    print(f"{args.out}: {n} entities", file=sys.stderr)


if __name__ == "__main__":
    main()
