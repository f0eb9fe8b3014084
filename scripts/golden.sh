#!/usr/bin/env bash
# Golden traces: regenerate them, or check that the runner still reproduces them. The same
# script captures a port's traces of the same scenarios (make capture-pico).
#
#   scripts/golden.sh regen   writes OUT/MATH/NAME.trace for every scenario and math mode
#   scripts/golden.sh check   regenerates into a temporary folder; fails unless bit-identical
#
# Options (environment): RUNNER (./run), MODELS (models folder), GOLDEN (golden: holds
# scenarios.tsv and stdin/), OUT (where traces go; GOLDEN), PLATFORM (the trace's platform
# id; REFERENCE), MATHS (math modes, "libm portable"), ONLY (scenario names to restrict to, space-separated).
# Every file appears whole or not at all: traces are written beside their target and
# renamed into place, so an interrupted run leaves the previous golden files intact. Only a
# regular file is ever replaced (a directory, device, FIFO or symbolic link in a trace's
# place is refused). check writes nothing under GOLDEN or OUT: its traces go to a temporary
# folder under $TMPDIR, so it works on a read-only checkout.
set -euo pipefail

mode=${1:-}
case "$mode" in regen | check) ;; *) echo "usage: scripts/golden.sh regen|check" >&2; exit 2 ;; esac
runner=${RUNNER:-./run}
models=${MODELS:-models}
golden=${GOLDEN:-golden}
out_dir=${OUT:-$golden}
platform=${PLATFORM:-REFERENCE}
maths=${MATHS:-libm portable}
only=${ONLY:-}
manifest="$golden/scenarios.tsv"

[ -x "$runner" ] || { echo "golden: no runner $runner (run make first)" >&2; exit 2; }
[ -f "$manifest" ] || { echo "golden: no manifest $manifest" >&2; exit 2; }

# regen: the working folder lives inside the output folder so that renames out of it stay
# atomic. Its name holds this process's id: a folder left by a killed run (SIGKILL skips the
# trap) is removed by the next run once its process is gone. check: under $TMPDIR.
if [ "$mode" = regen ]; then
    mkdir -p "$out_dir"
    for stale in "$out_dir"/.work-*; do
        [ -d "$stale" ] || continue
        pid=${stale##*/.work-}
        pid=${pid%%-*}
        case "$pid" in '' | *[!0-9]*) continue ;; esac
        kill -0 "$pid" 2>/dev/null || rm -rf "$stale"
    done
    work=$(mktemp -d "$out_dir/.work-$$-XXXXXX")
else
    work=$(mktemp -d "${TMPDIR:-/tmp}/golden-check-XXXXXX")
fi
trap 'rm -rf "$work"' EXIT
trap 'exit 129' HUP
trap 'exit 130' INT
trap 'exit 143' TERM

# Reads the manifest into parallel arrays; one scenario per line, TAB-separated.
names=() lines=()
lineno=0
while IFS= read -r line || [ -n "$line" ]; do
    lineno=$((lineno + 1))
    case "$line" in '' | '#'*) continue ;; esac
    IFS=$'\t' read -r -a f <<<"$line"
    if [ "${#f[@]}" -lt 7 ]; then
        echo "golden: $manifest:$lineno: expected at least 7 TAB-separated fields, found ${#f[@]}" >&2
        exit 2
    fi
    [ -n "$only" ] && case " $only " in *" ${f[0]} "*) ;; *) continue ;; esac
    names+=("${f[0]}")
    lines+=("$line")
done <"$manifest"
[ "${#names[@]}" -gt 0 ] || { echo "golden: no scenario selected in $manifest" >&2; exit 2; }

total=$(($(wc -w <<<"$maths") * ${#names[@]}))
index=0 unchanged=0 changed=() added=() failed=()
for math in $maths; do
    mkdir -p "$work/$math"
    for i in "${!names[@]}"; do
        IFS=$'\t' read -r -a f <<<"${lines[$i]}"
        name=${f[0]} model=${f[1]} tokenizer=${f[2]} level=${f[3]} layers=${f[4]} stdin=${f[5]}
        args=("${f[@]:7}") # f[6]: the ports that run it (scripts/port-scenarios.sh)
        index=$((index + 1))
        extra=()
        [ "$layers" = 1 ] && extra+=(--layers)
        input=/dev/null
        [ "$stdin" != - ] && input="$golden/stdin/$stdin"
        out="$work/$math/$name.trace"
        started=$(date +%s%N)
        # a model named with a folder (build/NAME.bin) is made at test time (mk/golden_synth.mk)
        case "$model" in */*) model_path=$model ;; *) model_path=$models/$model ;; esac
        if ! "$runner" "$model_path" -z "$models/$tokenizer" "${args[@]}" --math "$math" \
            --logits "$level" "${extra[@]}" --platform "$platform" --trace "$out" \
            <"$input" >"$work/stdout" 2>"$work/stderr"; then
            echo "[$index/$total] $math/$name: FAILED: $(grep -v 'achieved tok/s' "$work/stderr" | head -1)"
            failed+=("$math/$name")
            continue
        fi
        ms=$((($(date +%s%N) - started) / 1000000))
        target="$out_dir/$math/$name.trace"
        if [ -L "$target" ] || { [ -e "$target" ] && [ ! -f "$target" ]; }; then
            echo "[$index/$total] $math/$name: FAILED: $target is not a regular file; only a regular file is ever replaced"
            failed+=("$math/$name")
            continue
        fi
        if [ ! -f "$target" ]; then state=new; added+=("$math/$name")
        elif cmp -s "$out" "$target"; then state=unchanged; unchanged=$((unchanged + 1))
        else state=changed; changed+=("$math/$name"); fi
        echo "[$index/$total] $math/$name: $state ($(wc -c <"$out") bytes, $ms ms)"
        if [ "$mode" = regen ] && [ "$state" != unchanged ]; then
            mkdir -p "$out_dir/$math"
            mv -f "$out" "$target" # a rename within the output folder: atomic
        fi
    done
done

list() { [ "$#" -gt 0 ] && printf ' (%s)' "$*" || true; }
summary="${#names[@]} scenarios x $(wc -w <<<"$maths") math modes: $unchanged unchanged, ${#changed[@]} changed$(list "${changed[@]}"), ${#added[@]} new$(list "${added[@]}"), ${#failed[@]} failed$(list "${failed[@]}")"
if [ "$mode" = regen ]; then
    echo "golden: $summary"
    [ "${#failed[@]}" = 0 ]
else
    echo "check-golden: $summary"
    if [ "${#changed[@]}" -gt 0 ] && [ -x ./conform ]; then
        for c in "${changed[@]}"; do
            echo "--- conform diff $out_dir/$c.trace (recorded) vs regenerated:"
            ./conform diff "$out_dir/$c.trace" "$work/$c.trace" || true
        done
    fi
    [ "${#failed[@]}" = 0 ] && [ "${#changed[@]}" = 0 ] && [ "${#added[@]}" = 0 ]
fi
