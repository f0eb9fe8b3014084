/* Fuzz target: `conform diff` (and `conform show`) on two arbitrary inputs.
 *
 * Input layout:
 *   u8  control   bits 0..2: level (bits, ulp 4, abs 1e-5, tokens, text, ulp 0; 6 and 7 are bits);
 *                 bit 3: --json; bit 4: --allow-truncated; bits 5..6: 1 --petscii, 2 --ascii
 *   u32 n         little-endian: the length of EXPECTED (cut to what is there)
 *   EXPECTED      n bytes, then ACTUAL: the rest
 * Both sides are written to files and conform_main() (cli/conform.c built with
 * CONFORM_NO_MAIN) runs `conform diff` on them with the report going to /dev/null; it must
 * exit 0, 1 or 2, and comparing EXPECTED with itself (with --allow-truncated, as a capture
 * may be cut short) must not report a difference: it is equal or cannot be read. `conform show EXPECTED` must exit 0 or 2. */
#define _POSIX_C_SOURCE 200809L
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fuzz/fuzz_util.h"

int conform_main(int argc, char **argv, FILE *out, FILE *err);

static char dir[64];
static char path_expected[128], path_actual[128];
static FILE *devnull;

static void fail(const char *what) {
    fprintf(stderr, "fuzz_diff: %s\n", what);
    abort();
}

static void cleanup(void) {
    unlink(path_expected);
    unlink(path_actual);
    rmdir(dir);
}

int LLVMFuzzerInitialize(int *argc, char ***argv) {
    (void)argc;
    (void)argv;
    const char *failed = fuzz_scratch(dir, sizeof dir, "fuzz-diff", &devnull);
    if (failed != NULL) fail(failed);
    snprintf(path_expected, sizeof path_expected, "%s/expected", dir);
    snprintf(path_actual, sizeof path_actual, "%s/actual", dir);
    atexit(cleanup);
    return 0;
}

static void write_file(const char *path, const uint8_t *data, size_t n) {
    FILE *f = fopen(path, "wb");
    if (f == NULL || (n > 0 && fwrite(data, 1, n, f) != n) || fclose(f) != 0) fail("cannot write a scratch file");
}

static int run(const char *command, const char *a, const char *b, unsigned control) {
    char *argv[12];
    int argc = 0;
    argv[argc++] = (char *)"conform";
    argv[argc++] = (char *)command;
    argv[argc++] = (char *)a;
    if (b != NULL) {
        argv[argc++] = (char *)b;
        switch (control & 7) {
        case 1: argv[argc++] = (char *)"--level"; argv[argc++] = (char *)"ulp"; argv[argc++] = (char *)"4"; break;
        case 2: argv[argc++] = (char *)"--level"; argv[argc++] = (char *)"abs"; argv[argc++] = (char *)"1e-5"; break;
        case 3: argv[argc++] = (char *)"--level"; argv[argc++] = (char *)"tokens"; break;
        case 4: argv[argc++] = (char *)"--level"; argv[argc++] = (char *)"text"; break;
        case 5: argv[argc++] = (char *)"--level"; argv[argc++] = (char *)"ulp"; argv[argc++] = (char *)"0"; break;
        default: break;
        }
        if (control & 8) argv[argc++] = (char *)"--json";
        if (control & 16) argv[argc++] = (char *)"--allow-truncated";
        if (((control >> 5) & 3) == 1) argv[argc++] = (char *)"--petscii";
        if (((control >> 5) & 3) == 2) argv[argc++] = (char *)"--ascii";
    }
    argv[argc] = NULL;
    int rc = conform_main(argc, argv, devnull, devnull);
    if (rc < 0 || rc > 2) fail("conform exits with a status other than 0, 1 or 2");
    return rc;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (devnull == NULL) LLVMFuzzerInitialize(NULL, NULL); /* replay drivers without the hook */
    if (size < 5) return 0;
    unsigned control = data[0];
    size_t n = (size_t)data[1] | (size_t)data[2] << 8 | (size_t)data[3] << 16 | (size_t)data[4] << 24;
    const uint8_t *rest = data + 5;
    size_t left = size - 5;
    if (n > left) n = left;
    write_file(path_expected, rest, n);
    write_file(path_actual, rest + n, left - n);

    run("diff", path_expected, path_actual, control);
    /* a run compared with itself, cut short or not: equal, or unreadable; never different */
    int self = run("diff", path_expected, path_expected, control | 16);
    if (self == 1) fail("a trace differs from itself");
    run("show", path_expected, NULL, 0);
    return 0;
}
