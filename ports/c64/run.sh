#!/usr/bin/env bash
# Runs the 6502 program under sim65 like ./run: run.c's arguments in, the trace written to
# the --trace file, so scripts/golden.sh can capture the golden scenarios with it.
#
# usage: ports/c64/run.sh MODEL -z TOKENIZER [-t T] [-p P] [-s S] [-n N] [-i PROMPT]
#            --math portable [--logits L] [--platform ID] --trace FILE
#
# MODEL names the checkpoint; the program reads its image C64_IMAGES/NAME.reu (NAME: the
# checkpoint's file name without .bin), which make builds with c64pack. Only generate mode
# and MATH=PORTABLE exist on the 6502: other modes, --math libm and --layers are refused.
# The KV cache's page files go to a fresh temporary folder, removed afterwards.
#
# Environment:
#   RUN65         the sim65 program (default: build/c64/run65 beside this script's folders)
#   C64_IMAGES    folder of the images (default: build/c64)
#   SIM65         the simulator (default: sim65)
#   SIM65_CYCLES  a file to append "NAME CYCLES" to: the 6502 cycles of the run
#   SIM65_LIMIT   cycle cap for sim65 -x (default: none)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$here/../..
program=${RUN65:-$root/build/c64/run65}
images=${C64_IMAGES:-$root/build/c64}
sim65=${SIM65:-sim65}

[ $# -ge 1 ] || { echo "ports/c64/run.sh: usage: ports/c64/run.sh MODEL -z TOKENIZER [options] --trace FILE" >&2; exit 2; }
model=$1
shift
name=$(basename "$model" .bin)
image=$images/$name.reu
[ -f "$image" ] || { echo "ports/c64/run.sh: no image $image (make c64-images)" >&2; exit 2; }
[ -f "$program" ] || { echo "ports/c64/run.sh: no program $program (make c64)" >&2; exit 2; }

args=()
trace=""
while [ $# -gt 0 ]; do
    case "$1" in
    -z) shift 2 ;; # the image holds the tokenizer
    -m) [ "${2:-}" = generate ] || { echo "ports/c64/run.sh: only generate mode on the 6502" >&2; exit 2; }; shift 2 ;;
    -y) echo "ports/c64/run.sh: no chat mode on the 6502" >&2; exit 2 ;;
    --math) [ "${2:-}" = portable ] || { echo "ports/c64/run.sh: only --math portable on the 6502" >&2; exit 2; }; shift 2 ;;
    --layers) echo "ports/c64/run.sh: no layer records on the 6502" >&2; exit 2 ;;
    --trace) trace=${2:?}; shift 2 ;;
    -t | -p | -s | -n | -i | --logits | --platform) args+=("$1" "${2:?ports/c64/run.sh: $1 needs a value}"); shift 2 ;;
    *) echo "ports/c64/run.sh: unknown argument $1" >&2; exit 2 ;;
    esac
done
[ -n "$trace" ] || { echo "ports/c64/run.sh: --trace FILE is required" >&2; exit 2; }

work=$(mktemp -d "${TMPDIR:-/tmp}/run65-XXXXXX")
trap 'rm -rf "$work"' EXIT
options=(-c)
[ -n "${SIM65_LIMIT:-}" ] && options+=(-x "$SIM65_LIMIT")
status=0
"$sim65" "${options[@]}" "$program" "$image" "$work" "${args[@]}" >"$work/out" || status=$?
# sim65 -c ends standard output with "N cycles"
cycles=$(sed -n 's/^\([0-9][0-9]*\) cycles$/\1/p' "$work/out" | tail -1)
grep -v '^[0-9][0-9]* cycles$' "$work/out" >"$trace" || true
if [ -n "${SIM65_CYCLES:-}" ] && [ -n "$cycles" ]; then
    echo "$(basename "$trace" .trace) $cycles" >>"$SIM65_CYCLES"
fi
exit "$status"
