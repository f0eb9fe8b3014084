#!/usr/bin/env bash
# The reader of the recorded cases can fail: through tests/acceptance_mutant.sh, every case
# must pass when the runner is passed through unchanged, and every case must fail when one
# byte of standard output or the exit status is wrong.
#
# usage: tests/test_acceptance_reader.sh READER CASES_DIR MODELS_DIR
set -u
reader=$1 cases=$2 models=$3
here=$(cd "$(dirname "$0")" && pwd)
n=$(find "$cases" -maxdepth 1 -name '*.args' | wc -l)
[ "$n" -gt 0 ] || { echo "test_acceptance_reader: no cases in $cases" >&2; exit 1; }
log=$(mktemp) || exit 2
trap 'rm -f "$log"' EXIT
fails=0

# expect MUTATION STATUS SUMMARY: the reader's exit status and its summary line
expect() {
    local status=0
    MUTATE=$1 "$reader" "$here/acceptance_mutant.sh" "$cases" "$models" >"$log" 2>&1 || status=$?
    if [ "$status" = "$2" ] && [ "$(grep '^acceptance: ' "$log")" = "$3" ]; then
        echo "test_acceptance_reader: MUTATE=$1: $3 (as expected)"
    else
        fails=$((fails + 1))
        echo "test_acceptance_reader: FAIL with MUTATE=$1: status $status (want $2), want \"$3\"; the reader printed:"
        tail -5 "$log"
    fi
}
expect none 0 "acceptance: $n passed, 0 failed"
expect byte 1 "acceptance: 0 passed, $n failed"
expect status 1 "acceptance: 0 passed, $n failed"
[ "$fails" = 0 ]
