#!/usr/bin/env bash
# A runner that breaks one thing the reader of the recorded cases must notice
# (tests/test_acceptance_reader.sh): it runs MUTANT_OF (default ./run) with its arguments
# and standard input, then
#   MUTATE=none    passes everything through unchanged (the wrapper itself is faithful)
#   MUTATE=byte    changes the last byte of standard output (adds one when it is empty)
#   MUTATE=status  exits with the status plus one
set -u
out=$(mktemp) || exit 2
trap 'rm -f "$out"' EXIT
"${MUTANT_OF:-./run}" "$@" >"$out"
status=$?
case ${MUTATE:?set MUTATE to none, byte or status} in
    none) cat "$out" ;;
    byte)
        size=$(wc -c <"$out")
        if [ "$size" = 0 ]; then
            printf 'x'
        else
            head -c $((size - 1)) "$out"
            # a byte other than the last one: x, or y where the last is x
            if [ "$(tail -c 1 "$out")" = x ]; then printf 'y'; else printf 'x'; fi
        fi
        ;;
    status) cat "$out"; status=$(((status + 1) % 256)) ;;
    *) echo "tests/acceptance_mutant.sh: MUTATE=$MUTATE is not none, byte or status" >&2; exit 2 ;;
esac
exit "$status"
