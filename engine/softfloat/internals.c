/* Shared helpers: jamming shift, normalization, unpacking, rounding and packing, NaN
 * choice.
 *
 * Rounding (sf_round_pack): with the exact value as sig * 2^(exp - 158), the low byte of
 * sig is below the last kept bit: above 0x80 rounds up, below rounds down, exactly 0x80
 * rounds to the even neighbour. The biased exponent is added as (exp - 1) << 23 to a
 * significand that still holds its hidden bit, so a carry out of rounding moves into the
 * exponent field by itself (up to infinity at the top), and a subnormal rounding up to
 * 2^-126 becomes the smallest normal number. */
#include "internals.h"

unsigned long sf_shift_right_jam(unsigned long sig, int count)
{
    unsigned char sticky = 0;

    if (count >= 32)
        return sig != 0;
    SF_SHIFT_RIGHT_STICKY(sig, count, sticky);
    return sticky != 0 ? sig | 1 : sig;
}

unsigned long sf_normalize(unsigned long sig, int *shift)
{
    /* Leading zeros of a 4-bit value. */
    static const unsigned char nibble_zeros[16] = {4, 3, 2, 2, 1, 1, 1, 1,
                                                   0, 0, 0, 0, 0, 0, 0, 0};
    unsigned char top;
    int count = 0, bits;

    while ((top = sf_top_byte(sig)) == 0) {
        sig = SF_LOW32(sig << 8);
        count += 8;
    }
    bits = top >= 0x10 ? nibble_zeros[top >> 4] : 4 + nibble_zeros[top];
    *shift = count + bits;
    return SF_LOW32(sig << bits);
}

unsigned long sf_significand(sf32 x, int *exp)
{
    int shift;

    if (*exp != 0)
        return (x & SF_FRACTION) | SF_HIDDEN;
    x = sf_normalize(SF_LOW32(x << 8), &shift);
    *exp = 1 - shift;
    return x >> 8;
}

sf32 sf_round_pack(unsigned int sign, int exp, unsigned long sig)
{
    unsigned char round_bits;

    if (exp <= 0) {
        /* Subnormal or zero: denormalize to exponent 1 first, then round once. */
        sig = sf_shift_right_jam(sig, 1 - exp);
        exp = 1;
    } else if (exp >= 0xFF) {
        return ((unsigned long)sign << 16) | SF_INFINITY;
    }
    round_bits = sf_low_byte(sig);
    sig >>= 8;
    if (round_bits > 0x80 || (round_bits == 0x80 && (sf_low_byte(sig) & 1)))
        ++sig;
    return ((unsigned long)(sign | ((unsigned int)(exp - 1) << 7)) << 16) + sig;
}

sf32 sf_propagate_nan(sf32 a, sf32 b)
{
    return (sf_is_nan(a) ? a : b) | SF_QUIET;
}
