/* Sampler tests: argmax, multinomial and top-p sampling on distributions worked out by hand,
 * and the xorshift random number generator against independently computed values.
 *
 * The distributions use dyadic probabilities (0.5, 0.25, 0.125, ...) so every sum and
 * product below is exact in float32 and the hand computation in the comments is the
 * computation the code does. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <string.h>

#include "engine/sampler.h"

/* The largest float below 1: (2^24 - 1) / 2^24, the largest value random_f32 returns. */
#define COIN_MAX 0x1.fffffep-1f

static uint32_t float_bits(float f) {
    uint32_t u;
    memcpy(&u, &f, sizeof u);
    return u;
}

/* ---------------------------------------------------------------------------------
 * sample_argmax */

static void test_argmax(void **state) {
    (void)state;
    const float tie[] = {0.1f, 0.5f, 0.2f, 0.5f};
    assert_int_equal(sample_argmax(tie, 4), 1); /* the first of equal maxima */
    const float negative[] = {-3.0f, -1.0f, -2.0f};
    assert_int_equal(sample_argmax(negative, 3), 1);
    const float one[] = {7.0f};
    assert_int_equal(sample_argmax(one, 1), 0);
    const float flat[] = {0.25f, 0.25f, 0.25f, 0.25f};
    assert_int_equal(sample_argmax(flat, 4), 0);
    const float late_tie[] = {1.0f, 2.0f, 3.0f, 3.0f, 2.0f};
    assert_int_equal(sample_argmax(late_tie, 5), 2);
    const float last[] = {0.1f, 0.2f, 0.9f};
    assert_int_equal(sample_argmax(last, 3), 2);
    assert_int_equal(sample_argmax(last, 2), 1); /* only n entries are looked at */
    const float inf[] = {-INFINITY, -INFINITY, 0.0f};
    assert_int_equal(sample_argmax(inf, 3), 2);
    const float all_neg_inf[] = {-INFINITY, -INFINITY};
    assert_int_equal(sample_argmax(all_neg_inf, 2), 0);
}

/* ---------------------------------------------------------------------------------
 * sample_mult: the first i with coin < p[0] + ... + p[i], else n - 1 */

static void test_mult(void **state) {
    (void)state;
    /* p = 0.25 0.5 0.25, cdf = 0.25 0.75 1.0 (exact) */
    const float p[] = {0.25f, 0.5f, 0.25f};
    assert_int_equal(sample_mult(p, 3, 0.0f), 0);
    assert_int_equal(sample_mult(p, 3, nextafterf(0.25f, 0.0f)), 0);
    assert_int_equal(sample_mult(p, 3, 0.25f), 1); /* coin < cdf is strict */
    assert_int_equal(sample_mult(p, 3, 0.5f), 1);
    assert_int_equal(sample_mult(p, 3, nextafterf(0.75f, 0.0f)), 1);
    assert_int_equal(sample_mult(p, 3, 0.75f), 2);
    assert_int_equal(sample_mult(p, 3, COIN_MAX), 2);
    /* coin 1.0 never comes from random_f32; nothing is above it: the fallback n - 1 */
    assert_int_equal(sample_mult(p, 3, 1.0f), 2);
}

static void test_mult_zero_probabilities(void **state) {
    (void)state;
    /* cdf = 0 1 1: a zero-probability token is never picked, even with coin 0 (0 < 0 is false) */
    const float p[] = {0.0f, 1.0f, 0.0f};
    assert_int_equal(sample_mult(p, 3, 0.0f), 1);
    assert_int_equal(sample_mult(p, 3, COIN_MAX), 1);
}

static void test_mult_rounding_fallback(void **state) {
    (void)state;
    /* probabilities summing to 0.75 (as rounding can leave them below 1): cdf = 0.5 0.75 0;
     * a coin of 0.75 or more passes them all and takes the last token, n - 1 = 2, whatever
     * its probability */
    const float p[] = {0.5f, 0.25f, 0.0f};
    assert_int_equal(sample_mult(p, 3, 0.74f), 1);
    assert_int_equal(sample_mult(p, 3, 0.75f), 2);
    assert_int_equal(sample_mult(p, 3, COIN_MAX), 2);
}

/* ---------------------------------------------------------------------------------
 * sample_topp */

static void test_topp_basic(void **state) {
    (void)state;
    /* p = 0.0625 0.5 0.125 0.3125 (sum 1), topp = 0.7f.
     * cutoff = (1 - 0.7f) / 3: 1 - 0.7f = 0.30000001192... exactly, / 3 rounds to 0.10000000149.
     * 0.0625 < cutoff: dropped. Kept, sorted descending: (0.5, 1) (0.3125, 3) (0.125, 2).
     * cumulative: 0.5 (not > 0.7), 0.8125 (> 0.7): last_idx = 1, cumulative_prob = 0.8125.
     * r = coin * 0.8125; index 1 while r < 0.5, else index 3. Indices 0 and 2 never. */
    const float p[] = {0.0625f, 0.5f, 0.125f, 0.3125f};
    ProbIndex pi[4], scratch[4];
    memset(pi, 0, sizeof pi);
    assert_int_equal(sample_topp(p, 4, 0.7f, pi, scratch, 0.0f), 1);
    assert_int_equal(pi[0].index, 1);
    assert_true(pi[0].prob == 0.5f);
    assert_int_equal(pi[1].index, 3);
    assert_true(pi[1].prob == 0.3125f);
    assert_int_equal(pi[2].index, 2);
    assert_true(pi[2].prob == 0.125f);
    /* coin 0.6f = 0.60000002384: r = 0.48750001937 -> 0.4875000; < 0.5 */
    assert_int_equal(sample_topp(p, 4, 0.7f, pi, scratch, 0.6f), 1);
    /* coin 0.625: r = 0.5078125 exactly; >= 0.5, < 0.8125 */
    assert_int_equal(sample_topp(p, 4, 0.7f, pi, scratch, 0.625f), 3);
    /* COIN_MAX: r = 0.8125 * (1 - 2^-24) rounds to 0.81249994 < 0.8125 */
    assert_int_equal(sample_topp(p, 4, 0.7f, pi, scratch, COIN_MAX), 3);
    /* coin 1.0: r = 0.8125 is below no cdf: the rounding fallback, probindex[last_idx] = 3 */
    assert_int_equal(sample_topp(p, 4, 0.7f, pi, scratch, 1.0f), 3);
}

static void test_topp_ties_keep_index_order(void **state) {
    (void)state;
    /* p = 0.125 0.25 0.125 0.25 0.25, topp = 0.6f.
     * cutoff = (1 - 0.6f) / 4 = 0.40000000596 / 4 = 0.10000000149: all five kept.
     * A stable descending sort: (0.25, 1) (0.25, 3) (0.25, 4) (0.125, 0) (0.125, 2).
     * cumulative 0.25, 0.5, 0.75 > 0.6: last_idx = 2, cumulative_prob = 0.75.
     * r = coin * 0.75: r < 0.25 -> 1, r < 0.5 -> 3, else 4. */
    const float p[] = {0.125f, 0.25f, 0.125f, 0.25f, 0.25f};
    ProbIndex pi[5], scratch[5];
    assert_int_equal(sample_topp(p, 5, 0.6f, pi, scratch, 0.0f), 1);
    const int order[5] = {1, 3, 4, 0, 2};
    for (int i = 0; i < 5; i++) assert_int_equal(pi[i].index, order[i]);
    assert_int_equal(sample_topp(p, 5, 0.6f, pi, scratch, 0.25f), 1); /* r = 0.1875 */
    assert_int_equal(sample_topp(p, 5, 0.6f, pi, scratch, 0.5f), 3);  /* r = 0.375 */
    assert_int_equal(sample_topp(p, 5, 0.6f, pi, scratch, 0.7f), 4);  /* r = 0.525 */
    assert_int_equal(sample_topp(p, 5, 0.6f, pi, scratch, COIN_MAX), 4); /* r = 0.74999994 */
}

static void test_topp_many_ties(void **state) {
    (void)state;
    /* 64 tokens of 1/64 each, topp = 0.5: cutoff = 0.5 / 63 = 0.0079 keeps all; the stable sort
     * keeps index order. cumulative (i + 1) / 64 first exceeds 0.5 at i = 32 (33/64 = 0.515625):
     * last_idx = 32. r = coin * 0.515625; the pick is the first i with r < (i + 1) / 64. */
    float p[64];
    ProbIndex pi[64], scratch[64];
    for (int i = 0; i < 64; i++) p[i] = 0.015625f;
    assert_int_equal(sample_topp(p, 64, 0.5f, pi, scratch, 0.0f), 0);
    for (int i = 0; i < 64; i++) assert_int_equal(pi[i].index, i);
    /* coin 0.5: r = 0.2578125 = 16.5 / 64 -> i = 16 */
    assert_int_equal(sample_topp(p, 64, 0.5f, pi, scratch, 0.5f), 16);
    /* COIN_MAX: r just below 33/64 -> i = 32, never beyond last_idx */
    assert_int_equal(sample_topp(p, 64, 0.5f, pi, scratch, COIN_MAX), 32);
}

static void test_topp_cutoff(void **state) {
    (void)state;
    ProbIndex pi[3], scratch[3];
    /* p = 0.5 0.25 0.03125 (sum 0.78125: as if rounding lost some), topp = 0.9f.
     * cutoff = (1 - 0.9f) / 2 = 0.10000002384 / 2 = 0.05000001192: 0.03125 is dropped.
     * cumulative 0.5, 0.75 never exceeds 0.9: last_idx = n0 - 1 = 1, cumulative_prob = 0.75.
     * COIN_MAX: r = 0.74999994 < 0.75 -> index 1. (Were 0.03125 kept, cumulative_prob would be
     * 0.78125 and the same coin would pick index 2.) */
    const float p[] = {0.5f, 0.25f, 0.03125f};
    assert_int_equal(sample_topp(p, 3, 0.9f, pi, scratch, COIN_MAX), 1);

    /* topp = 0.5, n = 3: cutoff = 0.5 / 2 = 0.25 exactly. p = 0.25, 0.25 - ulp, 0.25:
     * 0.25 >= cutoff is kept, the one below is dropped: n0 = 2, (0.25, 0) (0.25, 2).
     * cumulative 0.25, 0.5 (0.5 > 0.5 is false): last_idx = 1, cumulative_prob = 0.5.
     * COIN_MAX: r = 0.49999997 -> index 2. Coin 0 -> index 0. */
    const float q[] = {0.25f, nextafterf(0.25f, 0.0f), 0.25f};
    assert_int_equal(sample_topp(q, 3, 0.5f, pi, scratch, COIN_MAX), 2);
    assert_int_equal(sample_topp(q, 3, 0.5f, pi, scratch, 0.0f), 0);
    assert_int_equal(pi[0].index, 0);
    assert_int_equal(pi[1].index, 2);
}

static void test_topp_nothing_above_cutoff(void **state) {
    (void)state;
    ProbIndex pi[4], scratch[4];
    /* n = 1: cutoff = (1 - topp) / 0 = +inf; nothing passes; the argmax, 0 */
    const float one[] = {1.0f};
    assert_int_equal(sample_topp(one, 1, 0.9f, pi, scratch, 0.5f), 0);
    assert_int_equal(sample_topp(one, 1, 0.5f, pi, scratch, COIN_MAX), 0);
    /* topp = 1e-9f: 1 - 1e-9f rounds to 1, cutoff = 1/3 > every probability: the argmax, 1,
     * whatever the coin */
    const float p[] = {0.24f, 0.26f, 0.25f, 0.25f};
    assert_int_equal(sample_topp(p, 4, 1e-9f, pi, scratch, 0.0f), 1);
    assert_int_equal(sample_topp(p, 4, 1e-9f, pi, scratch, COIN_MAX), 1);
}

/* ---------------------------------------------------------------------------------
 * The xorshift generator: s ^= s >> 12; s ^= s << 25; s ^= s >> 27 on uint64, then
 * (s * 0x2545F4914F6CDD1D) >> 32. The expected values were computed once with Python:
 *   M = 2**64 - 1
 *   def step(s): s ^= s >> 12; s ^= (s << 25) & M; s ^= s >> 27; return s
 *   u32 = ((s * 0x2545F4914F6CDD1D) & M) >> 32
 *   f32 = (u32 >> 8) / 2**24, printed as IEEE-754 bits with struct.pack('>f', f).hex()
 * By hand for seed 1: 1 ^ (1 >> 12) = 1; 1 ^ (1 << 25) = 0x2000001; 0x2000001 >> 27 = 0,
 * so the state after one call is 0x2000001. */

static void test_random_u32(void **state) {
    (void)state;
    uint64_t s = 1;
    assert_int_equal(random_u32(&s), 0x47e4ce4bu);
    assert_int_equal(s, 0x2000001u);
    assert_int_equal(random_u32(&s), 0xabcfa6a8u);
    assert_int_equal(random_u32(&s), 0xb9d10d8fu);
    assert_int_equal(random_u32(&s), 0x4db418a0u);
    assert_true(s == 0x200340a005480e81ull);

    s = 42;
    assert_int_equal(random_u32(&s), 0x56ce4ab7u);
    assert_true(s == 0x54000020ull);
    assert_int_equal(random_u32(&s), 0xc841eb53u);
    assert_int_equal(random_u32(&s), 0xca466be0u);
    assert_int_equal(random_u32(&s), 0xf1acc733u);
    assert_true(s == 0x405a97a0a712f12bull);

    s = 133742;
    assert_int_equal(random_u32(&s), 0xb4d0037eu);
    assert_int_equal(random_u32(&s), 0x9f67c4b0u);
    assert_int_equal(random_u32(&s), 0x89db8337u);
    assert_int_equal(random_u32(&s), 0x8857315bu);
    assert_true(s == 0x572f034a65a30360ull);

    s = UINT64_MAX;
    assert_int_equal(random_u32(&s), 0xf92cc9e5u);
    assert_int_equal(random_u32(&s), 0x8ff484d8u);
    assert_int_equal(random_u32(&s), 0x346c95f3u);
    assert_int_equal(random_u32(&s), 0xc556cc9cu);
    assert_true(s == 0xa3eaff8581df01c0ull);

    /* 0 is a fixed point of xorshift (the runner never seeds with 0) */
    s = 0;
    assert_int_equal(random_u32(&s), 0);
    assert_true(s == 0);
}

static void test_random_f32(void **state) {
    (void)state;
    uint64_t s = 42;
    assert_int_equal(float_bits(random_f32(&s)), 0x3ead9c94u); /* 5688906 / 2^24 = 0.33908522 */
    assert_int_equal(float_bits(random_f32(&s)), 0x3f4841ebu); /* 0.78225583 */
    assert_int_equal(float_bits(random_f32(&s)), 0x3f4a466bu); /* 0.79013699 */
    s = 1;
    assert_int_equal(float_bits(random_f32(&s)), 0x3e8fc99cu); /* 0.28083503 */
    assert_int_equal(float_bits(random_f32(&s)), 0x3f2bcfa6u); /* 0.67113721 */
    assert_int_equal(float_bits(random_f32(&s)), 0x3f39d10du); /* 0.72584611 */
    s = UINT64_MAX;
    assert_int_equal(float_bits(random_f32(&s)), 0x3f792cc9u); /* 0.97333962 */
    assert_int_equal(float_bits(random_f32(&s)), 0x3f0ff484u); /* 0.56232476 */
    assert_int_equal(float_bits(random_f32(&s)), 0x3e51b254u); /* 0.20478183 */
    /* every value is k / 2^24 with k < 2^24: below 1 */
    s = 7;
    for (int i = 0; i < 100000; i++) {
        float f = random_f32(&s);
        assert_true(f >= 0.0f && f < 1.0f);
        assert_true(f * 16777216.0f == floorf(f * 16777216.0f));
    }
}

/* ---------------------------------------------------------------------------------
 * sample(): the pieces put together. Equal logits give exactly 1/n after the softmax
 * (exp(0) = 1, sum n, 1/n exact for n = 4), so the pick is the coin's quarter:
 * seed 42 -> coin 0.33908522 -> 1, seed 133742 -> 0.70629901 -> 2, seed 1 -> 0.28083503 -> 1. */

static void test_sample(void **state) {
    (void)state;
    Sampler s;
    float logits[4];

    /* temperature 0: the argmax of the raw logits, no coin drawn, logits untouched */
    assert_int_equal(build_sampler(&s, 4, 0.0f, 0.9f, 42, &math_libm), 0);
    const float raw[4] = {1.0f, 3.0f, 3.0f, 2.0f};
    memcpy(logits, raw, sizeof logits);
    assert_int_equal(sample(&s, logits), 1);
    assert_memory_equal(logits, raw, sizeof logits);
    assert_true(s.rng_state == 42);
    free_sampler(&s);

    /* temperature 1, topp 0 (multinomial) */
    assert_int_equal(build_sampler(&s, 4, 1.0f, 0.0f, 42, &math_libm), 0);
    for (int i = 0; i < 4; i++) logits[i] = 5.0f;
    assert_int_equal(sample(&s, logits), 1);
    assert_true(s.rng_state == 0x54000020ull); /* one draw */
    for (int i = 0; i < 4; i++) assert_true(logits[i] == 0.25f);
    free_sampler(&s);

    /* temperature 2 divides the logits first; topp 1 also means multinomial */
    assert_int_equal(build_sampler(&s, 4, 2.0f, 1.0f, 133742, &math_libm), 0);
    for (int i = 0; i < 4; i++) logits[i] = 4.0f;
    assert_int_equal(sample(&s, logits), 2);
    for (int i = 0; i < 4; i++) assert_true(logits[i] == 0.25f);
    free_sampler(&s);

    /* topp 0.9 on the uniform 4: all kept, cumulative 1.0 at last_idx 3, r = coin: the same picks */
    assert_int_equal(build_sampler(&s, 4, 1.0f, 0.9f, 133742, &math_libm), 0);
    for (int i = 0; i < 4; i++) logits[i] = -1.0f;
    assert_int_equal(sample(&s, logits), 2);
    free_sampler(&s);
    assert_int_equal(build_sampler(&s, 4, 1.0f, 0.9f, 1, &math_libm), 0);
    for (int i = 0; i < 4; i++) logits[i] = 0.0f;
    assert_int_equal(sample(&s, logits), 1);
    free_sampler(&s);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_argmax),
        cmocka_unit_test(test_mult),
        cmocka_unit_test(test_mult_zero_probabilities),
        cmocka_unit_test(test_mult_rounding_fallback),
        cmocka_unit_test(test_topp_basic),
        cmocka_unit_test(test_topp_ties_keep_index_order),
        cmocka_unit_test(test_topp_many_ties),
        cmocka_unit_test(test_topp_cutoff),
        cmocka_unit_test(test_topp_nothing_above_cutoff),
        cmocka_unit_test(test_random_u32),
        cmocka_unit_test(test_random_f32),
        cmocka_unit_test(test_sample),
    };
    return cmocka_run_group_tests_name("sampler", tests, NULL, NULL) == 0 ? 0 : 1;
}
