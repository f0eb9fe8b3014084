/* Multiplication.
 *
 * The 24-bit significands (subnormals normalized first) are split into an 8-bit high and
 * a 16-bit low part, and the 48-bit product is assembled from four partial products
 * (16x16, two 16x8, 8x8), each of which fits an unsigned long. Only the top 32 bits of
 * the product are kept, its low 16 bits reduced to a sticky bit; the product lies in
 * [2^46, 2^48), so at most one more left shift puts the leading one at bit 31. */
#include "internals.h"

sf32 sf32_mul(sf32 a, sf32 b)
{
    unsigned int high_a, high_b, sign, a_low, b_low;
    unsigned char a_high, b_high;
    int exp_a, exp_b, exp;
    unsigned long low, top;
    sf32 result;

    SF_UNPACK(a, b, high_a, high_b, exp_a, exp_b);
    sign = (high_a ^ high_b) & SF_HIGH_SIGN;
    if (exp_a == 0xFF || exp_b == 0xFF) {
        if (sf_is_nan(a) || sf_is_nan(b))
            return sf_propagate_nan(a, b);
        if ((a & SF_MAGNITUDE) == 0 || (b & SF_MAGNITUDE) == 0)
            return SF32_DEFAULT_NAN; /* 0 * inf */
        return ((unsigned long)sign << 16) | SF_INFINITY;
    }
    if ((exp_a == 0 && (a & SF_MAGNITUDE) == 0) || (exp_b == 0 && (b & SF_MAGNITUDE) == 0))
        return (unsigned long)sign << 16;
    if (exp_a == 0 || exp_b == 0) {
        a = sf_significand(a, &exp_a);
        b = sf_significand(b, &exp_b);
    }
    a_high = (unsigned char)((unsigned char)(a >> 16) | 0x80);
    b_high = (unsigned char)((unsigned char)(b >> 16) | 0x80);
    a_low = sf_low(a);
    b_low = sf_low(b);

    low = sf_mul16x16(a_low, b_low);
    top = ((unsigned long)sf_mul8x8(a_high, b_high) << 16) + sf_mul16x8(b_low, a_high) +
          sf_mul16x8(a_low, b_high) + (low >> 16);
    /* top = product >> 16, in [2^30, 2^32). */
    exp = exp_a + exp_b - 126;
    if (sf_top_byte(top) < 0x80) {
        top = SF_LOW32(top << 1);
        --exp;
    }
    if (sf_low(low) != 0)
        top |= 1;
    SF_ROUND_PACK(result, sign, exp, top);
    return result;
}
