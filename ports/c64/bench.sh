#!/usr/bin/env bash
# make bench-c64: 6502 cycles per token of the sim65 program over the first 16 tokens of
# Zoo (stories260K, greedy, math portable), and where they go.
#
# Cycles come from sim65 -c. Per token: (cycles of 16 steps - cycles of 1 step) / 15, the
# first step's own count beside it. Breakdown (ports/c64/bench/twice.c):
# - matmul, attention, kv, math: variants that do that work twice; a variant's extra
#   cycles over the plain run are what the work costs. Their traces must equal the plain
#   run's.
# - stream: run65-stream --stream-only 16 requests every weight row of 16 forward steps and
#   does nothing else; minus --stream-only 0, that is what streaming the weights costs.
# - other: the rest (RMSNorm, RoPE, softmax and SwiGLU arithmetic, residual adds, argmax,
#   tokenizer, trace writing, loops and calls).
# Each run's trace and cycle count stay in BENCH_DIR/runs/; REPORT_ONLY=1 remakes the
# table from them without running anything.
#
# usage: ports/c64/bench.sh BENCH_DIR IMAGE [OUTPUT.md]
set -euo pipefail
dir=${1:?usage: bench.sh BENCH_DIR IMAGE [OUTPUT.md]}
image=${2:?usage: bench.sh BENCH_DIR IMAGE [OUTPUT.md]}
output=${3:-$dir/bench.md}
sim65=${SIM65:-sim65}
steps=16
variants="matmul attention kv math"
jobs=${JOBS:-2}
runs=$dir/runs
mkdir -p "$runs"
[ -n "${REPORT_ONLY:-}" ] || rm -f "$runs"/*

# run NAME PROGRAM ARGS...: trace in runs/NAME.trace, cycles in runs/NAME.cycles
run() {
    local name=$1 program=$2
    shift 2
    local work
    work=$(mktemp -d "${TMPDIR:-/tmp}/bench-c64-XXXXXX")
    "$sim65" -c "$program" "$image" "$work" "$@" >"$runs/$name.out"
    rm -rf "$work"
    sed -n 's/^\([0-9][0-9]*\) cycles$/\1/p' "$runs/$name.out" >"$runs/$name.cycles"
    grep '^L2T STEP' "$runs/$name.out" >"$runs/$name.trace" || true
}

start=$SECONDS
zoo=(-t 0 -i Zoo --logits digest)
launch() {
    while [ "$(jobs -rp | wc -l)" -ge "$jobs" ]; do sleep 1; done
    run "$@" &
}
if [ -z "${REPORT_ONLY:-}" ]; then
    launch plain "$dir/run65" "${zoo[@]}" -n $steps
    launch first "$dir/run65" "${zoo[@]}" -n 1
    launch stream "$dir/run65-stream" --stream-only $steps
    launch stream0 "$dir/run65-stream" --stream-only 0
    for v in $variants; do launch "$v" "$dir/run65-$v" "${zoo[@]}" -n $steps; done
    wait
fi

cycles() { cat "$runs/$1.cycles"; }
plain=$(cycles plain)
first=$(cycles first)
[ "$(grep -c . "$runs/plain.trace")" = $steps ] || { echo "bench-c64: the plain run did not make $steps steps" >&2; exit 1; }
for v in $variants; do
    cmp -s "$runs/plain.trace" "$runs/$v.trace" || { echo "bench-c64: variant $v changed the results" >&2; exit 1; }
done
per_token=$(( (plain - first) / (steps - 1) ))
{
    echo "# 6502 cycles: stories260K, Zoo, greedy, math portable (sim65)"
    echo
    echo "| | cycles |"
    echo "|---|---|"
    echo "| $steps steps (whole run) | $plain |"
    echo "| 1 step (whole run) | $first |"
    echo "| per token, steps 2-$steps | $per_token |"
    echo "| per token at 985 kHz (PAL C64) | $(awk -v c="$per_token" 'BEGIN{printf "%.1f minutes", c / 985248 / 60}') |"
    echo
    echo "Where the cycles of the $steps steps go:"
    echo
    echo "| work | cycles | share | per token |"
    echo "|---|---|---|---|"
    rest=$plain
    row() { awk -v l="$1" -v c="$2" -v t="$plain" -v s="$steps" 'BEGIN{printf "| %s | %.0f | %.1f%% | %.0f |\n", l, c, 100 * c / t, c / s}'; }
    for v in $variants; do
        c=$(( $(cycles "$v") - plain ))
        rest=$(( rest - c ))
        case $v in
        matmul) row "matmul arithmetic (dot products of the weight rows)" "$c" ;;
        attention) row "attention arithmetic (scores, weighted sums)" "$c" ;;
        kv) row "KV cache reads and writes through xmem" "$c" ;;
        math) row "expf, powf, sinf, cosf (softmax, RoPE, SwiGLU)" "$c" ;;
        esac
    done
    c=$(( $(cycles stream) - $(cycles stream0) ))
    rest=$(( rest - c ))
    row "reading the weight stream through xmem" "$c"
    row "other (norms, RoPE/softmax/SwiGLU arithmetic, argmax, tokenizer, trace, calls)" "$rest"
    echo
    [ -n "${REPORT_ONLY:-}" ] || echo "Bench time: $((SECONDS - start)) s with $jobs runs at a time."
} >"$output"
cat "$output"
