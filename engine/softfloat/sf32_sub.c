/* Subtraction: a + (-b). A NaN b is dealt with first so it keeps its sign, as on x86
 * hardware. */
#include "internals.h"

sf32 sf32_sub(sf32 a, sf32 b)
{
    b = SF_LOW32(b);
    if (sf_is_nan(b))
        return sf_propagate_nan(SF_LOW32(a), b);
    return sf32_add(a, b ^ SF_SIGN);
}
