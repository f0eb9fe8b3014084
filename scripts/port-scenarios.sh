#!/usr/bin/env bash
# The golden scenarios a port runs: the names of golden/scenarios.tsv whose ports field (the
# 7th) is `all` or names the port in its comma-separated list, one a line, in manifest order.
# The one place that reads the field: make's capture rules and the ports' fragments call it.
#
# usage: scripts/port-scenarios.sh [--rows] PORT     (GOLDEN: the folder of scenarios.tsv; golden)
#   --rows: the whole lines instead of the names, less the ports field (for a port's own
#           capture tool that reads the other fields as scripts/golden.sh does)
set -euo pipefail
rows=0
[ "${1:-}" = --rows ] && { rows=1; shift; }
port=${1:?usage: scripts/port-scenarios.sh [--rows] PORT}
manifest=${GOLDEN:-golden}/scenarios.tsv
[ -f "$manifest" ] || { echo "port-scenarios: no manifest $manifest" >&2; exit 2; }
awk -F'\t' -v port="$port" -v manifest="$manifest" -v rows="$rows" '
    /^#/ || NF == 0 { next }
    NF < 7 { printf "port-scenarios: %s:%d: expected at least 7 TAB-separated fields, found %d\n", manifest, NR, NF > "/dev/stderr"; bad = 1; exit 2 }
    $7 == "all" || index("," $7 ",", "," port ",") {
        found = 1
        if (!rows) { print $1; next }
        line = $1
        for (i = 2; i <= NF; i++) if (i != 7) line = line "\t" $i
        print line
    }
    END { if (!bad && !found) { printf "port-scenarios: no scenario in %s for port %s\n", manifest, port > "/dev/stderr"; exit 2 } }
' "$manifest"
