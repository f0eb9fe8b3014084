/* Private helpers of the soft-float library: field access, packing, shifting with a
 * sticky bit, normalization and the one rounding routine every operation ends in.
 *
 * Working format: an operation computes its exact result as sig * 2^(exp - 158) with
 * sig a 32-bit value whose leading one is at bit 31, so the 24 bits kept are bits 31..8
 * and the low byte decides the rounding. (158 = 127 + 31.) A normal number's significand
 * is then just its bit pattern shifted left by 8 with the hidden bit set. Bits shifted
 * out below bit 0 are "jammed" (ORed) into bit 0, which is all rounding to nearest even
 * needs of them.
 *
 * Written for cc65 as much as for C89: there, every 32-bit operation is a runtime call
 * of roughly 50-300 cycles while 8- and 16-bit ones are inline, and shifts by multiples
 * of 8 are byte moves. So values are split into 16-bit halves where that is enough
 * (sign and exponent live in the high half), shifts go by whole bytes first, and signs
 * are kept as 0 or 0x8000 in an unsigned int. */
#ifndef ENGINE_SOFTFLOAT_INTERNALS_H
#define ENGINE_SOFTFLOAT_INTERNALS_H

#include <limits.h>
#include "softfloat.h"

/* cc65 keeps locals on a software stack reached through a pointer; static locals are
 * plain memory and much cheaper. Nothing here recurses or is reentered. */
#ifdef __CC65__
#pragma static-locals(on)
#endif

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

/* Parts of a 32-bit value x (masked with SF_LOW32). */
#define sf_high(x) ((unsigned int)((x) >> 16))
#define sf_low(x) ((unsigned int)(x) & 0xFFFFu)
#define sf_low_byte(x) ((unsigned char)((unsigned int)(x) & 0xFFu))
#define sf_top_byte(x) ((unsigned char)((x) >> 24))

/* Sets bit 31 of the unsigned long variable v. A 32-bit OR is a runtime call on cc65;
 * there, little-endian like every 6502, the top byte is reached directly. */
#ifdef __CC65__
#define sf_set_bit31(v) (((unsigned char *)&(v))[3] |= 0x80)
#else
#define sf_set_bit31(v) ((v) |= SF_SIGN)
#endif

/* From the high half h of a binary32: the sign (0 or 0x8000) and biased exponent. */
#define SF_HIGH_SIGN 0x8000u
#define sf_exp_of_high(h) ((int)(((h) >> 7) & 0xFF))

/* The start of every binary operation: a and b masked to 32 bits, their high halves and
 * their biased exponents. */
#define SF_UNPACK(a, b, high_a, high_b, exp_a, exp_b) \
    do {                                               \
        (a) = SF_LOW32(a);                             \
        (b) = SF_LOW32(b);                             \
        (high_a) = sf_high(a);                         \
        (high_b) = sf_high(b);                         \
        (exp_a) = sf_exp_of_high(high_a);              \
        (exp_b) = sf_exp_of_high(high_b);              \
    } while (0)

/* A NaN: exponent all ones (checked on the high half first) and a nonzero fraction. */
#define sf_is_nan(x) ((sf_high(x) & 0x7F80u) == 0x7F80u && ((x) & SF_FRACTION) != 0)

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

/* Its shifting in place, for count 0..31: the unsigned long variable sig shifted right
 * by count (used up), whole bytes first, and the bits shifted out ORed into the unsigned
 * char variable sticky, which the caller zeroes before and jams after. sf32_add aligns
 * with it rather than a call, which made the cc65 build's add 3532 cycles instead of
 * 3119 (make softfloat-bench-6502). */
#define SF_SHIFT_RIGHT_STICKY(sig, count, sticky)                                \
    do {                                                                         \
        while ((count) >= 8) {                                                   \
            (sticky) |= sf_low_byte(sig);                                        \
            (sig) >>= 8;                                                         \
            (count) -= 8;                                                        \
        }                                                                        \
        if ((count) != 0) {                                                      \
            (sticky) |= sf_low_byte(sig) & (unsigned char)((1u << (count)) - 1); \
            (sig) >>= (count);                                                   \
        }                                                                        \
    } while (0)

/* sig (nonzero, 32 bits) shifted left until bit 31 is set; *shift gets the count. */
unsigned long sf_normalize(unsigned long sig, int *shift);

/* The correctly rounded binary32 for sign | sig * 2^(exp - 158). Requires sig < 2^32
 * and either sig >= 2^31 or exp <= 1 (a subnormal result). Handles overflow to infinity
 * and underflow to subnormals or zero. sign is 0 or SF_HIGH_SIGN. */
sf32 sf_round_pack(unsigned int sign, int exp, unsigned long sig);

/* The 24-bit significand (hidden bit at bit 23) of a finite nonzero x whose biased
 * exponent is *exp; for a subnormal it is normalized and *exp set to the matching
 * exponent (zero or negative). */
unsigned long sf_significand(sf32 x, int *exp);

/* sf_round_pack written out where it matters for speed: when exp is 1..254 the result
 * is normal or (with a carry from rounding) infinite, and the rounding is done here,
 * saving a call; other exponents go to sf_round_pack. Assigns result; modifies sig. */
#define SF_ROUND_PACK(result, sign, exp, sig)                                             \
    do {                                                                                  \
        unsigned char sf_round_bits;                                                      \
        if ((exp) <= 0 || (exp) >= 0xFF) {                                                \
            (result) = sf_round_pack((sign), (exp), (sig));                               \
        } else {                                                                          \
            sf_round_bits = sf_low_byte(sig);                                             \
            (sig) >>= 8;                                                                  \
            if (sf_round_bits > 0x80 || (sf_round_bits == 0x80 && (sf_low_byte(sig) & 1))) \
                ++(sig);                                                                  \
            (result) = ((unsigned long)((sign) | ((unsigned int)((exp) - 1) << 7)) << 16) + \
                       (sig);                                                             \
        }                                                                                 \
    } while (0)

/* The result of a binary operation with a NaN operand: the first NaN, quieted. */
sf32 sf_propagate_nan(sf32 a, sf32 b);

#endif
