#!/usr/bin/env bash
# Runs every recorded case of the original run.c against a runner and compares stdout
# byte for byte and the exit status.
# usage: scripts/acceptance.sh [RUNNER] [CASES_DIR] [MODELS_DIR]
set -u
runner=${1:-./run}
cases=${2:-../shared/acceptance/upstream-run}
models=${3:-../shared/models}
[ -d "$cases" ] || { echo "acceptance: no cases folder $cases" >&2; exit 2; }
tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT

# Decodes one .args line: @MODELS@, \\ \n \t escapes.
decode_arg() {
    local s=${1//@MODELS@/$models} out="" i c
    for ((i = 0; i < ${#s}; i++)); do
        c=${s:i:1}
        if [ "$c" = '\' ] && [ $((i + 1)) -lt ${#s} ]; then
            i=$((i + 1))
            case ${s:i:1} in n) out+=$'\n' ;; t) out+=$'\t' ;; *) out+=${s:i:1} ;; esac
        else
            out+=$c
        fi
    done
    printf '%s' "$out"
}

passed=0 failed=0
for argsfile in "$cases"/*.args; do
    name=$(basename "$argsfile" .args)
    args=()
    while IFS= read -r line || [ -n "$line" ]; do args+=("$(decode_arg "$line")"); done <"$argsfile"
    stdin=/dev/null
    [ -f "$cases/$name.stdin" ] && stdin="$cases/$name.stdin"
    "$runner" "${args[@]}" <"$stdin" >"$tmp/out" 2>"$tmp/err"
    status=$?
    want_status=$(cat "$cases/$name.exit")
    if [ "$status" = "$want_status" ] && cmp -s "$tmp/out" "$cases/$name.stdout"; then
        passed=$((passed + 1))
    else
        failed=$((failed + 1))
        echo "FAIL $name: exit $status (want $want_status)"
        cmp "$tmp/out" "$cases/$name.stdout" | head -1
        head -c 300 "$tmp/err"
    fi
done
echo "acceptance: $passed passed, $failed failed"
[ "$failed" = 0 ]
