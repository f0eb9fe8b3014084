/* Shared helpers: jamming shift, leading-zero count, rounding and packing, NaN choice.
 *
 * Rounding (sf_round_pack): with the exact value as sig * 2^(exp - 157), bits 6..0 of
 * sig are below the last kept bit. Adding 0x40 (half an ulp) and dropping them rounds
 * half up; when they were exactly 0x40 the result is then made even by clearing its
 * last bit. The biased exponent is added as (exp - 1) << 23 to a significand that
 * still holds its hidden bit, so a carry out of rounding moves into the exponent field
 * by itself (up to infinity at the top), and a subnormal rounding up to 2^-126 becomes
 * the smallest normal number. */
#include "internals.h"

unsigned long sf_shift_right_jam(unsigned long sig, int count)
{
    if (count == 0)
        return sig;
    if (count < 32)
        return (sig >> count) | ((sig & ((1UL << count) - 1)) != 0);
    return sig != 0;
}

int sf_count_leading_zeros(unsigned long x)
{
    /* Leading zeros of a nonzero 4-bit value. */
    static const unsigned char nibble_zeros[16] = {4, 3, 2, 2, 1, 1, 1, 1,
                                                   0, 0, 0, 0, 0, 0, 0, 0};
    int count = 0;

    if (x < 0x10000UL) {
        x <<= 16;
        count = 16;
    }
    if (x < 0x1000000UL) {
        x <<= 8;
        count += 8;
    }
    if (x < 0x10000000UL) {
        x <<= 4;
        count += 4;
    }
    return count + nibble_zeros[(unsigned int)(x >> 16) >> 12];
}

sf32 sf_round_pack(sf32 sign, int exp, unsigned long sig)
{
    unsigned int round_bits;

    if (exp <= 0) {
        /* Subnormal or zero: denormalize to exponent 1 first, then round once. */
        sig = sf_shift_right_jam(sig, 1 - exp);
        exp = 1;
    } else if (exp >= 0xFF) {
        return sign | SF_INFINITY;
    }
    round_bits = (unsigned int)sig & 0x7F;
    sig = (sig + 0x40) >> 7;
    if (round_bits == 0x40)
        sig &= ~1UL;
    return sign + ((unsigned long)(exp - 1) << 23) + sig;
}

sf32 sf_propagate_nan(sf32 a, sf32 b)
{
    return (sf_is_nan(a) ? a : b) | SF_QUIET;
}

int sf_normalize_subnormal(unsigned long *fraction)
{
    int shift = sf_count_leading_zeros(*fraction) - 8;

    *fraction <<= shift;
    return 1 - shift;
}
