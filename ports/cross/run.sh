#!/usr/bin/env bash
# Runs a cross build of run.c like ./run: the same arguments, standard input, standard
# output, standard error and exit status (the runner contract of scripts/golden.sh).
# Linux targets run under qemu-user with the target's sysroot (or on the host's CPU when it
# runs their code); wasm32-wasi under Node's WASI (ports/cross/wasi-run.mjs). ports/cross/cross.mk writes a wrapper per target,
# $(BUILD)/cross/NAME/runner, that sets the environment below.
#
# usage: CROSS_PROGRAM=build/cross/aarch64/run CROSS_EMULATOR=qemu-aarch64 \
#        CROSS_SYSROOT=/usr/aarch64-linux-gnu ports/cross/run.sh [run.c arguments...]
#
# Environment:
#   CROSS_PROGRAM   the target's program
#   CROSS_EMULATOR  qemu-ARCH (qemu-user), node for a .wasm program, or native: the host's
#                   CPU runs it through the sysroot's dynamic loader (i686 on x86-64)
#   CROSS_SYSROOT   the target's libraries for qemu-user (-L); unused by node
#   CROSS_TIMEOUT   seconds before the run is stopped with status 124 (default 900; 0: none)
set -u
here=$(cd "$(dirname "$0")" && pwd)
program=${CROSS_PROGRAM:?ports/cross/run.sh: set CROSS_PROGRAM (or use build/cross/NAME/runner)}
emulator=${CROSS_EMULATOR:?ports/cross/run.sh: set CROSS_EMULATOR}
limit=${CROSS_TIMEOUT:-900}

[ -f "$program" ] || { echo "ports/cross/run.sh: no program at $program (make cross-NAME)" >&2; exit 127; }
[ "$emulator" = native ] || command -v "$emulator" >/dev/null ||
    { echo "ports/cross/run.sh: $emulator not found (scripts/setup.sh installs it: qemu-user, nodejs)" >&2; exit 127; }

case $emulator in
    # the flag is needed by Node 18 (Debian 12's) and accepted by later versions
    node*) cmd=("$emulator" --no-warnings --experimental-wasi-unstable-preview1 "$here/wasi-run.mjs" "$program" "$@") ;;
    native)
        # the host's CPU runs the target's code (i686 on x86-64), with the sysroot's libraries
        sysroot=${CROSS_SYSROOT:?ports/cross/run.sh: set CROSS_SYSROOT for native runs}
        loader=$(ls "$sysroot"/lib/ld-linux*.so.* 2>/dev/null | head -1)
        [ -n "$loader" ] || { echo "ports/cross/run.sh: no dynamic loader in $sysroot/lib" >&2; exit 127; }
        cmd=("$loader" --library-path "$sysroot/lib" "$program" "$@")
        ;;
    *)
        sysroot=${CROSS_SYSROOT:?ports/cross/run.sh: set CROSS_SYSROOT for $emulator}
        [ -d "$sysroot" ] || { echo "ports/cross/run.sh: no sysroot $sysroot (install the target's cross compiler)" >&2; exit 127; }
        cmd=("$emulator" -L "$sysroot" "$program" "$@")
        ;;
esac
if [ "$limit" != 0 ] && command -v timeout >/dev/null; then
    exec timeout --foreground "$limit" "${cmd[@]}"
fi
exec "${cmd[@]}"
