/* The 6502 program's own parts, compiled natively and run on the host against the
 * reference engine: the compact tokenizer (ports/c64/common/xtokenizer.c) and the image
 * the converter writes (ports/c64/tools/c64pack.c), read through the external-memory
 * interface with the host backend (ports/c64/host/xmem_memory.c); the small decimal
 * parser (ports/c64/common/decimal.c) against parse_f32; the sampler's buffer-free top-p
 * (sample_topp_scan, what the 6502 uses) against sample_topp; and the whole sim65 program
 * (ports/c64/sim65/ and common/, with the sim65 file backend) built natively as
 * BUILD_DIR/c64/run65-native, whose traces of the c64_ scenarios must have the STEP and
 * LOGITS records of the host golden byte for byte: the program's logic checked in a
 * second, before sim65 checks the 6502 build in minutes (make capture-c64).
 *
 *   test_c64_host MODELS_DIR BUILD_DIR GOLDEN_DIR
 *
 * BUILD_DIR holds the images make builds with c64pack: c64/stories260K.reu (with tok512,
 * the 2 MiB REU image) and c64/synth32k.img (with the 32000-token tokenizer.bin). */
#define _POSIX_C_SOURCE 200809L

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "host/parse_float.h"
#include "tests/testutil.h"
#include "engine/sampler.h"
#include "host/tokenizer.h"
#include "ports/c64/common/decimal.h"
#include "ports/c64/common/image.h"
#include "ports/c64/common/xmem.h"
#include "ports/c64/common/xtokenizer.h"

static const char *models_dir, *build_dir, *golden_dir;

void xmem_fail(const char *what) { fail_msg("xmem: %s", what); }

static char *join_path(const char *dir, const char *name) {
    size_t n = strlen(dir) + strlen(name) + 2;
    char *p = malloc(n);
    snprintf(p, n, "%s/%s", dir, name);
    return p;
}

static unsigned long image_field(int at) {
    unsigned char b[4];
    xmem_read((xaddr)at, b, 4);
    return (unsigned long)b[0] | (unsigned long)b[1] << 8 | (unsigned long)b[2] << 16 | (unsigned long)b[3] << 24;
}

/* ----------------------------------------------------------------------------
 * tokenizer */

typedef struct {
    Tokenizer reference;
    int vocab;
} TokenizerPair;

static void open_pair(TokenizerPair *p, const char *image, const char *tokenizer) {
    char *image_path = join_path(build_dir, image), *tokenizer_path = join_path(models_dir, tokenizer);
    ErrorText err;
    xmem_open(image_path, NULL);
    p->vocab = (int)image_field(IMAGE_AT_VOCAB);
    xtok_open(image_field(IMAGE_AT_TOKENIZER), p->vocab);
    if (tokenizer_load(&p->reference, tokenizer_path, p->vocab, &err) != 0) fail_msg("%s", err.text);
    free(image_path);
    free(tokenizer_path);
}

static void close_pair(TokenizerPair *p) {
    tokenizer_free(&p->reference);
    xmem_close();
}

static int prompts_checked;

static void check_encode(TokenizerPair *p, const char *text, int bos, int eos) {
    size_t room = tokenizer_max_tokens(strlen(text));
    int *want = malloc(room * sizeof *want), *got = malloc(room * sizeof *got);
    int n_want = 0, n_got = 0;
    ErrorText err;
    int rc_want = encode(&p->reference, text, bos, eos, want, &n_want, &err);
    int rc_got = xtok_encode(text, bos, eos, got, &n_got);
    if ((rc_want != 0) != (rc_got != 0))
        fail_msg("\"%s\": reference %s, compact %s", text, rc_want ? "fails" : "succeeds", rc_got ? "fails" : "succeeds");
    if (rc_want == 0) {
        if (n_want != n_got) fail_msg("\"%s\": %d tokens, compact %d", text, n_want, n_got);
        for (int i = 0; i < n_want; i++)
            if (want[i] != got[i]) fail_msg("\"%s\": token %d is %d, compact %d", text, i, want[i], got[i]);
    }
    prompts_checked++;
    free(want);
    free(got);
}

static const char *const fixed_prompts[] = {
    "", "Zoo", "Once upon a time", "Tell me a story", " ", "  leading and trailing  ", "a",
    "Simply put, the theory of relativity states that ", "[INST] <<SYS>>\nYou are a storyteller.\n<</SYS>>\n\nHi [/INST]",
    "caf\xc3\xa9 na\xc3\xafve \xe2\x82\xac 5 \xf0\x9f\x98\x80 emoji", "\xe4\xb8\xad\xe6\x96\x87", "tab\tnew\nline\r",
    "\x01\x02\x7f\xff\xfe bytes", "\xc3", "\x80\x80\x80\x80\x80\x80", "<0x41>", "The quick brown fox jumps over the lazy dog.",
    "Lily and Ben went to the park. They saw a big, red ball!", "1234567890 !\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~",
};

/* Random prompts: words from a small alphabet (merges happen), punctuation, and now and
 * then multi-byte UTF-8 and stray bytes (byte fallback). */
static void random_prompt(uint64_t *s, char *out, size_t cap) {
    static const char *const pieces[] = {"the", " ", "a", "e", "s", "t", "Lily", " was", "ing", ".", ",", "!", "\n",
                                         "\xc3\xa9", "\xe2\x80\x99", "\xff", "Z", "oo", "ball", " happy", "  ", "x"};
    size_t n = 0;
    *s = *s * 6364136223846793005u + 1442695040888963407u;
    int count = (int)((*s >> 33) % 24);
    for (int i = 0; i < count; i++) {
        *s = *s * 6364136223846793005u + 1442695040888963407u;
        const char *piece = pieces[(*s >> 33) % (sizeof pieces / sizeof pieces[0])];
        size_t len = strlen(piece);
        if (n + len + 1 > cap) break;
        memcpy(out + n, piece, len);
        n += len;
    }
    out[n] = '\0';
}

static void check_tokenizer(const char *image, const char *tokenizer, int randoms) {
    TokenizerPair p;
    open_pair(&p, image, tokenizer);
    prompts_checked = 0;
    for (size_t i = 0; i < sizeof fixed_prompts / sizeof fixed_prompts[0]; i++)
        for (int flags = 0; flags < 4; flags++) check_encode(&p, fixed_prompts[i], flags & 1, flags >> 1);
    uint64_t s = 5;
    char text[256];
    for (int i = 0; i < randoms; i++) {
        random_prompt(&s, text, sizeof text);
        check_encode(&p, text, 1, 0);
    }
    /* decode and printable: every token after BOS and after another token */
    for (int token = 0; token < p.vocab; token++) {
        for (int k = 0; k < 2; k++) {
            int prev = k == 0 ? 1 : 5;
            const char *want = decode(&p.reference, prev, token);
            const char *got = xtok_decode(prev, token);
            if (strcmp(want, got) != 0 || (want[0] == '\0') != (got[0] == '\0'))
                fail_msg("decode(%d, %d): \"%s\", compact \"%s\"", prev, token, want, got);
            const char *pw = printable_piece(want), *pg = xtok_printable(got);
            if ((pw == NULL) != (pg == NULL)) fail_msg("printable(decode(%d, %d)) differs", prev, token);
        }
        /* lookup of every piece finds the piece the reference finds */
        const char *piece = p.reference.vocab[token];
        assert_int_equal(xtok_lookup(piece), str_lookup(piece, p.reference.sorted_vocab, p.vocab));
    }
    printf("    %s: %d prompts, %d tokens decoded\n", tokenizer, prompts_checked, p.vocab);
    close_pair(&p);
}

static void test_tokenizer_tok512(void **state) {
    (void)state;
    check_tokenizer("c64/stories260K.reu", "tok512.bin", 3000);
}

static void test_tokenizer_llama(void **state) {
    (void)state;
    check_tokenizer("c64/synth32k.img", "tokenizer.bin", 300);
}

/* ----------------------------------------------------------------------------
 * decimal parser */

static long decimals_checked, decimals_refused;

/* When decimal_parse takes the text, it must give parse_f32's bits. */
static void check_decimal(const char *text, int must_accept) {
    f32 got;
    if (decimal_parse(text, &got) != 0) {
        if (must_accept) fail_msg("\"%s\" refused", text);
        decimals_refused++;
        return;
    }
    uint32_t want = (uint32_t)parse_float_bits(text, NULL);
    if (bits_of(got) != want) fail_msg("\"%s\": %08x, parse_f32 %08x", text, bits_of(got), want);
    decimals_checked++;
}

static void test_decimal(void **state) {
    (void)state;
    static const char *const accepted[] = {"0", "1", "1.0", "0.9", "0.8", "0.95", "2", "-0", "-0.5", "+1.5", " 0.7",
                                           "000000001.5000000", ".5", "5.", "16777215", "1677721.5", "0.0000001",
                                           "0.1234567", "133742"};
    static const char *const refused[] = {"", "-", ".", "1e3", "0.9x", "inf", "nan", "16777216", "0.12345678",
                                          "1..0", "0x10", "1 ", "--1"};
    char text[64];
    for (size_t i = 0; i < sizeof accepted / sizeof accepted[0]; i++) check_decimal(accepted[i], 1);
    for (size_t i = 0; i < sizeof refused / sizeof refused[0]; i++) {
        f32 v;
        if (decimal_parse(refused[i], &v) == 0) fail_msg("\"%s\" accepted", refused[i]);
    }
    /* every point position for many digit strings: below 2^24, up to 7 decimals */
    uint64_t s = 99;
    for (long i = 0; i < 400000; i++) {
        s = s * 6364136223846793005u + 1442695040888963407u;
        unsigned long n = (unsigned long)(s >> 40) % 16777216UL;
        if (i % 4 == 1) n %= 1000;
        if (i % 4 == 2) n = 16777215UL - n % 1000;
        int k = (int)((s >> 20) % 8);
        char digits[16];
        snprintf(digits, sizeof digits, "%0*lu", k + 1, n);
        size_t len = strlen(digits);
        snprintf(text, sizeof text, "%s%.*s.%s", (s & 1) ? "-" : "", (int)(len - (size_t)k), digits,
                 digits + len - (size_t)k);
        check_decimal(text, 1);
    }
    printf("    %ld decimals equal to parse_f32, %ld refused\n", decimals_checked, decimals_refused);
}

/* ----------------------------------------------------------------------------
 * top-p without buffers */

static void test_topp_scan(void **state) {
    (void)state;
    static const float dyadic[] = {0.5f, 0.25f, 0.125f, 0.0625f, 0.03125f, 0.0f};
    enum { N = 40 };
    float p[N];
    ProbIndex probindex[N], scratch[N];
    uint64_t s = 3;
    long picks = 0;
    for (int round = 0; round < 200000; round++) {
        int n = 1 + (int)(round % N);
        float sum = 0.0f;
        for (int i = 0; i < n; i++) {
            s = s * 6364136223846793005u + 1442695040888963407u;
            /* many exact ties: dyadic values, or a few random levels */
            if (round % 3 == 0) p[i] = dyadic[(s >> 33) % 6];
            else if (round % 3 == 1) p[i] = (float)((s >> 33) % 5) / 7.0f;
            else p[i] = (float)((s >> 33) % 100000) / 100000.0f;
            sum += p[i];
        }
        if (round % 2 == 0 && sum > 0)
            for (int i = 0; i < n; i++) p[i] /= sum;
        s = s * 6364136223846793005u + 1442695040888963407u;
        float topp = (float)((s >> 33) % 1000) / 1000.0f;
        float coin = (float)((s >> 13) % 16777216) / 16777216.0f;
        int want = sample_topp(p, n, topp, probindex, scratch, coin);
        int got = sample_topp_scan(p, n, topp, coin);
        if (want != got) fail_msg("round %d (n %d, topp %g, coin %g): sample_topp %d, scan %d", round, n, topp, coin, want, got);
        picks++;
    }
    printf("    %ld picks equal\n", picks);
}

/* ----------------------------------------------------------------------------
 * the program, natively */

/* The STEP and LOGITS records of a trace, concatenated. */
static char *step_records(FILE *f, size_t *len) {
    size_t cap = 1 << 16, n = 0;
    char *out = malloc(cap), line[16384];
    while (fgets(line, sizeof line, f) != NULL) {
        if (strncmp(line, "L2T STEP ", 9) != 0 && strncmp(line, "L2T LOGITS ", 11) != 0) continue;
        size_t l = strlen(line);
        while (n + l + 1 > cap) out = realloc(out, cap *= 2);
        memcpy(out + n, line, l);
        n += l;
    }
    out[n] = '\0';
    *len = n;
    return out;
}

static void check_native(const char *scenario, const char *args) {
    char work[] = "/tmp/c64-native-XXXXXX", command[2048], path[1024];
    if (mkdtemp(work) == NULL) fail_msg("mkdtemp failed");
    snprintf(command, sizeof command, "'%s/c64/run65-native' '%s/c64/stories260K.reu' '%s' %s --logits full", build_dir,
             build_dir, work, args);
    FILE *p = popen(command, "r");
    assert_non_null(p);
    size_t got_len, want_len;
    char *got = step_records(p, &got_len);
    int status = pclose(p);
    snprintf(command, sizeof command, "rm -rf '%s'", work);
    if (system(command) != 0) fail_msg("cannot remove %s", work);
    if (status != 0) fail_msg("%s: exit status %d", scenario, status);
    snprintf(path, sizeof path, "%s/portable/%s.trace", golden_dir, scenario);
    FILE *g = fopen(path, "r");
    if (g == NULL) fail_msg("%s: cannot open", path);
    char *want = step_records(g, &want_len);
    fclose(g);
    assert_true(want_len > 1000);
    if (got_len != want_len || memcmp(got, want, want_len) != 0) {
        size_t i = 0;
        while (i < got_len && i < want_len && got[i] == want[i]) i++;
        fail_msg("%s: the native program's records differ from %s at byte %zu", scenario, path, i);
    }
    printf("    %s: %zu bytes of STEP and LOGITS records identical\n", scenario, want_len);
    free(got);
    free(want);
}

static void test_native_zoo(void **state) {
    (void)state;
    check_native("c64_zoo", "-t 0 -i Zoo -n 16");
}

static void test_native_sampled(void **state) {
    (void)state;
    check_native("c64_sampled", "-t 1.0 -p 0.9 -s 133742 -n 16");
}

int main(int argc, char **argv) {
    if (argc != 4) {
        fprintf(stderr, "usage: test_c64_host MODELS_DIR BUILD_DIR GOLDEN_DIR\n");
        return 2;
    }
    models_dir = argv[1];
    build_dir = argv[2];
    golden_dir = argv[3];
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_tokenizer_tok512),
        cmocka_unit_test(test_tokenizer_llama),
        cmocka_unit_test(test_decimal),
        cmocka_unit_test(test_topp_scan),
        cmocka_unit_test(test_native_zoo),
        cmocka_unit_test(test_native_sampled),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
