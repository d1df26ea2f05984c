#!/usr/bin/env bash
# Runs examples/spark/tag_with_spark.py in Spark local mode with 2 workers and checks that the
# annotations are the ones a plain `gaztag tag` run gives, on the seeds (a folder of .txt files)
# and on a generated corpus (as .txt files and as JSON Lines). Skips, saying why, when Java or
# PySpark is missing.
#
#   examples/spark/test_spark.sh                  # uses target/release/gaztag, built if missing
#   GAZTAG=target/debug/gaztag examples/spark/test_spark.sh
#   DOCS=5000 examples/spark/test_spark.sh        # size of the generated corpus (default 3000)
set -euo pipefail
cd "$(dirname "$0")/../.."

PYTHON=${PYTHON:-python3}
if ! command -v java > /dev/null 2>&1; then
  echo "SKIPPED: no java on PATH (Spark needs Java 17)"; exit 0
fi
if ! "$PYTHON" -c 'import pyspark' > /dev/null 2>&1; then
  echo "SKIPPED: no pyspark for $PYTHON (pip install pyspark)"; exit 0
fi
GAZTAG=${GAZTAG:-target/release/gaztag}
if [ ! -x "$GAZTAG" ]; then
  cargo build --release --locked --quiet
fi
GAZTAG=$(realpath "$GAZTAG")
DOCS=${DOCS:-3000}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export PYSPARK_PYTHON=$PYTHON SPARK_LOCAL_IP=${SPARK_LOCAL_IP:-127.0.0.1}

now() { date +%s.%N; }
spark() { # spark NAME ARGS...: tags with Spark local[2], prints the seconds it took
  local name=$1; shift
  local t0; t0=$(now)
  "$PYTHON" examples/spark/tag_with_spark.py --master 'local[2]' --gaztag "$GAZTAG" --output "$work/$name" "$@" \
    > "$work/$name.log" 2>&1 || { cat "$work/$name.log"; echo "FAILED: spark run $name"; exit 1; }
  echo "$(now) - $t0" | bc
}

# Same documents, same annotations: keyed by document, the Spark output is the reference's.
# With `whole`, every field (the records' own fields too); else the annotation's only.
compare() { # compare SPARK_DIR REFERENCE.jsonl LABEL [whole]
  "$PYTHON" - "$@" << 'PY'
import glob, json, sys
spark_dir, reference, label = sys.argv[1:4]
whole = sys.argv[4:] == ["whole"]
def load(lines):
    docs = {}
    for line in lines:
        d = json.loads(line)
        assert "error" not in d, f"{label}: error object {d}"
        if not whole:  # `gaztag tag DIR` writes the annotation only; --stdin adds the record's fields
            d = {k: d[k] for k in ("document", "chars", "mentions")}
        assert d["document"] not in docs, f"{label}: {d['document']} twice"
        docs[d["document"]] = d
    return docs
spark = load(l for p in sorted(glob.glob(spark_dir + "/part-*")) for l in open(p, encoding="utf-8"))
ref = load(open(reference, encoding="utf-8"))
assert ref, f"{label}: empty reference"
assert spark.keys() == ref.keys(), f"{label}: documents differ: {sorted(spark.keys() ^ ref.keys())[:5]}"
diff = [k for k in ref if spark[k] != ref[k]]
assert not diff, f"{label}: {len(diff)} documents annotated differently, e.g. {diff[:3]}"
mentions = sum(len(d["mentions"]) for d in ref.values())
print(f"   {label}: {len(ref)} documents, {mentions} mentions, identical")
PY
}

echo "== seeds: Spark local[2] (folder of .txt) vs gaztag tag seeds"
"$GAZTAG" tag seeds > "$work/seeds.ref.jsonl"
spark seeds --input seeds --txt --partitions 2 > /dev/null
compare "$work/seeds" "$work/seeds.ref.jsonl" seeds

echo "== seeds with a shipped compiled gazetteer and rule flags"
"$GAZTAG" gazetteer build gazetteer -o "$work/gaz.fst" > /dev/null 2>&1
"$GAZTAG" tag seeds --no-default --gazetteer "$work/gaz.fst" --demonyms --fuzzy > "$work/seeds-rules.ref.jsonl"
spark seeds-rules --input seeds --txt --partitions 2 --gazetteer "$work/gaz.fst" --no-default \
  --rule demonyms --rule fuzzy > /dev/null
compare "$work/seeds-rules" "$work/seeds-rules.ref.jsonl" "seeds (compiled gazetteer, demonyms, fuzzy)"

echo "== generated corpus of $DOCS documents"
"$PYTHON" - "$work" "$DOCS" << 'PY'
import glob, json, os, random, sys
work, n = sys.argv[1], int(sys.argv[2])
paras = [p for f in sorted(glob.glob("seeds/*.txt"))
         for p in open(f, encoding="utf-8").read().split("\n") if p.strip()]
rng = random.Random(7)
os.makedirs(f"{work}/corpus/a")
os.makedirs(f"{work}/corpus/b")
with open(f"{work}/corpus.jsonl", "w", encoding="utf-8") as out:
    for i in range(n):
        name = f"{'ab'[i % 2]}/doc{i:06d}.txt"
        text = "\n".join(rng.sample(paras, rng.randint(1, 12)))
        with open(f"{work}/corpus/{name}", "w", encoding="utf-8") as f:
            f.write(text)
        out.write(json.dumps({"id": name, "source": "generated", "text": text}, ensure_ascii=False) + "\n")
PY
t0=$(now); "$GAZTAG" tag "$work/corpus" > "$work/corpus.ref.jsonl"; plain=$(echo "$(now) - $t0" | bc)
t0=$(now); "$GAZTAG" tag --stdin < "$work/corpus.jsonl" > "$work/corpus.stdin.jsonl"; stdin=$(echo "$(now) - $t0" | bc)
txt=$(spark corpus-txt --input "$work/corpus" --txt --partitions 4)
compare "$work/corpus-txt" "$work/corpus.ref.jsonl" "corpus as .txt files"
jsonl=$(spark corpus-jsonl --input "$work/corpus.jsonl" --partitions 4)
compare "$work/corpus-jsonl" "$work/corpus.ref.jsonl" "corpus as JSON Lines"
compare "$work/corpus-jsonl" "$work/corpus.stdin.jsonl" "corpus as JSON Lines vs gaztag tag --stdin" whole
"$PYTHON" - "$work/corpus-jsonl" << 'PY'
import glob, json, sys
for p in glob.glob(sys.argv[1] + "/part-*"):
    for line in open(p, encoding="utf-8"):
        assert json.loads(line)["source"] == "generated", "extra field lost"
PY
mb=$(du -sm "$work/corpus.jsonl" | cut -f1)
printf '== seconds for %s documents (%s MB): gaztag tag %.2f, gaztag tag --stdin %.2f, Spark local[2] .txt %.2f, Spark local[2] JSON Lines %.2f (Spark times include starting the JVM)\n' \
  "$DOCS" "$mb" "$plain" "$stdin" "$txt" "$jsonl"
echo "OK: Spark local mode gives the annotations of gaztag tag"
