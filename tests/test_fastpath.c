/* The fast forward pass (host/forward_fast.c) against the reference forward pass.
 *
 *   test_fastpath MODELS_DIR BUILD_DIR
 *       cmocka tests: for each model, every SIMD kernel this build and CPU have, and 1, 2
 *       and 3 threads (2 and 3 also with every task split, however small; 2 also with the
 *       measured choice between one thread and two, fast_forward_choose_threads), the full logits
 *       of every step and every layer record (q, k, v, att, ffn, x) must have the same bits
 *       as the reference's, in both math modes (libm and portable). Models: stories260K, synth512u (unshared classifier) and
 *       synth32k from MODELS_DIR; from BUILD_DIR the synthgen models synth15M.bin (15M
 *       shape), synthodd.bin (sizes that are not whole blocks; head size 8, 5 heads),
 *       synthhs12.bin, synthhs6.bin and synthhs4.bin (head sizes 12, 6 and 4, 6 heads of 4:
 *       with stories260K's and synthodd's 8, each path of the attention's weighted sum).
 *
 *   test_fastpath --bench [--steps N] [--rounds R] [--markdown FILE] LABEL=MODEL[:STEPS] ...
 *       tok/s of the reference and the fast path (each kernel on one thread, the widest on
 *       2 .. all processors), N greedy tokens from BOS, best of R rounds (default 3), each
 *       fast run checked bit for bit against the reference logits of every step. Prints a
 *       table; --markdown also writes it there. Exit status 1 if any run differs. */
#define _POSIX_C_SOURCE 200809L

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "host/forward_fast.h"
#include "host/checkpoint.h"

#define BOS 1 /* the token every sequence starts with */

/* ----------------------------------------------------------------------------
 * shared helpers */

static double now_seconds(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static int argmax(const float *v, int n) {
    int best = 0;
    for (int i = 1; i < n; i++)
        if (v[i] > v[best]) best = i;
    return best;
}

/* FNV-1a over the layer records of one step, so that intermediate vectors are compared too. */
typedef struct {
    uint64_t hash;
    int records;
} ProbeHash;

static void probe_hash(void *context, int layer, const char *what, const float *vec, int n) {
    ProbeHash *h = context;
    const unsigned char *bytes[3] = {(const unsigned char *)&layer, (const unsigned char *)what,
                                     (const unsigned char *)vec};
    size_t lens[3] = {sizeof layer, strlen(what), (size_t)n * sizeof(float)};
    for (int k = 0; k < 3; k++)
        for (size_t i = 0; i < lens[k]; i++) h->hash = (h->hash ^ bytes[k][i]) * 0x100000001b3ull;
    h->records++;
}

static void reset_state(Transformer *t) {
    const Config *p = &t->config;
    size_t kv_dim = (size_t)p->dim / (size_t)p->n_heads * (size_t)p->n_kv_heads;
    size_t cache = (size_t)p->n_layers * (size_t)p->seq_len * kv_dim;
    memset(t->state.key_cache, 0, cache * sizeof(float));
    memset(t->state.value_cache, 0, cache * sizeof(float));
}

/* ----------------------------------------------------------------------------
 * tests */

static const char *models_dir = ".";
static const char *build_dir = "build";

typedef struct {
    const char *file;
    int in_build; /* made by synthgen in BUILD_DIR */
    int steps;    /* positions to check (at most seq_len) */
    const char *math; /* "libm" or "portable" (engine/mathlib.h): the fast path's exp differs */
} ModelCase;

static void join(char *out, size_t size, const char *dir, const char *file) {
    snprintf(out, size, "%s/%s", dir, file);
}

/* Tokens: BOS, then a fixed pseudo-random mix of the reference's argmax and arbitrary ids, so
 * that many embedding rows and attention patterns are visited. */
static int next_token(uint64_t *rng, const float *logits, int vocab) {
    *rng = *rng * 6364136223846793005ull + 1442695040888963407ull;
    uint32_t r = (uint32_t)(*rng >> 33);
    return (r & 1) ? (int)(r % (uint32_t)vocab) : argmax(logits, vocab);
}

static void test_model(void **state) {
    const ModelCase *c = *state;
    char path[4096];
    join(path, sizeof path, c->in_build ? build_dir : models_dir, c->file);
    ErrorText err, warning;
    Transformer ref, fast;
    if (transformer_load(&ref, path, &warning, &err) != 0) fail_msg("%s", err.text);
    if (transformer_load(&fast, path, &warning, &err) != 0) fail_msg("%s", err.text);
    ref.math = fast.math = math_library_named(c->math);
    assert_non_null(ref.math);
    int vocab = ref.config.vocab_size;
    int steps = c->steps < ref.config.seq_len ? c->steps : ref.config.seq_len;

    /* the reference: logits, layer-record hashes and the token sequence */
    float *want = malloc((size_t)steps * (size_t)vocab * sizeof(float));
    uint64_t *want_hash = malloc((size_t)steps * sizeof(uint64_t));
    int *tokens = malloc((size_t)(steps + 1) * sizeof(int));
    assert_non_null(want);
    assert_non_null(want_hash);
    assert_non_null(tokens);
    ProbeHash ph;
    ref.probe = probe_hash;
    ref.probe_context = &ph;
    uint64_t rng = 2024;
    tokens[0] = BOS;
    for (int pos = 0; pos < steps; pos++) {
        ph.hash = 0xcbf29ce484222325ull;
        ph.records = 0;
        float *logits = forward(&ref, tokens[pos], pos);
        memcpy(want + (size_t)pos * vocab, logits, (size_t)vocab * sizeof(float));
        want_hash[pos] = ph.hash;
        assert_int_equal(ph.records, 6 * ref.config.n_layers);
        tokens[pos + 1] = next_token(&rng, logits, vocab);
    }

    int runs = 0;
    for (int simd = FAST_SIMD_VEC4; simd < FAST_SIMD_COUNT; simd++) {
        if (!fast_simd_available((FastSimd)simd)) {
            print_message("    %s: %s not available on this build or CPU, skipped\n", c->file,
                          fast_simd_name((FastSimd)simd));
            continue;
        }
        /* 1, 2 and 3 threads; with 2 and 3, also every task split however small; 2 with the
         * measured choice, whose steps run on 1 or 2 */
        for (int config = 0; config < 6; config++) {
            int threads = config < 3 ? config + 1 : config < 5 ? config - 1 : 2;
            int split = config == 3 || config == 4, choose = config == 5;
            const char *how = split ? " (all split)" : choose ? " (measured choice)" : "";
            int ran_on[3] = {0, 0, 0}; /* steps on 1 and 2 threads */
            FastForward *f;
            if (fast_forward_init(&f, &fast, threads, (FastSimd)simd, &err) != 0) fail_msg("%s", err.text);
            fast_forward_always_split(f, split);
            fast_forward_choose_threads(f, choose);
            reset_state(&fast);
            fast.probe = probe_hash;
            fast.probe_context = &ph;
            for (int pos = 0; pos < steps; pos++) {
                ph.hash = 0xcbf29ce484222325ull;
                ph.records = 0;
                float *logits = forward_fast(f, tokens[pos], pos);
                if (choose) ran_on[fast_forward_step_threads(f)]++;
                const float *expect = want + (size_t)pos * vocab;
                if (memcmp(logits, expect, (size_t)vocab * sizeof(float)) != 0) {
                    int i = 0;
                    while (i < vocab - 1 && memcmp(&logits[i], &expect[i], sizeof(float)) == 0) i++;
                    fail_msg("%s (%s), %s, %d threads%s: logits differ at step %d, index %d: %a (want %a)", c->file,
                             c->math, fast_simd_name((FastSimd)simd), threads, how, pos, i,
                             (double)logits[i], (double)expect[i]);
                }
                if (ph.hash != want_hash[pos] || ph.records != 6 * fast.config.n_layers)
                    fail_msg("%s (%s), %s, %d threads%s: layer records differ at step %d", c->file, c->math,
                             fast_simd_name((FastSimd)simd), threads, how, pos);
            }
            /* a model big enough for threads runs a trial on both counts in its first steps */
            if (choose && fast_forward_threads(f) == 2 && (ran_on[1] == 0 || ran_on[2] == 0))
                fail_msg("%s (%s), %s: the measured choice ran %d steps on one thread and %d on two", c->file, c->math,
                         fast_simd_name((FastSimd)simd), ran_on[1], ran_on[2]);
            fast_forward_free(f);
            runs++;
        }
    }
    print_message("    %s (%s): %d steps bit-identical in %d fast configurations\n", c->file, c->math, steps, runs);
    assert_true(runs >= 3);
    free(want);
    free(want_hash);
    free(tokens);
    transformer_free(&ref);
    transformer_free(&fast);
}

/* The kernel choice and thread count are reported back; bad requests are refused. */
static void test_init_arguments(void **state) {
    (void)state;
    char path[4096];
    join(path, sizeof path, models_dir, "synth512u.bin");
    ErrorText err, warning;
    Transformer t;
    if (transformer_load(&t, path, &warning, &err) != 0) fail_msg("%s", err.text);
    FastForward *f;
    assert_int_equal(fast_forward_init(&f, &t, 0, FAST_SIMD_AUTO, &err), 0);
    assert_true(fast_forward_threads(f) >= 1);
    assert_true(fast_forward_simd(f) != FAST_SIMD_AUTO);
    assert_true(fast_simd_available(fast_forward_simd(f)));
    fast_forward_free(f);
    assert_int_equal(fast_forward_init(&f, &t, -1, FAST_SIMD_AUTO, &err), -1);
    assert_null(f);
    assert_int_equal(fast_forward_init(&f, &t, 1, FAST_SIMD_COUNT, &err), -1);
    assert_null(f);
    assert_string_equal(fast_simd_name(FAST_SIMD_VEC4), "vec4");
    assert_null(fast_simd_name(FAST_SIMD_COUNT));
    transformer_free(&t);
}

static int run_fastpath_tests(void) {
    /* every model in both math modes: with the portable math, softmax and SwiGLU take the
     * vector exp; with libm, one expf call per element */
    static const ModelCase cases[] = {
        {"stories260K.bin", 0, 512, "libm"},
        {"synth512u.bin", 0, 64, "libm"},
        {"synth32k.bin", 0, 128, "libm"},
        {"synthodd.bin", 1, 40, "libm"},
        {"synth15M.bin", 1, 48, "libm"},
        {"synthhs12.bin", 1, 40, "libm"},
        {"synthhs6.bin", 1, 40, "libm"},
        {"synthhs4.bin", 1, 40, "libm"},
        {"stories260K.bin", 0, 512, "portable"},
        {"synth512u.bin", 0, 64, "portable"},
        {"synth32k.bin", 0, 128, "portable"},
        {"synthodd.bin", 1, 40, "portable"},
        {"synth15M.bin", 1, 48, "portable"},
        {"synthhs12.bin", 1, 40, "portable"},
        {"synthhs6.bin", 1, 40, "portable"},
        {"synthhs4.bin", 1, 40, "portable"},
    };
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_init_arguments),
        {"fast_equals_reference_stories260K", test_model, NULL, NULL, (void *)&cases[0]},
        {"fast_equals_reference_synth512u", test_model, NULL, NULL, (void *)&cases[1]},
        {"fast_equals_reference_synth32k", test_model, NULL, NULL, (void *)&cases[2]},
        {"fast_equals_reference_synthodd", test_model, NULL, NULL, (void *)&cases[3]},
        {"fast_equals_reference_synth15M", test_model, NULL, NULL, (void *)&cases[4]},
        {"fast_equals_reference_synthhs12", test_model, NULL, NULL, (void *)&cases[5]},
        {"fast_equals_reference_synthhs6", test_model, NULL, NULL, (void *)&cases[6]},
        {"fast_equals_reference_synthhs4", test_model, NULL, NULL, (void *)&cases[7]},
        {"fast_equals_reference_stories260K_portable", test_model, NULL, NULL, (void *)&cases[8]},
        {"fast_equals_reference_synth512u_portable", test_model, NULL, NULL, (void *)&cases[9]},
        {"fast_equals_reference_synth32k_portable", test_model, NULL, NULL, (void *)&cases[10]},
        {"fast_equals_reference_synthodd_portable", test_model, NULL, NULL, (void *)&cases[11]},
        {"fast_equals_reference_synth15M_portable", test_model, NULL, NULL, (void *)&cases[12]},
        {"fast_equals_reference_synthhs12_portable", test_model, NULL, NULL, (void *)&cases[13]},
        {"fast_equals_reference_synthhs6_portable", test_model, NULL, NULL, (void *)&cases[14]},
        {"fast_equals_reference_synthhs4_portable", test_model, NULL, NULL, (void *)&cases[15]},
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/* ----------------------------------------------------------------------------
 * benchmark */

typedef struct {
    const char *model;
    const char *path;
    const char *config;
    int threads;
    int steps;
    double tok_s;
    double ratio;
    const char *identical; /* "yes", "NO" or "reference" */
} BenchRow;

/* Greedy generation of steps tokens from BOS; returns tok/s over all steps (forward and
 * argmax). With record, the logits of every step are stored there (steps * vocab floats);
 * with check, they are compared with it, outside the timing, and *same set to 0 on a
 * difference. */
static double bench_run(Transformer *t, FastForward *f, int steps, float *record, const float *check, int *same) {
    int vocab = t->config.vocab_size;
    int token = BOS;
    double elapsed = 0.0;
    for (int pos = 0; pos < steps; pos++) {
        double t0 = now_seconds();
        float *logits = f != NULL ? forward_fast(f, token, pos) : forward(t, token, pos);
        token = argmax(logits, vocab);
        elapsed += now_seconds() - t0;
        if (record != NULL) memcpy(record + (size_t)pos * vocab, logits, (size_t)vocab * sizeof(float));
        if (check != NULL && memcmp(check + (size_t)pos * vocab, logits, (size_t)vocab * sizeof(float)) != 0) *same = 0;
    }
    return steps / elapsed;
}

static int bench(int argc, char **argv) {
    int steps = 200, rounds = 3;
    const char *markdown = NULL;
    int nproc = (int)sysconf(_SC_NPROCESSORS_ONLN);
    if (nproc < 1) nproc = 1;
    BenchRow rows[256];
    int nrows = 0, failures = 0;
    for (int i = 2; i < argc; i++) {
        if (strcmp(argv[i], "--steps") == 0 && i + 1 < argc) { steps = atoi(argv[++i]); continue; }
        if (strcmp(argv[i], "--rounds") == 0 && i + 1 < argc) { rounds = atoi(argv[++i]); continue; }
        if (strcmp(argv[i], "--markdown") == 0 && i + 1 < argc) { markdown = argv[++i]; continue; }
        char *spec = argv[i], *eq = strchr(spec, '=');
        if (eq == NULL) { fprintf(stderr, "bench: expected LABEL=MODEL[:STEPS], got %s\n", spec); return 2; }
        *eq = '\0';
        const char *label = spec;
        char *path = eq + 1, *colon = strrchr(path, ':');
        int n = steps;
        if (colon != NULL) { *colon = '\0'; n = atoi(colon + 1); }

        ErrorText err, warning;
        Transformer t;
        if (transformer_load(&t, path, &warning, &err) != 0) { fprintf(stderr, "bench: %s\n", err.text); return 2; }
        if (n > t.config.seq_len) n = t.config.seq_len;
        float *want = malloc((size_t)n * (size_t)t.config.vocab_size * sizeof(float));
        if (want == NULL) { fprintf(stderr, "bench: out of memory\n"); return 2; }

        /* configurations: the reference, every kernel on one thread, the widest on 2..nproc */
        enum { MAXCONF = 64 };
        FastForward *fast[MAXCONF];
        int nconf = 0;
        FastSimd widest = FAST_SIMD_VEC4;
        for (int simd = FAST_SIMD_VEC4; simd < FAST_SIMD_COUNT; simd++) {
            if (!fast_simd_available((FastSimd)simd)) continue;
            widest = (FastSimd)simd;
            if (fast_forward_init(&fast[nconf++], &t, 1, (FastSimd)simd, &err) != 0) {
                fprintf(stderr, "bench: %s\n", err.text);
                return 2;
            }
        }
        for (int threads = 2; threads <= nproc && nconf < MAXCONF; threads++) {
            if (fast_forward_init(&fast[nconf++], &t, threads, widest, &err) != 0) {
                fprintf(stderr, "bench: %s\n", err.text);
                return 2;
            }
        }

        /* rounds of every configuration in turn; the best of each is reported, so that other
         * programs on the machine disturb the comparison as little as possible */
        double best_plain = 0.0, best[MAXCONF] = {0};
        int same[MAXCONF];
        for (int c = 0; c < nconf; c++) same[c] = 1;
        for (int r = 0; r < rounds; r++) {
            reset_state(&t);
            double rate = bench_run(&t, NULL, n, r == 0 ? want : NULL, NULL, NULL);
            if (rate > best_plain) best_plain = rate;
            for (int c = 0; c < nconf; c++) {
                reset_state(&t);
                rate = bench_run(&t, fast[c], n, NULL, want, &same[c]);
                if (rate > best[c]) best[c] = rate;
            }
        }
        rows[nrows++] = (BenchRow){label, path, "plain", 1, n, best_plain, 1.0, "reference"};
        fprintf(stderr, "%s: plain %.1f tok/s\n", label, best_plain);
        for (int c = 0; c < nconf && nrows < (int)(sizeof rows / sizeof rows[0]); c++) {
            FastSimd simd = fast_forward_simd(fast[c]);
            int threads = fast_forward_threads(fast[c]);
            if (!same[c]) failures++;
            rows[nrows++] = (BenchRow){label, path, fast_simd_name(simd), threads, n, best[c], best[c] / best_plain,
                                       same[c] ? "yes" : "NO"};
            fprintf(stderr, "%s: fast %s x%d %.1f tok/s (%.2fx)%s\n", label, fast_simd_name(simd), threads, best[c],
                    best[c] / best_plain, same[c] ? "" : " LOGITS DIFFER");
            fast_forward_free(fast[c]);
        }
        free(want);
        transformer_free(&t);
    }

    FILE *outs[2] = {stdout, NULL};
    if (markdown != NULL) {
        outs[1] = fopen(markdown, "w");
        if (outs[1] == NULL) { perror(markdown); return 2; }
    }
    for (int o = 0; o < 2; o++) {
        FILE *out = outs[o];
        if (out == NULL) continue;
        fprintf(out, "Greedy generation from BOS, best of %d rounds; each fast run's logits compared bit for bit with "
                     "the plain path's at every step.\n\n", rounds);
        fprintf(out, "| model | path | threads | tokens | tok/s | vs plain | logits bit-identical |\n");
        fprintf(out, "|---|---|---:|---:|---:|---:|---|\n");
        for (int r = 0; r < nrows; r++)
            fprintf(out, "| %s | %s | %d | %d | %.1f | %.2fx | %s |\n", rows[r].model,
                    strcmp(rows[r].config, "plain") == 0 ? "plain" : rows[r].config, rows[r].threads, rows[r].steps,
                    rows[r].tok_s, rows[r].ratio, rows[r].identical);
    }
    if (outs[1] != NULL) fclose(outs[1]);
    if (failures) fprintf(stderr, "bench: %d fast runs differ from the reference\n", failures);
    return failures ? 1 : 0;
}

int main(int argc, char **argv) {
    if (argc >= 2 && strcmp(argv[1], "--bench") == 0) return bench(argc, argv);
    if (argc >= 2) models_dir = argv[1];
    if (argc >= 3) build_dir = argv[2];
    return run_fastpath_tests();
}
