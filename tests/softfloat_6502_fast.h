/* Vector stream shared by softfloat_6502_fast_gen.c (host) and softfloat_6502_fast.c
 * (6502, sim65): the assembly fast paths (engine/softfloat/6502/) against hardware float.
 * One 17-byte record per case: operation, operands a, b, c, expected result, each 32-bit
 * value little-endian. */
#ifndef TESTS_SOFTFLOAT_6502_FAST_H
#define TESTS_SOFTFLOAT_6502_FAST_H

enum {
    FAST_MUL,  /* sf32_mul_6502(a, b) */
    FAST_ADD,  /* sf32_add_6502(a, b) */
    FAST_SUB,  /* sf32_sub_6502(a, b) */
    FAST_MAC,  /* dot({a, b}, {1, c}, 2): (0 + a * 1) + b * c, each operation rounded */
    FAST_ELEM, /* appends a to the vector w and b to x */
    FAST_DOT,  /* dot(w, x, a) over the elements appended since the last FAST_DOT */
    FAST_DIV,  /* sf32_div_6502(a, b) */
    FAST_LT,   /* sf32_lt_6502(a, b): expected 0 or 1 */
    FAST_LE,   /* sf32_le_6502(a, b) */
    FAST_EQ,   /* sf32_eq_6502(a, b) */
    FAST_TO_LONG, /* sf32_to_long_6502(a) */
    FAST_OPS
};

#define FAST_RECORD_SIZE 17
#define FAST_DOT_MAX 320 /* elements a FAST_DOT may have: the counter's high byte counts */
#define FAST_C64_RECORDS 2000 /* the C64 build's records, compiled in */

#endif
