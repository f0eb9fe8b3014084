/* Square root.
 *
 * Digit-by-digit (restoring) integer square root, one result bit per step: the
 * significand, scaled by an even power of two chosen so the root has 26 bits, is
 * consumed two bits at a time from the top; each step compares the partial remainder
 * with 4 * root + 1. 26 steps give the 24 kept bits plus two, a nonzero final remainder
 * the sticky bit. A square root is never exactly halfway between two floats, so the
 * sticky bit settles every rounding. */
#include "internals.h"

sf32 sf32_sqrt(sf32 a)
{
    int exp_a, scaled_exp;
    unsigned char step;
    unsigned long sig, remainder, root, trial;

    a = SF_LOW32(a);
    exp_a = sf_exp_of_high(sf_high(a));
    if (exp_a == 0xFF) {
        if (sf_is_nan(a))
            return a | SF_QUIET;
        if (a & SF_SIGN)
            return SF32_DEFAULT_NAN; /* sqrt(-inf) */
        return a;
    }
    if ((a & SF_MAGNITUDE) == 0)
        return a; /* sqrt(+-0) = +-0 */
    if (a & SF_SIGN)
        return SF32_DEFAULT_NAN;
    sig = sf_significand(a, &exp_a);

    /* a = sig * 2^(exp_a - 150). Write it as (sig << 1 or 2) * 2^26 * 2^scaled_exp with
     * scaled_exp even; the radicand below is the 26-bit part, whose 52-bit extension
     * has a 26-bit root. */
    scaled_exp = exp_a - 150 - 27;
    if (((unsigned int)exp_a & 1) == 0) { /* scaled_exp odd */
        sig <<= 2;
        --scaled_exp;
    } else {
        sig <<= 1;
    }
    remainder = 0;
    root = 0;
    for (step = 0; step < 26; ++step) {
        /* Bring down the next two radicand bits (zeros once sig is used up). */
        remainder = (remainder << 2) | (sf_top_byte(sig) & 3);
        sig = (sig << 2) & 0x3FFFFFFUL;
        trial = (root << 2) | 1;
        root <<= 1;
        if (remainder >= trial) {
            remainder -= trial;
            root |= 1;
        }
    }
    /* root * 2^(scaled_exp / 2) = (root << 6) * 2^(exp - 158). */
    root <<= 6;
    if (remainder != 0)
        root |= 1;
    return sf_round_pack(0, scaled_exp / 2 + 152, root);
}
