#!/usr/bin/env bash
# The named diagnoses, each proven by a mutant port (tests/mutants/mutants.c): conform check
# runs the golden suite through each mutant, its raw output wrapped in a banner and a timing
# trailer (tests/mutants/wrap.sh), and every scenario that fails must carry the mutant's
# diagnosis and no other; at least one must fail. The unmutated runner, wrapped the same
# way, must pass every scenario, as text and as traces.
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
echo "test-mutants: $passed passed, $failed failed"
[ "$failed" = 0 ]
