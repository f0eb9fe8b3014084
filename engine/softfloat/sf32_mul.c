/* Multiplication.
 *
 * The 24-bit significands (subnormals normalized first) are split into an 8-bit high and
 * a 16-bit low part, and the 48-bit product is assembled from four partial products
 * (16x16, two 16x8, 8x8), each of which fits an unsigned long. Only the top 32 bits of
 * the product are kept, its low 16 bits reduced to a sticky bit; the product lies in
 * [2^46, 2^48), so at most one more right shift puts the leading one at bit 30. */
#include "internals.h"

sf32 sf32_mul(sf32 a, sf32 b)
{
    int exp_a, exp_b, exp;
    unsigned long sig_a, sig_b, low, top;
    unsigned int a_low, a_high, b_low, b_high;
    sf32 sign;

    a = SF_LOW32(a);
    b = SF_LOW32(b);
    sign = (a ^ b) & SF_SIGN;
    exp_a = sf_exponent(a);
    exp_b = sf_exponent(b);
    sig_a = sf_fraction(a);
    sig_b = sf_fraction(b);
    if (exp_a == 0xFF || exp_b == 0xFF) {
        if (sf_is_nan(a) || sf_is_nan(b))
            return sf_propagate_nan(a, b);
        if ((exp_a == 0 && sig_a == 0) || (exp_b == 0 && sig_b == 0))
            return SF32_DEFAULT_NAN; /* 0 * inf */
        return sign | SF_INFINITY;
    }
    if (exp_a == 0) {
        if (sig_a == 0)
            return sign;
        exp_a = sf_normalize_subnormal(&sig_a);
    }
    if (exp_b == 0) {
        if (sig_b == 0)
            return sign;
        exp_b = sf_normalize_subnormal(&sig_b);
    }
    sig_a |= SF_HIDDEN;
    sig_b |= SF_HIDDEN;

    a_low = (unsigned int)(sig_a & 0xFFFF);
    a_high = (unsigned int)(sig_a >> 16);
    b_low = (unsigned int)(sig_b & 0xFFFF);
    b_high = (unsigned int)(sig_b >> 16);
    low = sf_mul16x16(a_low, b_low);
    top = ((unsigned long)sf_mul8x8(a_high, b_high) << 16) + sf_mul16x8(b_low, a_high) +
          sf_mul16x8(a_low, b_high) + (low >> 16);
    /* top = product >> 16, in [2^30, 2^32). */
    if (((unsigned int)low & 0xFFFFu) != 0)
        top |= 1;
    exp = exp_a + exp_b - 127;
    if (top >= 0x80000000UL) {
        top = (top >> 1) | (top & 1);
        ++exp;
    }
    return sf_round_pack(sign, exp, top);
}
