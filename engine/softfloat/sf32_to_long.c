/* Conversion to long, truncating toward zero, saturating to the 32-bit range.
 *
 * The significand, with its leading one at bit 31, is shifted right by 31 minus the
 * unbiased exponent (whole bytes first), dropping the bits below the binary point.
 * Magnitudes of 2^31 and above saturate (see softfloat.h), NaN gives 0. */
#include "internals.h"

long sf32_to_long_trunc(sf32 a)
{
    unsigned int high;
    int exp, shift;
    unsigned long magnitude;

    a = SF_LOW32(a);
    high = sf_high(a);
    exp = sf_exp_of_high(high);
    if (exp < 127)
        return 0; /* |a| < 1, zeros and subnormals included */
    if (exp >= 127 + 31) {
        if (sf_is_nan(a))
            return 0;
        return (high & SF_HIGH_SIGN) ? -2147483647L - 1 : 2147483647L;
    }
    magnitude = SF_LOW32(a << 8) | SF_SIGN;
    for (shift = 158 - exp; shift >= 8; shift -= 8)
        magnitude >>= 8;
    magnitude >>= shift;
    /* magnitude < 2^31, so negating it as a long cannot overflow. */
    return (high & SF_HIGH_SIGN) ? -(long)magnitude : (long)magnitude;
}
