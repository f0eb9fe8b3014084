#!/usr/bin/env bash
# Builds that must be refused, each next to the same build done right (which must run):
#  1. FMA contraction everywhere except host/fpcheck.c, for aarch64 (under qemu-user) and
#     for this host when its CPU has FMA: host/fpcheck.c's own check passes, so only the
#     start-up self-test of the forward pass (host/selftest.c) can refuse it;
#  2. s390x with ISO C excess precision (no -fexcess-precision=fast): refused at compile
#     time, naming that flag;
#  3. i686 without SSE arithmetic: refused at compile time, naming -msse2 -mfpmath=sse.
#
# usage: tests/test_refused_builds.sh OUT_DIR MODELS_DIR "REFFLAGS" SOURCES...
set -u
out=$1 models=$2 refflags=$3
shift 3
sources=("$@")
mkdir -p "$out"
passed=0 failed=0
pass() { passed=$((passed + 1)); echo "refused-builds: ok: $*"; }
fail() { failed=$((failed + 1)); echo "refused-builds: FAIL: $*" >&2; }

# Compiles every source to an object in DIR, fpcheck.c with -ffp-contract=off and the rest
# with CONTRACT, then links DIR/run. usage: build CC DIR CONTRACT EXTRA_FLAGS...
build() {
    local cc=$1 dir=$2 contract=$3
    shift 3
    rm -rf "$dir" && mkdir -p "$dir"
    local objs=() src obj flags
    for src in "${sources[@]}"; do
        obj=$dir/$(echo "$src" | tr / _).o
        flags=$contract
        [ "$src" = host/fpcheck.c ] && flags=-ffp-contract=off
        # shellcheck disable=SC2086
        $cc -O2 $refflags "$@" $flags -c -o "$obj" "$src" 2>>"$dir/build.log" || return 1
        objs+=("$obj")
    done
    $cc -o "$dir/run" "${objs[@]}" -lm -lpthread 2>>"$dir/build.log"
}

# Runs a build on stories260K; prints its exit status and first line of standard error.
try_run() {
    local status
    "$@" "$models/stories260K.bin" -z "$models/tok512.bin" -t 0 -n 8 -i Zoo >/dev/null 2>"$out/stderr"
    status=$?
    printf '%s %s' "$status" "$(head -1 "$out/stderr")"
}

contracted_case() {
    local name=$1 cc=$2 fma_flags=$3
    shift 3
    local runner=("$@")
    if ! build "$cc" "$out/$name-off" -ffp-contract=off $fma_flags; then
        fail "$name: the build with -ffp-contract=off failed (see $out/$name-off/build.log)"; return
    fi
    local got
    got=$(try_run "${runner[@]}" "$out/$name-off/run")
    case $got in "0 achieved tok/s"*) pass "$name: built with -ffp-contract=off it runs" ;;
        *) fail "$name: built with -ffp-contract=off it should run, got: $got" ;; esac
    if ! build "$cc" "$out/$name-fast" -ffp-contract=fast $fma_flags; then
        fail "$name: the contracted build failed (see $out/$name-fast/build.log)"; return
    fi
    got=$(try_run "${runner[@]}" "$out/$name-fast/run")
    case $got in "1 run: self-test: the forward pass of this build gives logit "*"rebuild with the project's flags")
        pass "$name: contracted except fpcheck.c, refused: ${got#1 }" ;;
        *) fail "$name: contracted except fpcheck.c should be refused by the self-test, got: $got" ;; esac
}

if command -v aarch64-linux-gnu-gcc >/dev/null && command -v qemu-aarch64 >/dev/null; then
    contracted_case aarch64 aarch64-linux-gnu-gcc "" qemu-aarch64 -L /usr/aarch64-linux-gnu
else
    fail "aarch64-linux-gnu-gcc or qemu-aarch64 missing (scripts/setup.sh installs them)"
fi
if grep -qw fma /proc/cpuinfo 2>/dev/null; then
    contracted_case host "${CC:-cc}" -mfma
else
    echo "refused-builds: this CPU has no FMA: the host's contracted build is not tried (aarch64 was)"
fi

# Compile-time refusals: fpcheck.h stops the build with the target's fix in the message.
compile_refused() {
    local name=$1 cc=$2 want=$3
    shift 3
    if ! command -v "$cc" >/dev/null; then fail "$name: $cc missing (scripts/setup.sh installs it)"; return; fi
    # shellcheck disable=SC2086
    if $cc $refflags "$@" -c -o "$out/$name.o" host/fpcheck.c 2>"$out/$name.log"; then
        fail "$name: the build should be refused, it compiled"
    elif grep -qF -- "$want" "$out/$name.log"; then
        pass "$name: refused, naming $want"
    else
        fail "$name: refused without naming $want: $(grep -m1 error "$out/$name.log")"
    fi
}
compile_refused s390x-iso-c s390x-linux-gnu-gcc "s390x: GCC evaluates float in double under ISO C (FLT_EVAL_METHOD 1); the FPU computes in float: compile with -fexcess-precision=fast"
compile_refused i686-x87 i686-linux-gnu-gcc "i686: float expressions are evaluated on the x87 (FLT_EVAL_METHOD != 0): compile with -msse2 -mfpmath=sse"

echo "refused-builds: $passed passed, $failed failed"
[ "$failed" = 0 ]
