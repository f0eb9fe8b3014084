/* Comparisons. Away from NaNs and zeros, binary32 bit patterns of the same sign order as
 * their magnitudes: as unsigned integers for positive values, reversed for negative
 * ones. Zeros of either sign are equal; any NaN makes every comparison false. */
#include "internals.h"

int sf32_eq(sf32 a, sf32 b)
{
    a = SF_LOW32(a);
    b = SF_LOW32(b);
    if (sf_is_nan(a) || sf_is_nan(b))
        return 0;
    return a == b || ((a | b) & SF_MAGNITUDE) == 0;
}

int sf32_lt(sf32 a, sf32 b)
{
    a = SF_LOW32(a);
    b = SF_LOW32(b);
    if (sf_is_nan(a) || sf_is_nan(b))
        return 0;
    if ((a ^ b) & SF_SIGN) /* a negative and b positive, unless both are zeros */
        return (a & SF_SIGN) && ((a | b) & SF_MAGNITUDE) != 0;
    if (a == b)
        return 0;
    return (a < b) != ((a & SF_SIGN) != 0);
}

int sf32_le(sf32 a, sf32 b)
{
    a = SF_LOW32(a);
    b = SF_LOW32(b);
    if (sf_is_nan(a) || sf_is_nan(b))
        return 0;
    if ((a ^ b) & SF_SIGN)
        return (a & SF_SIGN) || ((a | b) & SF_MAGNITUDE) == 0;
    if (a == b)
        return 1;
    return (a < b) != ((a & SF_SIGN) != 0);
}
