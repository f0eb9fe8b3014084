/* Writes the vectors the 6502 build of the soft-float library is checked against.
 *
 * Expected results come from hardware float. Where the hardware result is a NaN the
 * host soft-float result (also a NaN, or this program fails) is written instead, so the
 * 6502 build must match the host build bit for bit, NaN payloads included.
 *
 * usage: softfloat_6502_gen FILE CASES_PER_OPERATION */
#include <stdio.h>
#include <stdlib.h>

#include "../engine/softfloat/softfloat.h"
#include "softfloat_6502.h"
#include "softfloat_cases.h"

static FILE *out;
static unsigned long written, disagreements;

static void put32(uint32_t v, unsigned char *p)
{
    p[0] = (unsigned char)v;
    p[1] = (unsigned char)(v >> 8);
    p[2] = (unsigned char)(v >> 16);
    p[3] = (unsigned char)(v >> 24);
}

static void emit(int op, uint32_t a, uint32_t b, uint32_t hardware, unsigned long soft)
{
    unsigned char record[VEC_RECORD_SIZE];
    uint32_t want = hardware;
    if (case_is_nan(hardware) && case_is_nan((uint32_t)soft) && soft <= 0xFFFFFFFFu)
        want = (uint32_t)soft;
    if (want != soft && disagreements++ < 10)
        fprintf(stderr, "op %d (%08lx, %08lx): soft %08lx, hardware %08lx\n", op,
                (unsigned long)a, (unsigned long)b, soft, (unsigned long)hardware);
    record[0] = (unsigned char)op;
    put32(a, record + 1);
    put32(b, record + 5);
    put32(want, record + 9);
    if (fwrite(record, sizeof record, 1, out) != 1) {
        perror("write");
        exit(1);
    }
    ++written;
}

static void emit_binary(int op, uint32_t a, uint32_t b)
{
    switch (op) {
    case VEC_ADD:
        emit(op, a, b, hw_add(a, b), sf32_add(a, b));
        break;
    case VEC_SUB:
        emit(op, a, b, hw_sub(a, b), sf32_sub(a, b));
        break;
    case VEC_MUL:
        emit(op, a, b, hw_mul(a, b), sf32_mul(a, b));
        break;
    case VEC_DIV:
        emit(op, a, b, hw_div(a, b), sf32_div(a, b));
        break;
    case VEC_EQ:
        emit(op, a, b, (uint32_t)hw_eq(a, b), (unsigned long)sf32_eq(a, b));
        break;
    case VEC_LT:
        emit(op, a, b, (uint32_t)hw_lt(a, b), (unsigned long)sf32_lt(a, b));
        break;
    default:
        emit(op, a, b, (uint32_t)hw_le(a, b), (unsigned long)sf32_le(a, b));
        break;
    }
}

int main(int argc, char **argv)
{
    static const int case_ops[] = {CASE_ADD, CASE_SUB, CASE_MUL, CASE_DIV,
                                   0,        CASE_COMPARE, CASE_COMPARE, CASE_COMPARE};
    uint32_t specials[CASE_SPECIAL_MAX];
    int special_count, op, i, j;
    long per_op, k;
    CaseRng rng;

    if (argc != 3 || (per_op = atol(argv[2])) <= 0) {
        fprintf(stderr, "usage: %s FILE CASES_PER_OPERATION\n", argv[0]);
        return 2;
    }
    out = fopen(argv[1], "wb");
    if (out == NULL) {
        perror(argv[1]);
        return 1;
    }
    rng.state = 6502;
    special_count = case_specials(specials);

    for (op = VEC_ADD; op <= VEC_LE; ++op) {
        if (op == VEC_SQRT)
            continue;
        /* A quarter special pairs (chosen at random), the rest of every random kind. */
        for (k = 0; k < per_op / 4; ++k) {
            i = case_range(&rng, 0, special_count - 1);
            j = case_range(&rng, 0, special_count - 1);
            emit_binary(op, specials[i], specials[j]);
        }
        for (; k < per_op; ++k) {
            uint32_t a, b;
            case_pair(&rng, case_ops[op], (int)(k % CASE_KINDS), &a, &b);
            emit_binary(op, a, b);
        }
    }
    for (i = 0; i < special_count; ++i) {
        uint32_t a = specials[i];
        emit(VEC_SQRT, a, 0, hw_sqrt(a), sf32_sqrt(a));
        emit(VEC_FLOOR, a, 0, hw_floor(a), sf32_floor(a));
        emit(VEC_TO_LONG, a, 0, (uint32_t)expected_to_long(a),
             (uint32_t)sf32_to_long_trunc(a));
    }
    for (k = 0; k < per_op; ++k) {
        uint32_t a = case_unary(&rng, (int)k);
        long l = case_long(&rng, 1);
        emit(VEC_SQRT, a & 0x7FFFFFFFu, 0, hw_sqrt(a & 0x7FFFFFFFu),
             sf32_sqrt(a & 0x7FFFFFFFu));
        a = case_unary(&rng, (int)k + 2 * (int)(k & 1)); /* more of floor's own range */
        emit(VEC_FLOOR, a, 0, hw_floor(a), sf32_floor(a));
        a = case_unary(&rng, (int)k + 2 * (int)(k & 1));
        emit(VEC_TO_LONG, a, 0, (uint32_t)expected_to_long(a),
             (uint32_t)sf32_to_long_trunc(a));
        emit(VEC_FROM_LONG, (uint32_t)l, 0, hw_from_long(l), sf32_from_long(l));
    }
    for (i = 0; i <= 31; ++i) { /* 2^i - 1, 2^i, 2^i + 1 and their negatives */
        long p = (long)(1ul << i) - 1;
        for (j = 0; j < 3 && p <= 2147483647L; ++j, ++p) {
            emit(VEC_FROM_LONG, (uint32_t)p, 0, hw_from_long(p), sf32_from_long(p));
            emit(VEC_FROM_LONG, (uint32_t)-p, 0, hw_from_long(-p), sf32_from_long(-p));
        }
    }
    emit(VEC_FROM_LONG, 0x80000000u, 0, hw_from_long(-2147483647L - 1),
         sf32_from_long(-2147483647L - 1));

    if (fclose(out) != 0) {
        perror(argv[1]);
        return 1;
    }
    if (disagreements) {
        fprintf(stderr, "%lu of %lu host soft-float results differ from hardware\n",
                disagreements, written);
        return 1;
    }
    printf("%s: %lu vectors\n", argv[1], written);
    return 0;
}
