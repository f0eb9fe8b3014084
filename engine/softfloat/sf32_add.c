/* Addition.
 *
 * The operands are ordered by magnitude; the smaller one's significand is shifted right
 * (jamming) by the exponent difference. With equal signs the significands add; a carry
 * out of bit 31 is shifted back in. With opposite signs the smaller is subtracted from
 * the larger and the difference shifted left to renormalize. A difference that needs a
 * large shift only arises when the exponents differ by at most 1, where alignment lost
 * no bits, so renormalizing never moves a jammed bit up into the kept bits. Subnormals
 * are taken as exponent 1 without a hidden bit. An exact zero difference is +0. */
#include "internals.h"

/* An infinite or NaN operand. */
static sf32 add_special(sf32 a, sf32 b)
{
    if (sf_is_nan(a) || sf_is_nan(b))
        return sf_propagate_nan(a, b);
    if ((a & SF_MAGNITUDE) != SF_INFINITY)
        return b;
    if ((b & SF_MAGNITUDE) == SF_INFINITY && ((a ^ b) & SF_SIGN))
        return SF32_DEFAULT_NAN; /* inf - inf */
    return a;
}

sf32 sf32_add(sf32 a, sf32 b)
{
    unsigned int high_a, high_b, sign;
    int exp_a, exp_b, shift;
    unsigned char sticky;
    unsigned long sig_a, sig_b, sig;
    sf32 result;

    SF_UNPACK(a, b, high_a, high_b, exp_a, exp_b);
    if (exp_a == 0xFF || exp_b == 0xFF)
        return add_special(a, b);
    sig_a = SF_LOW32(a << 8);
    sig_b = SF_LOW32(b << 8);
    if (exp_a != 0) {
        sf_set_bit31(sig_a);
    } else {
        if (sig_a == 0) /* a is a zero: b, except that -0 + +0 is +0 */
            return (sig_b == 0 && exp_b == 0 && ((high_a ^ high_b) & SF_HIGH_SIGN)) ? 0 : b;
        exp_a = 1;
    }
    if (exp_b != 0) {
        sf_set_bit31(sig_b);
    } else {
        if (sig_b == 0)
            return a;
        exp_b = 1;
    }
    /* Make a the operand of larger magnitude; its sign is the result's. */
    if (exp_a < exp_b || (exp_a == exp_b && sig_a < sig_b)) {
        sig = sig_a;
        sig_a = sig_b;
        sig_b = sig;
        shift = exp_a;
        exp_a = exp_b;
        exp_b = shift;
        sign = high_b & SF_HIGH_SIGN;
    } else {
        sign = high_a & SF_HIGH_SIGN;
    }
    /* Align b: shift right by the exponent difference, jamming (the macro, not the
     * call: see SF_SHIFT_RIGHT_STICKY). Its low byte starts as zeros, so only from the
     * second byte on can one bits be lost. */
    shift = exp_a - exp_b;
    if (shift >= 32) {
        sig_b = 1; /* nonzero, far below: only its stickiness counts */
    } else if (shift != 0) {
        sticky = 0;
        SF_SHIFT_RIGHT_STICKY(sig_b, shift, sticky);
        if (sticky != 0)
            sig_b |= 1;
    }

    if (((high_a ^ high_b) & SF_HIGH_SIGN) == 0) {
        sig = SF_LOW32(sig_a + sig_b);
        if (sig < sig_a) { /* carry out of bit 31 */
            sig = (sig >> 1) | (sf_low_byte(sig) & 1);
            sf_set_bit31(sig);
            ++exp_a;
        }
    } else {
        sig = sig_a - sig_b;
        if (sig == 0)
            return 0;
        if (sf_top_byte(sig) < 0x80) {
            sig = sf_normalize(sig, &shift);
            exp_a -= shift; /* below 1 the result is subnormal; rounding shifts back */
        }
    }
    SF_ROUND_PACK(result, sign, exp_a, sig);
    return result;
}
