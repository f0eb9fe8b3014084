/* Private helpers of the soft-float library: field access, packing, shifting with a
 * sticky bit, normalization and the one rounding routine every operation ends in.
 *
 * Working format: an operation computes its exact result as sig * 2^(exp - 157), with
 * sig < 2^31 and its leading one at bit 30 (157 = 127 + 30), so the 24 bits kept are
 * bits 30..7 and bits 6..0 decide the rounding. Bits shifted out below bit 0 are
 * "jammed" (ORed) into bit 0, which is all rounding to nearest even needs of them. */
#ifndef ENGINE_SOFTFLOAT_INTERNALS_H
#define ENGINE_SOFTFLOAT_INTERNALS_H

#include <limits.h>
#include "softfloat.h"

/* Only the low 32 bits of an unsigned long are significant. Where unsigned long is
 * exactly 32 bits (cc65, 32-bit hosts) masking would be wasted work. */
#if ULONG_MAX == 0xFFFFFFFFUL
#define SF_LOW32(x) (x)
#else
#define SF_LOW32(x) ((x) & 0xFFFFFFFFUL)
#endif

#define SF_SIGN 0x80000000UL
#define SF_MAGNITUDE 0x7FFFFFFFUL
#define SF_INFINITY 0x7F800000UL
#define SF_FRACTION 0x007FFFFFUL
#define SF_HIDDEN 0x00800000UL
#define SF_QUIET 0x00400000UL

/* Biased exponent (0..255). The shift is split as 16 then 7 so a 16-bit target does a
 * cheap word move and a 16-bit shift instead of a 23-step 32-bit shift. */
#define sf_exponent(a) ((int)(((unsigned int)((a) >> 16) >> 7) & 0xFF))
#define sf_fraction(a) ((a) & SF_FRACTION)
#define sf_is_nan(a) (((a) & SF_MAGNITUDE) > SF_INFINITY)

/* Unsigned products of 16x16 -> 32, 16x8 -> 24 and 8x8 -> 16 bits. C promotes to a
 * 32x32 multiply; on cc65 the runtime's narrow routines are several times faster. */
#ifdef __CC65__
#include <cc65.h>
#define sf_mul16x16(x, y) umul16x16r32((x), (y))
#define sf_mul16x8(x, y) umul16x8r32((x), (unsigned char)(y))
#define sf_mul8x8(x, y) umul8x8r16((unsigned char)(x), (unsigned char)(y))
#else
#define sf_mul16x16(x, y) ((unsigned long)(x) * (unsigned long)(y))
#define sf_mul16x8(x, y) ((unsigned long)(x) * (unsigned long)(y))
#define sf_mul8x8(x, y) ((unsigned int)(x) * (unsigned int)(y))
#endif

/* sig >> count, with any one bits shifted out ORed into bit 0. count >= 0. */
unsigned long sf_shift_right_jam(unsigned long sig, int count);

/* Number of leading zero bits of x as a 32-bit value; x must not be 0. */
int sf_count_leading_zeros(unsigned long x);

/* The correctly rounded binary32 for sign | sig * 2^(exp - 157). Requires sig < 2^31 and
 * either sig >= 2^30 or exp <= 1 (a subnormal result). Handles overflow to infinity and
 * underflow to subnormals or zero. sign is 0 or SF_SIGN. */
sf32 sf_round_pack(sf32 sign, int exp, unsigned long sig);

/* The result of a binary operation with a NaN operand: the first NaN, quieted. */
sf32 sf_propagate_nan(sf32 a, sf32 b);

/* Significand and exponent of a nonzero subnormal's fraction, normalized so the leading
 * one is at bit 23 like a normal number's hidden bit; returns the exponent (<= 0). */
int sf_normalize_subnormal(unsigned long *fraction);

/* a + (b with its sign bit flipped by negate_b): the common core of add and sub. */
sf32 sf_add_signed(sf32 a, sf32 b, sf32 negate_b);

#endif
