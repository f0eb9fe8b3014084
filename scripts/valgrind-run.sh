#!/bin/sh
# Runs the runner under valgrind's memcheck: any memory error, or a definite leak, makes it
# exit with status 99 (which no recorded case expects, so the case fails with valgrind's
# report as its standard error). The runner of the recorded cases in make test-valgrind:
#   build/tests/test_acceptance --time-limit 900 scripts/valgrind-run.sh CASES MODELS
# VALGRIND_RUNNER chooses the program (default ./run).
exec valgrind --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite -q \
    "${VALGRIND_RUNNER:-./run}" "$@"
