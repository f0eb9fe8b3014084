/* softfloat: IEEE-754 binary32 arithmetic with integers only.
 *
 * For targets without a float type (cc65 on the 6502). Every operation is correctly
 * rounded to nearest, ties to even, with subnormals, infinities and NaNs, and gives the
 * same bits as SSE hardware float for every non-NaN result. Portable C89: no float, no
 * long long, int may be 16 bits; unsigned long holds a value's bit pattern.
 *
 * Bit patterns: only the low 32 bits of an sf32 are read; results have the high bits
 * (where unsigned long is wider than 32 bits) clear.
 *
 * NaN policy (the one x86 SSE follows, so host and soft-float usually agree even on
 * NaN bits): an operation with a NaN operand returns the first NaN operand, quieted
 * (bit 22 set, sign and payload kept); an invalid operation on non-NaN operands
 * (inf - inf, 0 * inf, 0 / 0, inf / inf, sqrt of a negative) returns SF32_DEFAULT_NAN.
 * Callers that need portable results should only rely on "the result is a NaN".
 * No exception flags are kept. */
#ifndef ENGINE_SOFTFLOAT_SOFTFLOAT_H
#define ENGINE_SOFTFLOAT_SOFTFLOAT_H

typedef unsigned long sf32;

#define SF32_DEFAULT_NAN 0xFFC00000UL

sf32 sf32_add(sf32 a, sf32 b);
sf32 sf32_sub(sf32 a, sf32 b);
sf32 sf32_mul(sf32 a, sf32 b);
sf32 sf32_div(sf32 a, sf32 b);
sf32 sf32_sqrt(sf32 a);

/* Ordered comparisons: false whenever an operand is a NaN; -0 equals +0. */
int sf32_eq(sf32 a, sf32 b);
int sf32_lt(sf32 a, sf32 b);
int sf32_le(sf32 a, sf32 b);

/* Any long (also 64-bit ones on hosts), rounded to nearest even. */
sf32 sf32_from_long(long i);

/* Truncated toward zero, into the range of a 32-bit long on every target, so a host
 * build and the 6502 build agree: NaN gives 0, values >= 2^31 (and +inf) give
 * 2147483647, values < -2^31 (and -inf) give -2147483648. Hardware conversion leaves
 * these cases undefined in C; in range the result equals the hardware's. */
long sf32_to_long_trunc(sf32 a);

/* Largest integral value not greater than a, as floorf: keeps -0, floor(-0.5) = -1,
 * infinities unchanged, a NaN is returned quieted. */
sf32 sf32_floor(sf32 a);

#endif
