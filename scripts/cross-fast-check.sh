#!/usr/bin/env bash
# The fast path of a cross target: `--fast --threads 2` must give the portable golden traces
# bit for bit, or, on a target built without threads, be refused with its one-line message
# and exit status 1 before any output.
#
# usage: scripts/cross-fast-check.sh RUNNER_FAST MODELS "SCENARIOS" [identical|refused]
#   RUNNER_FAST  a runner that appends --fast --threads 2 (ports/cross/cross.mk writes one)
set -u
runner=${1:?usage: scripts/cross-fast-check.sh RUNNER_FAST MODELS SCENARIOS [identical|refused]}
models=${2:?models folder}
scenarios=${3:?scenarios}
expect=${4:-identical}
here=$(cd "$(dirname "$0")" && pwd)

case $expect in
    identical)
        # the traces must be the golden files byte for byte, platform id included
        RUNNER=$runner MODELS=$models MATHS=portable PLATFORM=REFERENCE ONLY="$scenarios" "$here/golden.sh" check
        ;;
    refused)
        want="run: --fast: the fast path needs POSIX threads, which this build has not (a bare-metal or wasm32-wasi target); run without --fast"
        tmp=$(mktemp -d) || exit 2
        trap 'rm -rf "$tmp"' EXIT
        "$runner" "$models/stories260K.bin" -z "$models/tok512.bin" -t 0 -i Zoo </dev/null >"$tmp/out" 2>"$tmp/err"
        status=$?
        if [ "$status" = 1 ] && [ ! -s "$tmp/out" ] && [ "$(cat "$tmp/err")" = "$want" ]; then
            echo "fast path: refused as it should be: $want"
        else
            echo "fast path: expected exit 1, no output and \"$want\"; got exit $status, $(wc -c <"$tmp/out") bytes of output, error: $(head -c 300 "$tmp/err")" >&2
            exit 1
        fi
        ;;
    *) echo "cross-fast-check: expected identical or refused, not $expect" >&2; exit 2 ;;
esac
