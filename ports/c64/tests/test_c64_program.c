/* The C64 program (ports/c64/c64/main.c and xmem_reu.c, with the shared program) run
 * natively: the KERNAL calls, the C64's screen memory and the REU's DMA controller
 * (ports/c64/c64/reu.h) are replaced by stand-ins (ports/c64/tests/c64_fake/ and below) that type a
 * script on the keyboard, keep what goes to the screen and the printer, and model an REU
 * of a given size loaded from the REU image.
 *
 *   test_c64_program REU_IMAGE GOLDEN_DIR LLAMA2_PRG
 *
 * For the C64 scenarios, typed as a user would (prompt, temperature, top-p, seed, steps,
 * logits level), the printer's output must be a trace whose STEP and LOGITS records are the
 * host golden's byte for byte, with the prompt converted from PETSCII; the model image in
 * the REU must be untouched (cc65's REU driver destroyed one byte of every 64 KiB bank
 * when it looked for the REU's size); each REU transfer must stay within a 64 KiB bank;
 * the screen must show the story, wrapped at 40 columns, under the status lines. RUN/STOP
 * must end the trace cut short. The 6502 arithmetic itself is checked by the sim65 and VICE
 * captures; this checks the C64 front end. */
#define _POSIX_C_SOURCE 200809L

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ports/c64/c64/reu.h"
#include "ports/c64/common/image.h"
#include "ports/c64/tests/c64_fake/c64.h"
#include "ports/c64/tests/c64_fake/cbm.h"

int c64_main(void); /* ports/c64/c64/main.c, compiled with -Dmain=c64_main -Dexit=c64_exit */

static const char *image_path, *golden_dir, *prg_path;

/* ---- the REU: 2^k banks of 64 KiB; like a real one it ignores the bank bits beyond its
 * size, so a smaller REU shows its banks again above its end ---- */

#define BANK 0x10000UL
static unsigned char *reu, *image;
static unsigned long reu_banks, image_bytes, transfers, bank_crossings;
static int reu_answers;
static unsigned long jiffy_calls;

static void reu_load(unsigned long banks) {
    free(reu);
    reu_banks = banks;
    reu = calloc(banks, BANK);
    memcpy(reu, image, image_bytes < banks * BANK ? image_bytes : banks * BANK);
    reu_answers = 1;
}

unsigned char reu_present(void) { return (unsigned char)reu_answers; }

void reu_dma(unsigned char command, void *c64, unsigned char bank, unsigned offset, unsigned n) {
    unsigned char *at = reu + (bank % reu_banks) * BANK + offset;
    transfers++;
    if (n == 0 || offset + (unsigned long)n > BANK) {
        bank_crossings++;
        return;
    }
    if (command == REU_FETCH) memcpy(c64, at, n);
    else if (command == REU_STASH) memcpy(at, c64, n);
    else fail_msg("REU command 0x%02X", command);
}

/* ---- the KERNAL and the C64's memory ---- */

unsigned char fake_screen[1000], fake_colour[1000], fake_keys_waiting;
char fake_cassette_buffer[192];
static const unsigned char *keys;
static size_t keys_left;
static unsigned char *bsout, *printer;
static size_t bsout_len, printer_len, bsout_cap, printer_cap;
static int to_printer;
static unsigned stop_after_steps; /* RUN/STOP goes down once the printer has this many STEP records */

static void append(unsigned char **buf, size_t *len, size_t *cap, unsigned char c) {
    if (*len + 1 >= *cap) *buf = realloc(*buf, *cap = *cap ? *cap * 2 : 65536);
    (*buf)[(*len)++] = c;
    (*buf)[*len] = 0;
}

static unsigned count(const unsigned char *text, size_t len, const char *what) {
    unsigned n = 0;
    size_t w = strlen(what);
    for (size_t i = 0; i + w <= len; i++)
        if (memcmp(text + i, what, w) == 0) n++;
    return n;
}

unsigned char cbm_k_basin(void) {
    if (keys_left == 0) fail_msg("the program asked for more input than the script has");
    keys_left--;
    return *keys++;
}
unsigned char cbm_k_getin(void) { return cbm_k_basin(); }
void cbm_k_bsout(unsigned char c) {
    if (to_printer) append(&printer, &printer_len, &printer_cap, c);
    else append(&bsout, &bsout_len, &bsout_cap, c);
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

unsigned char fake_stop_key(void) {
    return stop_after_steps > 0 && count(printer, printer_len, "L2T STEP ") >= stop_after_steps ? 0x7F : 0xFF;
}

/* 45 minutes (162 000 jiffies) pass between two readings of the clock */
unsigned long fake_jiffies(void) { return jiffy_calls++ * 162000UL; }

static jmp_buf exited;
static int exit_status;
_Noreturn void c64_exit(int status) {
    exit_status = status;
    longjmp(exited, 1);
}

/* ---- checks ---- */

static unsigned char *read_all(const char *path, size_t *len) {
    FILE *f = fopen(path, "rb");
    if (f == NULL) fail_msg("%s: cannot open", path);
    unsigned char *data = malloc(4 << 20);
    *len = fread(data, 1, 4 << 20, f);
    fclose(f);
    return data;
}

/* The STEP and LOGITS records of a trace text (and those starting with `prefix`, and the
 * first `steps` STEP records only when steps > 0), with CR LF line ends made LF. */
static char *records(const unsigned char *text, size_t len, const char *prefix, unsigned steps, size_t *out_len) {
    char *out = malloc(len + 1), *line = malloc(len + 1);
    size_t n = 0, i = 0;
    unsigned seen = 0;
    while (i < len) {
        size_t l = 0;
        while (i < len && text[i] != '\n') line[l++] = (char)text[i++];
        i++;
        if (l > 0 && line[l - 1] == '\r') l--;
        line[l] = '\0';
        int is_step = strncmp(line, "L2T STEP ", 9) == 0;
        if (is_step && steps > 0 && ++seen > steps) break;
        if (is_step || strncmp(line, "L2T LOGITS ", 11) == 0 ||
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

/* The story the golden trace printed: its PIECE fields, %XX decoded. */
static char *golden_story(const char *trace) {
    char *story = malloc(4096);
    size_t n = 0;
    for (const char *p = strstr(trace, "PIECE="); p != NULL; p = strstr(p, "PIECE=")) {
        p += 6;
        while (*p != ' ' && *p != '\n') {
            unsigned v;
            if (*p == '%' && sscanf(p + 1, "%2x", &v) == 1) {
                story[n++] = (char)v;
                p += 3;
            } else {
                story[n++] = *p++;
            }
        }
    }
    story[n] = '\0';
    return story;
}

/* Greedy word wrap at 40 columns, the reference for the screen: words go on a line while
 * they fit, separated by one space. */
static int wrap(const char *text, char rows[][41], int max_rows) {
    int r = 0;
    rows[0][0] = '\0';
    const char *p = text;
    while (*p != '\0') {
        while (*p == ' ') p++;
        size_t w = strcspn(p, " ");
        if (w == 0) break;
        size_t used = strlen(rows[r]);
        if (used > 0 && used + 1 + w > 40) {
            if (++r == max_rows) fail_msg("story too long for the test");
            rows[r][0] = '\0';
            used = 0;
        }
        if (used > 0) strcat(rows[r], " ");
        strncat(rows[r], p, w);
        p += w;
    }
    return r + 1;
}

/* A screen row as ASCII (screen codes of the lower/upper case set; reverse video off),
 * trailing blanks dropped. */
static void screen_text(int row, char out[41]) {
    for (int c = 0; c < 40; c++) {
        unsigned char s = fake_screen[row * 40 + c] & 0x7F;
        out[c] = s >= 0x01 && s <= 0x1A ? (char)(s + 0x60) : s == 0x00 ? '@' : s == 0x40 ? '-' : (char)s;
    }
    out[40] = '\0';
    for (int c = 39; c >= 0 && out[c] == ' '; c--) out[c] = '\0';
}

/* Runs the program on `typed`; returns the exit status (0 when main returns 0). */
static int run_program(const char *typed) {
    keys = (const unsigned char *)typed;
    keys_left = strlen(typed);
    bsout_len = printer_len = 0;
    if (printer) printer[0] = 0;
    if (bsout) bsout[0] = 0;
    transfers = bank_crossings = jiffy_calls = 0;
    memset(fake_screen, 0xAA, sizeof fake_screen);
    if (setjmp(exited) == 0) exit_status = c64_main();
    return exit_status;
}

static void assert_image_untouched(void) {
    unsigned long kv_at = image[IMAGE_AT_KV] | (unsigned long)image[IMAGE_AT_KV + 1] << 8 |
                          (unsigned long)image[IMAGE_AT_KV + 2] << 16;
    unsigned long n = kv_at < reu_banks * BANK ? kv_at : reu_banks * BANK;
    for (unsigned long i = 0; i < n; i++)
        if (reu[i] != image[i]) fail_msg("the REU's model image changed at byte %lu (0x%02X, was 0x%02X)", i, reu[i], image[i]);
}

static void run_scenario(const char *scenario, const char *typed) {
    size_t golden_len, got_len, len;
    char path[1024];
    snprintf(path, sizeof path, "%s/portable/%s.trace", golden_dir, scenario);
    unsigned char *golden = read_all(path, &golden_len);
    golden[golden_len] = 0;

    reu_load(32);
    stop_after_steps = 0;
    assert_int_equal(run_program(typed), 0);
    assert_int_equal(keys_left, 0);

    char *want = records(golden, golden_len, "L2T PROMPT ", 0, &len);
    char *got = records(printer, printer_len, "L2T PROMPT ", 0, &got_len);
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
    assert_image_untouched();

    /* the screen: status lines, a line, the story wrapped at 40 columns */
    char row[41], expected[8][41];
    screen_text(0, row);
    /* clock readings: the start, before step 1, after each of the 16 steps, at the end:
     * 18 x 45 minutes after the start, over 16 tokens */
    assert_string_equal(row, "done: 16 of 16  elapsed 13:30:00");
    screen_text(1, row);
    assert_string_equal(row, "0:50:37 per token  any key: exit");
    screen_text(2, row);
    assert_string_equal(row, "----------------------------------------");
    char *story = golden_story((const char *)golden);
    int rows = wrap(story, expected, 8);
    for (int r = 0; r < rows; r++) {
        screen_text(3 + r, row);
        assert_string_equal(row, expected[r]);
    }
    screen_text(3 + rows, row);
    assert_string_equal(row, "");
    printf("    %s: %zu bytes to the printer, STEP and LOGITS records identical; %lu REU transfers; screen: %s\n",
           scenario, printer_len, transfers, story);
    free(story);
    free(want);
    free(got);
    free(golden);
}

/* PETSCII as typed in the lower/upper case set: unshifted letters are lower case
 * (0x41-0x5A), shifted ones upper case (0xC1-0xDA); RETURN ends a line. The last key
 * leaves the finished screen. */
#define ZOO_KEYS "\xDA\x4F\x4F\r" /* Zoo */ "0\r" "\r" "\r" "16\r" "\x46\x55\x4C\x4C\r" /* full */
static void test_zoo(void **state) {
    (void)state;
    run_scenario("c64_zoo", ZOO_KEYS " ");
}

static void test_sampled(void **state) {
    (void)state;
    run_scenario("c64_sampled", "\r" "1.0\r" "0.9\r" "133742\r" "16\r" "\x46\x55\x4C\x4C\r" " ");
}

/* RUN/STOP during the third step: the printer has the header and two whole steps, no END
 * (a cut-short trace), and the status line says where it stopped. */
static void test_run_stop(void **state) {
    (void)state;
    size_t golden_len, want_len, got_len;
    char path[1024], row[41];
    snprintf(path, sizeof path, "%s/portable/c64_zoo.trace", golden_dir);
    unsigned char *golden = read_all(path, &golden_len);
    reu_load(32);
    stop_after_steps = 2;
    assert_int_equal(run_program(ZOO_KEYS " "), 0);
    stop_after_steps = 0;
    assert_int_equal(keys_left, 0);
    char *want = records(golden, golden_len, "L2T PROMPT ", 2, &want_len);
    char *got = records(printer, printer_len, "L2T PROMPT ", 0, &got_len);
    assert_int_equal(got_len, want_len);
    assert_memory_equal(got, want, want_len);
    assert_null(strstr((const char *)printer, "L2T END"));
    assert_true(printer[printer_len - 2] == '\r' && printer[printer_len - 1] == '\n');
    screen_text(0, row);
    /* clock readings: the start, before step 1, after steps 1 and 2, at the stop */
    assert_string_equal(row, "stopped, token 3 of 16  elapsed 3:00:00");
    screen_text(1, row);
    assert_string_equal(row, "1:30:00 per token  cut short");
    screen_text(3, row);
    assert_string_equal(row, "Z"); /* the pieces of the two steps: "" and "Z" */
    assert_image_untouched();
    free(want);
    free(got);
    free(golden);
}

/* An REU too small for the image (1 MiB: the image's banks 16 and up are its banks 0-15
 * again) is refused before any question, and the check loses no byte. */
static void test_small_reu(void **state) {
    (void)state;
    reu_load(16);
    assert_int_equal(run_program(""), 1);
    assert_non_null(strstr((const char *)bsout, "?the REU is smaller than the model image needs\n"));
    assert_int_equal(printer_len, 0);
    assert_image_untouched();
}

static void test_no_reu(void **state) {
    (void)state;
    reu_load(32);
    reu_answers = 0;
    assert_int_equal(run_program(""), 1);
    assert_non_null(strstr((const char *)bsout, "?no REU found\n"));
}

static void test_no_image(void **state) {
    (void)state;
    reu_load(32);
    memset(reu, 0, BANK);
    assert_int_equal(run_program(""), 1);
    assert_non_null(strstr((const char *)bsout, "?the REU holds no model image\n"));
}

/* cc65 turns string literals into PETSCII on the C64: the platform id in the program file
 * must be its ASCII codes (the trace is ASCII), not the literal's PETSCII. */
static void test_platform_id_is_ascii(void **state) {
    (void)state;
    size_t len;
    unsigned char *prg = read_all(prg_path, &len);
    static const unsigned char ascii[] = {'C', '6', '4', '-', 'R', 'E', 'U', '-', 'C', 'C', '6', '5', 0};
    static const unsigned char petscii[] = {0xC3, '6', '4', '-', 0xD2, 0xC5, 0xD5, '-', 0xC3, 0xC3, '6', '5'};
    int found = 0, found_petscii = 0;
    for (size_t i = 0; i + sizeof ascii <= len; i++) {
        if (memcmp(prg + i, ascii, sizeof ascii) == 0) found++;
        if (memcmp(prg + i, petscii, sizeof petscii) == 0) found_petscii++;
    }
    assert_int_equal(found, 1);
    assert_int_equal(found_petscii, 0);
    free(prg);
}

int main(int argc, char **argv) {
    if (argc != 4) {
        fprintf(stderr, "usage: test_c64_program REU_IMAGE GOLDEN_DIR LLAMA2_PRG\n");
        return 2;
    }
    image_path = argv[1];
    golden_dir = argv[2];
    prg_path = argv[3];
    size_t len;
    image = read_all(image_path, &len);
    image_bytes = len;
    if (image_bytes != 32 * BANK) {
        fprintf(stderr, "test_c64_program: %s: %zu bytes, not a 2 MiB REU image\n", image_path, len);
        return 2;
    }
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_zoo),           cmocka_unit_test(test_sampled), cmocka_unit_test(test_run_stop),
        cmocka_unit_test(test_small_reu),     cmocka_unit_test(test_no_reu),  cmocka_unit_test(test_no_image),
        cmocka_unit_test(test_platform_id_is_ascii),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
