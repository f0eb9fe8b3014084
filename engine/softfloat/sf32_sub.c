/* Subtraction: a + (-b) through the shared core, which flips b's sign only after
 * checking for NaNs, so a NaN b keeps its sign as on x86 hardware. */
#include "internals.h"

sf32 sf32_sub(sf32 a, sf32 b)
{
    return sf_add_signed(a, b, SF_SIGN);
}
