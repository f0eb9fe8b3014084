#!/usr/bin/env bash
# make bench-c64: 6502 cycles per token of the sim65 program over the first 16 tokens of
# Zoo (stories260K, greedy, math portable), and where they go.
#
# Cycles come from sim65 -c. Per token: (cycles of 16 steps - cycles of 1 step) / 15, the
# first step's own count beside it. Breakdown: variants of the program that do one kind of
# work twice (ports/c64/bench/twice.c); a variant's extra cycles over the plain run are
# what that work costs in 16 steps. Every variant's trace must equal the plain run's.
# "other" is the rest: RMSNorm, RoPE and softmax arithmetic, SwiGLU, residual adds,
# argmax, tokenizer, trace writing, loops and calls.
#
# usage: ports/c64/bench.sh BENCH_DIR IMAGE [OUTPUT.md]
#   BENCH_DIR holds run65 (plain) and run65-VARIANT for each variant; runs go two at a time.
set -euo pipefail
dir=${1:?usage: bench.sh BENCH_DIR IMAGE [OUTPUT.md]}
image=${2:?usage: bench.sh BENCH_DIR IMAGE [OUTPUT.md]}
output=${3:-$dir/bench.md}
sim65=${SIM65:-sim65}
steps=16
variants="matmul stream attention kv math"
jobs=${JOBS:-2}
work=$(mktemp -d "${TMPDIR:-/tmp}/bench-c64-XXXXXX")
trap 'rm -rf "$work"' EXIT

# run NAME PROGRAM STEPS: the trace in $work/NAME.trace, the cycles in $work/NAME.cycles
run() {
    local name=$1 program=$2 n=$3
    mkdir -p "$work/kv-$name"
    "$sim65" -c "$program" "$image" "$work/kv-$name" -t 0 -i Zoo -n "$n" --logits digest >"$work/$name.out"
    sed -n 's/^\([0-9][0-9]*\) cycles$/\1/p' "$work/$name.out" >"$work/$name.cycles"
    grep '^L2T STEP' "$work/$name.out" >"$work/$name.trace"
    rm -rf "$work/kv-$name"
}

start=$SECONDS
pids=()
launch() {
    while [ "$(jobs -rp | wc -l)" -ge "$jobs" ]; do sleep 1; done
    run "$@" &
    pids+=($!)
}
launch plain "$dir/run65" $steps
launch first "$dir/run65" 1
for v in $variants; do launch "$v" "$dir/run65-$v" $steps; done
for p in "${pids[@]}"; do wait "$p"; done

plain=$(cat "$work/plain.cycles")
first=$(cat "$work/first.cycles")
for v in $variants; do
    cmp -s "$work/plain.trace" "$work/$v.trace" || { echo "bench-c64: variant $v changed the results" >&2; exit 1; }
done
per_token=$(( (plain - first) / (steps - 1) ))
{
    echo "# 6502 cycles: stories260K, Zoo, greedy, math portable (sim65)"
    echo
    echo "| | cycles |"
    echo "|---|---|"
    echo "| $steps steps (whole run) | $plain |"
    echo "| first step (whole run of 1 step) | $first |"
    echo "| per token, steps 2-$steps | $per_token |"
    echo "| per token at 985 kHz (PAL C64) | $(awk -v c="$per_token" 'BEGIN{printf "%.1f minutes", c / 985248 / 60}') |"
    echo
    echo "Where the cycles of the $steps steps go (a variant doing the work twice, minus the plain run):"
    echo
    echo "| work | cycles | share | per token |"
    echo "|---|---|---|---|"
    rest=$plain
    for v in $variants; do
        c=$(( $(cat "$work/$v.cycles") - plain ))
        rest=$(( rest - c ))
        case $v in
        matmul) label="matmul arithmetic (dot products of the weight rows)" ;;
        stream) label="reading the weight stream from external memory" ;;
        attention) label="attention arithmetic (scores, weighted sums)" ;;
        kv) label="KV cache reads and writes in external memory" ;;
        math) label="expf, powf, sinf, cosf (softmax, RoPE, SwiGLU)" ;;
        esac
        awk -v l="$label" -v c="$c" -v t="$plain" -v s="$steps" 'BEGIN{printf "| %s | %d | %.1f%% | %d |\n", l, c, 100 * c / t, c / s}'
    done
    awk -v c="$rest" -v t="$plain" -v s="$steps" 'BEGIN{printf "| other (norms, RoPE/softmax/SwiGLU arithmetic, sampling, tokenizer, trace, overhead) | %d | %.1f%% | %d |\n", c, 100 * c / t, c / s}'
    echo
    echo "Bench time: $((SECONDS - start)) s with $jobs runs at a time."
} >"$output"
cat "$output"
