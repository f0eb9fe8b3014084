/* Writes the vector stream the 6502 soft-float fast paths are checked against
 * (softfloat_6502_fast.c under sim65), expected results from hardware float.
 *
 * First every pair of the special values (softfloat_cases.h: zeros, subnormals, the
 * normal range's ends, ulp neighbours, infinities, NaNs) for multiply, add, subtract and
 * a dot product step, then random cases of every kind of softfloat_cases.h (cancellation,
 * alignment around the significand width, subnormals, near overflow and underflow) with
 * sparse and all-ones fractions (exact results, ties, carries out of the significand),
 * multiply-adds whose addend is aimed at the product (cancellation, exact zeros), and dot
 * products of 1 to 320 elements. Where the hardware gives a NaN the host soft-float's NaN
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
    if (op == FAST_MUL)
        emit(op, a, b, 0, hw_mul(a, b), sf32_mul(a, b));
    else if (op == FAST_ADD)
        emit(op, a, b, 0, hw_add(a, b), sf32_add(a, b));
    else
        emit(op, a, b, 0, hw_sub(a, b), sf32_sub(a, b));
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
        }
        emit_dot(&rng, 257);
    } else if (argc == 3) {
        for (i = 0; i < special_count; ++i)
            for (j = 0; j < special_count; ++j) {
                for (op = FAST_MUL; op <= FAST_SUB; ++op)
                    emit_binary(op, specials[i], specials[j]);
                emit_mac(specials[case_range(&rng, 0, special_count - 1)], specials[i], specials[j]);
            }
        emit_dot(&rng, 0);
        emit_dot(&rng, 1);
        emit_dot(&rng, 255);
        emit_dot(&rng, 256);
        emit_dot(&rng, 257);
        emit_dot(&rng, FAST_DOT_MAX);
    }
    /* random cases: for each, a multiply, an add, a subtract and a multiply-add */
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
