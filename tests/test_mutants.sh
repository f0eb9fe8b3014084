#!/usr/bin/env bash
# conform check against real ports and mutants. The named diagnoses, each proven by a mutant port (tests/mutants/mutants.c): conform check
# runs the golden suite through each mutant, its raw output wrapped in a banner and a timing
# trailer (tests/mutants/wrap.sh), and every scenario that fails must carry the mutant's
# diagnosis and no other; at least one must fail. The unmutated runner, wrapped the same
# way, must pass every scenario, as text and as traces; the Pico and C64 captures pass;
# port files, the reports and the errors of conform check work as documented.
#
# usage: tests/test_mutants.sh MUTANT_DIR MODELS
set -euo pipefail
mutants=$1 models=$2
conform=./conform
text='{-i prompt} -t {temp} -p {topp} -s {seed} -n {steps} {-m mode} {-y system}'
traced="$text --trace {trace} --logits full --layers"
passed=0 failed=0

# check NAME EXPECTED-DIAGNOSIS COMMAND-TEMPLATE
check() {
    local name=$1 want=$2 template=$3 out rc=0
    out=$("$conform" check --command "$template" --models "$models" 2>/dev/null) || rc=$?
    local got
    got=$(awk '$3 == "FAIL" { print $NF }' <<<"$out" | sort -u | tr '\n' ' ')
    local failing
    failing=$(awk '$3 == "FAIL"' <<<"$out" | wc -l)
    local ok=1
    if [ "$want" = pass ]; then
        [ "$rc" = 0 ] && [ "$failing" = 0 ] || ok=0
    else
        [ "$rc" = 1 ] && [ "$failing" -gt 0 ] && [ "$got" = "$want " ] || ok=0
    fi
    if grep -q ' ERROR ' <<<"$out"; then ok=0; fi
    if [ "$ok" = 1 ]; then
        passed=$((passed + 1))
        printf 'ok: %-34s %s (%s failing scenarios)\n' "$name" "$want" "$failing"
    else
        failed=$((failed + 1))
        printf 'FAILED: %s: wanted %s, got exit %s and diagnoses [%s]\n%s\n' "$name" "$want" "$rc" "$got" "$out"
    fi
}

wrap=tests/mutants/wrap.sh
check "reference, text" pass "$wrap ./run {model} -z {tokenizer} $text"
check "reference, traces" pass "$wrap ./run {model} -z {tokenizer} $traced"
check "byte pieces printed literally" byte-pieces-literal "$wrap $mutants/byte-pieces {model} -z {tokenizer} $text"
check "no dummy prefix" prompt-encoding "$wrap $mutants/no-dummy-prefix {model} -z {tokenizer} $text"
check "space kept after BOS" space-after-bos "$wrap $mutants/bos-space {model} -z {tokenizer} $text"
check "no grouped-query attention, text" gqa-missing "$wrap $mutants/no-gqa {model} -z {tokenizer} $text"
check "no grouped-query attention, traces" gqa-missing "$wrap $mutants/no-gqa {model} -z {tokenizer} $traced"
check "another random sequence, traces" sampler "$wrap $mutants/sampler {model} -z {tokenizer} $traced"
check "rmsnorm a ULP off, traces" arithmetic "$wrap $mutants/arithmetic {model} -z {tokenizer} $traced"
check "crash at the ninth piece" stopped-early "$wrap $mutants/stops-early {model} -z {tokenizer} $text"
check "model and tokenizer swapped" no-output "$wrap ./run {tokenizer} -z {model} $text"
# expect NAME WANTED-EXIT PATTERN COMMAND...: the exit status, and a line of output (or of
# the file named by $expect_file) matching PATTERN
expect() {
    local name=$1 want=$2 pattern=$3 out rc=0
    shift 3
    out=$("$@" 2>&1) || rc=$?
    [ -n "${expect_file:-}" ] && out=$(cat "$expect_file")
    if [ "$rc" = "$want" ] && grep -qE -- "$pattern" <<<"$out"; then
        passed=$((passed + 1))
        printf 'ok: %s\n' "$name"
    else
        failed=$((failed + 1))
        printf 'FAILED: %s: wanted exit %s and /%s/, got exit %s:\n%s\n' "$name" "$want" "$pattern" "$rc" "$out"
    fi
}

# The ports' captures: portable bit-identical; the Pico's libm (newlib) within tokens.
expect "Pico portable captures pass at bits" 0 '^summary: 13 scenarios: 13 passed, 0 failed, 0 skipped, 0 errors' \
    "$conform" check --captures golden/captures/pico/portable --math portable
expect "Pico libm captures: arithmetic, tokens the same" 1 '^zoo_greedy +tokens +FAIL +step 0 \(logits\) +arithmetic$' \
    "$conform" check --captures golden/captures/pico/libm --math libm
expect "Pico libm captures pass at a declared tokens level" 0 '^summary: 13 scenarios: 13 passed' \
    "$conform" check --captures golden/captures/pico/libm --math libm --require tokens
expect "C64 captures pass at bits" 0 '^summary: 13 scenarios: 2 passed, 0 failed, 11 skipped, 0 errors' \
    "$conform" check --captures golden/captures/c64/portable --math portable
expect "VICE captures, cut short, pass with --allow-truncated" 0 '^summary: 13 scenarios: 2 passed, 0 failed, 11 skipped, 0 errors' \
    "$conform" check --captures golden/captures/vice/portable --math portable --allow-truncated
expect "VICE captures, cut short, stop early without it" 1 '^c64_zoo +none +FAIL .*stopped-early$' \
    "$conform" check --captures golden/captures/vice/portable --math portable

# Port files, reports and errors.
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
cat >"$scratch/port" <<PORT
# a port without chat and without its own sampler
name = reference, greedy text only
command = $wrap ./run {model} -z {tokenizer} $text
lacks = chat, sampling   # a comment after a value
require = text
PORT
expect "port file: lacking features are skipped" 0 '^summary: 13 scenarios: 7 passed, 0 failed, 6 skipped, 0 errors; required level text' \
    "$conform" check --port "$scratch/port" --models "$models"
expect "port file: skip reason" 0 '^chat_sys +- +SKIP +- +skipped: needs chat, which the port lacks$' \
    "$conform" check --port "$scratch/port" --models "$models"
printf 'command = ./run\nspeed = fast\n' >"$scratch/bad-port"
expect "port file: unknown key" 2 "^conform check: $scratch/bad-port: line 2: unknown key \"speed\"" \
    "$conform" check --port "$scratch/bad-port"
expect "unknown placeholder" 2 '^conform check: unknown placeholder \{modle\}' \
    "$conform" check --command './run {modle}' --models "$models" --only zoo_greedy
expect "no port given" 2 '^conform check: give one of --command TEMPLATE, --port FILE or --captures DIR' \
    "$conform" check
expect "unknown scenario" 2 '^conform check: --only nope: no such scenario in golden/scenarios.tsv$' \
    "$conform" check --captures golden/captures/c64/portable --only nope
expect "a port that does not exist" 2 'ERROR +- +the command was not found \(exit 127\)' \
    "$conform" check --command "$scratch/no-such-port {model}" --models "$models" --only zoo_greedy
"$conform" check --command "$wrap $mutants/byte-pieces {model} -z {tokenizer} $text" --models "$models" \
    --junit "$scratch/r.xml" --json "$scratch/r.json" --html "$scratch/r.html" >/dev/null 2>&1 || true
expect_file="$scratch/r.xml" expect "JUnit: one test case per scenario, failures counted" 0 \
    '<testsuite name="conform check: .*" tests="13" failures="8" errors="0" skipped="0"' true
expect_file="$scratch/r.xml" expect "JUnit: the failure names the diagnosis" 0 \
    '<testcase classname="conform.libm" name="default_greedy" time="[0-9.]+"><failure message="reached none, required text: byte-pieces-literal">' true
expect_file="$scratch/r.json" expect "JSON: the scenario's verdict and diagnosis" 0 \
    '"name":"default_greedy","verdict":"fail","level":"none","required":"text","supported":"text",.*"diagnosis":\{"name":"byte-pieces-literal"' true
expect "HTML: a plot per diverging scenario" 0 '^8$' sh -c "grep -c '<svg' '$scratch/r.html'"

echo "test-mutants: $passed passed, $failed failed"
[ "$failed" = 0 ]
