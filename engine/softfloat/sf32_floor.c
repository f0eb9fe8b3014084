/* Floor. Works on the bit pattern: with exponent e the fraction bits below 2^0 are the
 * low 150 - e bits. Positive values just clear them; negative values with any of them
 * set round their magnitude up: setting all of them and adding one carries into the
 * integer part (and into the exponent field when the magnitude reaches a power of two). */
#include "internals.h"

sf32 sf32_floor(sf32 a)
{
    int exp;
    unsigned long fraction_mask;

    a = SF_LOW32(a);
    exp = sf_exp_of_high(sf_high(a));
    if (exp >= 150) /* already integral, infinite or NaN */
        return sf_is_nan(a) ? (a | SF_QUIET) : a;
    if (exp < 127) { /* |a| < 1 */
        if ((a & SF_MAGNITUDE) == 0 || !(a & SF_SIGN))
            return a & SF_SIGN; /* +-0 stays, positive gives +0 */
        return 0xBF800000UL;    /* -1 */
    }
    fraction_mask = (1UL << (150 - exp)) - 1;
    if ((a & fraction_mask) == 0)
        return a;
    if (a & SF_SIGN)
        return (a | fraction_mask) + 1;
    return a & ~fraction_mask;
}
