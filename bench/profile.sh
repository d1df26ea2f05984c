#!/usr/bin/env bash
# Profile `gaztag tag` with callgrind (exact instruction counts, unaffected by machine load) and
# print where the time goes, per stage: bench/callgrind_summary.py.
#
# usage: bash bench/profile.sh          (after bench/gen.sh and bench/run.sh built the indexes)
# env:   DOCS=100 (first documents of each corpus), SIZES="1000 1000000", OUT=bench/data/profile
# Builds a `profiling` profile (release + line tables) into target/profiling, so the release
# binary is left alone. Each profile takes ~1 min; inspect one with
#   callgrind_annotate --inclusive=yes --tree=calling OUT/cg.realistic.1000.out
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/.." && pwd)"
DATA="${DATA:-$HERE/data}"
DOCS="${DOCS:-100}"
SIZES="${SIZES:-1000 1000000}"
OUT="${OUT:-$DATA/profile}"
command -v valgrind > /dev/null || { echo "needs valgrind: apt-get install -y valgrind" >&2; exit 2; }
(cd "$REPO" && cargo build --locked -q --profile profiling \
    --config 'profile.profiling.inherits="release"' --config 'profile.profiling.debug="line-tables-only"')
BIN="$REPO/target/profiling/gaztag"
mkdir -p "$OUT"
cols=()
for c in realistic seeds; do
    sample="$OUT/sample-$c"
    rm -rf "$sample" && mkdir -p "$sample"
    find "$DATA/corpus-$c" -maxdepth 1 -name '*.txt' | sort | sed -n "1,${DOCS}p" | xargs cp -t "$sample"
    bytes=$(cat "$sample"/*.txt | wc -c)
    for n in $SIZES; do
        cg="$OUT/cg.$c.$n.out"
        valgrind --tool=callgrind --callgrind-out-file="$cg" "$BIN" tag "$sample" --no-default \
            --gazetteer "$DATA/gaz/real-$n.gaz" --jobs 1 > "$OUT/out.$c.$n.jsonl" 2> "$OUT/cg.$c.$n.log"
        echo "$c, $n entries: $(grep -o 'refs: *[0-9,]*' "$OUT/cg.$c.$n.log") instructions, $bytes bytes" >&2
        cols+=("$c, $n=$cg=$bytes")
    done
done
python3 "$HERE/callgrind_summary.py" "${cols[@]}"
