/* Accuracy of the portable math functions (engine/portable/) against MPFR.
 *
 *   math_accuracy [--count N]    N inputs per function (default 10^7), fixed seeds
 *
 * For each function it prints the number of inputs, the largest error in ULPs with the
 * argument where it occurs, the fraction of correctly rounded results and the run time;
 * it exits 1 if any error exceeds 1 ULP. The ULP of a real v is the spacing of binary32
 * numbers in v's binade (2^-149 below 2^-126; 2^104 beyond FLT_MAX, where +inf counts as
 * 2^128). The oracle is MPFR at 160 bits, rounded to binary32 by mpfr_get_flt for the
 * "correctly rounded" count.
 *
 * tests/test_portable_math.c includes this file with MATH_ACCURACY_LIBRARY defined and
 * runs the same measurement with fewer inputs. */
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <mpfr.h>

#include "engine/portable/portable_math.h"
#include "tests/testutil.h"

enum { FN_EXP, FN_POW, FN_SIN, FN_COS, FN_POW_GENERAL, FN_COUNT };

static const char *const fn_names[FN_COUNT] = {"expf", "powf(10000,y)", "sinf", "cosf", "powf(x,y) general"};

typedef struct {
    unsigned long inputs;
    unsigned long correct;
    double max_ulp;
    float worst_x, worst_y; /* arguments at the largest error (y: powf only) */
    float worst_result, worst_expected;
    double seconds;
} AccuracyStats;


/* xorshift64*: deterministic inputs */
static uint64_t acc_rng = 0x9E3779B97F4A7C15ull;
static uint32_t rand_u32(void) {
    acc_rng ^= acc_rng >> 12;
    acc_rng ^= acc_rng << 25;
    acc_rng ^= acc_rng >> 27;
    return (uint32_t)((acc_rng * 0x2545F4914F6CDD1Dull) >> 32);
}
/* uniform real in [lo, hi) (as a float) */
static float rand_uniform(double lo, double hi) {
    double u = (double)rand_u32() / 4294967296.0;
    float f = (float)(lo + (hi - lo) * u);
    return f < (float)lo ? (float)lo : f;
}
/* a random bit pattern among the non-negative floats <= max (dense near 0) */
static float rand_pattern(float max) { return float_of(rand_u32() % (bits_of(max) + 1u)); }
static float rand_signed_pattern(float max) {
    float f = rand_pattern(max);
    return (rand_u32() & 1u) ? -f : f;
}

static mpfr_t acc_exact, acc_tmp, acc_arg;

static void oracle(int fn, float x, float y) {
    mpfr_set_flt(acc_arg, x, MPFR_RNDN);
    switch (fn) {
    case FN_EXP: mpfr_exp(acc_exact, acc_arg, MPFR_RNDN); break;
    case FN_SIN: mpfr_sin(acc_exact, acc_arg, MPFR_RNDN); break;
    case FN_COS: mpfr_cos(acc_exact, acc_arg, MPFR_RNDN); break;
    default:
        mpfr_set_flt(acc_tmp, y, MPFR_RNDN);
        mpfr_pow(acc_exact, acc_arg, acc_tmp, MPFR_RNDN);
        break;
    }
}

static float compute(int fn, float x, float y) {
    switch (fn) {
    case FN_EXP: return p_expf(x);
    case FN_SIN: return p_sinf(x);
    case FN_COS: return p_cosf(x);
    default: return p_powf(x, y);
    }
}

/* error of `got` against acc_exact in ULPs; *correct = whether it is the correctly
 * rounded value (bit for bit, so the sign of zero counts; any NaN for a NaN) */
static double ulp_error(float got, int *correct) {
    float rounded = mpfr_get_flt(acc_exact, MPFR_RNDN);
    mpfr_exp_t e;
    if (mpfr_nan_p(acc_exact)) {
        *correct = isnan(got);
        return isnan(got) ? 0.0 : INFINITY;
    }
    *correct = bits_of(got) == bits_of(rounded);
    if (isnan(got)) return INFINITY;
    if (*correct && isinf(got)) return 0.0; /* overflow, rounded correctly to +-inf */
    if (mpfr_inf_p(acc_exact)) return (isinf(got) && (got > 0) == (mpfr_sgn(acc_exact) > 0)) ? 0.0 : INFINITY;
    if (isinf(got)) /* counts as +-2^128 */
        mpfr_set_si_2exp(acc_tmp, got > 0 ? 1 : -1, 128, MPFR_RNDN);
    else
        mpfr_set_flt(acc_tmp, got, MPFR_RNDN);
    mpfr_sub(acc_tmp, acc_tmp, acc_exact, MPFR_RNDN);
    if (mpfr_zero_p(acc_exact)) {
        e = -149 + 23; /* ulp(0) = 2^-149 */
    } else {
        e = mpfr_get_exp(acc_exact) - 1; /* floor(log2 |exact|) */
        if (e < -126) e = -126;
        if (e > 127) e = 127;
    }
    mpfr_mul_2si(acc_tmp, acc_tmp, -(long)(e - 23), MPFR_RNDN);
    return fabs(mpfr_get_d(acc_tmp, MPFR_RNDN));
}

static void check(AccuracyStats *st, int fn, float x, float y) {
    int correct;
    float got = compute(fn, x, y);
    double err;
    oracle(fn, x, y);
    err = ulp_error(got, &correct);
    st->inputs++;
    st->correct += (unsigned long)correct;
    if (err > st->max_ulp || (st->inputs == 1 && err == st->max_ulp)) {
        st->max_ulp = err;
        st->worst_x = x;
        st->worst_y = y;
        st->worst_result = got;
        st->worst_expected = mpfr_get_flt(acc_exact, MPFR_RNDN);
    }
}

static const uint32_t special_bits[] = {
    0x00000000u, 0x80000000u, 0x7F800000u, 0xFF800000u, 0x7FC00000u, 0xFFC00000u, 0x7F800001u,
    0x00000001u, 0x80000001u, 0x007FFFFFu, 0x00800000u, 0x80800000u, 0x3F800000u, 0xBF800000u,
    0x7F7FFFFFu, 0xFF7FFFFFu, 0x33800000u, 0xB3800000u, 0x33000000u, 0xB3000000u, 0x34000000u,
    0x42B17217u, 0x42B17218u, 0x42B17216u, 0x42B20000u, 0xC2AEAC4Fu, 0xC2AEAC50u, 0xC2CFF1B4u,
    0xC2CFF1B5u, 0xC2D00000u, 0xC2CFF1B3u, 0x46800000u, 0xC6800000u, 0x46800001u, 0x45800000u,
    0x3FC90FDBu, 0x40490FDBu, 0x3F490FDBu, 0x4B000000u, 0x4B800000u};

static void check_specials(AccuracyStats *st, int fn) {
    size_t i, n = sizeof special_bits / sizeof special_bits[0];
    for (i = 0; i < n; i++) {
        float x = float_of(special_bits[i]);
        if ((fn == FN_SIN || fn == FN_COS) && fabsf(x) > 16384.0f) continue; /* NaN by design */
        if (fn == FN_POW) check(st, fn, 10000.0f, x);
        else if (fn == FN_POW_GENERAL) {
            size_t k;
            for (k = 0; k < n; k++) check(st, fn, x, float_of(special_bits[k]));
            check(st, fn, x, 0.5f), check(st, fn, x, 3.0f), check(st, fn, x, -3.0f), check(st, fn, x, 2.0f);
        } else
            check(st, fn, x, 0.0f);
    }
}

static void run_exp(AccuracyStats *st, unsigned long n) {
    unsigned long i;
    const double ln2_64 = 0.69314718055994530942 / 64.0;
    for (i = 0; i < n; i++) {
        float x;
        switch (i % 8) {
        case 0: case 1: /* bit patterns in [-104, 89]: every binade, dense near 0 */
            x = (rand_u32() & 1u) ? -rand_pattern(104.0f) : rand_pattern(89.0f);
            break;
        case 2: case 3: case 4: x = rand_uniform(-104.0, 89.0); break;
        case 5: x = rand_uniform(-104.0, -87.0); break; /* subnormal results */
        case 6: /* near the reduction boundaries (k + 1/2) ln2/32 */
            x = (float)((2.0 * (double)(int)(rand_u32() % 9600u - 5540) + 1.0) * ln2_64);
            x = float_of(bits_of(x) + (rand_u32() % 65u) - 32u);
            break;
        default: /* near the overflow and underflow thresholds and near 0 */
            switch (rand_u32() % 4u) {
            case 0: x = float_of(0x42B17218u - 2000u + rand_u32() % 4000u); break;
            case 1: x = float_of(0xC2CFF1B5u - 2000u + rand_u32() % 4000u); break;
            case 2: x = float_of(0xC2AEAC50u - 2000u + rand_u32() % 4000u); break;
            default: x = rand_signed_pattern(0x1p-10f); break;
            }
        }
        check(st, FN_EXP, x, 0.0f);
    }
}

/* every RoPE exponent head_dim / (float)head_size with head_size <= max_hs, then random y */
static void run_pow(AccuracyStats *st, unsigned long n, int max_hs) {
    unsigned long i, done = 0;
    int hs, hd;
    for (hs = 1; hs <= max_hs && done < n / 2; hs++)
        for (hd = 0; hd < hs; hd += 2, done++) check(st, FN_POW, 10000.0f, hd / (float)hs);
    for (i = done; i < n; i++) {
        float y = (i % 2) ? rand_pattern(float_of(0x3F7FFFFFu)) : rand_uniform(0.0, 1.0);
        check(st, FN_POW, 10000.0f, y);
    }
}

/* positive x over all binades, y with |y ln x| <= 110 (the results cover the whole float
 * range and some overflow/underflow), plus negative x with integer y */
static void run_pow_general(AccuracyStats *st, unsigned long n) {
    unsigned long i;
    for (i = 0; i < n; i++) {
        float x = rand_pattern(float_of(0x7F7FFFFFu)), y;
        double lx = log((double)x);
        if (x == 0.0f || lx == 0.0) x = 3.0f, lx = log(3.0);
        switch (i % 4) {
        case 0: y = rand_uniform(-110.0 / fabs(lx), 110.0 / fabs(lx)); break;
        case 1: y = rand_uniform(-4.0, 4.0); break;
        case 2: y = float_of(rand_u32() % 0x3F800000u) * ((rand_u32() & 1u) ? -1.0f : 1.0f); break;
        default:
            x = rand_uniform(0.5, 2.0);
            y = rand_uniform(-2000.0, 2000.0);
            if (i % 8 == 7) {
                x = -x;
                y = floorf(rand_uniform(-100.0, 100.0));
            }
        }
        check(st, FN_POW_GENERAL, x, y);
    }
}

static void run_trig(AccuracyStats *st, int fn, unsigned long n, int rope_positions) {
    unsigned long i, done = 0;
    long k;
    int side;
    static const int head_sizes[] = {8, 32, 48, 64, 128};
    size_t h;
    mpfr_t v;
    /* the binary32 numbers next to each multiple of pi/2 below 2^14: the hardest reductions */
    mpfr_init2(v, 200);
    for (k = 1; k <= 10430 && done < n / 4; k++) {
        mpfr_const_pi(v, MPFR_RNDN);
        mpfr_mul_si(v, v, k, MPFR_RNDN);
        mpfr_div_2ui(v, v, 1, MPFR_RNDN);
        for (side = 0; side < 2; side++, done++) {
            float x = mpfr_get_flt(v, side ? MPFR_RNDU : MPFR_RNDD);
            check(st, fn, (k & 1) ? x : -x, 0.0f);
        }
    }
    mpfr_clear(v);
    /* RoPE angles pos * freq with this mode's own frequencies */
    for (h = 0; h < sizeof head_sizes / sizeof head_sizes[0] && done < n / 2; h++) {
        int hs = head_sizes[h], hd, pos;
        for (hd = 0; hd < hs; hd += 2) {
            float freq = 1.0f / p_powf(10000.0f, hd / (float)hs);
            for (pos = 0; pos < rope_positions; pos++, done++) check(st, fn, pos * freq, 0.0f);
        }
    }
    for (i = done; i < n; i++) {
        float x;
        switch (i % 10) {
        case 0: case 1: case 2: x = rand_uniform(-4096.0, 4096.0); break;
        case 3: case 4: case 5: x = rand_uniform(0.0, 64.0); break;
        case 6: case 7: x = rand_signed_pattern(16384.0f); break;
        case 8: x = rand_uniform(-16384.0, 16384.0); break;
        default: x = rand_pattern(64.0f); break;
        }
        check(st, fn, x, 0.0f);
    }
}

/* Runs the measurement of one function with about n inputs (plus the special values). */
static void measure(int fn, unsigned long n, AccuracyStats *st) {
    clock_t start = clock();
    memset(st, 0, sizeof *st);
    mpfr_inits2(160, acc_exact, acc_tmp, acc_arg, (mpfr_ptr)0);
    acc_rng = 0x9E3779B97F4A7C15ull + (uint64_t)fn;
    check_specials(st, fn);
    switch (fn) {
    case FN_EXP: run_exp(st, n); break;
    case FN_POW: run_pow(st, n, n >= 10000000ul ? 2048 : 512); break;
    case FN_POW_GENERAL: run_pow_general(st, n); break;
    default: run_trig(st, fn, n, n >= 10000000ul ? 4096 : 1024); break;
    }
    mpfr_clears(acc_exact, acc_tmp, acc_arg, (mpfr_ptr)0);
    mpfr_free_cache();
    st->seconds = (double)(clock() - start) / CLOCKS_PER_SEC;
}

static void print_stats(FILE *out, int fn, const AccuracyStats *st) {
    if (fn == FN_POW || fn == FN_POW_GENERAL)
        fprintf(out, "%-18s %10lu inputs  max %.4f ULP at x=%.9g y=%.9g (0x%08X, 0x%08X): got 0x%08X, correct 0x%08X  %.5f%% correctly rounded  %.1f s\n",
                fn_names[fn], st->inputs, st->max_ulp, st->worst_x, st->worst_y, bits_of(st->worst_x),
                bits_of(st->worst_y), bits_of(st->worst_result), bits_of(st->worst_expected),
                100.0 * st->correct / st->inputs, st->seconds);
    else
        fprintf(out, "%-18s %10lu inputs  max %.4f ULP at x=%.9g (0x%08X): got 0x%08X, correct 0x%08X  %.5f%% correctly rounded  %.1f s\n",
                fn_names[fn], st->inputs, st->max_ulp, st->worst_x, bits_of(st->worst_x),
                bits_of(st->worst_result), bits_of(st->worst_expected), 100.0 * st->correct / st->inputs,
                st->seconds);
}

#ifndef MATH_ACCURACY_LIBRARY
int main(int argc, char **argv) {
    unsigned long n = 10000000ul;
    int fn, failed = 0;
    if (argc == 3 && strcmp(argv[1], "--count") == 0) {
        n = strtoul(argv[2], NULL, 10);
    } else if (argc != 1) {
        fprintf(stderr, "usage: %s [--count N]\n", argv[0]);
        return 2;
    }
    for (fn = 0; fn < FN_COUNT; fn++) {
        AccuracyStats st;
        measure(fn, n, &st);
        print_stats(stdout, fn, &st);
        fflush(stdout);
        if (!(st.max_ulp <= 1.0)) failed = 1;
    }
    printf(failed ? "FAILED: an error exceeds 1 ULP\n" : "all errors <= 1 ULP\n");
    return failed;
}
#endif
