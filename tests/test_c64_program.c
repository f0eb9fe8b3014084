/* The C64 program (ports/c64/c64/main.c and xmem_reu.c, with the shared program) run
 * natively: cc65's KERNAL and REU driver calls are replaced by stand-ins (tests/c64_fake/)
 * that type a script on the keyboard, keep what goes to the screen and the printer, and
 * hold the REU in a host buffer loaded from the REU image.
 *
 *   test_c64_program REU_IMAGE GOLDEN_DIR
 *
 * For the C64 scenarios, typed as a user would (prompt, temperature, top-p, seed, steps,
 * logits level), the printer's output must be a trace whose STEP and LOGITS records are the
 * host golden's byte for byte, with the prompt converted from PETSCII; each REU transfer
 * must stay within a 64 KiB bank; the screen must show the trace in PETSCII. The 6502
 * arithmetic itself is checked by the sim65 captures; this checks the C64 front end. */
#define _POSIX_C_SOURCE 200809L

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "c64_fake/cbm.h"
#include "c64_fake/em.h"

int c64_main(void); /* ports/c64/c64/main.c, compiled with -Dmain=c64_main */

static const char *image_path, *golden_dir;

/* ---- the stand-ins ---- */

#define REU_BYTES (2UL << 20)
static unsigned char *reu;
char c64_reu_emd[1];
static unsigned long transfers, bank_crossings;

unsigned char em_install(void *driver) {
    (void)driver;
    if (reu == NULL) {
        FILE *f = fopen(image_path, "rb");
        reu = malloc(REU_BYTES);
        if (f == NULL || reu == NULL || fread(reu, 1, REU_BYTES, f) != REU_BYTES) fail_msg("%s: cannot load", image_path);
        fclose(f);
    }
    return EM_ERR_OK;
}
unsigned char em_uninstall(void) { return EM_ERR_OK; }
unsigned em_pagecount(void) { return (unsigned)(REU_BYTES / 256); }

static unsigned char *reu_at(const struct em_copy *c) {
    unsigned long at = (unsigned long)c->page * 256 + c->offs;
    transfers++;
    if ((at & 0xFFFF) + c->count > 0x10000) bank_crossings++;
    if (at + c->count > REU_BYTES) fail_msg("REU transfer beyond 2 MiB");
    return reu + at;
}
void em_copyfrom(const struct em_copy *c) { memcpy(c->buf, reu_at(c), c->count); }
void em_copyto(const struct em_copy *c) { memcpy(reu_at(c), c->buf, c->count); }

static const unsigned char *keys;
static size_t keys_left;
static unsigned char *screen, *printer;
static size_t screen_len, printer_len, screen_cap, printer_cap;
static int to_printer;

static void append(unsigned char **buf, size_t *len, size_t *cap, unsigned char c) {
    if (*len == *cap) *buf = realloc(*buf, *cap = *cap ? *cap * 2 : 65536);
    (*buf)[(*len)++] = c;
}

unsigned char cbm_k_basin(void) {
    if (keys_left == 0) fail_msg("the program asked for more input than the script has");
    keys_left--;
    return *keys++;
}
void cbm_k_bsout(unsigned char c) {
    if (to_printer) append(&printer, &printer_len, &printer_cap, c);
    else append(&screen, &screen_len, &screen_cap, c);
}
unsigned char cbm_k_ckout(unsigned char lfn) {
    to_printer = lfn == 4;
    return to_printer ? 0 : 5;
}
void cbm_k_clrch(void) { to_printer = 0; }
unsigned char cbm_open(unsigned char lfn, unsigned char device, unsigned char sec_addr, const char *name) {
    (void)lfn, (void)sec_addr;
    assert_non_null(name); /* the KERNAL takes strlen of it */
    return device == 4 ? 0 : 5;
}
void cbm_close(unsigned char lfn) { (void)lfn; }

/* ---- checks ---- */

/* The STEP and LOGITS records of a trace text, with CR LF line ends made LF. */
static char *records(const unsigned char *text, size_t len, const char *prefix, size_t *out_len) {
    char *out = malloc(len + 1), *line = malloc(len + 1);
    size_t n = 0, i = 0;
    while (i < len) {
        size_t l = 0;
        while (i < len && text[i] != '\n') line[l++] = (char)text[i++];
        i++;
        if (l > 0 && line[l - 1] == '\r') l--;
        line[l] = '\0';
        if (strncmp(line, "L2T STEP ", 9) == 0 || strncmp(line, "L2T LOGITS ", 11) == 0 ||
            (prefix != NULL && strncmp(line, prefix, strlen(prefix)) == 0)) {
            memcpy(out + n, line, l);
            n += l;
            out[n++] = '\n';
        }
    }
    out[n] = '\0';
    free(line);
    *out_len = n;
    return out;
}

static void run_scenario(const char *scenario, const char *typed) {
    size_t golden_len, got_len, len;
    char path[1024];
    snprintf(path, sizeof path, "%s/portable/%s.trace", golden_dir, scenario);
    FILE *f = fopen(path, "rb");
    if (f == NULL) fail_msg("%s: cannot open", path);
    unsigned char *golden = malloc(1 << 20);
    golden_len = fread(golden, 1, 1 << 20, f);
    fclose(f);

    keys = (const unsigned char *)typed;
    keys_left = strlen(typed);
    screen_len = printer_len = 0;
    transfers = bank_crossings = 0;
    assert_int_equal(c64_main(), 0);
    assert_int_equal(keys_left, 0);

    char *want = records(golden, golden_len, "L2T PROMPT ", &len);
    char *got = records(printer, printer_len, "L2T PROMPT ", &got_len);
    if (got_len != len || memcmp(got, want, len) != 0) {
        size_t i = 0;
        while (i < len && i < got_len && got[i] == want[i]) i++;
        fail_msg("%s: the printer's trace differs from the golden at byte %zu of its records", scenario, i);
    }
    /* a complete trace, every line ended by CR LF, the C64's platform id */
    assert_true(printer_len > 2 && printer[printer_len - 2] == '\r' && printer[printer_len - 1] == '\n');
    assert_non_null(strstr((const char *)printer, "L2T PLATFORM ID=C64-REU-CC65 "));
    assert_non_null(strstr((const char *)printer, "L2T END STEPS=16 "));
    assert_int_equal(bank_crossings, 0);
    /* the screen: the same lines in PETSCII (letters shifted, RETURN for LF) */
    static const unsigned char petscii_step[] = {0xCC, 0x32, 0xD4, 0x20, 0xD3, 0xD4, 0xC5, 0xD0, 0x20};
    size_t steps_on_screen = 0;
    for (size_t i = 0; i + sizeof petscii_step <= screen_len; i++)
        if (memcmp(screen + i, petscii_step, sizeof petscii_step) == 0) steps_on_screen++;
    assert_int_equal(steps_on_screen, 16);
    printf("    %s: %zu bytes to the printer, STEP and LOGITS records identical; %lu REU transfers\n", scenario,
           printer_len, transfers);
    free(want);
    free(got);
    free(golden);
}

/* PETSCII as typed in the lower/upper case set: unshifted letters are lower case
 * (0x41-0x5A), shifted ones upper case (0xC1-0xDA); RETURN ends a line. */
static void test_zoo(void **state) {
    (void)state;
    run_scenario("c64_zoo", "\xDA\x4F\x4F\r" /* Zoo */ "0\r" "\r" "\r" "16\r" "\x46\x55\x4C\x4C\r" /* full */);
}

static void test_sampled(void **state) {
    (void)state;
    run_scenario("c64_sampled", "\r" "1.0\r" "0.9\r" "133742\r" "16\r" "\x46\x55\x4C\x4C\r");
}

int main(int argc, char **argv) {
    if (argc != 3) {
        fprintf(stderr, "usage: test_c64_program REU_IMAGE GOLDEN_DIR\n");
        return 2;
    }
    image_path = argv[1];
    golden_dir = argv[2];
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_zoo),
        cmocka_unit_test(test_sampled),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
