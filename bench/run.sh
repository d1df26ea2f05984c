#!/usr/bin/env bash
# The gaztag benchmark, whole process, side by side with its peers: ONE command.
#
#   bash bench/run.sh
#
# 1. generates the data if needed (bench/gen.sh: two 100 MB corpora, gazetteers of 1k, 100k,
#    1M entries, a 1 GB corpus made of hard links to the realistic one);
# 2. builds gaztag (cargo build --release) and the peers of ../shared/bench (Rust peers into
#    bench/data/peers-target, Python peers in a venv bench/data/venv);
# 3. times, warm cache, each under /usr/bin/time -v (peak RSS) with a nanosecond wall clock:
#    index builds (gaztag gazetteer build, 1 and 2 threads, and the peers' builds), index loads,
#    `gaztag tag` on 1 and 2 threads for every corpus x gazetteer, the peers on the same data,
#    the 1 GB corpus (memory must not grow with the corpus), and `gaztag tag` on one seed
#    file (hyperfine);
# 4. runs the criterion benchmarks (cargo bench --bench tagging);
# 5. writes OUT/results.md (tables + every target, met or not), OUT/raw.tsv, logs, outputs.
#
# env: REPEATS=3            runs per row (median wall, max RSS)
#      PEER_REPEATS_1M=1    runs per peer row with the 1M gazetteer (the slow ones: ~5 min each)
#      CORPORA="realistic seeds"   SIZES="1000 100000 1000000"
#      PEERS=all            all | none | a list of peer names (as in the tables)
#      SHARED=...           the peer scripts (default: ../shared/bench or /work/shared/bench)
#      PY=...               a python with flashtext, pyahocorasick, spacy (default: a venv made here)
#      PEER_TIMEOUT=900     seconds before a run is killed (recorded as failed)
#      BIG=1                1: also time the 1 GB corpus; 0: skip
#      CRITERION=1          1: also run cargo bench --bench tagging; 0: skip
#      OUT=bench/data/results/<UTC time>
#      KEEP_OUT=0           1: keep the JSON Lines outputs (~3 GB a full run); counts are in raw.tsv
# A full run takes about an hour on 2 cores, most of it in the slow peers at 1M (PEERS=none
# leaves them out: ~10 min).
set -uo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/.." && pwd)"
DATA="${DATA:-$HERE/data}"
export DATA
REPEATS="${REPEATS:-3}"
PEER_REPEATS_1M="${PEER_REPEATS_1M:-1}"
CORPORA="${CORPORA:-realistic seeds}"
SIZES="${SIZES:-1000 100000 1000000}"
PEERS="${PEERS:-all}"
PEER_TIMEOUT="${PEER_TIMEOUT:-900}"
BIG="${BIG:-1}"
CRITERION="${CRITERION:-1}"
OUT="${OUT:-$DATA/results/$(date -u +%Y%m%dT%H%MZ)}"
if [[ -z "${SHARED:-}" ]]; then
    for s in "$REPO/../shared/bench" "$REPO/../../shared/bench" /work/shared/bench; do
        [[ -f "$s/run_peers.sh" ]] && { SHARED="$(cd "$s" && pwd)"; break; }
    done
fi
SHARED="${SHARED:-}"
mkdir -p "$OUT/out" "$OUT/log"
RAW="$OUT/raw.tsv"
: > "$RAW"
LOAD_START="$(cut -d' ' -f1-3 /proc/loadavg)"
log() { echo "bench: $*" >&2; }

# --- 1. data --------------------------------------------------------------------------------
ENTRIES="$SIZES" bash "$HERE/gen.sh" || exit 1
if [[ "$BIG" == 1 && ! -f "$DATA/corpus-1gb.ok" ]]; then
    log "1 GB corpus: 10 hard-linked copies of corpus-realistic"
    rm -rf "$DATA/corpus-1gb"
    for k in 0 1 2 3 4 5 6 7 8 9; do
        mkdir -p "$DATA/corpus-1gb/part-$k" && cp -al "$DATA/corpus-realistic/." "$DATA/corpus-1gb/part-$k/"
    done
    rm -f "$DATA/corpus-1gb/part-"*/*.ok
    touch "$DATA/corpus-1gb.ok"
fi

# --- 2. builds ------------------------------------------------------------------------------
log "cargo build --release"
(cd "$REPO" && cargo build --release --locked -q) || { log "cargo build failed"; exit 1; }
GAZTAG="$REPO/target/release/gaztag"
want_peer() { [[ "$PEERS" == all || " $PEERS " == *" $1 "* ]]; }
PEER_BIN=""
PY="${PY:-}"
if [[ "$PEERS" != none ]]; then
    if [[ -z "$SHARED" ]]; then
        log "no peer scripts found (set SHARED=.../shared/bench): peers skipped"
        PEERS=none
    else
        log "peers from $SHARED"
        # the shared folder is read-only: build its Rust peers into our data folder
        cargo build --release --locked -q --manifest-path "$SHARED/rust-peers/Cargo.toml" \
            --target-dir "$DATA/peers-target" || { log "rust peers failed to build"; exit 1; }
        PEER_BIN="$DATA/peers-target/release"
        if [[ -z "$PY" ]]; then
            PY="$DATA/venv/bin/python"
            if ! "$PY" -c "import flashtext, ahocorasick, spacy" 2> /dev/null; then
                log "python venv for the peers ($DATA/venv)"
                python3 -m venv "$DATA/venv" &&
                    "$DATA/venv/bin/pip" install -q flashtext==2.7 pyahocorasick==2.3.1 spacy==3.8.18 ||
                    log "venv failed: python peers will fail"
            fi
        fi
    fi
fi

# --- 3. measurements --------------------------------------------------------------------------
bytes_of() { find "$1" -type f -name '*.txt' -printf '%s\n' | awk '{s+=$1} END{print s+0}'; }
warm() { find "$1" -type f -name '*.txt' -print0 | xargs -0 cat > /dev/null; }

# measure SECTION CORPUS GAZ TOOL THREADS REPS OUTFILE|- KIND CMD...
#   KIND: jsonl (count lines), doc (stdout is OUTFILE; count "byte_start" = gaztag mentions),
#         - (nothing)
measure() {
    local section=$1 corpus=$2 gaz=$3 tool=$4 thr=$5 reps=$6 outf=$7 kind=$8
    shift 8
    local rep
    for rep in $(seq 1 "$reps"); do
        [[ "$outf" != - ]] && rm -f "$outf"
        local base="$OUT/log/$section.$corpus.$gaz.$tool.$thr.$rep"
        local t0 t1 rc wall rss n=0 so="$base.stdout"
        [[ $kind == doc ]] && so="$outf"   # gaztag writes its JSON Lines to stdout
        t0=$(date +%s%N)
        RAYON_NUM_THREADS=$thr /usr/bin/time -v -o "$base.time" \
            timeout -k 10 "$PEER_TIMEOUT" "$@" > "$so" 2> "$base.stderr"
        rc=$?
        t1=$(date +%s%N)
        wall=$(awk -v a="$t0" -v b="$t1" 'BEGIN{printf "%.4f", (b-a)/1e9}')
        rss=$(awk -F': ' '/Maximum resident set size/{print $2}' "$base.time")
        if [[ "$outf" != - && -f "$outf" ]]; then
            case $kind in
                jsonl) n=$(wc -l < "$outf") ;;
                doc) n=$(grep -o '"byte_start"' "$outf" | wc -l) ;;
            esac
        fi
        printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$section" "$corpus" "$gaz" "$tool" "$thr" \
            "$rep" "$wall" "${rss:-0}" "$n" "$rc" >> "$RAW"
        printf '  %-6s %-9s %-8s %-16s %st rep %s: %8ss  rss %6s MiB  n %s  rc %s\n' "$section" "$corpus" \
            "$gaz" "$tool" "$thr" "$rep" "$wall" "$(( ${rss:-0} / 1024 ))" "$n" "$rc" >&2
    done
}

label() { case $1 in 1000) echo 1k ;; 100000) echo 100k ;; 1000000) echo 1m ;; *) echo "$1" ;; esac; }
peer_reps() { if (( $1 >= 1000000 )); then echo "$PEER_REPEATS_1M"; else echo "$REPEATS"; fi; }
G="$DATA/gaz"

log "index builds"
for n in $SIZES; do
    L=$(label "$n")
    for thr in 1 2; do
        measure build - "$L" gaztag "$thr" "$REPEATS" - - "$GAZTAG" gazetteer build "$G/real-$n" -o "$G/real-$n.gaz"
    done
    if [[ "$PEERS" != none ]]; then
        r=$(peer_reps "$n")
        want_peer ac-build && measure build - "$L" ac-build 1 "$r" - - "$PEER_BIN/ac" "$G/real-$n.tsv" --build-only
        want_peer fst-build && measure build - "$L" fst-build 1 "$r" - - "$PEER_BIN/fstpeer" build "$G/real-$n.tsv" "$OUT/out/fst-$L"
        want_peer pyahocorasick-build && measure build - "$L" pyahocorasick-build 1 "$r" - - "$PY" "$SHARED/peers/pyahocorasick_peer.py" "$G/real-$n.tsv" --build-only
        want_peer flashtext-build && measure build - "$L" flashtext-build 1 "$r" - - "$PY" "$SHARED/peers/flashtext_peer.py" "$G/real-$n.tsv" --build-only
        want_peer spacy-build && measure build - "$L" spacy-build 1 "$r" - - "$PY" "$SHARED/peers/spacy_peer.py" "$G/real-$n.tsv" --build-only
    fi
done

log "index loads (whole process on an empty document: start, load, exit)"
EMPTY="$OUT/empty.txt"
: > "$EMPTY"
for n in $SIZES; do
    L=$(label "$n")
    cat "$G/real-$n.gaz" > /dev/null
    measure load - "$L" gaztag 1 "$REPEATS" - - "$GAZTAG" tag "$EMPTY" --no-default --gazetteer "$G/real-$n.gaz"
    if [[ "$PEERS" != none ]]; then
        # the fst peers' prebuilt index (its build is timed above, as fst-build)
        [[ -e "$OUT/out/fst-$L" ]] || "$PEER_BIN/fstpeer" build "$G/real-$n.tsv" "$OUT/out/fst-$L" > /dev/null 2>&1
    fi
    if [[ "$PEERS" != none ]] && want_peer fst-load; then
        measure load - "$L" fst-load 1 "$REPEATS" - - "$PEER_BIN/fstpeer" load "$OUT/out/fst-$L"
    fi
done

for c in $CORPORA; do
    C="$DATA/corpus-$c"
    log "corpus $c ($(bytes_of "$C") bytes): warming the page cache"
    warm "$C"
    if [[ "$PEERS" != none ]]; then
        want_peer cat && measure tag "$c" - cat 1 "$REPEATS" - - bash -c 'exec cat -- "$0"/* > /dev/null' "$C"
        for thr in 1 2; do
            want_peer "readall-${thr}t" && measure tag "$c" - readall "$thr" "$REPEATS" - - "$PEER_BIN/readall" "$C"
            want_peer "tokenize-${thr}t" && measure tag "$c" - tokenize "$thr" "$REPEATS" - - "$PEER_BIN/readall" "$C" --tokenize
        done
    fi
    for n in $SIZES; do
        L=$(label "$n")
        O="$OUT/out/$c-$L"
        for thr in 1 2; do
            measure tag "$c" "$L" gaztag "$thr" "$REPEATS" "$O.gaztag.jsonl" doc \
                "$GAZTAG" tag "$C" --no-default --gazetteer "$G/real-$n.gaz" --jobs "$thr"
        done
        [[ "$PEERS" == none ]] && continue
        r=$(peer_reps "$n")
        T="$G/real-$n.tsv"
        for thr in 1 2; do
            want_peer "ac-${thr}t" && measure tag "$c" "$L" ac "$thr" "$r" "$O.ac.jsonl" jsonl "$PEER_BIN/ac" "$T" "$C" "$O.ac.jsonl"
        done
        if (( n <= 100000 )) && want_peer ac-dfa-2t; then
            measure tag "$c" "$L" ac-dfa 2 "$r" "$O.acdfa.jsonl" jsonl env AC_KIND=dfa "$PEER_BIN/ac" "$T" "$C" "$O.acdfa.jsonl"
        fi
        for thr in 1 2; do
            want_peer "fst-${thr}t" && measure tag "$c" "$L" fst "$thr" "$r" "$O.fst.jsonl" jsonl "$PEER_BIN/fstpeer" tag "$OUT/out/fst-$L" "$C" "$O.fst.jsonl"
        done
        want_peer fst-clitics-2t && measure tag "$c" "$L" fst-clitics 2 "$r" "$O.fstcl.jsonl" jsonl "$PEER_BIN/fstpeer" tag "$OUT/out/fst-$L" "$C" "$O.fstcl.jsonl" --clitics
        want_peer fst-fromtsv-2t && measure tag "$c" "$L" fst-fromtsv 2 "$r" "$O.fstrun.jsonl" jsonl "$PEER_BIN/fstpeer" run "$T" "$C" "$O.fstrun.jsonl"
        want_peer pyahocorasick && measure tag "$c" "$L" pyahocorasick 1 "$r" "$O.pyac.jsonl" jsonl "$PY" "$SHARED/peers/pyahocorasick_peer.py" "$T" "$C" "$O.pyac.jsonl"
        want_peer flashtext && measure tag "$c" "$L" flashtext 1 "$r" "$O.flashtext.jsonl" jsonl "$PY" "$SHARED/peers/flashtext_peer.py" "$T" "$C" "$O.flashtext.jsonl"
        want_peer spacy && measure tag "$c" "$L" spacy 1 "$r" "$O.spacy.jsonl" jsonl "$PY" "$SHARED/peers/spacy_peer.py" "$T" "$C" "$O.spacy.jsonl"
    done
done

log "as users run it: the embedded default gazetteer, name rules on, every field (realistic corpus)"
C="$DATA/corpus-realistic"
if [[ " $CORPORA " == *" realistic "* && -d "$C" ]]; then
    O="$OUT/out/realistic-default"
    warm "$C"
    for thr in 1 2; do
        measure tag realistic default gaztag "$thr" "$REPEATS" "$O.jsonl" doc "$GAZTAG" tag "$C" --jobs "$thr"
    done
    measure tag realistic default gaztag-norules 2 "$REPEATS" "$O.norules.jsonl" doc \
        "$GAZTAG" tag "$C" --jobs 2 --no-compose --no-aliases
    measure tag realistic default gaztag-fuzzy 2 "$REPEATS" "$O.fuzzy.jsonl" doc "$GAZTAG" tag "$C" --jobs 2 --fuzzy
    # One file per document, each run into a folder of its own, all removed after the last run:
    # a run into a folder just emptied measures the filesystem's deletions too (ext4 skips
    # inodes freed in the last minutes when it allocates new ones, and without a journal it
    # discards the freed blocks synchronously), not gaztag. The same run into a folder just
    # emptied, and over the files of the run before, are timed once each after, as rows of
    # their own (gaztag-out-emptied, gaztag-out-over).
    F="$OUT/out/realistic-default-files"
    for rep in $(seq 1 "$REPEATS"); do
        measure tag realistic default gaztag-out 2 1 - - "$GAZTAG" tag "$C" --jobs 2 --out "$F.$rep"
    done
    measure tag realistic default gaztag-out-over 2 1 - - "$GAZTAG" tag "$C" --jobs 2 --out "$F.1"
    rm -rf "$F".*
    measure tag realistic default gaztag-out-emptied 2 1 - - "$GAZTAG" tag "$C" --jobs 2 --out "$F.1"
    rm -rf "$F".*
fi

if [[ "$BIG" == 1 ]]; then
    log "memory vs document count: 30 documents of 50 MB against one (stdout and --stdin)"
    M="$DATA/mem"
    if [[ ! -f "$M.ok" ]]; then
        rm -rf "$M" && mkdir -p "$M/one" "$M/thirty"
        # 50 MB made of the realistic corpus's documents, one per line kept apart by a space
        # (the corpus's documents in name order, again from the start until there are 50 MB)
        python3 - "$C" "$M/one/doc.txt" << 'PY'
import os, sys
files = sorted(os.path.join(r, f) for r, _, fs in os.walk(sys.argv[1]) for f in fs if f.endswith(".txt"))
out, n = open(sys.argv[2], "wb"), 0
while n < 50_000_000:
    for f in files:
        b = open(f, "rb").read()[: 50_000_000 - n]
        out.write(b)
        n += len(b)
        if n >= 50_000_000:
            break
PY
        for k in $(seq -w 1 30); do ln "$M/one/doc.txt" "$M/thirty/doc-$k.txt"; done
        python3 - "$M/one/doc.txt" "$M" << 'PY'
import json, sys
text = open(sys.argv[1], encoding="utf-8", errors="ignore").read()
line = json.dumps({"id": 0, "text": text}, ensure_ascii=False)
with open(sys.argv[2] + "/one.jsonl", "w", encoding="utf-8") as f:
    f.write(line + "\n")
with open(sys.argv[2] + "/thirty.jsonl", "w", encoding="utf-8") as f:
    for k in range(30):
        f.write(line.replace('"id": 0', '"id": %d' % k, 1) + "\n")
PY
        touch "$M.ok"
    fi
    measure mem one default gaztag 2 1 - - bash -c 'exec "$0" tag "$1" --jobs 2 > /dev/null' "$GAZTAG" "$M/one"
    measure mem thirty default gaztag 2 1 - - bash -c 'exec "$0" tag "$1" --jobs 2 > /dev/null' "$GAZTAG" "$M/thirty"
    measure mem one default gaztag-stdin 2 1 - - bash -c 'exec "$0" tag --stdin --jobs 2 < "$1" > /dev/null' "$GAZTAG" "$M/one.jsonl"
    measure mem thirty default gaztag-stdin 2 1 - - bash -c 'exec "$0" tag --stdin --jobs 2 < "$1" > /dev/null' "$GAZTAG" "$M/thirty.jsonl"

    log "memory vs corpus size: 1 GB corpus (the realistic corpus, ten times)"
    warm "$DATA/corpus-1gb"
    for n in $SIZES; do
        (( n == 1000 || n == 1000000 )) || continue
        L=$(label "$n")
        # the output goes to /dev/null: 10x the 100 MB run's, nothing new to count
        measure big 1gb "$L" gaztag 2 1 - - bash -c 'exec "$0" tag "$1" --no-default --gazetteer "$2" --jobs 2 > /dev/null' \
            "$GAZTAG" "$DATA/corpus-1gb" "$G/real-$n.gaz"
        measure big realistic "$L" gaztag 2 1 - - bash -c 'exec "$0" tag "$1" --no-default --gazetteer "$2" --jobs 2 > /dev/null' \
            "$GAZTAG" "$DATA/corpus-realistic" "$G/real-$n.gaz"
    done
fi

log "one seed file, default gazetteer (hyperfine)"
SEED="$(ls "$REPO"/seeds/*.txt | head -1)"
if command -v hyperfine > /dev/null; then
    hyperfine -N --warmup 10 --runs 100 --export-json "$OUT/seed.json" "$GAZTAG tag $SEED" > "$OUT/log/seed.txt" 2>&1
    python3 -c 'import json,sys; r=json.load(open(sys.argv[1]))["results"][0]; print("seed\t-\tdefault\tgaztag\t1\t1\t%.5f\t0\t%d\t0" % (r["median"], len(r["times"])))' \
        "$OUT/seed.json" >> "$RAW"
else
    log "hyperfine not found (apt-get install -y hyperfine): timing 20 runs with /usr/bin/time"
    measure seed - default gaztag 1 20 - - "$GAZTAG" tag "$SEED"
fi

# --- 4. criterion -----------------------------------------------------------------------------
if [[ "$CRITERION" == 1 ]]; then
    log "criterion: cargo bench --bench tagging (output in $OUT/criterion.txt)"
    (cd "$REPO" && cargo bench --locked --bench tagging 2>&1) | tee "$OUT/criterion.txt" | grep -E '^(scan|index)|time:|thrpt:' >&2
fi

# --- 5. report ---------------------------------------------------------------------------------
{
    echo "# gaztag benchmark, $(date -u +%Y-%m-%dT%H:%MZ)"
    echo
    echo "$(nproc) cores, $(awk '/MemTotal/{printf "%.0f GiB", $2/1048576}' /proc/meminfo) RAM; load average at the start $LOAD_START, at the end $(cut -d' ' -f1-3 /proc/loadavg); gaztag $(git -C "$REPO" rev-parse --short HEAD)$(git -C "$REPO" diff --quiet || echo '+changes'); REPEATS=$REPEATS, PEER_REPEATS_1M=$PEER_REPEATS_1M"
    echo
    python3 "$HERE/summarize.py" "$RAW" "$DATA" "$OUT/criterion.txt"
} > "$OUT/results.md"
cat "$OUT/results.md"
[[ "${KEEP_OUT:-0}" == 1 ]] || rm -f "$OUT"/out/*.jsonl
log "results: $OUT/results.md"
