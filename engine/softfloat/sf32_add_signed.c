/* Addition core shared by sf32_add and sf32_sub: a + (b with sign flipped by negate_b).
 *
 * Same signs, magnitudes add: significands with the hidden bit at bit 29 (one bit of room
 * for the carry), the smaller one shifted right (jamming) by the exponent difference.
 * Opposite signs, magnitudes subtract: hidden bit at bit 30, the smaller magnitude is
 * subtracted from the larger, and the difference is shifted left to renormalize. A
 * difference needing a large shift only arises when the exponents differ by at most 1,
 * where the alignment shift lost no bits, so renormalizing never shifts a jammed bit
 * into the kept bits. Subnormals are treated as exponent 1 without a hidden bit. An
 * exact zero difference is +0 (round to nearest). */
#include "internals.h"

static sf32 add_magnitudes(sf32 sign, int exp_a, unsigned long sig_a, int exp_b,
                           unsigned long sig_b)
{
    int exp;
    unsigned long sig;

    sig_a <<= 6;
    sig_b <<= 6;
    if (exp_a < exp_b) {
        sig_a = sf_shift_right_jam(sig_a, exp_b - exp_a);
        exp = exp_b;
    } else {
        sig_b = sf_shift_right_jam(sig_b, exp_a - exp_b);
        exp = exp_a;
    }
    sig = sig_a + sig_b;
    /* Hidden bit now at 29; a carry took the sum to bit 30. */
    if (sig < 0x40000000UL)
        sig <<= 1;
    else
        ++exp;
    return sf_round_pack(sign, exp, sig);
}

static sf32 subtract_magnitudes(sf32 sign_a, int exp_a, unsigned long sig_a, int exp_b,
                                unsigned long sig_b)
{
    int exp;
    int shift;
    unsigned long sig;
    sf32 sign = sign_a;

    sig_a <<= 7;
    sig_b <<= 7;
    if (exp_a > exp_b) {
        sig = sig_a - sf_shift_right_jam(sig_b, exp_a - exp_b);
        exp = exp_a;
    } else if (exp_a < exp_b) {
        sig = sig_b - sf_shift_right_jam(sig_a, exp_b - exp_a);
        exp = exp_b;
        sign ^= SF_SIGN;
    } else if (sig_a > sig_b) {
        sig = sig_a - sig_b;
        exp = exp_a;
    } else if (sig_a < sig_b) {
        sig = sig_b - sig_a;
        exp = exp_a;
        sign ^= SF_SIGN;
    } else {
        return 0;
    }
    /* Bring the leading one back to bit 30. Should the exponent fall below 1, rounding
     * shifts the zeros shifted in back out, as the result is then subnormal and exact. */
    shift = sf_count_leading_zeros(sig) - 1;
    return sf_round_pack(sign, exp - shift, sig << shift);
}

sf32 sf_add_signed(sf32 a, sf32 b, sf32 negate_b)
{
    int exp_a, exp_b;
    unsigned long sig_a, sig_b;
    sf32 sign_a, sign_b;

    a = SF_LOW32(a);
    b = SF_LOW32(b);
    exp_a = sf_exponent(a);
    exp_b = sf_exponent(b);
    if (exp_a == 0xFF || exp_b == 0xFF) {
        if (sf_is_nan(a) || sf_is_nan(b))
            return sf_propagate_nan(a, b);
        b ^= negate_b;
        if (exp_a != 0xFF)
            return b;
        if (exp_b == 0xFF && ((a ^ b) & SF_SIGN))
            return SF32_DEFAULT_NAN; /* inf - inf */
        return a;
    }
    b ^= negate_b;
    sign_a = a & SF_SIGN;
    sign_b = b & SF_SIGN;
    sig_a = sf_fraction(a);
    sig_b = sf_fraction(b);
    if (exp_a == 0) {
        if (sig_a == 0) /* a is a zero: b, except that -0 + +0 is +0 */
            return (sig_b == 0 && exp_b == 0 && sign_a != sign_b) ? 0 : b;
        exp_a = 1;
    } else {
        sig_a |= SF_HIDDEN;
    }
    if (exp_b == 0) {
        if (sig_b == 0)
            return a;
        exp_b = 1;
    } else {
        sig_b |= SF_HIDDEN;
    }
    if (sign_a == sign_b)
        return add_magnitudes(sign_a, exp_a, sig_a, exp_b, sig_b);
    return subtract_magnitudes(sign_a, exp_a, sig_a, exp_b, sig_b);
}
