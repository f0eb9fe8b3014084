/* The soft-float library against hardware float, bit for bit.
 *
 * Every result must have the hardware's exact bit pattern (signed zeros included), except
 * that a NaN result only has to be a NaN: hardware NaN payloads depend on operand order,
 * which the compiler may swap. The library's own NaN policy is checked separately with
 * exact patterns.
 *
 * Environment: SF_TEST_N random cases per operation (default 1000000), SF_TEST_SEED
 * (default 1), SF_TEST_EXHAUSTIVE=k/n to also run sqrt, floor and to_long over every
 * bit pattern u with u % n == k. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>

#include "engine/softfloat/softfloat.h"
#include "tests/softfloat_cases.h"

static long random_count = 1000000;
static uint64_t random_seed = 1;
static uint32_t exhaustive_part, exhaustive_parts;

static uint32_t specials[CASE_SPECIAL_MAX];
static int special_count;

/* Mismatches of the running test; the first few are printed. */
static unsigned long mismatches;
static unsigned long nan_results, nan_same_bits;

static void mismatch(const char *op, uint32_t a, uint32_t b, unsigned long got,
                     unsigned long want)
{
    if (mismatches++ < 10)
        fprintf(stderr, "  %s(%08lx, %08lx) = %08lx, hardware %08lx\n", op,
                (unsigned long)a, (unsigned long)b, got, want);
}

static void check_bits(const char *op, uint32_t a, uint32_t b, unsigned long got,
                       uint32_t want)
{
    if (case_is_nan(want)) {
        ++nan_results;
        if (got == want)
            ++nan_same_bits;
        if (got <= 0xFFFFFFFFul && case_is_nan((uint32_t)got))
            return;
    } else if (got == want) {
        return;
    }
    mismatch(op, a, b, got, want);
}

static CaseRng rng_for(uint64_t stream)
{
    CaseRng rng;
    rng.state = random_seed * 0x100000001B3u + stream;
    return rng;
}

static void start(void)
{
    mismatches = 0;
}

static void finish(const char *what, unsigned long cases)
{
    if (mismatches)
        fprintf(stderr, "  %s: %lu of %lu cases differ\n", what, mismatches, cases);
    assert_int_equal(mismatches, 0);
}

/* ---- binary operations ---- */

typedef struct {
    const char *name;
    sf32 (*soft)(sf32, sf32);
    uint32_t (*hardware)(uint32_t, uint32_t);
    int case_op;
} BinaryOp;

static const BinaryOp binary_ops[] = {
    {"add", sf32_add, hw_add, CASE_ADD},
    {"sub", sf32_sub, hw_sub, CASE_SUB},
    {"mul", sf32_mul, hw_mul, CASE_MUL},
    {"div", sf32_div, hw_div, CASE_DIV},
};

static void test_binary_specials(void **state)
{
    const BinaryOp *op = *state;
    int i, j;
    start();
    for (i = 0; i < special_count; ++i)
        for (j = 0; j < special_count; ++j) {
            uint32_t a = specials[i], b = specials[j];
            check_bits(op->name, a, b, op->soft(a, b), op->hardware(a, b));
        }
    finish(op->name, (unsigned long)special_count * special_count);
}

static void test_binary_random(void **state)
{
    const BinaryOp *op = *state;
    CaseRng rng = rng_for((uint64_t)op->case_op);
    long i;
    start();
    for (i = 0; i < random_count; ++i) {
        uint32_t a, b;
        case_pair(&rng, op->case_op, (int)(i % CASE_KINDS), &a, &b);
        check_bits(op->name, a, b, op->soft(a, b), op->hardware(a, b));
    }
    finish(op->name, (unsigned long)random_count);
}

/* ---- comparisons ---- */

static void check_compare(uint32_t a, uint32_t b)
{
    if (sf32_eq(a, b) != hw_eq(a, b))
        mismatch("eq", a, b, (unsigned long)sf32_eq(a, b), (unsigned long)hw_eq(a, b));
    if (sf32_lt(a, b) != hw_lt(a, b))
        mismatch("lt", a, b, (unsigned long)sf32_lt(a, b), (unsigned long)hw_lt(a, b));
    if (sf32_le(a, b) != hw_le(a, b))
        mismatch("le", a, b, (unsigned long)sf32_le(a, b), (unsigned long)hw_le(a, b));
}

static void test_compare_specials(void **state)
{
    int i, j;
    (void)state;
    start();
    for (i = 0; i < special_count; ++i)
        for (j = 0; j < special_count; ++j)
            check_compare(specials[i], specials[j]);
    finish("compare", (unsigned long)special_count * special_count);
}

static void test_compare_random(void **state)
{
    CaseRng rng = rng_for(10);
    long i;
    (void)state;
    start();
    for (i = 0; i < random_count; ++i) {
        uint32_t a, b;
        case_pair(&rng, CASE_COMPARE, (int)(i % CASE_KINDS), &a, &b);
        check_compare(a, b);
    }
    finish("compare", (unsigned long)random_count);
}

/* ---- unary operations ---- */

static void check_sqrt(uint32_t a)
{
    check_bits("sqrt", a, 0, sf32_sqrt(a), hw_sqrt(a));
}

static void check_floor(uint32_t a)
{
    check_bits("floor", a, 0, sf32_floor(a), hw_floor(a));
}

static void check_to_long(uint32_t a)
{
    long got = sf32_to_long_trunc(a), want = expected_to_long(a);
    if (got != want)
        mismatch("to_long", a, 0, (unsigned long)got, (unsigned long)want);
}

static void test_unary_specials(void **state)
{
    int i;
    (void)state;
    start();
    for (i = 0; i < special_count; ++i) {
        check_sqrt(specials[i]);
        check_floor(specials[i]);
        check_to_long(specials[i]);
    }
    finish("unary", (unsigned long)special_count);
}

static void test_sqrt_random(void **state)
{
    CaseRng rng = rng_for(20);
    long i;
    (void)state;
    start();
    for (i = 0; i < random_count; ++i)
        check_sqrt(case_unary(&rng, (int)i) & 0x7FFFFFFFu);
    for (i = 0; i < random_count / 8; ++i)
        check_sqrt(case_unary(&rng, (int)i));
    finish("sqrt", (unsigned long)(random_count + random_count / 8));
}

/* Every significand for both exponent parities ([1, 4)) and every subnormal. */
static void test_sqrt_slices(void **state)
{
    uint32_t u;
    (void)state;
    start();
    for (u = 0x3F800000u; u < 0x40800000u; ++u)
        check_sqrt(u);
    for (u = 1; u < 0x00800000u; ++u)
        check_sqrt(u);
    finish("sqrt", 0x01000000ul + 0x007FFFFFul);
}

static void test_floor_random(void **state)
{
    CaseRng rng = rng_for(30);
    long i;
    uint32_t u;
    (void)state;
    start();
    for (i = 0; i < random_count; ++i)
        check_floor(case_unary(&rng, (int)i));
    /* Every 7th pattern from 0.25 to 2^24, both signs. */
    for (u = 0x3E800000u; u < 0x4B800000u; u += 7) {
        check_floor(u);
        check_floor(u | 0x80000000u);
    }
    finish("floor", (unsigned long)random_count + 2 * ((0x4B800000ul - 0x3E800000ul) / 7));
}

static void test_to_long_random(void **state)
{
    CaseRng rng = rng_for(40);
    long i;
    uint32_t u;
    (void)state;
    start();
    for (i = 0; i < random_count; ++i)
        check_to_long(case_unary(&rng, (int)i));
    /* Every 5th pattern from 0.5 to 2^33, both signs: the whole saturation boundary. */
    for (u = 0x3F000000u; u < 0x50000000u; u += 5) {
        check_to_long(u);
        check_to_long(u | 0x80000000u);
    }
    check_to_long(0x4F000000u);
    check_to_long(0xCF000000u);
    check_to_long(0x4EFFFFFFu);
    check_to_long(0xCEFFFFFFu);
    check_to_long(0xCF000001u);
    finish("to_long", (unsigned long)random_count + 2 * ((0x50000000ul - 0x3F000000ul) / 5));
}

static void check_from_long(long i)
{
    uint32_t want = hw_from_long(i);
    sf32 got = sf32_from_long(i);
    if (got != want)
        mismatch("from_long", (uint32_t)i, (uint32_t)((unsigned long)i >> 16 >> 16), got,
                 want);
}

static void test_from_long_edges(void **state)
{
    int k, d;
    (void)state;
    start();
    check_from_long(0);
    check_from_long(LONG_MIN);
    check_from_long(LONG_MAX);
    check_from_long(LONG_MIN + 1);
    check_from_long(LONG_MAX - 1);
    check_from_long(-2147483647L - 1);
    check_from_long(2147483647L);
    /* 2^k + d for every k: rounding of 24, 25, ... significant bits, ties both ways. */
    for (k = 0; k < (int)(sizeof(long) * 8) - 1; ++k)
        for (d = -5; d <= 5; ++d) {
            long v = (long)(1ul << k) + d;
            check_from_long(v);
            check_from_long(-v);
            if (k >= 24) {
                long tie = (long)(1ul << k) + (long)(1ul << (k - 24)) * (2 * (d & 3) + 1);
                check_from_long(tie);
                check_from_long(-tie);
            }
        }
    check_from_long(16777215L);
    check_from_long(16777217L);
    check_from_long(16777219L);
    check_from_long(-16777217L);
    check_from_long(33554431L);
    check_from_long(33554433L);
    check_from_long(33554435L);
    finish("from_long", 1000);
}

static void test_from_long_random(void **state)
{
    CaseRng rng = rng_for(50);
    long i;
    (void)state;
    start();
    for (i = 0; i < random_count; ++i)
        check_from_long(case_long(&rng, (int)(i & 1)));
    finish("from_long", (unsigned long)random_count);
}

/* ---- the library's own contracts, exact patterns ---- */

static void test_nan_policy(void **state)
{
    (void)state;
    /* NaN operands: the first NaN, quieted, sign and payload kept. */
    assert_int_equal(sf32_add(0x7F800001ul, 0x3F800000ul), 0x7FC00001ul);
    assert_int_equal(sf32_add(0x3F800000ul, 0xFF812345ul), 0xFFC12345ul);
    assert_int_equal(sf32_add(0x7FC00002ul, 0x7F800003ul), 0x7FC00002ul);
    assert_int_equal(sf32_mul(0x7F800003ul, 0x7FC00002ul), 0x7FC00003ul);
    assert_int_equal(sf32_sub(0x3F800000ul, 0x7FC00000ul), 0x7FC00000ul);
    assert_int_equal(sf32_sub(0x3F800000ul, 0xFFC00001ul), 0xFFC00001ul);
    assert_int_equal(sf32_div(0x00000000ul, 0x7FA00000ul), 0x7FE00000ul);
    assert_int_equal(sf32_div(0x7F800000ul, 0xFFBFFFFFul), 0xFFFFFFFFul);
    assert_int_equal(sf32_sqrt(0x7F800001ul), 0x7FC00001ul);
    assert_int_equal(sf32_sqrt(0xFF800001ul), 0xFFC00001ul);
    assert_int_equal(sf32_floor(0xFF800001ul), 0xFFC00001ul);
    /* Invalid operations: the default NaN. */
    assert_int_equal(sf32_add(0x7F800000ul, 0xFF800000ul), SF32_DEFAULT_NAN);
    assert_int_equal(sf32_sub(0xFF800000ul, 0xFF800000ul), SF32_DEFAULT_NAN);
    assert_int_equal(sf32_mul(0x00000000ul, 0xFF800000ul), SF32_DEFAULT_NAN);
    assert_int_equal(sf32_mul(0x7F800000ul, 0x80000000ul), SF32_DEFAULT_NAN);
    assert_int_equal(sf32_div(0x80000000ul, 0x00000000ul), SF32_DEFAULT_NAN);
    assert_int_equal(sf32_div(0x7F800000ul, 0xFF800000ul), SF32_DEFAULT_NAN);
    assert_int_equal(sf32_sqrt(0xBF800000ul), SF32_DEFAULT_NAN);
    assert_int_equal(sf32_sqrt(0x80000001ul), SF32_DEFAULT_NAN);
    assert_int_equal(sf32_sqrt(0xFF800000ul), SF32_DEFAULT_NAN);
    /* Not invalid. */
    assert_int_equal(sf32_sqrt(0x80000000ul), 0x80000000ul);
    assert_int_equal(sf32_div(0xBF800000ul, 0x00000000ul), 0xFF800000ul);
}

static void test_to_long_policy(void **state)
{
    (void)state;
    assert_true(sf32_to_long_trunc(0x7FC00000ul) == 0);
    assert_true(sf32_to_long_trunc(0xFFC00000ul) == 0);
    assert_true(sf32_to_long_trunc(0x7F800001ul) == 0);
    assert_true(sf32_to_long_trunc(0x7F800000ul) == 2147483647L);
    assert_true(sf32_to_long_trunc(0xFF800000ul) == -2147483647L - 1);
    assert_true(sf32_to_long_trunc(0x4F000000ul) == 2147483647L);   /* 2^31 */
    assert_true(sf32_to_long_trunc(0xCF000000ul) == -2147483647L - 1); /* -2^31 */
    assert_true(sf32_to_long_trunc(0xCF000001ul) == -2147483647L - 1);
    assert_true(sf32_to_long_trunc(0x4EFFFFFFul) == 2147483520L);
    assert_true(sf32_to_long_trunc(0xCEFFFFFFul) == -2147483520L);
    assert_true(sf32_to_long_trunc(0x7F7FFFFFul) == 2147483647L);
    assert_true(sf32_to_long_trunc(0xBFFFFFFFul) == -1); /* -1.99999988 */
    assert_true(sf32_to_long_trunc(0x80000001ul) == 0);
}

/* Where unsigned long is wider than 32 bits, bits above 31 of an operand are ignored. */
static void test_high_bits_ignored(void **state)
{
    int i, j;
    (void)state;
    if (ULONG_MAX == 0xFFFFFFFFul)
        skip();
    start();
    for (i = 0; i < special_count; ++i) {
        unsigned long a = specials[i];
        unsigned long junk_a = a | (((unsigned long)0xA5A5A5A5u << 16) << 16);
        for (j = 0; j < special_count; ++j) {
            unsigned long b = specials[j];
            unsigned long junk_b = b | (((unsigned long)0xFFFFFFFFu << 16) << 16);
            if (sf32_add(junk_a, junk_b) != sf32_add(a, b) ||
                sf32_sub(junk_a, junk_b) != sf32_sub(a, b) ||
                sf32_mul(junk_a, junk_b) != sf32_mul(a, b) ||
                sf32_div(junk_a, junk_b) != sf32_div(a, b) ||
                sf32_lt(junk_a, junk_b) != sf32_lt(a, b) ||
                sf32_le(junk_a, junk_b) != sf32_le(a, b) ||
                sf32_eq(junk_a, junk_b) != sf32_eq(a, b))
                mismatch("high bits", (uint32_t)a, (uint32_t)b, 0, 0);
        }
        if (sf32_sqrt(junk_a) != sf32_sqrt(a) || sf32_floor(junk_a) != sf32_floor(a) ||
            sf32_to_long_trunc(junk_a) != sf32_to_long_trunc(a))
            mismatch("high bits", (uint32_t)a, 0, 0, 0);
    }
    finish("high bits", (unsigned long)special_count * special_count);
}

static void test_exhaustive_unary(void **state)
{
    uint32_t u = exhaustive_part;
    (void)state;
    if (exhaustive_parts == 0)
        skip();
    start();
    for (;;) {
        check_sqrt(u);
        check_floor(u);
        check_to_long(u);
        if (u > 0xFFFFFFFFu - exhaustive_parts)
            break;
        u += exhaustive_parts;
    }
    finish("exhaustive unary", 0xFFFFFFFFul / exhaustive_parts);
}

int main(void)
{
    const char *env;
    static const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_nan_policy),
        cmocka_unit_test(test_to_long_policy),
        {"add_specials", test_binary_specials, NULL, NULL, (void *)&binary_ops[0]},
        {"sub_specials", test_binary_specials, NULL, NULL, (void *)&binary_ops[1]},
        {"mul_specials", test_binary_specials, NULL, NULL, (void *)&binary_ops[2]},
        {"div_specials", test_binary_specials, NULL, NULL, (void *)&binary_ops[3]},
        cmocka_unit_test(test_compare_specials),
        cmocka_unit_test(test_unary_specials),
        cmocka_unit_test(test_from_long_edges),
        cmocka_unit_test(test_high_bits_ignored),
        {"add_random", test_binary_random, NULL, NULL, (void *)&binary_ops[0]},
        {"sub_random", test_binary_random, NULL, NULL, (void *)&binary_ops[1]},
        {"mul_random", test_binary_random, NULL, NULL, (void *)&binary_ops[2]},
        {"div_random", test_binary_random, NULL, NULL, (void *)&binary_ops[3]},
        cmocka_unit_test(test_compare_random),
        cmocka_unit_test(test_sqrt_random),
        cmocka_unit_test(test_sqrt_slices),
        cmocka_unit_test(test_floor_random),
        cmocka_unit_test(test_to_long_random),
        cmocka_unit_test(test_from_long_random),
        cmocka_unit_test(test_exhaustive_unary),
    };
    int failed;

    if ((env = getenv("SF_TEST_N")) != NULL)
        random_count = atol(env);
    if ((env = getenv("SF_TEST_SEED")) != NULL)
        random_seed = strtoull(env, NULL, 10);
    if ((env = getenv("SF_TEST_EXHAUSTIVE")) != NULL) {
        unsigned long part, parts;
        if (sscanf(env, "%lu/%lu", &part, &parts) != 2 || parts == 0 || part >= parts) {
            fprintf(stderr, "SF_TEST_EXHAUSTIVE must be k/n with k < n\n");
            return 2;
        }
        exhaustive_part = (uint32_t)part;
        exhaustive_parts = (uint32_t)parts;
    }
    special_count = case_specials(specials);
    printf("soft-float: %d special values, %ld random cases per operation, seed %llu\n",
           special_count, random_count, (unsigned long long)random_seed);
    failed = cmocka_run_group_tests_name("softfloat", tests, NULL, NULL);
    printf("soft-float: %lu NaN results checked, %lu with the hardware's exact bits\n",
           nan_results, nan_same_bits);
    return failed;
}
