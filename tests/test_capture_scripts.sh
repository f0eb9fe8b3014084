#!/usr/bin/env bash
# The capture plumbing's scripts on made-up folders: scripts/port-scenarios.sh (which
# scenarios a port runs, from the ports field of scenarios.tsv) and
# scripts/update-captures.sh (fresh captures into golden/captures, and --compare).
#
# usage: tests/test_capture_scripts.sh       (make test-capture-scripts)
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/test-capture-scripts-XXXXXX")
trap 'rm -rf "$work"' EXIT
passed=0 failed=0
check() { # NAME EXPECTED ACTUAL
    if [ "$2" = "$3" ]; then passed=$((passed + 1)); echo "ok: $1"
    else failed=$((failed + 1)); printf 'FAIL: %s\n  expected: %s\n  got:      %s\n' "$1" "$2" "$3"; fi
}

# the real manifest: the C64 port runs the two c64 rows, the Pico and the cross targets all
check "golden: c64's scenarios" "c64_zoo c64_sampled" "$("$root/scripts/port-scenarios.sh" c64 | tr '\n' ' ' | sed 's/ $//')"
check "golden: pico runs all 13" 13 "$("$root/scripts/port-scenarios.sh" pico | wc -l | tr -d ' ')"

mkdir -p "$work/g"
printf '# comment\na\tm\tt\tfull\t0\t-\tall\t-t\t0\nb\tm\tt\tfull\t0\t-\tpico,x\t-n\t3\nc\tm\tt\tfull\t0\t-\tx64\n' >"$work/g/scenarios.tsv"
check "all rows for every port" "a" "$(GOLDEN=$work/g "$root/scripts/port-scenarios.sh" zz | tr '\n' ' ' | sed 's/ $//')"
check "a name in a list" "a b" "$(GOLDEN=$work/g "$root/scripts/port-scenarios.sh" x | tr '\n' ' ' | sed 's/ $//')"
check "a prefix is not a name" "a" "$(GOLDEN=$work/g "$root/scripts/port-scenarios.sh" x6 | tr '\n' ' ' | sed 's/ $//')"
check "--rows drops the ports field" "$(printf 'b\tm\tt\tfull\t0\t-\t-n\t3')" "$(GOLDEN=$work/g "$root/scripts/port-scenarios.sh" --rows pico | sed -n 2p)"
printf 'a\tm\tt\tfull\t0\t-\n' >"$work/g/scenarios.tsv"
out=$(GOLDEN=$work/g "$root/scripts/port-scenarios.sh" x 2>&1); status=$?
check "a short row: message" "port-scenarios: $work/g/scenarios.tsv:1: expected at least 7 TAB-separated fields, found 6" "$out"
check "a short row: status" 2 "$status"

# update-captures: math folders replaced whole, other files copied, CUT_SHORT kept
mkdir -p "$work/b/p/portable" "$work/g/captures/p/portable"
echo new >"$work/b/p/portable/s.trace"
echo report >"$work/b/p/REPORT.md"
echo old >"$work/g/captures/p/portable/gone.trace"
echo why >"$work/g/captures/p/CUT_SHORT"
check "--compare: differs" "capture-p: differs from $work/g/captures/p" \
    "$(CAPTURES=$work/b GOLDEN=$work/g "$root/scripts/update-captures.sh" --compare p | head -1 | sed 's/ (diff.*//')"
CAPTURES=$work/b GOLDEN=$work/g "$root/scripts/update-captures.sh" p >/dev/null
check "update: the math folder replaced" "s.trace" "$(ls "$work/g/captures/p/portable" | tr '\n' ' ' | sed 's/ $//')"
check "update: REPORT.md copied, CUT_SHORT kept" "CUT_SHORT REPORT.md portable" "$(ls "$work/g/captures/p" | tr '\n' ' ' | sed 's/ $//')"
check "--compare: the same" "capture-p: the same as $work/g/captures/p" \
    "$(CAPTURES=$work/b GOLDEN=$work/g "$root/scripts/update-captures.sh" --compare p)"
out=$(CAPTURES=$work/none GOLDEN=$work/g "$root/scripts/update-captures.sh" p 2>&1); status=$?
check "no fresh captures: message and status" "update-captures: no captures in $work/none/p (make capture-p) 2" "$out $status"

echo "test-capture-scripts: $passed passed, $failed failed"
[ "$failed" = 0 ]
