/* Conversion to long, truncating toward zero, saturating to the 32-bit range.
 *
 * The significand with its hidden bit is shifted by the unbiased exponent: right (bits
 * below the binary point are dropped) or, for magnitudes of 2^23 and above, left.
 * Magnitudes of 2^31 and above saturate (see softfloat.h), NaN gives 0. */
#include "internals.h"

long sf32_to_long_trunc(sf32 a)
{
    int exp;
    unsigned long magnitude;

    a = SF_LOW32(a);
    exp = sf_exponent(a);
    if (exp < 127)
        return 0; /* |a| < 1, zeros and subnormals included */
    if (exp >= 127 + 31) {
        if (sf_is_nan(a))
            return 0;
        return (a & SF_SIGN) ? -2147483647L - 1 : 2147483647L;
    }
    magnitude = sf_fraction(a) | SF_HIDDEN;
    if (exp >= 150)
        magnitude <<= exp - 150;
    else
        magnitude >>= 150 - exp;
    /* magnitude < 2^31, so negating it as a long cannot overflow. */
    return (a & SF_SIGN) ? -(long)magnitude : (long)magnitude;
}
