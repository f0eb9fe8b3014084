/* Conversion from long, rounded to nearest even.
 *
 * The magnitude is taken as unsigned long (exact also for LONG_MIN). Where long is wider
 * than 32 bits its low bits are first jammed down to 32; then the leading one is moved to
 * bit 31 and the value rounded. */
#include "internals.h"

sf32 sf32_from_long(long i)
{
    unsigned long magnitude;
    unsigned int sign = 0;
    int exp = 158; /* biased exponent of 2^31, for a leading one at bit 31 */
    int shift;

    if (i == 0)
        return 0;
    magnitude = (unsigned long)i;
    if (i < 0) {
        sign = SF_HIGH_SIGN;
        magnitude = 0 - magnitude;
    }
#if ULONG_MAX > 0xFFFFFFFFUL
    while (magnitude > 0xFFFFFFFFUL) {
        magnitude = (magnitude >> 1) | (magnitude & 1);
        ++exp;
    }
#endif
    magnitude = sf_normalize(magnitude, &shift);
    return sf_round_pack(sign, exp - shift, magnitude);
}
