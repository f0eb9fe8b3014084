#!/usr/bin/env bash
# scripts/conform-report.sh OUT: the conformance report of every port's captures.
#
# For each folder golden/captures/PORT/MATH/ (PORT: pico, c64, vice, the cross targets),
# `conform check --captures` writes OUT/PORT-MATH.{html,xml,json}; OUT/index.html is the
# matrix of all of them, one row a port, with links to each report. Portable captures must
# be bit-identical to the host's portable golden; libm captures are held to tokens (each
# platform's own expf, powf, sinf and cosf round differently); a port folder holding a file
# CUT_SHORT has captures that stop early on purpose (VICE), checked with --allow-truncated.
# Exit status 1 when any check fails, 2 on errors.
set -uo pipefail
out=${1:?usage: scripts/conform-report.sh OUT}
conform=${CONFORM:-./conform}
mkdir -p "$out"
index="$out/index.html.tmp"
status=0

escape() { sed -e 's/&/\&amp;/g' -e 's/</\&lt;/g' -e 's/>/\&gt;/g'; }

{
    printf '<!DOCTYPE html>\n<html><head><meta charset="utf-8"><title>Conformance of the ports</title>\n'
    printf '<style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}'
    printf 'td,th{border:1px solid #999;padding:.3em .8em;text-align:left}'
    printf '.pass{background:#d8f5d0}.fail{background:#f8d0d0}</style></head><body>\n'
    printf '<h1>Conformance of the ports</h1>\n<p>conform check over golden/captures/PORT/MATH against '
    printf 'golden/MATH: portable math must be bit-identical, libm math must give the same tokens.</p>\n'
    printf '<table><tr><th>port</th><th>math</th><th>required</th><th>result</th><th>report</th></tr>\n'
} > "$index"

for dir in golden/captures/*/portable golden/captures/*/libm; do
    [ -d "$dir" ] || continue
    port=$(basename "$(dirname "$dir")")
    math=$(basename "$dir")
    args=(--captures "$dir" --math "$math")
    required=bits
    if [ "$math" = libm ]; then args+=(--require tokens); required=tokens; fi
    if [ -f "golden/captures/$port/CUT_SHORT" ]; then args+=(--allow-truncated); required="$required (cut short)"; fi
    name="$port-$math"
    rc=0
    summary=$("$conform" check "${args[@]}" --html "$out/$name.html" --junit "$out/$name.xml" \
        --json "$out/$name.json" 2>/dev/null | grep '^summary:') || rc=$?
    [ -n "$summary" ] || { summary="summary: conform check failed (exit $rc)"; [ "$rc" = 0 ] && rc=2; }
    class=pass
    if [ "$rc" != 0 ]; then
        class=fail
        [ "$rc" -gt "$status" ] && status=$rc
    fi
    printf 'conform-report: %-16s %s\n' "$name" "$summary"
    printf '<tr class="%s"><td>%s</td><td>%s</td><td>%s</td><td>%s</td><td><a href="%s.html">%s.html</a></td></tr>\n' \
        "$class" "$port" "$math" "$required" "$(printf '%s' "${summary#summary: }" | sed 's/; required level.*//' | escape)" "$name" "$name" >> "$index"
done
printf '</table>\n</body></html>\n' >> "$index"
mv "$index" "$out/index.html"
echo "conform-report: $out/index.html"
exit "$status"
