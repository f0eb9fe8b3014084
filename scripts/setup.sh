#!/usr/bin/env bash
# scripts/setup.sh: the one set-up command for a fresh Debian machine.
#
#   scripts/setup.sh
#
# 1. installs the Debian packages below (as root, or through sudo);
# 2. makes ./models/: links to ../shared/models/NAME where that exists, otherwise downloads
#    the public models and checks their sha256;
# 3. builds ./run (make) and runs the headline example.
#
# Safe to run again: installed packages, good models and an up-to-date build are left alone.
#
# Environment:
#   SETUP_SKIP_APT=1   do not install packages (they are already there)
#   SHARED=DIR         the shared folder (default ../shared, relative to the project root)
set -euo pipefail

# --- Debian packages the project needs: append new ones here -------------------------------
APT_PACKAGES=(
    build-essential          # gcc, make
    libcmocka-dev            # unit tests
    cc65                     # C64 build (cl65) and its simulator (sim65)
    cc1541                   # the C64 program's disk image (make c64-disk)
    gcc-arm-none-eabi        # Pico RP2350 build
    libnewlib-arm-none-eabi  #   and its C library
    qemu-system-arm          # runs the Pico build
    clang                    # second compiler, sanitizers, fuzzing
    valgrind
    hyperfine                # benchmarks
    libmpfr-dev              # correctly rounded reference math
    python3
    curl                     # model downloads
    ca-certificates          #   over https
    e2fsprogs                # chattr: test-faults makes a read-only folder as root
    qemu-user                # cross targets (ports/cross/cross.mk) run under qemu-user
    gcc-aarch64-linux-gnu    #   and their compilers and sysroots
    gcc-arm-linux-gnueabihf
    gcc-riscv64-linux-gnu
    gcc-powerpc64le-linux-gnu
    gcc-s390x-linux-gnu
    gcc-mips-linux-gnu
    gcc-i686-linux-gnu
    lld                      # wasm32-wasi: clang's linker (wasm-ld)
    wasi-libc                #   its C library
    libclang-rt-14-dev-wasm32 #  and compiler runtime
    nodejs                   #   run under Node's WASI
)

# --- models: name, sha256, public download location (empty: only in the shared folder) ------
MODELS=(
    "stories260K.bin b0a507e7ad0f626624f17112325e66691f9076d622e1d3274d103d00299f2696 https://huggingface.co/karpathy/tinyllamas/resolve/main/stories260K/stories260K.bin"
    "tok512.bin      037cb335abb25d1fa9e8ecae30ed2a3a8ace9302862ebcdc05d51a6bbb10c312 https://huggingface.co/karpathy/tinyllamas/resolve/main/stories260K/tok512.bin"
    "tokenizer.bin   50a52ef822ee9e83de5ce9d0be0a025a773d019437f58b5ff9dcafb063ece361 https://raw.githubusercontent.com/karpathy/llama2.c/master/tokenizer.bin"
    "synth32k.bin    1e853a75780cdef97bae4918a7742ce7c06e2d2d202ae6bbfd5be5d1aa1b7406"
    "synth512u.bin   2ea3fcaf3db380c304a997480510220f7591832dddc20562be8ff07d2dc1065a"
)

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
shared=${SHARED:-../shared}

say() { printf 'setup: %s\n' "$*"; }
warn() { printf 'setup: warning: %s\n' "$*" >&2; }
die() { printf 'setup: error: %s\n' "$*" >&2; exit 1; }
stage() { printf '\n==> setup [%s] %s\n' "$1" "$2"; }

sha256_of() { sha256sum "$1" | cut -c1-64; }

# --- 1. packages -----------------------------------------------------------------------------
stage 1/4 "Debian packages"
if [ "${SETUP_SKIP_APT:-0}" = 1 ]; then
    say "SETUP_SKIP_APT=1: not installing packages"
else
    missing=()
    for p in "${APT_PACKAGES[@]}"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
    done
    if [ ${#missing[@]} -eq 0 ]; then
        say "all ${#APT_PACKAGES[@]} packages are installed"
    else
        if [ "$(id -u)" = 0 ]; then
            as_root=()
        elif command -v sudo >/dev/null 2>&1; then
            as_root=(sudo)
        else
            die "not root and no sudo: install as root: apt-get install ${missing[*]} (or set SETUP_SKIP_APT=1)"
        fi
        say "installing: ${missing[*]}"
        "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update
        "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y "${missing[@]}"
    fi
fi

# --- 2. models -------------------------------------------------------------------------------
stage 2/4 "models/ (from $shared/models, else downloads)"
mkdir -p models
# A relative shared folder is relative to the project root; the links live one level down.
case $shared in
    /*) link_base=$shared/models ;;
    *) link_base=../$shared/models ;;
esac

curl_opts=(-fL --retry 2 --connect-timeout 20)
if [ -t 2 ]; then curl_opts+=(--progress-bar); else curl_opts+=(-sS); fi
failed_downloads=()
only_shared=()
for entry in "${MODELS[@]}"; do
    read -r name sum url <<<"$entry"
    dest=models/$name
    src=$shared/models/$name

    if [ -f "$src" ]; then
        if [ -L "$dest" ] && [ "$(readlink "$dest")" = "$link_base/$name" ]; then
            say "$name: already linked to $src"
        elif [ -f "$dest" ] && [ ! -L "$dest" ] && [ "$(sha256_of "$dest")" = "$sum" ]; then
            say "$name: downloaded copy with the right sha256, kept"
        else
            ln -sfn "$link_base/$name" "$dest"
            say "$name: linked to $src"
        fi
        [ "$(sha256_of "$dest")" = "$sum" ] ||
            warn "$name: sha256 differs from the one this script knows (the shared copy may be newer)"
        continue
    fi

    # No shared copy: a dangling link from an earlier run must not stand in for the file.
    if [ -L "$dest" ] && [ ! -e "$dest" ]; then rm -f "$dest"; fi
    if [ -f "$dest" ] && [ "$(sha256_of "$dest")" = "$sum" ]; then
        say "$name: present, sha256 ok"
        continue
    fi
    if [ -z "${url:-}" ]; then
        only_shared+=("$name")
        say "$name: not available (random-weight test model, no public download)"
        continue
    fi
    say "$name: downloading $url"
    part=$dest.part.$$
    if ! curl "${curl_opts[@]}" -o "$part" "$url"; then
        rm -f "$part"
        failed_downloads+=("$name")
        printf 'setup: error: %s: download failed from %s\n' "$name" "$url" >&2
        continue
    fi
    got=$(sha256_of "$part")
    if [ "$got" != "$sum" ]; then
        rm -f "$part"
        failed_downloads+=("$name")
        printf 'setup: error: %s: sha256 %s from %s, expected %s\n' "$name" "$got" "$url" "$sum" >&2
        continue
    fi
    mv -f "$part" "$dest"
    say "$name: downloaded, sha256 ok"
done

if [ ${#failed_downloads[@]} -gt 0 ]; then
    die "could not get ${failed_downloads[*]}: there is no $shared/models and the download failed (see above). Put the shared folder at $shared, or fetch the URLs above into models/ by hand, then run scripts/setup.sh again"
fi
if [ ${#only_shared[@]} -gt 0 ]; then
    warn "${only_shared[*]} exist only in the shared folder ($shared/models), which is not here;" \
        "the tests that use them will fail. The rest of set-up goes on."
fi

# --- 3. build --------------------------------------------------------------------------------
stage 3/4 "build (make)"
make

# --- 4. headline example ---------------------------------------------------------------------
stage 4/4 "example: ./run models/stories260K.bin -z models/tok512.bin -t 0 -i \"Zoo\""
# Its stderr (the tok/s line) is shown after the story, not in the middle of its last line.
run_err=$(mktemp)
trap 'rm -f "$run_err"' EXIT
./run models/stories260K.bin -z models/tok512.bin -t 0 -i "Zoo" 2>"$run_err" ||
    { cat "$run_err" >&2; die "the example run failed"; }
cat "$run_err" >&2

printf '\nsetup: done. Run the tests with: make test\n'
