/* The fast path's vector exp (host/forward_fast_kernels.h, through fast_vector_exp) against
 * the scalar portable exp p_expf (engine/portable/p_expf.c), bit for bit.
 *
 *   test_vector_exp
 *       cmocka tests, for every instruction set this build and CPU have: the special and
 *       boundary inputs (signed zeros, infinities, NaNs with payloads, the overflow and
 *       underflow thresholds and their neighbours, the subnormal-result range, every
 *       reduction boundary k ln2/32 + ln2/64 and its neighbours), each of them in every lane
 *       position and in partial last vectors, then 2^20 spread inputs; and the softmax and
 *       SwiGLU kernels built on it against kernels.c's, in both math modes, on vectors with
 *       NaNs, infinities, signed zeros as the maximum and results that underflow.
 *
 *   test_vector_exp --exhaustive
 *       all 2^32 bit patterns through every instruction set (minutes); prints the time and
 *       the count of differences, exit status 1 if there is any. */
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

#include "engine/kernels.h"
#include "engine/portable/portable_math.h"
#include "host/forward_fast.h"

static uint32_t bits_of(float f) {
    uint32_t u;
    memcpy(&u, &f, sizeof u);
    return u;
}

static float float_of(uint32_t u) {
    float f;
    memcpy(&f, &u, sizeof f);
    return f;
}

/* The count of inputs x[0..n-1] whose vector exp differs from p_expf in any bit (the first
 * few are printed, with the instruction set's name). */
static size_t count_differences(FastSimd simd, const float *x, size_t n, int print) {
    float *got = malloc(n * sizeof(float));
    assert_non_null(got);
    assert_int_equal(fast_vector_exp(simd, got, x, n), 0);
    size_t bad = 0;
    for (size_t i = 0; i < n; i++) {
        uint32_t want = bits_of(p_expf(x[i]));
        if (bits_of(got[i]) != want) {
            if (print && bad < 5)
                print_message("    %s: exp(0x%08X) gave 0x%08X, p_expf 0x%08X\n", fast_simd_name(simd), bits_of(x[i]),
                              bits_of(got[i]), want);
            bad++;
        }
    }
    free(got);
    return bad;
}

/* Grows a list of inputs. */
typedef struct {
    float *x;
    size_t n, cap;
} Inputs;

static void add_bits(Inputs *in, uint32_t u) {
    if (in->n == in->cap) {
        in->cap = in->cap ? 2 * in->cap : 4096;
        in->x = realloc(in->x, in->cap * sizeof(float));
        assert_non_null(in->x);
    }
    in->x[in->n++] = float_of(u);
}

/* u and its neighbours u - spread .. u + spread (as bit patterns: adjacent floats of one sign) */
static void add_around(Inputs *in, uint32_t u, int spread) {
    for (int d = -spread; d <= spread; d++) add_bits(in, u + (uint32_t)d);
}

/* The inputs where something changes in p_exp_dd or in the vector path. */
static Inputs special_inputs(void) {
    Inputs in = {NULL, 0, 0};
    static const uint32_t singles[] = {
        0x00000000u, 0x80000000u,                           /* +-0 */
        0x7F800000u, 0xFF800000u,                           /* +-inf */
        0x7FC00000u, 0xFFC00000u, 0x7FC00001u, 0x7FFFFFFFu, /* quiet NaNs, payloads */
        0x7F800001u, 0xFF800001u, 0x7FA00000u, 0xFFBFFFFFu, /* signalling NaNs */
        0x00000001u, 0x80000001u, 0x007FFFFFu, 0x807FFFFFu, /* subnormal inputs */
        0x00800000u, 0x80800000u, 0x7F7FFFFFu, 0xFF7FFFFFu, /* smallest normal, largest */
        0x3F800000u, 0xBF800000u, 0x33800000u, 0xB3800000u, /* +-1, +-2^-24 */
    };
    for (size_t i = 0; i < sizeof singles / sizeof singles[0]; i++) add_bits(&in, singles[i]);
    add_around(&in, 0x42B20000u, 8);  /* 89: above it p_exp_dd returns +inf at once */
    add_around(&in, 0xC2D00000u, 8);  /* -104: below it, +0 at once */
    add_around(&in, 0x42B17218u, 8);  /* the overflow threshold: exponent field 255 */
    add_around(&in, 0xC2CFF1B5u, 8);  /* the first input whose result is +0 (p_expf.c) */
    add_around(&in, 0xC2AEAC50u, 8);  /* exp = 2^-126: normal and subnormal results meet */
    add_around(&in, 0xC2B00000u, 8);  /* -88 */
    add_around(&in, 0xC2CE8ED0u, 8);  /* exp = 2^-149, the smallest subnormal */
    /* the subnormal-result range, every 64th pattern (about 50 000 inputs) */
    for (uint32_t u = 0xC2AEAC50u; u <= 0xC2D00000u; u += 64) add_bits(&in, u);
    /* each reduction boundary: k = round(x 32/ln2) changes at (k + 1/2) ln2/32, for every k
     * that in-range inputs reach (|k| <= 4802), with the floats around it */
    for (int k = -4803; k <= 4803; k++) {
        float edge = (float)((k + 0.5) * 0.6931471805599453 / 32.0);
        if (edge == 0.0f) continue;
        add_around(&in, bits_of(edge), 2);
    }
    return in;
}

/* Every special input in every lane position: the list is run from offsets 0..31 (so each
 * input lands in each lane of a 16-lane vector, next to different neighbours), and in
 * lengths that end in a partial vector. */
static void test_special_inputs(void **state) {
    (void)state;
    Inputs in = special_inputs();
    int sets = 0;
    for (int simd = FAST_SIMD_VEC4; simd < FAST_SIMD_COUNT; simd++) {
        if (!fast_simd_available((FastSimd)simd)) continue;
        size_t bad = 0;
        for (size_t offset = 0; offset < 32; offset++) bad += count_differences((FastSimd)simd, in.x + offset, in.n - offset, 1);
        for (size_t n = 1; n <= 33; n++) bad += count_differences((FastSimd)simd, in.x + 40 * n, n, 1);
        if (bad != 0) fail_msg("%s: %zu special inputs differ from p_expf", fast_simd_name((FastSimd)simd), bad);
        sets++;
    }
    print_message("    %zu special and boundary inputs, 32 offsets, %d instruction sets: the bits of p_expf\n", in.n,
                  sets);
    assert_true(sets >= 1);
    free(in.x);
}

/* 2^20 inputs: half arbitrary bit patterns, half spread over [-110, 95], where the results
 * are finite and not zero (and just beyond). */
static void test_spread_inputs(void **state) {
    (void)state;
    enum { N = 1 << 20 };
    float *x = malloc(N * sizeof(float));
    assert_non_null(x);
    uint64_t rng = 0x2545F4914F6CDD1Dull;
    for (size_t i = 0; i < N; i++) {
        rng = rng * 6364136223846793005ull + 1442695040888963407ull;
        uint32_t r = (uint32_t)(rng >> 32);
        x[i] = i % 2 == 0 ? float_of(r) : (float)(-110.0 + 205.0 * (r / 4294967296.0));
    }
    int sets = 0;
    for (int simd = FAST_SIMD_VEC4; simd < FAST_SIMD_COUNT; simd++) {
        if (!fast_simd_available((FastSimd)simd)) continue;
        size_t bad = count_differences((FastSimd)simd, x, N, 1);
        if (bad != 0) fail_msg("%s: %zu of %d spread inputs differ from p_expf", fast_simd_name((FastSimd)simd), bad, N);
        sets++;
    }
    assert_true(sets >= 1);
    free(x);
}

/* ----------------------------------------------------------------------------
 * softmax and SwiGLU */

static uint64_t rng_state = 0x9E3779B97F4A7C15ull;

static uint32_t next_random(void) {
    rng_state = rng_state * 6364136223846793005ull + 1442695040888963407ull;
    return (uint32_t)(rng_state >> 32);
}

/* A value in [lo, hi) */
static float uniform(double lo, double hi) { return (float)(lo + (hi - lo) * (next_random() / 4294967296.0)); }

/* Vector number `which` of length n for the softmax and SwiGLU checks: plain scores, wide
 * ranges (exp underflows to subnormals and zero), and the cases where the maximum is
 * delicate: a NaN first or later, infinities, +0 and -0 as the largest value in either
 * order, the largest value repeated; and two different NaNs. */
enum { EDGE_KINDS = 11 };
static void edge_vector(float *x, int n, int which) {
    for (int i = 0; i < n; i++) x[i] = uniform(-8.0, 8.0);
    int at = (int)(next_random() % (uint32_t)n);
    switch (which) {
    case 0: break;
    case 1: for (int i = 0; i < n; i++) x[i] = uniform(-120.0, 100.0); break;
    case 2: x[0] = float_of(0x7FC00000u); break;
    case 3: x[at] = float_of(0xFFC00001u); break;
    case 4: x[at] = float_of(0x7F800000u); break;
    case 5: for (int i = 0; i < n; i++) x[i] = i == at ? float_of(0xFF800000u) : -x[i] * x[i]; break;
    case 6: /* -0 before +0, both the largest */
        for (int i = 0; i < n; i++) x[i] = -1.0f - x[i] * x[i];
        x[at] = -0.0f;
        if (at + 1 < n) x[n - 1] = 0.0f;
        break;
    case 7: /* +0 before -0 */
        for (int i = 0; i < n; i++) x[i] = -1.0f - x[i] * x[i];
        x[at] = 0.0f;
        if (at + 1 < n) x[n - 1] = -0.0f;
        break;
    case 8: for (int i = 0; i < n; i++) x[i] = i % 3 == 0 ? 5.5f : x[i]; break;
    case 9: for (int i = 0; i < n; i++) x[i] = uniform(-104.5, -86.5) * (next_random() % 2 ? 1.0f : -1.0f); break;
    case 10: /* two different NaNs: which one a sum or product returns is the compiler's choice */
        x[at] = float_of(0x7FC12345u);
        x[n - 1 - at] = float_of(0xFFC54321u);
        break;
    }
}

static const MathLibrary *const libraries[] = {&math_libm, &math_portable};

static void test_softmax_kernel(void **state) {
    (void)state;
    enum { MAXN = 300 };
    float x[MAXN], want[MAXN];
    int checked = 0;
    for (int simd = FAST_SIMD_VEC4; simd < FAST_SIMD_COUNT; simd++) {
        if (!fast_simd_available((FastSimd)simd)) continue;
        for (int lib = 0; lib < 2; lib++)
            for (int n = 1; n <= MAXN; n = n < 40 ? n + 1 : n * 2 + 1)
                for (int which = 0; which < EDGE_KINDS; which++) {
                    edge_vector(x, n, which);
                    memcpy(want, x, (size_t)n * sizeof(float));
                    softmax(libraries[lib], want, n);
                    assert_int_equal(fast_vector_softmax((FastSimd)simd, libraries[lib], x, (size_t)n, 1, n), 0);
                    if (memcmp(x, want, (size_t)n * sizeof(float)) != 0)
                        fail_msg("%s, %s: softmax of %d elements (kind %d) differs from kernels.c's",
                                 fast_simd_name((FastSimd)simd), libraries[lib]->name, n, which);
                    checked++;
                }
    }
    print_message("    %d softmax vectors, both math modes: the bits of kernels.c's softmax\n", checked);
    assert_true(checked > 0);
}

/* Several rows in one call (attention's heads): each row, whatever the kinds of the others
 * (a NaN row among plain ones, delicate maxima), gets kernels.c's softmax of its own, and
 * the floats between the rows are left alone. Row counts 1..16 cover the four-row sums and
 * every remainder. */
static void test_softmax_rows(void **state) {
    (void)state;
    enum { MAXROWS = 16, MAXN = 90, GAP = 3, STRIDE = MAXN + GAP };
    static float x[MAXROWS * STRIDE], want[MAXROWS * STRIDE];
    int checked = 0;
    for (int simd = FAST_SIMD_VEC4; simd < FAST_SIMD_COUNT; simd++) {
        if (!fast_simd_available((FastSimd)simd)) continue;
        for (int lib = 0; lib < 2; lib++)
            for (int rows = 1; rows <= MAXROWS; rows++)
                for (int n = 1; n <= MAXN; n += n < 20 ? 1 : 7) {
                    for (int i = 0; i < MAXROWS * STRIDE; i++) x[i] = float_of(0x7F7FFFFFu - (uint32_t)i);
                    for (int r = 0; r < rows; r++) edge_vector(x + r * STRIDE, n, (int)(next_random() % EDGE_KINDS));
                    memcpy(want, x, sizeof x);
                    for (int r = 0; r < rows; r++) softmax(libraries[lib], want + r * STRIDE, n);
                    assert_int_equal(fast_vector_softmax((FastSimd)simd, libraries[lib], x, STRIDE, rows, n), 0);
                    if (memcmp(x, want, sizeof x) != 0)
                        fail_msg("%s, %s: softmax of %d rows of %d differs from kernels.c's row by row",
                                 fast_simd_name((FastSimd)simd), libraries[lib]->name, rows, n);
                    checked++;
                }
    }
    assert_int_equal(fast_vector_softmax(FAST_SIMD_VEC4, &math_libm, x, STRIDE, 17, 4), -1);
    assert_int_equal(fast_vector_softmax(FAST_SIMD_VEC4, &math_libm, x, STRIDE, 0, 4), -1);
    print_message("    %d calls of 1 to 16 rows, both math modes: each row kernels.c's softmax\n", checked);
    assert_true(checked > 0);
}

static void test_swiglu_kernel(void **state) {
    (void)state;
    enum { MAXN = 300 };
    float hb[MAXN], hb2[MAXN], want[MAXN];
    int checked = 0;
    for (int simd = FAST_SIMD_VEC4; simd < FAST_SIMD_COUNT; simd++) {
        if (!fast_simd_available((FastSimd)simd)) continue;
        for (int lib = 0; lib < 2; lib++)
            for (int n = 1; n <= MAXN; n = n < 40 ? n + 1 : n * 2 + 1)
                for (int which = 0; which < EDGE_KINDS; which++) {
                    edge_vector(hb, n, which);
                    edge_vector(hb2, n, (which + 1) % EDGE_KINDS);
                    memcpy(want, hb, (size_t)n * sizeof(float));
                    swiglu(libraries[lib], want, hb2, n);
                    assert_int_equal(fast_vector_swiglu((FastSimd)simd, libraries[lib], hb, hb2, n), 0);
                    if (memcmp(hb, want, (size_t)n * sizeof(float)) != 0)
                        fail_msg("%s, %s: SwiGLU of %d elements (kind %d) differs from kernels.c's",
                                 fast_simd_name((FastSimd)simd), libraries[lib]->name, n, which);
                    checked++;
                }
    }
    print_message("    %d SwiGLU vectors, both math modes: the bits of kernels.c's swiglu\n", checked);
    assert_true(checked > 0);
}

/* An instruction set this build or CPU lacks is refused, not run. */
static void test_unavailable_refused(void **state) {
    (void)state;
    float x = 1.0f, y = 0.0f;
    assert_int_equal(fast_vector_exp(FAST_SIMD_COUNT, &y, &x, 1), -1);
    assert_int_equal(fast_vector_exp(FAST_SIMD_AUTO, &y, &x, 1), -1);
    assert_int_equal(fast_vector_exp(FAST_SIMD_VEC4, &y, &x, 1), 0);
    assert_int_equal(bits_of(y), bits_of(p_expf(1.0f)));
}

/* ----------------------------------------------------------------------------
 * every bit pattern */

static double now_seconds(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static int exhaustive(void) {
    enum { CHUNK = 1 << 16 };
    static float x[CHUNK], want[CHUNK], got[CHUNK];
    double t0 = now_seconds();
    uint64_t bad[FAST_SIMD_COUNT] = {0};
    int sets = 0;
    for (int simd = FAST_SIMD_VEC4; simd < FAST_SIMD_COUNT; simd++) sets += fast_simd_available((FastSimd)simd);
    for (uint64_t base = 0; base < ((uint64_t)1 << 32); base += CHUNK) {
        for (uint32_t i = 0; i < CHUNK; i++) {
            x[i] = float_of((uint32_t)(base + i));
            want[i] = p_expf(x[i]);
        }
        for (int simd = FAST_SIMD_VEC4; simd < FAST_SIMD_COUNT; simd++) {
            if (!fast_simd_available((FastSimd)simd)) continue;
            fast_vector_exp((FastSimd)simd, got, x, CHUNK);
            for (uint32_t i = 0; i < CHUNK; i++) {
                if (bits_of(got[i]) == bits_of(want[i])) continue;
                if (bad[simd]++ < 5)
                    printf("%s: exp(0x%08X) gave 0x%08X, p_expf 0x%08X\n", fast_simd_name((FastSimd)simd),
                           bits_of(x[i]), bits_of(got[i]), bits_of(want[i]));
            }
        }
        if ((base & 0x0FFFFFFFu) == 0 && base != 0)
            fprintf(stderr, "  %.0f%% (%.0f s)\n", 100.0 * (double)base / 4294967296.0, now_seconds() - t0);
    }
    uint64_t total = 0;
    for (int simd = FAST_SIMD_VEC4; simd < FAST_SIMD_COUNT; simd++) {
        if (!fast_simd_available((FastSimd)simd)) continue;
        printf("%s: %llu of 2^32 inputs differ from p_expf\n", fast_simd_name((FastSimd)simd),
               (unsigned long long)bad[simd]);
        total += bad[simd];
    }
    printf("all 2^32 bit patterns, %d instruction sets, %.1f s: %s\n", sets, now_seconds() - t0,
           total == 0 ? "identical" : "DIFFERENT");
    return total == 0 && sets >= 1 ? 0 : 1;
}

int main(int argc, char **argv) {
    if (argc >= 2 && strcmp(argv[1], "--exhaustive") == 0) return exhaustive();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_unavailable_refused),
        cmocka_unit_test(test_special_inputs),
        cmocka_unit_test(test_spread_inputs),
        cmocka_unit_test(test_softmax_kernel),
        cmocka_unit_test(test_softmax_rows),
        cmocka_unit_test(test_swiglu_kernel),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
