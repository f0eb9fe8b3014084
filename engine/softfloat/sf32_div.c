/* Division.
 *
 * The 24-bit significands (subnormals normalized first) are divided by restoring
 * division, one quotient bit per step: with the dividend scaled so the quotient lies in
 * [1, 2), 26 steps give the 24 kept bits plus two more, and a nonzero remainder becomes
 * the sticky bit. Each step is a 32-bit compare, subtract and shift, so the cost is
 * about 26 times that of a 32-bit add on a 16-bit or 8-bit machine. */
#include "internals.h"

sf32 sf32_div(sf32 a, sf32 b)
{
    int exp_a, exp_b, exp, step;
    unsigned long sig_a, sig_b, quotient;
    sf32 sign;

    a = SF_LOW32(a);
    b = SF_LOW32(b);
    sign = (a ^ b) & SF_SIGN;
    exp_a = sf_exponent(a);
    exp_b = sf_exponent(b);
    sig_a = sf_fraction(a);
    sig_b = sf_fraction(b);
    if (exp_a == 0xFF) {
        if (sig_a != 0 || sf_is_nan(b))
            return sf_propagate_nan(a, b);
        if (exp_b == 0xFF)
            return SF32_DEFAULT_NAN; /* inf / inf */
        return sign | SF_INFINITY;
    }
    if (exp_b == 0xFF) {
        if (sig_b != 0)
            return sf_propagate_nan(a, b);
        return sign; /* finite / inf */
    }
    if (exp_b == 0) {
        if (sig_b == 0) {
            if (exp_a == 0 && sig_a == 0)
                return SF32_DEFAULT_NAN; /* 0 / 0 */
            return sign | SF_INFINITY;
        }
        exp_b = sf_normalize_subnormal(&sig_b);
    }
    if (exp_a == 0) {
        if (sig_a == 0)
            return sign;
        exp_a = sf_normalize_subnormal(&sig_a);
    }
    sig_a |= SF_HIDDEN;
    sig_b |= SF_HIDDEN;

    exp = exp_a - exp_b + 127;
    if (sig_a < sig_b) {
        sig_a <<= 1;
        --exp;
    }
    /* sig_a / sig_b in [1, 2): quotient bits 25..0; the remainder stays below 2^25. */
    quotient = 0;
    for (step = 0; step < 26; ++step) {
        quotient <<= 1;
        if (sig_a >= sig_b) {
            sig_a -= sig_b;
            quotient |= 1;
        }
        sig_a <<= 1;
    }
    return sf_round_pack(sign, exp, (quotient << 5) | (sig_a != 0));
}
