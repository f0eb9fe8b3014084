#!/usr/bin/env bash
# Golden files survive SIGKILL: scripts/golden.sh regen is killed at several points, in a
# copy of golden/ (the real one is never touched), and after each kill
#   - every golden file is either byte-identical to what it was before the run, or (for the
#     files the run had to rewrite) byte-identical to the committed golden file: never cut;
#   - no file other than the golden files is left outside golden.sh's .work-* folders, and
#     the .work-* folders left behind are ignored by git;
#   - once the scenarios the last killed run was rewriting are regenerated, every file is the
#     committed one and scripts/golden.sh check passes on the copy.
# Before each run, one golden file is replaced by a stale version and one is deleted, so that
# regen really renames files into place while it is being killed.
#
# usage: tests/test_golden_kill.sh    (environment: RUNNER, default ./run; MODELS; MATHS, default
#        every folder of golden/ with traces in it)
set -euo pipefail
unset OUT PLATFORM ONLY # golden.sh options that would send the traces elsewhere or skip some

runner=$(cd "$(dirname "${RUNNER:-./run}")" && pwd)/$(basename "${RUNNER:-./run}")
models=${MODELS:-models}
[ -x "$runner" ] || { echo "test_golden_kill: no runner $runner" >&2; exit 2; }

tmp=$(mktemp -d "${TMPDIR:-/tmp}/golden-kill-XXXXXX")
trap 'rm -rf "$tmp"' EXIT
cp -R golden "$tmp/golden"
rm -rf "$tmp"/golden/.work-*
copy=$tmp/golden
# the math modes: MATHS, or every top folder of golden/ that holds traces
if [ -z "${MATHS:-}" ]; then
    MATHS=$(cd "$copy" && for d in */; do d=${d%/}; if ls "$d"/*.trace >/dev/null 2>&1; then printf '%s ' "$d"; fi; done)
fi
export MATHS MODELS=$models

# The reference bytes of every golden file, and the list of files.
(cd "$copy" && find . -path './.work-*' -prune -o -type f -print | sort) >"$tmp/files"
cp -R "$copy" "$tmp/ref"

# A runner that takes a moment before each scenario, so kills land inside the run.
cat >"$tmp/slow-run" <<'EOF'
#!/bin/sh
sleep 0.15
exec "$REAL_RUNNER" "$@"
EOF
chmod +x "$tmp/slow-run"
export REAL_RUNNER=$runner

# the traces regen writes (golden/MATH/NAME.trace); other files (captures, stdin) must stay as they are
traces=$(for m in $MATHS; do grep "^\./$m/[^/]*\.trace\$" "$tmp/files" || true; done)
n_traces=$(wc -l <<<"$traces")
[ "$n_traces" -ge 2 ] || { echo "test_golden_kill: fewer than two golden traces" >&2; exit 2; }

failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }

# Each golden file must be its bytes before the run ("$tmp/before") or the reference bytes.
check_files() {
    local label=$1 f
    while read -r f; do
        if [ -f "$copy/$f" ]; then
            cmp -s "$copy/$f" "$tmp/before/$f" 2>/dev/null || cmp -s "$copy/$f" "$tmp/ref/$f" ||
                fail "$label: $f is neither its old bytes nor the golden bytes"
        elif [ -f "$tmp/before/$f" ]; then
            fail "$label: $f disappeared"
        fi
    done <"$tmp/files"
    # nothing else outside the .work-* folders
    (cd "$copy" && find . -path './.work-*' -prune -o -type f -print | sort) >"$tmp/now"
    local extra
    extra=$(comm -13 "$tmp/files" "$tmp/now")
    [ -z "$extra" ] || fail "$label: stray files: $extra"
    # what is left in .work-* is ignored by git, so it cannot be committed as a golden file
    if git rev-parse --git-dir >/dev/null 2>&1; then
        local w
        for w in "$copy"/.work-*; do
            [ -e "$w" ] || continue
            git check-ignore -q "golden/$(basename "$w")/x.trace" || fail "$label: golden/$(basename "$w") is not ignored by git"
        done
    fi
}

# Makes one trace stale and deletes another, then snapshots the copy as "before".
prepare() {
    local i=$1 stale missing
    stale=$(sed -n "$((i % n_traces + 1))p" <<<"$traces")
    missing=$(sed -n "$(((i + 3) % n_traces + 1))p" <<<"$traces")
    [ "$missing" != "$stale" ] || missing=
    cp "$tmp/ref/$stale" "$copy/$stale"
    printf 'L2T STALE\n' >>"$copy/$stale"
    [ -z "$missing" ] || rm -f "$copy/$missing"
    last_changed="$stale $missing"
    rm -rf "$tmp/before"
    cp -R "$copy" "$tmp/before"
    rm -rf "$tmp"/before/.work-*
}

# kill point: after the Nth progress line, this many seconds later; whole group or script only
points=("0 0.05 group" "1 0.1 script" "2 0.3 group" "$((n_traces / 3)) 0.05 script" "$((2 * n_traces / 3)) 0.1 group")
killed=0
for i in "${!points[@]}"; do
    read -r after delay how <<<"${points[$i]}"
    prepare "$i"
    log=$tmp/regen-$i.log
    RUNNER=$tmp/slow-run GOLDEN=$copy setsid scripts/golden.sh regen >"$log" 2>&1 &
    pid=$!
    while [ "$(grep -c '^\[' "$log" || true)" -lt "$after" ] && kill -0 "$pid" 2>/dev/null; do sleep 0.02; done
    sleep "$delay"
    if kill -0 "$pid" 2>/dev/null; then
        if [ "$how" = group ]; then kill -KILL -- "-$pid" 2>/dev/null || true
        else kill -KILL "$pid" 2>/dev/null || true; fi
        killed=$((killed + 1))
    else
        echo "note: kill point $i: regen had already finished"
    fi
    wait "$pid" 2>/dev/null || true
    # a runner orphaned by killing only the script finishes on its own: wait for the group
    for _ in $(seq 1 500); do kill -0 -- "-$pid" 2>/dev/null || break; sleep 0.02; done
    kill -0 -- "-$pid" 2>/dev/null && fail "kill point $i: processes left in group $pid"
    echo "kill point $i ($how, after $after scenario(s) + ${delay}s): $(grep -c '^\[' "$log" || true) scenario(s) done"
    check_files "kill point $i"
done
[ "$killed" -ge 3 ] || fail "only $killed of ${#points[@]} runs were killed mid-run"
leftover=$(find "$copy" -maxdepth 1 -name '.work-*' | wc -l)

# Regenerating the scenarios the last run had to rewrite restores them (the kills may have
# left them stale or missing); every file is then the golden one and check passes.
for f in $last_changed; do
    name=$(basename "$f" .trace)
    if RUNNER=$runner GOLDEN=$copy ONLY=$name scripts/golden.sh regen >"$tmp/final.log" 2>&1; then :; else
        fail "regen of $name failed: $(tail -3 "$tmp/final.log")"
    fi
done
while read -r f; do
    cmp -s "$copy/$f" "$tmp/ref/$f" || fail "after a full regen, $f differs from the golden file"
done <"$tmp/files"
if RUNNER=$runner GOLDEN=$copy scripts/golden.sh check >"$tmp/check.log" 2>&1; then :; else
    fail "golden.sh check fails: $(tail -3 "$tmp/check.log")"
fi

echo "test_golden_kill: $killed kills, $leftover .work-* folder(s) left (git-ignored), $failures failure(s)"
[ "$failures" = 0 ]
