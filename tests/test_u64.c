/* engine/u64.c (C89 64-bit arithmetic on two unsigned longs) against uint64_t, bit for bit.
 *
 * Every operation over edge values (0, 1, powers of two, all ones, the halves' borders) and
 * a few hundred thousand random operands, every shift count 0..63, and llama2.c's xorshift
 * generator run for many steps both ways. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>

#include "engine/sampler.h"
#include "engine/u64.h"

#define RANDOM_CASES 200000

static u64 split(uint64_t v) {
    u64 r;
    u64_set(&r, (unsigned long)(v >> 32), (unsigned long)(v & 0xFFFFFFFFu));
    return r;
}

static uint64_t join(const u64 *a) {
    /* the halves must carry no bits above 32, whatever the width of unsigned long */
    assert_true(a->high <= 0xFFFFFFFFUL);
    assert_true(a->low <= 0xFFFFFFFFUL);
    return ((uint64_t)a->high << 32) | (uint64_t)a->low;
}

static const uint64_t edges[] = {
    0, 1, 2, 3, 0x7F, 0x80, 0xFF, 0x100, 0xFFFF, 0x10000, 0x1FFFF, 0x7FFFFFFF, 0x80000000,
    0xFFFFFFFF, 0x100000000, 0x100000001, 0x1FFFFFFFF, 0x7FFFFFFFFFFFFFFF, 0x8000000000000000,
    0x8000000000000001, 0xFFFFFFFF00000000, 0x00000000FFFFFFFF, 0xFFFFFFFFFFFFFFFE,
    0xFFFFFFFFFFFFFFFF, 0x2545F4914F6CDD1D, 0x0123456789ABCDEF, 0xFEDCBA9876543210,
    0xFFFF0000FFFF0000, 0x0000FFFF0000FFFF,
};
#define EDGES (sizeof edges / sizeof edges[0])

/* splitmix64, the operand generator (independent of the code under test) */
static uint64_t next_random(uint64_t *s) {
    uint64_t z = (*s += 0x9E3779B97F4A7C15u);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9u;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBu;
    return z ^ (z >> 31);
}

/* Random operands with a bias towards sparse and dense bit patterns, where carries and
 * borrows between the halves happen. */
static uint64_t random_operand(uint64_t *s) {
    uint64_t v = next_random(s);
    switch (next_random(s) % 4) {
    case 0: return v;
    case 1: return v & next_random(s) & next_random(s);
    case 2: return v | next_random(s) | next_random(s);
    default: return v >> (next_random(s) % 64);
    }
}

static void check_binary(uint64_t x, uint64_t y) {
    u64 a = split(x), b = split(y), r;
    u64_add(&r, &a, &b);
    assert_true(join(&r) == x + y);
    u64_mul(&r, &a, &b);
    assert_true(join(&r) == x * y);
    u64_xor(&r, &a, &b);
    assert_true(join(&r) == (x ^ y));
    assert_int_equal(u64_eq(&a, &b), x == y);
    /* results through an operand */
    r = a;
    u64_mul(&r, &r, &b);
    assert_true(join(&r) == x * y);
}

static void test_edges(void **state) {
    (void)state;
    for (size_t i = 0; i < EDGES; i++)
        for (size_t j = 0; j < EDGES; j++) check_binary(edges[i], edges[j]);
}

static void test_random(void **state) {
    (void)state;
    uint64_t s = 20240601;
    for (long i = 0; i < RANDOM_CASES; i++) {
        uint64_t x = random_operand(&s), y = random_operand(&s);
        check_binary(x, y);
    }
}

static void test_shifts(void **state) {
    (void)state;
    uint64_t s = 7;
    for (size_t i = 0; i < EDGES + 1000; i++) {
        uint64_t x = i < EDGES ? edges[i] : random_operand(&s);
        for (int n = 0; n < 64; n++) {
            u64 a = split(x), r;
            u64_shl(&r, &a, n);
            assert_true(join(&r) == x << n);
            u64_shr(&r, &a, n);
            assert_true(join(&r) == x >> n);
            u64_shr(&a, &a, n); /* in place */
            assert_true(join(&a) == x >> n);
        }
    }
}

/* The high bits of an unsigned long wider than 32 bits are ignored on input. */
static void test_wide_inputs_ignored(void **state) {
    (void)state;
    if (sizeof(unsigned long) * 8 <= 32) skip();
    u64 a, b, r;
    a.high = ~0UL;
    a.low = ~0UL;
    b.high = 0;
    b.low = 1;
    u64_add(&r, &a, &b);
    assert_true(join(&r) == 0);
    u64_mul(&r, &a, &a);
    assert_true(join(&r) == 1);
    u64_shl(&r, &a, 0);
    assert_true(join(&r) == UINT64_MAX);
}

/* llama2.c's generator on uint64_t: the oracle for the sampler's rng_u32 on u64 */
static uint32_t xorshift_native(uint64_t *state) {
    *state ^= *state >> 12;
    *state ^= *state << 25;
    *state ^= *state >> 27;
    return (uint32_t)((*state * 0x2545F4914F6CDD1Dull) >> 32);
}

static void test_xorshift_sequence(void **state) {
    (void)state;
    static const uint64_t seeds[] = {1, 42, 133742, 21, 0xFFFFFFFF, 0x8000000000000000u, 0xDEADBEEFCAFEF00Du};
    for (size_t i = 0; i < sizeof seeds / sizeof seeds[0]; i++) {
        uint64_t native = seeds[i];
        u64 ours = split(seeds[i]);
        for (int step = 0; step < 100000; step++) {
            uint32_t want = xorshift_native(&native);
            unsigned long got = rng_u32(&ours);
            if (got != want) fail_msg("seed %llu step %d: %08lx, want %08lx", (unsigned long long)seeds[i], step, got,
                                      (unsigned long)want);
            assert_true(join(&ours) == native);
        }
    }
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_edges),
        cmocka_unit_test(test_random),
        cmocka_unit_test(test_shifts),
        cmocka_unit_test(test_wide_inputs_ignored),
        cmocka_unit_test(test_xorshift_sequence),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
