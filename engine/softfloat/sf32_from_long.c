/* Conversion from long, rounded to nearest even.
 *
 * The magnitude is taken as unsigned long (exact also for LONG_MIN). Where long is wider
 * than 32 bits its low bits are first jammed down to 32; then the leading one is moved to
 * bit 30 (or the value jammed right by one if it uses bit 31) and rounded. */
#include "internals.h"

sf32 sf32_from_long(long i)
{
    unsigned long magnitude;
    sf32 sign = 0;
    int exp = 158; /* biased exponent of 2^31, for a leading one at bit 31 */
    int shift;

    if (i == 0)
        return 0;
    magnitude = (unsigned long)i;
    if (i < 0) {
        sign = SF_SIGN;
        magnitude = 0 - magnitude;
    }
#if ULONG_MAX > 0xFFFFFFFFUL
    while (magnitude > 0xFFFFFFFFUL) {
        magnitude = (magnitude >> 1) | (magnitude & 1);
        ++exp;
    }
#endif
    shift = sf_count_leading_zeros(magnitude);
    if (shift == 0)
        return sf_round_pack(sign, exp, (magnitude >> 1) | (magnitude & 1));
    return sf_round_pack(sign, exp - shift, magnitude << (shift - 1));
}
