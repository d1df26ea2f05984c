#!/usr/bin/env bash
# Reproduces docs/accuracy.md: splits the ANERcorp training part (last 20% of sentences as
# dev), imports a gazetteer from the first 80%, and scores each step on dev with `gaztag eval`.
# Usage: scripts/accuracy.sh [ANERCORP_FILE] [WORK_DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
data=${1:-../shared/data/anercorp-train/ANERCorp_CamelLab_train.txt}
work=${2:-target/accuracy}
docs=${DOCUMENT_SENTENCES:-20}
mkdir -p "$work"
cargo build --release --quiet
gaztag=target/release/gaztag

# sentences are separated by blank lines; the first 80% are for import, the rest is dev
total=$(awk 'BEGIN { RS = "" } END { print NR }' "$data")
cut=$((total - total / 5))
awk -v cut="$cut" -v out="$work" 'BEGIN { RS = ""; ORS = "\n\n" }
  { print > (NR <= cut ? out "/train.conll" : out "/dev.conll") }' "$data"
echo "sentences: $total (train $cut, dev $((total - cut)))"

"$gaztag" gazetteer import --conll "$work/train.conll" --out "$work/all" --force \
  --min-reliability 0 2>/dev/null
"$gaztag" gazetteer import --conll "$work/train.conll" --out "$work/reliable" --force 2>/dev/null

score() { # label, gazetteer dir, flags...
  local label=$1 dir=$2
  shift 2
  "$gaztag" eval --gold "$work/dev.conll" --gazetteer "$dir" --document-sentences "$docs" \
    --json "$@" | python3 -c '
import json, sys
v = json.load(sys.stdin)
def f(c): return 2 * c["tp"] / max(1, 2 * c["tp"] + c["fp"] + c["fn"])
def p(c): return c["tp"] / max(1, c["tp"] + c["fp"])
def r(c): return c["tp"] / max(1, c["tp"] + c["fn"])
m, per = v["micro"], v["types"]["PER"]
print("| %s | %.3f | %.3f | %.3f | %.3f |" % (sys.argv[1], p(m), r(m), f(m), f(per)))
' "$label"
}

echo "| step | micro P | micro R | micro F1 | PER F1 |"
echo "|---|---:|---:|---:|---:|"
score "lookup: folded, clitics stripped, common words filtered" "$work/all" --no-aliases --no-compose
score "+ only entries reliable in the training part" "$work/reliable" --no-aliases --no-compose
score "+ document aliases, no composition" "$work/reliable" --no-compose
score "+ title composition (aliases and --compose titles)" "$work/reliable" --compose titles
score "+ title and given-name composition (the default: aliases, --compose titles,given)" \
  "$work/reliable"
score "+ name composition (--compose titles,given,parts), no aliases" "$work/reliable" --no-aliases \
  --compose titles,given,parts
score "+ name composition and document aliases" "$work/reliable" --compose titles,given,parts
