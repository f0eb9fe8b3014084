/* cmocka tests of the portable math mode (engine/portable/) against MPFR:
 * - every table entry is the correctly rounded constant (hi) and remainder (lo);
 * - special values (zeros, infinities, NaN, overflow and underflow thresholds);
 * - 10^6 inputs per function over the model's domains: every error <= 1 ULP
 *   (tests/math_accuracy.c, the full version, runs 10^7);
 * - math_library_named("portable") gives these functions. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#define MATH_ACCURACY_LIBRARY
#include "tests/math_accuracy.c"

#include "engine/mathlib.h"
#include "engine/portable/internals.h"

#define QUICK_COUNT 1000000ul

static mpfr_t tv, tw;

/* hi must be v rounded to binary32 and lo (v - hi) rounded */
static void assert_split(uint32_t hi_bits, uint32_t lo_bits, mpfr_t v) {
    float hi = mpfr_get_flt(v, MPFR_RNDN), lo;
    assert_int_equal(bits_of(hi), hi_bits);
    mpfr_sub_d(tw, v, hi, MPFR_RNDN);
    lo = mpfr_get_flt(tw, MPFR_RNDN);
    if (lo == 0.0f) lo = 0.0f; /* +0 stored */
    assert_int_equal(bits_of(lo), lo_bits);
}

static void test_exp2_table(void **state) {
    int j;
    (void)state;
    mpfr_inits2(300, tv, tw, (mpfr_ptr)0);
    for (j = 0; j < 32; j++) {
        mpfr_set_si(tv, j, MPFR_RNDN);
        mpfr_div_ui(tv, tv, 32, MPFR_RNDN);
        mpfr_exp2(tv, tv, MPFR_RNDN);
        assert_split((uint32_t)p_exp2_table[j][0], (uint32_t)p_exp2_table[j][1], tv);
    }
    mpfr_clears(tv, tw, (mpfr_ptr)0);
}

static void test_sincos_table(void **state) {
    int j;
    mpfr_t a;
    (void)state;
    mpfr_inits2(300, tv, tw, a, (mpfr_ptr)0);
    for (j = 0; j <= 4; j++) {
        mpfr_const_pi(a, MPFR_RNDN);
        mpfr_mul_si(a, a, j, MPFR_RNDN);
        mpfr_div_ui(a, a, 16, MPFR_RNDN);
        mpfr_sin(tv, a, MPFR_RNDN);
        assert_split((uint32_t)p_sincos_table[j][0], (uint32_t)p_sincos_table[j][1], tv);
        mpfr_cos(tv, a, MPFR_RNDN);
        assert_split((uint32_t)p_sincos_table[j][2], (uint32_t)p_sincos_table[j][3], tv);
    }
    mpfr_clears(tv, tw, a, (mpfr_ptr)0);
}

/* d_i has at most 7 significant bits, m d_i - 1 stays below 2^-6 in magnitude over the
 * whole interval (so it is exact in binary32), and T_i = -ln(d_i) - [i >= 53] ln 2 */
static void test_log_table(void **state) {
    int i;
    (void)state;
    mpfr_inits2(300, tv, tw, (mpfr_ptr)0);
    for (i = 0; i < 128; i++) {
        float d = float_of((uint32_t)p_log_table[i][0]);
        double lo = 1.0 + i / 128.0, hi = 1.0 + (i + 1) / 128.0;
        assert_int_equal(bits_of(d) & 0x1FFFFu, 0u); /* 7 significant bits */
        assert_true(fabs(lo * d - 1.0) < 0x1p-6);
        assert_true(fabs(hi * d - 1.0) < 0x1p-6);
        mpfr_set_flt(tv, d, MPFR_RNDN);
        mpfr_log(tv, tv, MPFR_RNDN);
        mpfr_neg(tv, tv, MPFR_RNDN);
        if (i >= 53) {
            mpfr_const_log2(tw, MPFR_RNDN);
            mpfr_sub(tv, tv, tw, MPFR_RNDN);
        }
        if (mpfr_zero_p(tv)) mpfr_set_zero(tv, 1);
        assert_split((uint32_t)p_log_table[i][1], (uint32_t)p_log_table[i][2], tv);
    }
    mpfr_clears(tv, tw, (mpfr_ptr)0);
}

#define assert_bits(got, want) assert_int_equal(bits_of(got), (uint32_t)(want))

static void test_special_values(void **state) {
    float inf = INFINITY, nan = NAN;
    (void)state;
    assert_bits(p_expf(0.0f), 0x3F800000u);
    assert_bits(p_expf(-0.0f), 0x3F800000u);
    assert_bits(p_expf(inf), 0x7F800000u);
    assert_bits(p_expf(-inf), 0x00000000u);
    assert_true(isnan(p_expf(nan)));
    assert_bits(p_expf(0.3f), 0x3FACC82Du);              /* the motivating case */
    assert_bits(p_expf(float_of(0x42B17217u)), 0x7F7FFF84u); /* largest finite result */
    assert_bits(p_expf(float_of(0x42B17218u)), 0x7F800000u); /* overflow */
    assert_bits(p_expf(float_of(0xC2CFF1B4u)), 0x00000001u); /* smallest subnormal */
    assert_bits(p_expf(float_of(0xC2CFF1B5u)), 0x00000000u); /* underflow to 0 */

    assert_bits(p_sinf(0.0f), 0x00000000u);
    assert_bits(p_sinf(-0.0f), 0x80000000u);
    assert_bits(p_cosf(0.0f), 0x3F800000u);
    assert_bits(p_cosf(-0.0f), 0x3F800000u);
    assert_true(isnan(p_sinf(inf)) && isnan(p_cosf(-inf)) && isnan(p_sinf(nan)) && isnan(p_cosf(nan)));
    assert_true(isnan(p_sinf(16384.5f)) && isnan(p_cosf(-20000.0f))); /* out of the domain */
    assert_false(isnan(p_sinf(16384.0f)) || isnan(p_cosf(-16384.0f)));
    assert_bits(p_sinf(float_of(0x00000001u)), 0x00000001u);

    assert_bits(p_powf(10000.0f, 0.0f), 0x3F800000u);
    assert_bits(p_powf(10000.0f, 0.5f), 0x42C80000u); /* exactly 100 */
    assert_bits(p_powf(10000.0f, 0.25f), 0x41200000u); /* exactly 10 */
    assert_bits(p_powf(nan, 0.0f), 0x3F800000u);
    assert_bits(p_powf(1.0f, nan), 0x3F800000u);
    assert_true(isnan(p_powf(nan, 1.0f)) && isnan(p_powf(2.0f, nan)));
    assert_true(isnan(p_powf(-2.0f, 0.5f)));
    assert_bits(p_powf(-2.0f, 3.0f), 0xC1000000u);
    assert_bits(p_powf(-2.0f, 2.0f), 0x40800000u);
    assert_bits(p_powf(-0.0f, 3.0f), 0x80000000u);
    assert_bits(p_powf(-0.0f, -3.0f), 0xFF800000u);
    assert_bits(p_powf(0.0f, -2.0f), 0x7F800000u);
    assert_bits(p_powf(0.0f, 2.0f), 0x00000000u);
    assert_bits(p_powf(inf, -1.0f), 0x00000000u);
    assert_bits(p_powf(-inf, 3.0f), 0xFF800000u);
    assert_bits(p_powf(0.5f, inf), 0x00000000u);
    assert_bits(p_powf(0.5f, -inf), 0x7F800000u);
    assert_bits(p_powf(-1.0f, inf), 0x3F800000u);
    assert_bits(p_powf(-1.0f, 1e30f), 0x3F800000u);
    assert_bits(p_powf(2.0f, 1e30f), 0x7F800000u);
    assert_bits(p_powf(2.0f, -1e30f), 0x00000000u);
    assert_bits(p_powf(2.0f, 127.0f), 0x7F000000u);
    assert_bits(p_powf(2.0f, 128.0f), 0x7F800000u);
    assert_bits(p_powf(2.0f, -149.0f), 0x00000001u);
    /* 2^-150 is exactly halfway between 0 and 2^-149: an exact tie that exp(y ln x) cannot
     * see, so either neighbour (0.5 ULP away) is accepted */
    assert_true(bits_of(p_powf(2.0f, -150.0f)) <= 1u);
}

static void quick(int fn) {
    AccuracyStats st;
    measure(fn, QUICK_COUNT, &st);
    print_stats(stdout, fn, &st);
    assert_true(st.inputs >= QUICK_COUNT);
    assert_true(st.max_ulp <= 1.0);
}

static void test_expf_accuracy(void **state) { (void)state; quick(FN_EXP); }
static void test_powf_rope_accuracy(void **state) { (void)state; quick(FN_POW); }
static void test_sinf_accuracy(void **state) { (void)state; quick(FN_SIN); }
static void test_cosf_accuracy(void **state) { (void)state; quick(FN_COS); }

static void test_powf_general_accuracy(void **state) {
    AccuracyStats st;
    (void)state;
    measure(FN_POW_GENERAL, QUICK_COUNT / 5, &st);
    print_stats(stdout, FN_POW_GENERAL, &st);
    assert_true(st.max_ulp <= 1.0);
}

static void test_registered(void **state) {
    const MathLibrary *m = math_library_named("portable");
    (void)state;
    assert_non_null(m);
    assert_ptr_equal(m, &math_portable);
    assert_string_equal(m->name, "portable");
    assert_bits(m->exp(0.3f), bits_of(p_expf(0.3f)));
    assert_bits(m->pow(10000.0f, 0.375f), bits_of(p_powf(10000.0f, 0.375f)));
    assert_bits(m->sin(1000.5f), bits_of(p_sinf(1000.5f)));
    assert_bits(m->cos(1000.5f), bits_of(p_cosf(1000.5f)));
    assert_ptr_equal(math_library_named("libm"), &math_libm);
    assert_null(math_library_named("portabl"));
}

#ifdef PORTABLE_SOFT_CHECK
/* engine/portable/ built with F32_SOFT (integer soft-float, f32 = unsigned long), symbols
 * prefixed soft_ (mk/portable.mk) */
unsigned long soft_p_expf(unsigned long x);
unsigned long soft_p_powf(unsigned long x, unsigned long y);
unsigned long soft_p_sinf(unsigned long x);
unsigned long soft_p_cosf(unsigned long x);

static void assert_same(float native, unsigned long soft, uint32_t x, uint32_t y, const char *fn) {
    uint32_t n = bits_of(native), s = (uint32_t)soft;
    if (isnan(native) ? !isnan(float_of(s)) : n != s) {
        fprintf(stderr, "%s(0x%08X, 0x%08X): native 0x%08X, soft-float 0x%08X\n", fn, x, y, n, s);
        fail();
    }
}

/* The point of the mode: the integer soft-float build gives the same bits as the
 * hardware-float build, over the models' domains, all float patterns and special values. */
static void test_soft_float_same_bits(void **state) {
    unsigned long i;
    (void)state;
    acc_rng = 0x0123456789ABCDEFull;
    for (i = 0; i < 300000ul; i++) {
        uint32_t x, y;
        switch (i % 3) {
        case 0: x = bits_of(rand_signed_pattern(104.0f)); break;
        case 1: x = bits_of(rand_uniform(-16384.0, 16384.0)); break;
        default: x = i < 1000 ? special_bits[i % (sizeof special_bits / sizeof special_bits[0])] : rand_u32();
        }
        y = i % 2 ? bits_of(rand_pattern(float_of(0x3F7FFFFFu))) : rand_u32();
        assert_same(p_expf(float_of(x)), soft_p_expf(x), x, 0, "expf");
        assert_same(p_sinf(float_of(x)), soft_p_sinf(x), x, 0, "sinf");
        assert_same(p_cosf(float_of(x)), soft_p_cosf(x), x, 0, "cosf");
        assert_same(p_powf(10000.0f, float_of(y)), soft_p_powf(0x461C4000ul, y), 0x461C4000u, y, "powf");
        assert_same(p_powf(float_of(x & 0x7FFFFFFFu), float_of(y)), soft_p_powf(x & 0x7FFFFFFFu, y), x & 0x7FFFFFFFu, y, "powf");
        assert_same(p_powf(float_of(x), float_of(y)), soft_p_powf(x, y), x, y, "powf");
    }
}
#endif

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_exp2_table),
        cmocka_unit_test(test_sincos_table),
        cmocka_unit_test(test_log_table),
        cmocka_unit_test(test_special_values),
        cmocka_unit_test(test_registered),
        cmocka_unit_test(test_expf_accuracy),
        cmocka_unit_test(test_powf_rope_accuracy),
        cmocka_unit_test(test_sinf_accuracy),
        cmocka_unit_test(test_cosf_accuracy),
        cmocka_unit_test(test_powf_general_accuracy),
#ifdef PORTABLE_SOFT_CHECK
        cmocka_unit_test(test_soft_float_same_bits),
#endif
    };
    return cmocka_run_group_tests_name("portable math", tests, NULL, NULL);
}
