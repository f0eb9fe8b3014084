#!/usr/bin/env bash
# make capture-NAME: the golden scenarios port NAME runs (scripts/port-scenarios.sh) through
# its runner, in each math mode it has, into CAPTURES/NAME/MATH/SCENARIO.trace, then
# CAPTURES/NAME/REPORT.md (scripts/capture-report.sh). Nothing under golden/ is written:
# make update-captures-NAME copies a capture there, to be reviewed and committed.
#
# usage: scripts/capture.sh NAME
# Environment (mk/captures.mk sets them from the port's NAME.mk): RUNNER (the port's
# run.sh), PLATFORM (the traces' platform id), MATHS ("libm portable"), MODELS, JOBS
# (scenarios run at once; 0: all), CAPTURES (build/captures), GOLDEN (golden).
set -euo pipefail
name=${1:?usage: scripts/capture.sh NAME}
here=$(cd "$(dirname "$0")" && pwd)
: "${RUNNER:?capture: set RUNNER}" "${PLATFORM:?capture: set PLATFORM}"
maths=${MATHS:-libm portable}
jobs=${JOBS:-1}
golden=${GOLDEN:-golden}
out=${CAPTURES:-build/captures}/$name
names=$("$here/port-scenarios.sh" "$name")

start=$SECONDS
rm -rf "$out"
mkdir -p "$out"
# one golden.sh a scenario, JOBS of them at once (0: all), each log printed as it ends
failed=0 running=0 pids=() logs=()
finish() {
    wait "${pids[0]}" || failed=1
    grep -v '^golden:' "${logs[0]}" || true
    rm -f "${logs[0]}"
    pids=("${pids[@]:1}") logs=("${logs[@]:1}")
}
for scenario in $names; do
    log=$(mktemp "${TMPDIR:-/tmp}/capture-$name-$scenario-XXXXXX")
    RUNNER=$RUNNER OUT=$out PLATFORM=$PLATFORM MATHS=$maths ONLY=$scenario GOLDEN=$golden \
        "$here/golden.sh" regen >"$log" 2>&1 &
    pids+=($!) logs+=("$log")
    if [ "$jobs" != 0 ] && [ "${#pids[@]}" -ge "$jobs" ]; then finish; fi
done
while [ "${#pids[@]}" -gt 0 ]; do finish; done
[ "$failed" = 0 ] || { echo "capture-$name: a scenario failed" >&2; exit 1; }
echo "capture-$name: $(wc -w <<<"$names") scenarios x $(wc -w <<<"$maths") math modes in $((SECONDS - start)) s into $out"
CAPTURES=${CAPTURES:-build/captures} GOLDEN=$golden "$here/capture-report.sh" "$name" >"$out/REPORT.md.tmp"
mv "$out/REPORT.md.tmp" "$out/REPORT.md"
cat "$out/REPORT.md"
"$here/update-captures.sh" --compare "$name"
