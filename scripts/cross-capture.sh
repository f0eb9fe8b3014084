#!/usr/bin/env bash
# Everything CI records for one cross target (ports/cross/cross.mk), under its runner:
#  1. the golden scenarios in both math modes into CAPTURES/NAME/MATH/ (build/captures;
#     portable must be bit-identical to the host golden: make test-captures gates on it);
#  2. the recorded cases of the original run.c (gated here: every case must pass);
#  3. the fast path (gated here: bit-identical, or refused where the build has no threads);
#  4. CAPTURES/NAME/RESULTS.tsv (what 2 and 3 found, for the README's matrix) and
#     REPORT.md (scripts/capture-report.sh). make update-captures-NAME copies them into
#     golden/captures/NAME/ (scripts/update-captures.sh).
#
# usage: scripts/cross-capture.sh NAME
# Environment (ports/cross/cross.mk sets them): RUNNER, RUNNER_FAST, FAST (identical|refused),
# SCENARIOS, FAST_SCENARIOS, PLATFORM, MODELS, ACCEPTANCE, MATHS ("libm portable"),
# CAPTURES (build/captures), ACCEPTANCE_READER (build/tests/test_acceptance, the reader of the
# recorded cases) and ACCEPTANCE_TIME_LIMIT (its seconds per case; default 900).
set -euo pipefail
name=${1:?usage: scripts/cross-capture.sh NAME}
here=$(cd "$(dirname "$0")" && pwd)
captures=${CAPTURES:-build/captures}
out=$captures/$name
: "${RUNNER:?}" "${RUNNER_FAST:?}" "${SCENARIOS:?}" "${FAST_SCENARIOS:?}" "${PLATFORM:?}" "${MODELS:?}" "${ACCEPTANCE:?}"
fast=${FAST:-identical}
maths=${MATHS:-libm portable}
started=$SECONDS
step() { printf 'cross-capture %s: %s\n' "$name" "$*"; }

n_scenarios=$(wc -w <<<"$SCENARIOS")
step "golden scenarios ($n_scenarios) in $maths"
rm -rf "$out"
mkdir -p "$out"
RUNNER=$RUNNER OUT=$out PLATFORM=$PLATFORM MODELS=$MODELS MATHS=$maths ONLY=$SCENARIOS "$here/golden.sh" regen

step "recorded cases"
acceptance_log=$(mktemp)
trap 'rm -f "$acceptance_log" "$out/RESULTS.tsv.tmp" "$out/REPORT.md.tmp"' EXIT
reader=${ACCEPTANCE_READER:-build/tests/test_acceptance}
[ -x "$reader" ] || { echo "cross-capture $name: no reader of the recorded cases at $reader (make $reader)" >&2; exit 1; }
status=0
"$reader" --time-limit "${ACCEPTANCE_TIME_LIMIT:-900}" "$RUNNER" "$ACCEPTANCE" "$MODELS" >"$acceptance_log" 2>&1 || status=$?
cat "$acceptance_log"
# the reader's last line on standard output (cmocka's failure messages go to standard error)
summary=$(grep -E '^acceptance: [0-9]+ passed, [0-9]+ failed$' "$acceptance_log" | tail -1) || true
[ -n "$summary" ] || { echo "cross-capture $name: the recorded cases did not run (reader status $status)" >&2; exit 1; }
passed=${summary#acceptance: }
passed=${passed%% *}
failed=${summary##*, }
failed=${failed%% *}
[ "$status" = 0 ] && [ "$failed" = 0 ] || { echo "cross-capture $name: $failed of $((passed + failed)) recorded cases failed" >&2; exit 1; }

step "fast path ($fast)"
"$here/cross-fast-check.sh" "$RUNNER_FAST" "$MODELS" "$FAST_SCENARIOS" "$fast"
if [ "$fast" = identical ]; then
    fast_result="bit-identical ($(wc -w <<<"$FAST_SCENARIOS") scenarios, --threads 2)"
else
    fast_result="refused: no threads"
fi

{
    printf 'platform\t%s\n' "$PLATFORM"
    printf 'scenarios\t%s\n' "$SCENARIOS"
    printf 'recorded_cases\t%s of %s\n' "$passed" "$((passed + failed))"
    printf 'fast_path\t%s\n' "$fast_result"
} >"$out/RESULTS.tsv.tmp"
mv "$out/RESULTS.tsv.tmp" "$out/RESULTS.tsv"
CAPTURES=$captures "$here/capture-report.sh" "$name" >"$out/REPORT.md.tmp"
mv "$out/REPORT.md.tmp" "$out/REPORT.md"
cat "$out/REPORT.md"
CAPTURES=$captures "$here/update-captures.sh" --compare "$name"
step "done in $((SECONDS - started)) s"
