/* Writes the vector stream the 6502 soft-float fast paths are checked against
 * (softfloat_6502_fast.c under sim65), expected results from hardware float.
 *
 * First every pair of the special values (softfloat_cases.h: zeros, subnormals, the
 * normal range's ends, ulp neighbours, infinities, NaNs) for multiply, add, subtract, a
 * dot product step, divide and the three comparisons, then random cases of every kind of
 * softfloat_cases.h (cancellation, alignment around the significand width, subnormals, near overflow and underflow) with
 * sparse and all-ones fractions (exact results, ties, carries out of the significand),
 * multiply-adds whose addend is aimed at the product (cancellation, exact zeros), and dot
 * products of 1 to 320 elements; divisions (of the same kinds, and products divided by a
 * factor, which are often exact) and comparisons (kinds 4 and 5: equal and neighbouring
 * values, zeros of both signs), and conversions to long (every special value, powers of
 * two and their neighbours around 1 .. 2^31, random ones). Where the hardware gives a NaN the host soft-float's NaN
 * is expected (the fast paths hand NaNs to it). The host soft-float must agree with
 * hardware everywhere else, or this program fails.
 *
 * usage: softfloat_6502_fast_gen RANDOM_CASES SEED [--no-specials | --c64] > STREAM
 * --c64: for the C64 program (softfloat_6502_fast.c built for the C64, which has no input
 * stream): no special pairs but every special value against a random one, the records as
 * a C array, at most FAST_C64_RECORDS. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../engine/softfloat/softfloat.h"
#include "softfloat_6502_fast.h"
/* The shared case library has helpers for operations not tested here. */
#pragma GCC diagnostic ignored "-Wunused-function"
#include "softfloat_cases.h"

static unsigned long written, disagreements;
static int c_array; /* --c64 */

static void put32(uint32_t v, unsigned char *p)
{
    p[0] = (unsigned char)v;
    p[1] = (unsigned char)(v >> 8);
    p[2] = (unsigned char)(v >> 16);
    p[3] = (unsigned char)(v >> 24);
}

static void emit(int op, uint32_t a, uint32_t b, uint32_t c, uint32_t hardware, unsigned long soft)
{
    unsigned char record[FAST_RECORD_SIZE];
    uint32_t want = hardware;
    if (case_is_nan(hardware) && case_is_nan((uint32_t)soft))
        want = (uint32_t)soft;
    if (want != soft && disagreements++ < 10)
        fprintf(stderr, "op %d (%08lx, %08lx, %08lx): soft %08lx, hardware %08lx\n", op, (unsigned long)a,
                (unsigned long)b, (unsigned long)c, soft, (unsigned long)hardware);
    record[0] = (unsigned char)op;
    put32(a, record + 1);
    put32(b, record + 5);
    put32(c, record + 9);
    put32(want, record + 13);
    if (c_array) {
        int i;
        for (i = 0; i < FAST_RECORD_SIZE; ++i)
            printf("%u,%s", record[i], i == FAST_RECORD_SIZE - 1 ? "\n" : "");
    } else if (fwrite(record, sizeof record, 1, stdout) != 1) {
        perror("softfloat_6502_fast_gen: write");
        exit(1);
    }
    ++written;
}

#define ONE 0x3F800000u

/* The dot product step as the 6502 test runs it: dot({a, b}, {1, c}, 2). */
static void emit_mac(uint32_t a, uint32_t b, uint32_t c)
{
    uint32_t hw = hw_add(hw_add(0, hw_mul(a, ONE)), hw_mul(b, c));
    unsigned long soft = sf32_add(sf32_add(0, sf32_mul(a, ONE)), sf32_mul(b, c));
    emit(FAST_MAC, a, b, c, hw, soft);
}

static void emit_binary(int op, uint32_t a, uint32_t b)
{
    switch (op) {
    case FAST_MUL:
        emit(op, a, b, 0, hw_mul(a, b), sf32_mul(a, b));
        break;
    case FAST_ADD:
        emit(op, a, b, 0, hw_add(a, b), sf32_add(a, b));
        break;
    case FAST_SUB:
        emit(op, a, b, 0, hw_sub(a, b), sf32_sub(a, b));
        break;
    case FAST_DIV:
        emit(op, a, b, 0, hw_div(a, b), sf32_div(a, b));
        break;
    case FAST_LT:
        emit(op, a, b, 0, (uint32_t)hw_lt(a, b), (unsigned long)sf32_lt(a, b));
        break;
    case FAST_LE:
        emit(op, a, b, 0, (uint32_t)hw_le(a, b), (unsigned long)sf32_le(a, b));
        break;
    default:
        emit(op, a, b, 0, (uint32_t)hw_eq(a, b), (unsigned long)sf32_eq(a, b));
        break;
    }
}

/* The conversion to long (its documented contract: softfloat_cases.h), as 32 bits. */
static void emit_to_long(uint32_t a)
{
    emit(FAST_TO_LONG, a, 0, 0, (uint32_t)expected_to_long(a), (unsigned long)(uint32_t)sf32_to_long_trunc(a));
}

/* An addend for the product p: random, or aimed at it (its negation, a few ulps away with
 * either sign, or an exponent up to 34 away), or a zero. */
static uint32_t addend_for(CaseRng *rng, uint32_t p)
{
    int e = (int)((p >> 23) & 0xFF);
    switch (case_range(rng, 0, 5)) {
    case 0:
        return case_next32(rng);
    case 1:
        return p ^ 0x80000000u;
    case 2:
        return (p + (uint32_t)case_range(rng, -3, 3)) ^ (case_sign(rng) ? 0x80000000u : 0);
    case 3:
        return case_make(case_sign(rng), case_clamp_exp(e + case_range(rng, -34, 34)), case_fraction(rng));
    case 4:
        return case_make(case_sign(rng), case_clamp_exp(e + case_range(rng, -2, 2)), case_fraction(rng));
    default:
        return case_sign(rng) ? 0x80000000u : 0;
    }
}

/* Divisions at the ends of the exponent range with fractions next to 0 and to all ones,
 * where the quotient rounds up to the next power of two, or just misses: a carry of the
 * rounding into an exponent of 255 (overflow) or out of the subnormals must go to C. */
static void emit_div_edges(void)
{
    static const int exps_a[] = {1, 2, 3, 126, 127, 252, 253, 254};
    static const int exps_b[] = {1, 2, 125, 126, 127, 128, 129, 253, 254};
    static const uint32_t fractions[] = {0, 1, 2, 0x400000, 0x7FFFFD, 0x7FFFFE, 0x7FFFFF};
    size_t ia, ib, fa, fb;
    for (ia = 0; ia < sizeof exps_a / sizeof exps_a[0]; ++ia)
        for (ib = 0; ib < sizeof exps_b / sizeof exps_b[0]; ++ib)
            for (fa = 0; fa < sizeof fractions / sizeof fractions[0]; ++fa)
                for (fb = 0; fb < sizeof fractions / sizeof fractions[0]; ++fb)
                    emit_binary(FAST_DIV, case_make((uint32_t)(fb & 1), exps_a[ia], fractions[fa]),
                                case_make(0, exps_b[ib], fractions[fb]));
}

/* A dot product of n elements, exponents around 127 so that the sums interact. */
static void emit_dot(CaseRng *rng, int n)
{
    uint32_t hw = 0;
    unsigned long soft = 0;
    int j;
    for (j = 0; j < n; ++j) {
        uint32_t w = case_make(case_sign(rng), case_range(rng, 110, 140), case_fraction(rng));
        uint32_t x = case_make(case_sign(rng), case_range(rng, 110, 140), case_fraction(rng));
        if (case_range(rng, 0, 63) == 0) { /* now and then a special one */
            uint32_t specials[CASE_SPECIAL_MAX];
            int count = case_specials(specials);
            x = specials[case_range(rng, 0, count - 1)];
        }
        emit(FAST_ELEM, w, x, 0, 0, 0);
        hw = hw_add(hw, hw_mul(w, x));
        soft = sf32_add(soft, sf32_mul(w, x));
    }
    emit(FAST_DOT, (uint32_t)n, 0, 0, hw, soft);
}

int main(int argc, char **argv)
{
    static const int case_ops[] = {CASE_MUL, CASE_ADD, CASE_SUB};
    uint32_t specials[CASE_SPECIAL_MAX];
    int special_count, i, j, op;
    long cases, k;
    CaseRng rng;

    if (argc < 3 || argc > 4 || (cases = atol(argv[1])) < 0 ||
        (argc == 4 && strcmp(argv[3], "--no-specials") != 0 && strcmp(argv[3], "--c64") != 0)) {
        fprintf(stderr, "usage: %s RANDOM_CASES SEED [--no-specials | --c64] > STREAM\n", argv[0]);
        return 2;
    }
    rng.state = (uint64_t)strtoull(argv[2], NULL, 10);
    special_count = case_specials(specials);
    c_array = argc == 4 && strcmp(argv[3], "--c64") == 0;

    if (c_array) {
        for (i = 0; i < special_count; ++i) {
            uint32_t r = case_make(case_sign(&rng), case_range(&rng, 1, 254), case_fraction(&rng));
            emit_binary(FAST_MUL, specials[i], r);
            emit_binary(FAST_ADD, r, specials[i]);
            emit_mac(r, specials[i], specials[case_range(&rng, 0, special_count - 1)]);
            if (i % 2 == 0)
                emit_binary(FAST_DIV, specials[i], r);
            else
                emit_binary(FAST_DIV, r, specials[i]);
            emit_binary(FAST_LT + i % 3, specials[i], specials[case_range(&rng, 0, special_count - 1)]);
            if (i % 2 == 0)
                emit_to_long(specials[i]);
        }
        emit_dot(&rng, 257);
    } else if (argc == 3) {
        for (i = 0; i < special_count; ++i)
            for (j = 0; j < special_count; ++j) {
                for (op = FAST_MUL; op <= FAST_SUB; ++op)
                    emit_binary(op, specials[i], specials[j]);
                for (op = FAST_DIV; op <= FAST_EQ; ++op)
                    emit_binary(op, specials[i], specials[j]);
                emit_mac(specials[case_range(&rng, 0, special_count - 1)], specials[i], specials[j]);
            }
        emit_div_edges();
        for (i = 0; i < special_count; ++i)
            emit_to_long(specials[i]);
        for (i = 0; i < 32 * 3; ++i) /* 2^(i/3 - 1) and its neighbours, either sign */
            for (j = -2; j <= 2; ++j) {
                emit_to_long(case_make(0, 126 + i / 3, (uint32_t)(i % 3 == 0 ? 0 : i % 3 == 1 ? 0x400000 : 0x7FFFFF)) + (uint32_t)j);
                emit_to_long(case_make(1, 126 + i / 3, (uint32_t)(i % 3 == 0 ? 0 : i % 3 == 1 ? 0x400000 : 0x7FFFFF)) + (uint32_t)j);
            }
        emit_dot(&rng, 0);
        emit_dot(&rng, 1);
        emit_dot(&rng, 255);
        emit_dot(&rng, 256);
        emit_dot(&rng, 257);
        emit_dot(&rng, FAST_DOT_MAX);
    }
    /* random cases: for each, a multiply, an add, a subtract, a multiply-add, a division
     * and a comparison, every fourth a conversion to long */
    for (k = 0; k < cases; ++k) {
        uint32_t a, b, p;
        int kind = (int)(k % CASE_KINDS);
        for (op = FAST_MUL; op <= FAST_SUB; ++op) {
            case_pair(&rng, case_ops[op], kind, &a, &b);
            emit_binary(op, a, b);
        }
        case_pair(&rng, CASE_MUL, kind, &a, &b);
        p = hw_mul(a, b);
        emit_mac(addend_for(&rng, p), a, b);
        if (k % 2 == 0 || case_is_nan(p)) {
            case_pair(&rng, CASE_DIV, kind, &a, &b);
            emit_binary(FAST_DIV, a, b);
        } else {
            emit_binary(FAST_DIV, p, b); /* often exact: a zero remainder */
        }
        case_pair(&rng, CASE_COMPARE, kind, &a, &b);
        emit_binary(FAST_LT + (int)(k % 3), a, b);
        if (k % 4 == 0)
            emit_to_long(case_unary(&rng, (int)(k / 4)));
        if (k % 256 == 255)
            emit_dot(&rng, case_range(&rng, 1, FAST_DOT_MAX));
    }
    if (c_array && written > FAST_C64_RECORDS) {
        fprintf(stderr, "softfloat_6502_fast_gen: %lu records, more than the C64 holds (%d)\n", written,
                FAST_C64_RECORDS);
        return 1;
    }
    if (fflush(stdout) != 0) {
        perror("softfloat_6502_fast_gen: write");
        return 1;
    }
    if (disagreements) {
        fprintf(stderr, "softfloat_6502_fast_gen: %lu of %lu host soft-float results differ from hardware\n",
                disagreements, written);
        return 1;
    }
    fprintf(stderr, "softfloat_6502_fast_gen: %lu vectors\n", written);
    return 0;
}
