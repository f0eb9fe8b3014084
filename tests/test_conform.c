/* Tests of conform (cli/conform*.c): divergences planted at known places are reported
 * with the right step, index, ULP distance and exit status; scenario checks; levels;
 * plain text captures in ASCII and PETSCII; usage errors; a real run of ./run.
 *
 * conform_main runs in-process with its output in temporary files. Traces are written
 * with engine/trace_writer.c into $CONFORM_SCRATCH (default build/conform-scratch, which
 * must exist); $CONFORM_MODELS names the models folder for the real run. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/trace_writer.h"
#include "tests/testutil_conform.h"
#include "tests/testutil_trace.h"

static const char *scratch;

static char *scratch_path(const char *name) {
    size_t n = strlen(scratch) + strlen(name) + 2;
    char *p = malloc(n);
    assert_non_null(p);
    snprintf(p, n, "%s/%s", scratch, name);
    return p;
}

/* ---- synthetic traces ---- */

#define VOCAB 512
#define LAYERS 5
#define STEPS 20

typedef struct {
    int level, topk, layers, end;
    long steps;
    const char *prompt, *platform, *math;
    /* plants: a logit's bits xor'ed or set, a token changed, a layer digest changed */
    long flip_step, flip_index;
    uint32_t flip_mask;
    long set_step, set_index;
    uint32_t set_bits;
    long token_step, token_value;
    long layer_step, layer_l;
    int layer_op;
} Plan;

static Plan plan(void) {
    Plan p;
    memset(&p, 0, sizeof p);
    p.level = TRACE_LOGITS_FULL;
    p.layers = 1;
    p.end = 1;
    p.steps = STEPS;
    p.prompt = "Once";
    p.platform = "HOST-TEST";
    p.math = "libm";
    p.flip_step = p.set_step = p.token_step = p.layer_step = -1;
    return p;
}

static uint32_t logit(long step, long i) {
    uint32_t x = (uint32_t)(step * 2654435761u) ^ (uint32_t)(i * 40503u + 977u);
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    /* normal floats of both signs between 1/16 and 16 */
    return (x & 0x807FFFFFu) | ((uint32_t)(123 + (x >> 24) % 8) << 23);
}

/* The next token at a step: the argmax of the unplanted logits. */
static long next_token(long step) {
    trace_u32 v[VOCAB];
    for (long i = 0; i < VOCAB; i++) v[i] = logit(step, i);
    return trace_argmax(v, VOCAB);
}

static const char *word(long token) {
    static const char *const words[] = {" Once", " upon", " a", " time", " Lily", " saw", " the", " red",
                                        " ball", ".", "\n", " She", " was", " happy", " and", " Tom"};
    return words[token % 16];
}

static void put_file(void *context, int ascii) { fputc(ascii, (FILE *)context); }

static char *write_plan(const char *name, const Plan *p) {
    char *path = scratch_path(name);
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    TraceWriter w;
    TraceHeader h = test_trace_header(LAYERS, VOCAB, p->level, p->topk, p->layers, p->prompt, p->platform);
    h.temperature_bits = 0x3F333333UL; /* 0.7 */
    h.topp_bits = 0x3F666666UL;        /* 0.9 */
    h.seed_low = 42;
    h.steps = STEPS;
    h.math = p->math;
    trace_writer_init(&w, put_file, f);
    trace_write_header(&w, &h);
    long token = 1;
    for (long pos = 0; pos < p->steps; pos++) {
        trace_u32 v[VOCAB];
        for (long i = 0; i < VOCAB; i++) v[i] = logit(pos, i);
        if (pos == p->flip_step) v[p->flip_index] ^= p->flip_mask;
        if (pos == p->set_step) v[p->set_index] = p->set_bits;
        for (long l = 0; p->layers && l < LAYERS; l++) {
            trace_u32 d[6];
            for (int op = 0; op < 6; op++) d[op] = (trace_u32)(0x10000000u * (unsigned)(op + 1) + (unsigned)(pos * 8 + l));
            if (pos == p->layer_step && l == p->layer_l) d[p->layer_op] ^= 0x00010000u;
            TraceLayerDigests ld = {d[0], d[1], d[2], d[3], d[4], d[5]};
            trace_write_layer(&w, pos, l, &ld);
        }
        TraceStep s;
        s.pos = pos;
        s.token = token;
        s.next = pos == p->token_step ? p->token_value : next_token(pos);
        s.source = pos == 0 ? TRACE_SOURCE_PROMPT : TRACE_SOURCE_SAMPLED;
        s.piece = pos == 0 ? "Once" : word(s.next);
        trace_write_step(&w, &s, v, VOCAB, p->level, p->topk);
        token = s.next;
    }
    if (p->end) trace_write_end(&w);
    assert_int_equal(fclose(f), 0);
    return path;
}

/* The text the plan's run printed, as ./run prints it (a newline at the end). */
static char *plan_text(const Plan *p) {
    size_t cap = 4096, len = 0;
    char *s = malloc(cap);
    s[0] = '\0';
    for (long pos = 0; pos < p->steps; pos++) {
        long next = pos == p->token_step ? p->token_value : next_token(pos);
        const char *piece = pos == 0 ? "Once" : word(next);
        assert_true(len + strlen(piece) + 2 < cap);
        strcpy(s + len, piece);
        len += strlen(piece);
    }
    strcpy(s + len, "\n");
    return s;
}

static char *write_bytes(const char *name, const void *bytes, size_t n) {
    char *path = scratch_path(name);
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(bytes, 1, n, f), n);
    assert_int_equal(fclose(f), 0);
    return path;
}

/* ---- planted divergences ---- */

static void test_equal(void **state) {
    (void)state;
    Plan p = plan();
    char *a = write_plan("eq_a.trace", &p);
    p.platform = "C64-CC65";
    p.math = "portable";
    char *b = write_plan("eq_b.trace", &p);
    Result r = conform("diff", a, b, NULL);
    assert_int_equal(r.status, 0);
    assert_line(r.out, "info: PLATFORM differs: expected \"HOST-TEST\", actual \"C64-CC65\"");
    assert_line(r.out, "info: RUN MATH differs: expected LIBM, actual PORTABLE");
    assert_line(r.out, "verdict: EQUAL: all 20 steps are the same at level bits");
    assert_line(r.out, "summary: 20 steps compared, 0 differ; tokens match at every compared step; max ULP distance 0 (step 0)");
    assert_string_equal(r.err, "");
    result_free(&r);
    free(a);
    free(b);
}

static void test_one_bit_flip(void **state) {
    (void)state;
    Plan p = plan();
    char *a = write_plan("flip_a.trace", &p);
    p.flip_step = 7;
    p.flip_index = 123;
    p.flip_mask = 1; /* the lowest significand bit: 1 ULP */
    char *b = write_plan("flip_b.trace", &p);
    uint32_t e = logit(7, 123), x = e ^ 1u;
    float fe, fx;
    memcpy(&fe, &e, 4);
    memcpy(&fx, &x, 4);
    char line[256];

    Result r = conform("diff", a, b, NULL);
    assert_int_equal(r.status, 1);
    assert_line(r.out, "verdict: DIFFERENT: 1 of 20 steps differ at level bits");
    assert_line(r.out, "first divergence: step 7 (POS 7)");
    snprintf(line, sizeof line, "  largest ULP distance: logit 123, expected %08lX (%.9g), actual %08lX (%.9g): 1 ULP",
             (unsigned long)e, (double)fe, (unsigned long)x, (double)fx);
    assert_line(r.out, line);
    assert_line(r.out, "  ULP distance over 512 logits: max 1, mean 0.00195312; 1 differ");
    snprintf(line, sizeof line, "  max absolute error: %.9g (logit 123)", (double)fe - (double)fx < 0 ? (double)fx - (double)fe : (double)fe - (double)fx);
    assert_line(r.out, line);
    assert_contains(r.out, "  KL divergence (expected || actual): ");
    assert_line(r.out, "  layers: every LAYER digest is the same at this step");
    assert_line(r.out, "summary: 20 steps compared, 1 differ; tokens match at every compared step; max ULP distance 1 (step 7)");
    result_free(&r);

    /* within 1 ULP passes; within 0 does not */
    r = conform("diff", a, b, "--level", "ulp", "1", NULL);
    assert_int_equal(r.status, 0);
    assert_line(r.out, "verdict: EQUAL: all 20 steps are the same at level ulp 1");
    result_free(&r);
    r = conform("diff", a, b, "--level", "ulp", "0", NULL);
    assert_int_equal(r.status, 1);
    assert_line(r.out, "  ULP distance over 512 logits: max 1, mean 0.00195312; 1 differ, 1 beyond the tolerance");
    result_free(&r);
    r = conform("diff", a, b, "--level", "tokens", NULL);
    assert_int_equal(r.status, 0);
    result_free(&r);
    r = conform("diff", a, b, "--level", "abs", "1e-3", NULL);
    assert_int_equal(r.status, 0);
    result_free(&r);
    r = conform("diff", a, b, "--level", "abs", "0", NULL);
    assert_int_equal(r.status, 1);
    result_free(&r);

    /* JSON */
    r = conform("diff", a, b, "--json", NULL);
    assert_int_equal(r.status, 1);
    assert_contains(r.out, "{\"verdict\":\"different\",\"exit_status\":1,\"level\":\"bits\"");
    assert_contains(r.out, "\"steps_compared\":20,\"steps_differ\":1,\"tokens_match\":true,\"first_token_divergence\":null");
    assert_contains(r.out, "\"first_divergence\":{\"step\":7,\"pos\":7,");
    assert_contains(r.out, "\"logits_compared\":512,\"logits_differ\":1,\"logits_beyond_tolerance\":1,\"max_ulp_index\":123,"
                           "\"max_ulp\":1,\"max_ulp_infinite\":false,");
    assert_contains(r.out, "\"mean_ulp\":0.001953125,");
    assert_contains(r.out, "\"kl_status\":\"ok\",\"layer\":null}}\n");
    result_free(&r);
    free(a);
    free(b);
}

static void test_high_bit_flip_and_layer(void **state) {
    (void)state;
    Plan p = plan();
    char *a = write_plan("high_a.trace", &p);
    p.flip_step = 7;
    p.flip_index = 123;
    p.flip_mask = 1u << 22; /* the top significand bit: 2^22 ULP */
    p.layer_step = 7;
    p.layer_l = 3;
    p.layer_op = 3; /* att */
    char *b = write_plan("high_b.trace", &p);
    Result r = conform("diff", a, b, NULL);
    assert_int_equal(r.status, 1);
    assert_line(r.out, "first divergence: step 7 (POS 7)");
    assert_contains(r.out, ": 4194304 ULP\n");
    assert_line(r.out, "  ULP distance over 512 logits: max 4194304, mean 8192; 1 differ");
    /* KL of the softmaxes, computed here the direct way in long double */
    long double se = 0, sa = 0, kl = 0;
    for (long i = 0; i < VOCAB; i++) {
        uint32_t be = logit(7, i), ba = i == 123 ? be ^ (1u << 22) : be;
        float fe, fa;
        memcpy(&fe, &be, 4);
        memcpy(&fa, &ba, 4);
        se += expl((long double)fe);
        sa += expl((long double)fa);
    }
    for (long i = 0; i < VOCAB; i++) {
        uint32_t be = logit(7, i), ba = i == 123 ? be ^ (1u << 22) : be;
        float fe, fa;
        memcpy(&fe, &be, 4);
        memcpy(&fa, &ba, 4);
        long double lp = (long double)fe - logl(se), lq = (long double)fa - logl(sa);
        kl += expl(lp) * (lp - lq);
    }
    char kl_line[128];
    snprintf(kl_line, sizeof kl_line, "  KL divergence (expected || actual): %.6g nats", (double)kl);
    assert_line(r.out, kl_line);
    assert_line(r.out, "  layers: first LAYER digest that differs: layer 3, att (expected 4000003B, actual 4001003B)");
    assert_contains(r.out, "; first LAYER difference at step 7\n");
    result_free(&r);
    free(a);
    free(b);
}

static void test_layer_digest_only(void **state) {
    (void)state;
    Plan p = plan();
    char *a = write_plan("layer_a.trace", &p);
    p.layer_step = 5;
    p.layer_l = 2;
    p.layer_op = 4; /* ffn */
    char *b = write_plan("layer_b.trace", &p);
    Result r = conform("diff", a, b, NULL);
    assert_int_equal(r.status, 1);
    assert_line(r.out, "verdict: DIFFERENT: 1 of 20 steps differ at level bits");
    assert_line(r.out, "first divergence: step 5 (POS 5)");
    assert_line(r.out, "  ULP distance over 512 logits: max 0, mean 0; 0 differ");
    assert_line(r.out, "  layers: first LAYER digest that differs: layer 2, ffn (expected 5000002A, actual 5001002A)");
    result_free(&r);
    /* at ulp level LAYER digests are reported but do not fail */
    r = conform("diff", a, b, "--level", "ulp", "0", "--json", NULL);
    assert_int_equal(r.status, 0);
    assert_contains(r.out, "\"verdict\":\"equal\"");
    assert_contains(r.out, "\"first_layer_divergence\":5,");
    result_free(&r);
    free(a);
    free(b);
}

static void test_token_change(void **state) {
    (void)state;
    Plan p = plan();
    char *a = write_plan("tok_a.trace", &p);
    long expected_next = next_token(12);
    p.token_step = 12;
    p.token_value = (expected_next + 1) % VOCAB;
    char *b = write_plan("tok_b.trace", &p);
    char line[200];
    Result r = conform("diff", a, b, "--level", "tokens", NULL);
    assert_int_equal(r.status, 1);
    assert_line(r.out, "verdict: DIFFERENT: 2 of 20 steps differ at level tokens");
    assert_line(r.out, "first divergence: step 12 (POS 12)");
    snprintf(line, sizeof line, "  tokens: expected %ld -> %ld, actual %ld -> %ld (NEXT differs)", next_token(11),
             expected_next, next_token(11), p.token_value);
    assert_line(r.out, line);
    assert_line(r.out, "summary: 20 steps compared, 2 differ; tokens first differ at step 12; max ULP distance 0 (step 0)");
    result_free(&r);
    r = conform("diff", a, b, "--level", "tokens", "--json", NULL);
    assert_int_equal(r.status, 1);
    snprintf(line, sizeof line,
             "\"first_divergence\":{\"step\":12,\"pos\":12,\"expected_token\":%ld,\"actual_token\":%ld,\"expected_next\":%ld,"
             "\"actual_next\":%ld,\"tokens_differ\":true,",
             next_token(11), next_token(11), expected_next, p.token_value);
    assert_contains(r.out, line);
    assert_contains(r.out, "\"tokens_match\":false,\"first_token_divergence\":12,");
    result_free(&r);
    free(a);
    free(b);
}

static void test_zero_signs_and_nan(void **state) {
    (void)state;
    Plan p = plan();
    p.set_step = 3;
    p.set_index = 10;
    p.set_bits = 0x00000000u;
    char *a = write_plan("zero_a.trace", &p);
    p.set_bits = 0x80000000u;
    char *b = write_plan("zero_b.trace", &p);
    /* -0 and +0: different bits, 0 ULP apart */
    Result r = conform("diff", a, b, NULL);
    assert_int_equal(r.status, 1);
    assert_line(r.out, "  largest ULP distance: logit 10, expected 00000000 (0), actual 80000000 (-0): 0 ULP");
    result_free(&r);
    r = conform("diff", a, b, "--level", "ulp", "0", NULL);
    assert_int_equal(r.status, 0);
    result_free(&r);
    /* across zero: the smallest subnormals of both signs are 2 apart */
    p.set_bits = 0x00000001u;
    char *c = write_plan("zero_c.trace", &p);
    p.set_bits = 0x80000001u;
    char *d = write_plan("zero_d.trace", &p);
    r = conform("diff", c, d, "--level", "ulp", "1", NULL);
    assert_int_equal(r.status, 1);
    assert_contains(r.out, "actual 80000001 (-1.40129846e-45): 2 ULP\n");
    result_free(&r);
    /* a NaN is infinitely far */
    p.set_bits = 0x7FC00000u;
    char *n = write_plan("zero_nan.trace", &p);
    r = conform("diff", a, n, "--level", "ulp", "1000000", NULL);
    assert_int_equal(r.status, 1);
    assert_contains(r.out, ": infinite (a NaN) ULP\n");
    assert_line(r.out, "  KL divergence: unavailable (a logit is NaN or infinite)");
    result_free(&r);
    r = conform("diff", a, n, "--json", NULL);
    assert_contains(r.out, "\"max_ulp\":null,\"max_ulp_infinite\":true,");
    result_free(&r);
    free(a);
    free(b);
    free(c);
    free(d);
    free(n);
}

static void test_topk_and_digest(void **state) {
    (void)state;
    Plan p = plan();
    char *full = write_plan("lv_full.trace", &p);
    p.level = TRACE_LOGITS_TOPK;
    p.topk = 8;
    char *topk = write_plan("lv_topk.trace", &p);
    p.level = TRACE_LOGITS_DIGEST;
    p.topk = 0;
    char *digest = write_plan("lv_digest.trace", &p);
    /* the same run at other levels: equal at the level both have */
    Result r = conform("diff", full, topk, NULL);
    assert_int_equal(r.status, 0);
    assert_line(r.out, "level:    bits (logits compared at TOPK)");
    assert_line(r.out, "info: RUN LOGITS differs: expected FULL, actual TOPK K=8");
    result_free(&r);
    r = conform("diff", topk, digest, NULL);
    assert_int_equal(r.status, 0);
    assert_line(r.out, "level:    bits (logits compared at DIGEST)");
    result_free(&r);
    r = conform("diff", full, digest, "--level", "ulp", "4", NULL);
    assert_int_equal(r.status, 2);
    char message[512];
    snprintf(message, sizeof message,
             "conform: --level ulp needs logits in both traces (LOGITS=FULL or TOPK), but %s has LOGITS=DIGEST: "
             "compare with --level bits (CRC and ARGMAX) or tokens\n",
             digest);
    assert_string_equal(r.err, message);
    result_free(&r);

    /* a change to the largest logit of step 7 shows at TOPK, without KL */
    trace_u32 v[VOCAB];
    for (long i = 0; i < VOCAB; i++) v[i] = logit(7, i);
    p = plan();
    p.level = TRACE_LOGITS_TOPK;
    p.topk = 8;
    p.flip_step = 7;
    p.flip_index = trace_argmax(v, VOCAB);
    p.flip_mask = 1;
    char *topk_flip = write_plan("lv_topk_flip.trace", &p);
    r = conform("diff", full, topk_flip, NULL);
    assert_int_equal(r.status, 1);
    assert_line(r.out, "first divergence: step 7 (POS 7)");
    assert_line(r.out, "  ULP distance over 8 logits in both top-K lists: max 1, mean 0.125; 1 differ");
    assert_line(r.out, "  KL divergence: unavailable at TOPK level (needs every logit)");
    result_free(&r);
    r = conform("diff", topk, topk_flip, "--level", "ulp", "1", NULL);
    assert_int_equal(r.status, 0);
    result_free(&r);
    free(full);
    free(topk);
    free(digest);
    free(topk_flip);
}

static void test_scenario_and_truncation(void **state) {
    (void)state;
    Plan p = plan();
    char *a = write_plan("sc_a.trace", &p);
    p.prompt = "Twice";
    char *b = write_plan("sc_b.trace", &p);
    Result r = conform("diff", a, b, NULL);
    assert_int_equal(r.status, 1);
    assert_line(r.out, "verdict: DIFFERENT SCENARIO: the traces record different runs; no step was compared");
    assert_line(r.out, "  PROMPT: expected \"Once\", actual \"Twice\"");
    result_free(&r);
    r = conform("diff", a, b, "--json", NULL);
    assert_contains(r.out, "\"verdict\":\"different-scenario\",\"exit_status\":1,");
    assert_contains(r.out, "\"scenario_differences\":[{\"field\":\"PROMPT\",\"expected\":\"\\\"Once\\\"\",\"actual\":\"\\\"Twice\\\"\"}]");
    result_free(&r);

    /* cut short after 12 steps: the steps present match */
    p = plan();
    p.steps = 12;
    p.end = 0;
    char *cut = write_plan("sc_cut.trace", &p);
    r = conform("diff", a, cut, NULL);
    assert_int_equal(r.status, 1);
    assert_line(r.out, "verdict: TRUNCATED: the 12 steps present in both are the same at level bits, but ACTUAL was cut short");
    /* 9 header lines, then 12 steps of 5 LAYER, 1 STEP and 32 LOGITS lines */
    assert_contains(r.out, "sc_cut.trace: line 465: no END record: the trace was cut short after 12 complete steps; only "
                           "those can be compared\n");
    result_free(&r);
    r = conform("diff", a, cut, "--allow-truncated", NULL);
    assert_int_equal(r.status, 0);
    result_free(&r);

    /* a complete run that stops early is different */
    p.end = 1;
    char *shorter = write_plan("sc_short.trace", &p);
    r = conform("diff", a, shorter, NULL);
    assert_int_equal(r.status, 1);
    assert_line(r.out, "verdict: DIFFERENT: 8 of 20 steps differ at level bits");
    assert_line(r.out, "first divergence: step 12 (POS 12): only EXPECTED has it (EXPECTED has 20 steps, ACTUAL 12)");
    result_free(&r);
    free(a);
    free(b);
    free(cut);
    free(shorter);
}

static void test_unreadable_inputs(void **state) {
    (void)state;
    Plan p = plan();
    char *a = write_plan("bad_a.trace", &p);
    char *bad = write_bytes("bad_b.trace", "L2T TRACE V=1 *8A48\nL2T MODEL X=1 *0000\nL2T TOKENIZER *0000\n", 60);
    Result r = conform("diff", a, bad, NULL);
    assert_int_equal(r.status, 2);
    char expected[512];
    snprintf(expected, sizeof expected,
             "conform: %s: line 2: bad checksum: the line says *0000, its bytes give *7D4C: it looks damaged in "
             "transmission\n",
             bad);
    assert_string_equal(r.err, expected);
    assert_string_equal(r.out, "");
    result_free(&r);
    r = conform("diff", a, bad, "--json", NULL);
    assert_int_equal(r.status, 2);
    assert_contains(r.out, "{\"verdict\":\"error\",\"exit_status\":2,\"error\":");
    result_free(&r);
    char *missing = scratch_path("no-such-file.trace");
    r = conform("show", missing, NULL);
    assert_int_equal(r.status, 2);
    snprintf(expected, sizeof expected, "conform: %s: cannot open: No such file or directory\n", missing);
    assert_string_equal(r.err, expected);
    result_free(&r);
    free(a);
    free(bad);
    free(missing);
}

static void test_usage(void **state) {
    (void)state;
    Result r = conform(NULL, NULL);
    assert_int_equal(r.status, 2);
    assert_contains(r.err, "usage: conform diff EXPECTED ACTUAL");
    result_free(&r);
    r = conform("--help", NULL);
    assert_int_equal(r.status, 0);
    assert_contains(r.out, "conform diff EXPECTED ACTUAL ...");
    result_free(&r);
    r = conform("diff", "--help", NULL);
    assert_int_equal(r.status, 0);
    assert_contains(r.out, "  ulp N     same tokens, every logit within N ULPs");
    result_free(&r);
    r = conform("show", "--help", NULL);
    assert_int_equal(r.status, 0);
    assert_contains(r.out, "usage: conform show TRACE");
    result_free(&r);
    r = conform("frobnicate", NULL);
    assert_int_equal(r.status, 2);
    assert_contains(r.err, "conform: unknown command \"frobnicate\" (diff, show or check)\n");
    result_free(&r);
    r = conform("diff", "a", NULL);
    assert_int_equal(r.status, 2);
    assert_contains(r.err, "conform diff: needs EXPECTED and ACTUAL\n");
    result_free(&r);
    r = conform("diff", "a", "b", "--level", "ulp", NULL);
    assert_int_equal(r.status, 2);
    assert_contains(r.err, "conform diff: --level ulp takes a count of ULPs, e.g. --level ulp 4\n");
    result_free(&r);
    r = conform("diff", "a", "b", "--level", "abs", "-1", NULL);
    assert_int_equal(r.status, 2);
    result_free(&r);
    r = conform("diff", "a", "b", "--level", "fuzzy", NULL);
    assert_int_equal(r.status, 2);
    assert_contains(r.err, "conform diff: unknown level \"fuzzy\" (bits, ulp N, abs X, tokens or text)\n");
    result_free(&r);
    r = conform("diff", "a", "b", "--frob", NULL);
    assert_int_equal(r.status, 2);
    assert_contains(r.err, "conform diff: unknown option --frob\n");
    result_free(&r);
    r = conform("show", NULL);
    assert_int_equal(r.status, 2);
    result_free(&r);
}

/* ---- show ---- */

static void test_show(void **state) {
    (void)state;
    Plan p = plan();
    p.steps = 4;
    p.end = 1;
    char *a = write_plan("show.trace", &p);
    Result r = conform("show", a, NULL);
    assert_int_equal(r.status, 0);
    char *text = plan_text(&p);
    char expected[2048];
    snprintf(expected, sizeof expected,
             "trace:     %s\n"
             "status:    complete (END at line 162)\n" /* 9 + 4 * (5 + 1 + 32) + 1 */
             "model:     sha256 B0A507E7AD0F6266... (1056540 bytes)\n"
             "tokenizer: sha256 037CB335ABB25D1F... (6227 bytes)\n"
             "config:    dim 64, hidden 172, layers 5, heads 8, kv heads 4, vocab 512, seq_len 512, shared classifier yes\n"
             "sampler:   temperature 0.7 (3F333333), top-p 0.9 (3F666666), seed 42 (000000000000002A), steps 20\n"
             "run:       mode generate, math LIBM, logits FULL, layers yes\n"
             "platform:  \"HOST-TEST\"\n"
             "prompt:    \"Once\"\n"
             "system:    (none)\n"
             "steps:     4 (POS 0 to 3): 1 forced by the prompt, 3 sampled\n"
             "text:\n%s",
             a, text);
    assert_string_equal(r.out, expected);
    result_free(&r);
    free(text);
    free(a);
}

/* ---- text level ---- */

static unsigned char to_petscii(unsigned char c) {
    if (c >= 'a' && c <= 'z') return (unsigned char)(c - 'a' + 0x41);
    if (c >= 'A' && c <= 'Z') return (unsigned char)(c - 'A' + 0xC1);
    if (c == '\n') return 0x0D;
    return c;
}

static void test_text_captures(void **state) {
    (void)state;
    Plan p = plan();
    char *trace = write_plan("text.trace", &p);
    char *text = plan_text(&p);
    size_t n = strlen(text);

    /* as ./run prints it */
    char *plain = write_bytes("text_plain.txt", text, n);
    Result r = conform("diff", trace, plain, "--level", "text", NULL);
    assert_int_equal(r.status, 0);
    char line[200];
    snprintf(line, sizeof line, "verdict: EQUAL: the texts are the same (%zu bytes)", n - 1);
    assert_line(r.out, line);
    result_free(&r);

    /* with CRLF */
    char *crlf = malloc(2 * n + 1);
    size_t m = 0;
    for (size_t i = 0; i < n; i++) {
        if (text[i] == '\n') crlf[m++] = '\r';
        crlf[m++] = text[i];
    }
    char *crlf_path = write_bytes("text_crlf.txt", crlf, m);
    r = conform("diff", trace, crlf_path, "--level", "text", NULL);
    assert_int_equal(r.status, 0);
    result_free(&r);

    /* in PETSCII, as a C64 prints it: detected, and forced */
    unsigned char *pet = malloc(n);
    for (size_t i = 0; i < n; i++) pet[i] = to_petscii((unsigned char)text[i]);
    char *pet_path = write_bytes("text_petscii.txt", pet, n);
    r = conform("diff", trace, pet_path, "--level", "text", NULL);
    assert_int_equal(r.status, 0);
    snprintf(line, sizeof line, "note: %s was read as PETSCII", pet_path);
    assert_line(r.out, line);
    result_free(&r);
    r = conform("diff", trace, pet_path, "--level", "text", "--petscii", "--json", NULL);
    assert_int_equal(r.status, 0);
    assert_contains(r.out, "\"plain_text\":true,\"petscii\":true}");
    result_free(&r);
    r = conform("diff", trace, pet_path, "--level", "text", "--ascii", NULL);
    assert_int_equal(r.status, 1);
    /* read as ASCII, the final 0x0D is no newline to drop */
    snprintf(line, sizeof line, "verdict: DIFFERENT: the texts differ from byte 0 (line 1, column 1); expected %zu bytes, "
                                "actual %zu", n - 1, n);
    assert_line(r.out, line);
    result_free(&r);

    /* from standard input */
    assert_non_null(freopen(pet_path, "rb", stdin));
    r = conform("diff", trace, "-", "--level", "text", NULL);
    assert_int_equal(r.status, 0);
    assert_line(r.out, "note: - was read as PETSCII");
    result_free(&r);

    /* one letter changed in the PETSCII capture: where, and in which step */
    const char *lily = strstr(text, " Lily");
    assert_non_null(lily);
    size_t at = (size_t)(lily - text) + 2;
    pet[at] = to_petscii('o');
    char *pet_bad = write_bytes("text_petscii_bad.txt", pet, n);
    r = conform("diff", trace, pet_bad, "--level", "text", NULL);
    assert_int_equal(r.status, 1);
    long line_no = 1, column = 1;
    for (size_t i = 0; i < at; i++) {
        if (text[i] == '\n') {
            line_no++;
            column = 1;
        } else {
            column++;
        }
    }
    snprintf(line, sizeof line, "verdict: DIFFERENT: the texts differ from byte %zu (line %ld, column %ld); expected %zu "
                                "bytes, actual %zu",
             at, line_no, column, n - 1, n - 1);
    assert_line(r.out, line);
    assert_contains(r.out, "[HERE]ily");
    assert_contains(r.out, "[HERE]oly");
    result_free(&r);

    /* a plain capture needs --level text */
    r = conform("diff", trace, plain, NULL);
    assert_int_equal(r.status, 2);
    long text_lines = 0;
    for (size_t i = 0; i < n; i++) text_lines += text[i] == '\n';
    assert_true(text_lines >= 2);
    snprintf(line, sizeof line,
             "conform: %s: no trace lines: none of its %ld lines has the L2T marker (a plain text capture can only be "
             "compared with --level text)\n",
             plain, text_lines);
    assert_string_equal(r.err, line);
    assert_string_equal(r.out, "");
    result_free(&r);

    /* an empty capture against the trace */
    char *empty = write_bytes("text_empty.txt", "", 0);
    r = conform("diff", trace, empty, "--level", "text", NULL);
    assert_int_equal(r.status, 1);
    result_free(&r);
    free(trace);
    free(text);
    free(plain);
    free(crlf);
    free(crlf_path);
    free(pet);
    free(pet_path);
    free(pet_bad);
    free(empty);
}

/* ---- a real run ---- */

static void test_real_run(void **state) {
    (void)state;
    const char *models = getenv("CONFORM_MODELS");
    if (models == NULL) models = "models";
    char model[512], tokenizer[512], command[4096];
    snprintf(model, sizeof model, "%s/stories260K.bin", models);
    snprintf(tokenizer, sizeof tokenizer, "%s/tok512.bin", models);
    FILE *f = fopen(model, "rb");
    if (f == NULL) {
        skip();
        return;
    }
    fclose(f);
    char *t1 = scratch_path("real1.trace"), *t2 = scratch_path("real2.trace"), *out = scratch_path("real.txt");
    snprintf(command, sizeof command,
             "./run %s -z %s -t 0 -i Zoo -n 40 --trace %s --logits full --layers > %s 2>/dev/null && "
             "./run %s -z %s -t 0 -i Zoo -n 40 --trace %s --logits topk:4 --platform OTHER >/dev/null 2>&1",
             model, tokenizer, t1, out, model, tokenizer, t2);
    assert_int_equal(system(command), 0);
    Result r = conform("diff", t1, t2, NULL);
    assert_int_equal(r.status, 0);
    assert_line(r.out, "verdict: EQUAL: all 40 steps are the same at level bits");
    result_free(&r);
    r = conform("diff", t1, out, "--level", "text", NULL);
    assert_int_equal(r.status, 0);
    result_free(&r);
    r = conform("show", t1, NULL);
    assert_int_equal(r.status, 0);
    assert_contains(r.out, "text:\nZoo was a little girl");
    result_free(&r);
    free(t1);
    free(t2);
    free(out);
}

int main(void) {
    scratch = getenv("CONFORM_SCRATCH");
    if (scratch == NULL) scratch = "build/conform-scratch";
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_equal),
        cmocka_unit_test(test_one_bit_flip),
        cmocka_unit_test(test_high_bit_flip_and_layer),
        cmocka_unit_test(test_layer_digest_only),
        cmocka_unit_test(test_token_change),
        cmocka_unit_test(test_zero_signs_and_nan),
        cmocka_unit_test(test_topk_and_digest),
        cmocka_unit_test(test_scenario_and_truncation),
        cmocka_unit_test(test_unreadable_inputs),
        cmocka_unit_test(test_usage),
        cmocka_unit_test(test_show),
        cmocka_unit_test(test_text_captures),
        cmocka_unit_test(test_real_run),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
