#!/usr/bin/env bash
# The README's matrix of cross targets, made from what their captures hold: for every
# golden/captures/NAME/ with a RESULTS.tsv (scripts/cross-capture.sh), the recorded cases,
# the portable captures against the host golden (conform diff --level bits), how far the
# libm captures differ, and the fast path.
#
#   scripts/cross-matrix.sh           prints the table (markdown) on standard output
#   scripts/cross-matrix.sh --readme  also replaces the table in README.md between the
#                                     cross-matrix markers (written whole, then renamed)
#   scripts/cross-matrix.sh --check   fails unless README.md holds the current table
set -euo pipefail
mode=${1:-print}
golden=${GOLDEN:-golden}
conform=${CONFORM:-./conform}
readme=${README:-README.md}
begin='<!-- cross-matrix: made by scripts/cross-matrix.sh from golden/captures; do not edit -->'
end='<!-- cross-matrix end -->'
[ -x "$conform" ] || { echo "cross-matrix: no $conform (make conform)" >&2; exit 2; }

# One target's captures in one math mode: "total equal first_step tokens_differ layer_op".
compare_math() {
    local dir=$1 math=$2 total=0 equal=0 first="" tokens_differ=0 where="" capture name json status
    for capture in "$dir/$math"/*.trace; do
        [ -f "$capture" ] || continue
        name=$(basename "$capture" .trace)
        status=0
        json=$("$conform" diff "$golden/$math/$name.trace" "$capture" --level bits --json) || status=$?
        [ "$status" -le 1 ] || { echo "cross-matrix: conform failed on $capture: $json" >&2; exit 2; }
        total=$((total + 1))
        read -r verdict step tokens op < <(python3 -c '
import json, sys
d = json.loads(sys.argv[1])
f = d.get("first_divergence") or {}
layer = f.get("layer") or {}
print(d["verdict"], f.get("step", "-"), "same" if d["tokens_match"] else "differ",
      "%s/%s" % (layer["layer"], layer["op"]) if layer else "-")
' "$json")
        if [ "$verdict" = equal ]; then
            equal=$((equal + 1))
        else
            # the earliest differing step, and where it is known (digest-only traces do not say)
            if [ -z "$first" ] || [ "$step" -lt "$first" ]; then
                first=$step where=$op
            elif [ "$step" = "$first" ] && [ "$where" = - ]; then
                where=$op
            fi
            [ "$tokens" = same ] || tokens_differ=$((tokens_differ + 1))
        fi
    done
    echo "$total $equal ${first:--} $tokens_differ ${where:--}"
}

table() {
    echo "| target | platform id | recorded cases | portable golden (gated) | libm against the host's glibc (reported) | fast path |"
    echo "|---|---|---|---|---|---|"
    local results dir name platform cases fast p l
    for results in "$golden"/captures/*/RESULTS.tsv; do
        [ -f "$results" ] || continue
        dir=$(dirname "$results")
        name=$(basename "$dir")
        platform=$(sed -n 's/^platform\t//p' "$results")
        cases=$(sed -n 's/^recorded_cases\t//p' "$results")
        fast=$(sed -n 's/^fast_path\t//p' "$results")
        read -r p_total p_equal _ _ _ <<<"$(compare_math "$dir" portable)"
        read -r l_total l_equal l_first l_tokens l_where <<<"$(compare_math "$dir" libm)"
        p="$p_equal of $p_total bit-identical"
        if [ "$l_total" = "$l_equal" ]; then
            l="none: $l_equal of $l_total bit-identical"
        else
            l="$((l_total - l_equal)) of $l_total differ, from step $l_first"
            [ "$l_where" != - ] && l+=" (layer ${l_where%/*} ${l_where#*/})"
            if [ "$l_tokens" = 0 ]; then l+="; tokens the same"; else l+="; tokens differ in $l_tokens"; fi
        fi
        echo "| $name | \`$platform\` | $cases | $p | $l | $fast |"
    done
}

case $mode in
    print) table ;;
    --readme | --check)
        [ -f "$readme" ] || { echo "cross-matrix: no $readme" >&2; exit 2; }
        grep -qxF "$begin" "$readme" && grep -qxF "$end" "$readme" ||
            { echo "cross-matrix: $readme has no cross-matrix markers" >&2; exit 2; }
        tmp=$(mktemp "$readme.XXXXXX")
        trap 'rm -f "$tmp"' EXIT
        current=$(table)
        awk -v begin="$begin" -v end="$end" -v table="$current" '
            $0 == begin { print; print table; skip = 1; next }
            $0 == end { skip = 0 }
            !skip { print }' "$readme" >"$tmp"
        if [ "$mode" = --check ]; then
            if cmp -s "$tmp" "$readme"; then echo "cross-matrix: $readme is current"; exit 0; fi
            echo "cross-matrix: the matrix in $readme is stale: run make cross-matrix" >&2
            diff "$readme" "$tmp" >&2 || true
            exit 1
        fi
        chmod --reference="$readme" "$tmp"
        mv "$tmp" "$readme"
        echo "cross-matrix: $readme updated"
        ;;
    *) echo "usage: scripts/cross-matrix.sh [--readme|--check]" >&2; exit 2 ;;
esac
