#!/usr/bin/env bash
# Copies a port's fresh captures (make capture-NAME, in CAPTURES/NAME/) into
# golden/captures/NAME/, where they are committed: each math folder is replaced whole, the
# files beside them (REPORT.md, RESULTS.tsv, run.md, screenshots) are copied over, and
# files only golden/ has (such as CUT_SHORT) stay. Captures are never written into golden/
# otherwise, so that CI and make test leave every tracked file as it is.
#
# usage: scripts/update-captures.sh NAME             (make update-captures-NAME)
#        scripts/update-captures.sh --compare NAME   says whether they differ; writes nothing
set -euo pipefail
compare=0
[ "${1:-}" = --compare ] && { compare=1; shift; }
name=${1:?usage: scripts/update-captures.sh [--compare] NAME}
from=${CAPTURES:-build/captures}/$name
to=${GOLDEN:-golden}/captures/$name
[ -d "$from" ] || { echo "update-captures: no captures in $from (make capture-$name)" >&2; exit 2; }

if [ "$compare" = 1 ]; then
    if [ -d "$to" ] && diff -r -q -x CUT_SHORT "$from" "$to" >/dev/null 2>&1; then
        echo "capture-$name: the same as $to"
    elif [ -d "$to" ]; then
        echo "capture-$name: differs from $to (diff -r $from $to); make update-captures-$name copies it there"
        diff -r -q -x CUT_SHORT "$from" "$to" | sed 's/^/    /' || true
    else
        echo "capture-$name: $to does not exist yet; make update-captures-$name makes it"
    fi
    exit 0
fi

mkdir -p "$to"
for item in "$from"/*; do
    base=${item##*/}
    if [ -d "$item" ]; then
        rm -rf "$to/$base.tmp"
        cp -R "$item" "$to/$base.tmp"
        rm -rf "$to/$base"
        mv "$to/$base.tmp" "$to/$base"
    else
        cp "$item" "$to/$base.tmp"
        mv "$to/$base.tmp" "$to/$base"
    fi
done
echo "update-captures: $from copied into $to"
