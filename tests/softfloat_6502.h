/* Vector file shared by softfloat_6502_gen.c (host) and softfloat_6502_check.c (6502).
 * One 13-byte record per case: operation, operand a, operand b, expected result, each
 * 32-bit value little-endian. For from_long the operand is the long's 32-bit two's
 * complement pattern, for to_long the result; comparisons give 0 or 1. */
#ifndef TESTS_SOFTFLOAT_6502_H
#define TESTS_SOFTFLOAT_6502_H

enum {
    VEC_ADD,
    VEC_SUB,
    VEC_MUL,
    VEC_DIV,
    VEC_SQRT,
    VEC_EQ,
    VEC_LT,
    VEC_LE,
    VEC_FROM_LONG,
    VEC_TO_LONG,
    VEC_FLOOR,
    VEC_OPS
};

#define VEC_RECORD_SIZE 13

#endif
