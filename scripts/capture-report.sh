#!/usr/bin/env bash
# Writes the comparison of a port's captures with the host golden as a markdown table:
# for every golden/captures/PORT/MATH/NAME.trace, `conform diff --level bits` against
# golden/MATH/NAME.trace. Portable captures must be bit-identical; libm captures may differ
# where the port's libm does, and the table says how far. A cut-short capture (a port that
# stops after a few steps, golden/captures/vice/) says so. The port's run.md, when there
# is one (how the captures were made, what they cost), follows the table.
#
# usage: scripts/capture-report.sh PORT     (prints the table on standard output)
# Environment: CAPTURES (the folder of the ports' captures; GOLDEN/captures), GOLDEN (golden).
set -euo pipefail
port=${1:?usage: scripts/capture-report.sh PORT}
golden=${GOLDEN:-golden}
conform=${CONFORM:-./conform}
dir="${CAPTURES:-$golden/captures}/$port"
[ -d "$dir" ] || { echo "capture-report: no captures in $dir" >&2; exit 2; }
[ -x "$conform" ] || { echo "capture-report: no $conform (make conform)" >&2; exit 2; }

echo "| math | scenario | steps | verdict (bits) | steps that differ | first differing step | max ULP | first layer/op that differs | tokens |"
echo "|---|---|---|---|---|---|---|---|---|"
for capture in "$dir"/*/*.trace; do
    math=$(basename "$(dirname "$capture")")
    name=$(basename "$capture" .trace)
    status=0
    json=$("$conform" diff "$golden/$math/$name.trace" "$capture" --level bits --json) || status=$?
    [ "$status" -le 1 ] || { echo "capture-report: conform failed on $capture: $json" >&2; exit 2; }
    python3 -c '
import json, sys
math, name, d = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
first = d.get("first_divergence") or {}
layer = first.get("layer") or {}
cells = [math, name, str(d["steps_compared"]),
         {"equal": "bit-identical", "truncated": "bit-identical, cut short"}.get(d["verdict"], "different"),
         str(d["steps_differ"]),
         "-" if not first else str(first["step"]),
         "-" if d["verdict"] in ("equal", "truncated") else ("n/a (digests only)" if d["max_ulp"] is None else str(d["max_ulp"])),
         "-" if not layer else "layer %d %s" % (layer["layer"], layer["op"]),
         "same" if d["tokens_match"] else "differ from step %s" % d["first_token_divergence"]]
print("| " + " | ".join(cells) + " |")
' "$math" "$name" "$json"
done
if [ -f "$dir/run.md" ]; then
    echo
    cat "$dir/run.md"
fi
