#!/usr/bin/env bash
# Generate the benchmark data, deterministically, under bench/data/ (git-ignored).
#
# usage: bench/gen.sh            (bench/run.sh calls it; every step is skipped when its output
#                                 already exists with the same parameters)
# env:   DATA=bench/data  SIZE_MB=100  DOCS=20000  ENTRIES="1000 100000 1000000"
#
# What it writes (MB = 10^6 bytes):
#   words.txt              every form of Debian's aspell-ar-large dictionary (25.5 M words)
#   corpus-realistic/      SIZE_MB of news-like text: seed sentences (30 %) + sentences drawn
#                          from the word list with a Zipf law (>= 100k distinct words)
#   corpus-seeds/          SIZE_MB of the five seed articles reshuffled (< 2,000 distinct words)
#   gaz/real-N.tsv         N entries: the 153 real entities + names made of vocabulary words
#                          (the peers' format)
#   gaz/real-N/            the same as a gaztag source folder (bench/to_gaztag.py)
#   manifest.txt           what each generator printed (sizes, distinct words, sha256)
# Needs: python3, and aspell with the large Arabic dictionary:
#   apt-get install -y aspell aspell-ar-large
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
DATA="${DATA:-$HERE/data}"
SIZE_MB="${SIZE_MB:-100}"
DOCS="${DOCS:-20000}"
ENTRIES="${ENTRIES:-1000 100000 1000000}"
mkdir -p "$DATA/gaz"
MANIFEST="$DATA/manifest.txt"
touch "$MANIFEST"

# step NAME OUTPUT CMD...: run CMD unless OUTPUT.ok records the same command
step() {
    local name=$1 out=$2; shift 2
    local want="$*"
    if [[ -e "$out" && -f "$out.ok" && "$(cat "$out.ok")" == "$want" ]]; then
        echo "gen: $name: up to date" >&2
        return
    fi
    echo "gen: $name ..." >&2
    rm -rf "$out" "$out.ok"
    local t0=$SECONDS log
    log="$("$@" 2>&1)" || { echo "$log" >&2; echo "gen: $name failed" >&2; exit 1; }
    echo "$log" >&2
    echo "$want" > "$out.ok"
    printf '## %s (%d s)\n$ %s\n%s\n\n' "$name" $((SECONDS - t0)) "$want" "$log" >> "$MANIFEST"
}

words() {
    command -v aspell > /dev/null && aspell dump dicts | grep -qx ar-large || {
        echo "gen: needs aspell-ar-large: apt-get install -y aspell aspell-ar-large" >&2
        exit 2
    }
    # the dictionary's language name is ar-large (`aspell -l ar` does not find it)
    aspell -d ar-large dump master | aspell -l ar-large expand | tr ' ' '\n' | grep -v '^$' \
        | LC_ALL=C sort -u > "$DATA/words.txt.tmp"
    mv "$DATA/words.txt.tmp" "$DATA/words.txt"
    echo "$(wc -l < "$DATA/words.txt") words, aspell-ar-large $(dpkg-query -W -f '${Version}' aspell-ar-large 2>/dev/null || echo '?'), sha256 $(sha256sum "$DATA/words.txt" | cut -d' ' -f1)"
}

step words "$DATA/words.txt" words
step corpus-realistic "$DATA/corpus-realistic" \
    python3 "$HERE/make_realistic_corpus.py" --words "$DATA/words.txt" --out "$DATA/corpus-realistic" \
    --size-mb "$SIZE_MB" --docs "$DOCS" --seed 42
step corpus-seeds "$DATA/corpus-seeds" \
    python3 "$HERE/make_corpus.py" --out "$DATA/corpus-seeds" --size-mb "$SIZE_MB" --docs "$DOCS" --seed 42
for n in $ENTRIES; do
    step "gaz real-$n" "$DATA/gaz/real-$n.tsv" \
        python3 "$HERE/make_realistic_gazetteer.py" --words "$DATA/words.txt" --entries "$n" \
        --out "$DATA/gaz/real-$n.tsv" --seed 7
    step "gaztag sources real-$n" "$DATA/gaz/real-$n" \
        python3 "$HERE/to_gaztag.py" "$DATA/gaz/real-$n.tsv" "$DATA/gaz/real-$n"
done
echo "gen: data in $DATA (manifest: $MANIFEST)" >&2
