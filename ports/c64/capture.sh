#!/usr/bin/env bash
# make capture-c64: the C64 scenarios of golden/scenarios.tsv (names starting with c64_)
# run by the 6502 program under sim65, all at once, into golden/captures/c64/portable/,
# then golden/captures/c64/REPORT.md (scripts/capture-report.sh). The gate is make test
# (test-captures): each capture must be bit-identical to the host golden of its scenario.
#
# Environment: MODELS, RUN65, C64_IMAGES as for ports/c64/run.sh; CYCLES (a file
# that gets "NAME CYCLES" per scenario; default build/c64/capture-cycles.txt).
set -euo pipefail
cd "$(dirname "$0")/../.."
out=golden/captures/c64
cycles=${CYCLES:-build/c64/capture-cycles.txt}
mkdir -p "$(dirname "$cycles")"
: >"$cycles"
names=$(awk -F'\t' '$1 ~ /^c64_/ {print $1}' golden/scenarios.tsv)
[ -n "$names" ] || { echo "capture-c64: no c64_ scenario in golden/scenarios.tsv" >&2; exit 2; }

start=$SECONDS
pids=() logs=()
for name in $names; do
    log=$(mktemp "${TMPDIR:-/tmp}/capture-c64-$name-XXXXXX")
    RUNNER=ports/c64/run.sh OUT=$out PLATFORM=SIM65-6502-CC65 MATHS=portable ONLY=$name \
        SIM65_CYCLES=$cycles scripts/golden.sh regen >"$log" 2>&1 &
    pids+=($!)
    logs+=("$log")
done
failed=0
for i in "${!pids[@]}"; do
    wait "${pids[$i]}" || failed=1
    grep -v '^golden:' "${logs[$i]}" || true
    rm -f "${logs[$i]}"
done
[ "$failed" = 0 ] || { echo "capture-c64: a scenario failed" >&2; exit 1; }
echo "capture-c64: $(echo $names | wc -w) scenarios in $((SECONDS - start)) s; 6502 cycles per run:"
sed 's/^/    /' "$cycles"
scripts/capture-report.sh c64 >"$out/REPORT.md.tmp"
mv "$out/REPORT.md.tmp" "$out/REPORT.md"
cat "$out/REPORT.md"
