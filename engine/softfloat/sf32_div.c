/* Division.
 *
 * The 24-bit significands (subnormals normalized first) are divided by restoring
 * division, one quotient bit per step: with the dividend scaled so the quotient lies in
 * [1, 2), 26 steps give the 24 kept bits plus two more, and a nonzero remainder becomes
 * the sticky bit. Each step is a 32-bit compare, subtract and shift (the quotient bits
 * collect in a byte), so a division costs roughly 26 times three 32-bit operations. */
#include "internals.h"

sf32 sf32_div(sf32 a, sf32 b)
{
    unsigned int high_a, high_b, sign;
    int exp_a, exp_b, exp;
    unsigned char step, bits;
    unsigned long remainder, divisor, quotient;

    SF_UNPACK(a, b, high_a, high_b, exp_a, exp_b);
    sign = (high_a ^ high_b) & SF_HIGH_SIGN;
    if (exp_a == 0xFF || exp_b == 0xFF) {
        if (sf_is_nan(a) || sf_is_nan(b))
            return sf_propagate_nan(a, b);
        if (exp_b != 0xFF)
            return ((unsigned long)sign << 16) | SF_INFINITY; /* inf / finite */
        if (exp_a == 0xFF)
            return SF32_DEFAULT_NAN; /* inf / inf */
        return (unsigned long)sign << 16; /* finite / inf */
    }
    if (exp_b == 0 && (b & SF_MAGNITUDE) == 0) {
        if (exp_a == 0 && (a & SF_MAGNITUDE) == 0)
            return SF32_DEFAULT_NAN; /* 0 / 0 */
        return ((unsigned long)sign << 16) | SF_INFINITY;
    }
    if (exp_a == 0 && (a & SF_MAGNITUDE) == 0)
        return (unsigned long)sign << 16;
    remainder = sf_significand(a, &exp_a);
    divisor = sf_significand(b, &exp_b);

    exp = exp_a - exp_b + 127;
    if (remainder < divisor) {
        remainder <<= 1;
        --exp;
    }
    /* remainder / divisor in [1, 2): 26 quotient bits, collected a byte at a time; the
     * remainder stays below 2^25. */
    quotient = 0;
    bits = 0;
    for (step = 1; step <= 26; ++step) {
        bits <<= 1;
        if (remainder >= divisor) {
            remainder -= divisor;
            bits |= 1;
        }
        remainder <<= 1;
        if ((step & 7) == 0) {
            quotient = (quotient << 8) | bits;
            bits = 0;
        }
    }
    /* 24 bits in quotient, the last 2 in bits. */
    bits = (unsigned char)(bits << 6);
    if (remainder != 0)
        bits |= 1;
    return sf_round_pack(sign, exp, (quotient << 8) | bits);
}
