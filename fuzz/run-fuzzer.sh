#!/usr/bin/env bash
# Runs one libFuzzer target and prints one line: execs, coverage, corpus size.
#
#   fuzz/run-fuzzer.sh TARGET SECONDS MAX_LEN     (FUZZ_DIR: the build's fuzz folder)
#   fuzz/run-fuzzer.sh --summary FUZZ_DIR TARGET...   the table of the last runs
#
# Inputs come from FUZZ_DIR/corpus/TARGET (where new ones are written and kept between runs),
# FUZZ_DIR/seeds/TARGET (made from the real files), fuzz/corpus/TARGET and
# tests/regressions/TARGET. A crash leaves FUZZ_DIR/artifacts/TARGET-crash-*; the log is
# FUZZ_DIR/logs/TARGET.log.
set -euo pipefail

if [ "${1:-}" = --summary ]; then
    dir=$2
    shift 2
    printf '%-11s %12s %10s %8s %8s %s\n' target execs exec/s cov ft corpus
    for t in "$@"; do
        if [ -f "$dir/logs/$t.summary" ]; then cat "$dir/logs/$t.summary"; else echo "$t: no run"; fi
    done
    exit 0
fi

target=$1 seconds=$2 max_len=$3
dir=${FUZZ_DIR:-build/fuzz}
bin="$dir/fuzz_$target"
[ -x "$bin" ] || { echo "run-fuzzer: no $bin" >&2; exit 2; }
mkdir -p "$dir/corpus/$target" "$dir/artifacts" "$dir/logs"
inputs=("$dir/corpus/$target")
for d in "$dir/seeds/$target" "fuzz/corpus/$target" "tests/regressions/$target"; do
    [ -d "$d" ] && inputs+=("$d")
done
options=(-max_total_time="$seconds" -max_len="$max_len" -timeout=20 -rss_limit_mb=2048
    -print_final_stats=1 -artifact_prefix="$dir/artifacts/$target-")
[ -f "fuzz/$target.dict" ] && options+=(-dict="fuzz/$target.dict")
log="$dir/logs/$target.log"

status=0
"$bin" "${options[@]}" "${inputs[@]}" >"$log" 2>&1 || status=$?

execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
last=$(grep -E '^#[0-9]+.*cov: ' "$log" | tail -1 || true)
cov=$(sed -n 's/.* cov: \([0-9]*\).*/\1/p' <<<"$last")
ft=$(sed -n 's/.* ft: \([0-9]*\).*/\1/p' <<<"$last")
corpus=$(find "$dir/corpus/$target" -type f | wc -l)
corpus_bytes=$(du -sk "$dir/corpus/$target" | cut -f1)
line=$(printf '%-11s %12s %10s %8s %8s %s files (%s KiB) in %ss' "$target" "${execs:-?}" "${rate:-?}" \
    "${cov:-?}" "${ft:-?}" "$corpus" "$corpus_bytes" "$seconds")
if [ "$status" != 0 ]; then
    line="$line: FAILED (exit $status), see $log"
    echo "$line" >"$dir/logs/$target.summary"
    echo "$line"
    grep -E 'ERROR|SUMMARY|Test unit written|fuzz_[a-z]+: ' "$log" | head -8 || true
    exit 1
fi
echo "$line" >"$dir/logs/$target.summary"
echo "$line"
