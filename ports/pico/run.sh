#!/usr/bin/env bash
# Runs the Cortex-M33 build of run.c under QEMU, like ./run: the same arguments, standard
# input, standard output, standard error and exit status (ports/pico/README.md).
#
# usage: ports/pico/run.sh [run.c arguments...]
#   e.g. ports/pico/run.sh models/stories260K.bin -z models/tok512.bin -t 0 -i "Zoo"
#
# Files named in the arguments are opened by the host over semihosting, relative to the
# current directory. Every argument is passed through, so options run.c may gain later
# (for instance trace files) need no change here.
#
# Environment:
#   PICO_ELF      the program (default: build/pico/run.elf beside this script's folder)
#   PICO_QEMU     the emulator (default: qemu-system-arm)
#   PICO_TIMEOUT  seconds before the run is stopped with status 124 (default 600; 0: none)
#   PICO_ARGV0    the program name the target sees as argv[0] (default: run)
#   PICO_SELF_TEST=1  instead of a run, check with PICO_ELF built from ports/pico/argv_echo.c
#                 that awkward arguments, standard input and exit statuses get through
set -u
here=$(cd "$(dirname "$0")" && pwd)
elf=${PICO_ELF:-$here/../../build/pico/run.elf}
qemu=${PICO_QEMU:-qemu-system-arm}
limit=${PICO_TIMEOUT:-600}

[ -f "$elf" ] || { echo "ports/pico/run.sh: no program at $elf (make pico)" >&2; exit 127; }
command -v "$qemu" >/dev/null || { echo "ports/pico/run.sh: $qemu not found (apt-get install qemu-system-arm)" >&2; exit 127; }

# One argument as the target's command-line splitter reads it (ports/pico/argv.c):
# inside double quotes, \ and " are escaped with a backslash. Then QEMU's option syntax:
# a comma inside a value is written twice.
quote() {
    local s=$1
    s=${s//\\/\\\\}
    s=${s//\"/\\\"}
    s="\"$s\""
    printf '%s' "${s//,/,,}"
}

if [ "${PICO_SELF_TEST:-0}" = 1 ]; then
    # argv_echo writes each argument and a NUL, then a copy of standard input, and exits
    # with the number of arguments modulo 256.
    tmp=$(mktemp -d) || exit 2
    trap 'rm -rf "$tmp"' EXIT
    fails=0 checks=0
    check() {
        checks=$((checks + 1))
        { [ $# -gt 0 ] && printf '%s\0' "$@"; printf 'in\nput\n'; } >"$tmp/want"
        printf 'in\nput\n' | PICO_SELF_TEST=0 "$0" "$@" >"$tmp/got" 2>"$tmp/err"
        local status=$?
        if [ "$status" != $(($# % 256)) ] || ! cmp -s "$tmp/want" "$tmp/got"; then
            fails=$((fails + 1))
            echo "pico-args: FAIL with $# arguments: status $status" >&2
            head -c 300 "$tmp/err" >&2
        fi
    }
    long=$(printf '%0999d' 0)
    check
    check ""
    check "" "" ""
    check "a b" "  lead and trail  " "a,b" ",," ",,," "arg=x" "x,arg=y" "-"
    check 'say "hi"' "it's" "'" '"' '"a b" c' "'both' \"kinds\"" '\' '\"' 'a\b\' '$HOME' '`x`' '*'
    check $'line1\nline2' $'\n' $'tab\there' $'cr\r' "Ünïcödé 🙂 café" $'\x01\x7f\xff'
    check "$long" $(seq 1 299)
    echo "pico-args: $((checks - fails)) passed, $fails failed"
    [ "$fails" = 0 ]
    exit
fi

config="enable=on,target=native,arg=$(quote "${PICO_ARGV0:-run}")"
for a in "$@"; do
    config+=",arg=$(quote "$a")"
done

cmd=("$qemu" -M mps2-an505 -nographic -monitor none -serial none
     -kernel "$elf" -semihosting-config "$config")
if [ "$limit" != 0 ] && command -v timeout >/dev/null; then
    exec timeout --foreground "$limit" "${cmd[@]}"
fi
exec "${cmd[@]}"
