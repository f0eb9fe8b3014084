/* p_expf(x) = e^x in binary32, error below 1 ULP (measured: docs/portable-math.md).
 *
 * Algorithm: NaN is returned quieted (x + x); everything else goes to p_exp_dd(x, 0):
 * k = round(x 32/ln2), exact Cody-Waite reduction r = x - k ln2/32 (ln2/32 in three
 * parts), exp(r) - 1 by its degree-4 Taylor polynomial, times 2^(j/32) from a
 * double-float table and 2^m by exponent arithmetic (k = 32 m + j), one final rounding.
 * Overflow: x >= 88.72283935546875 (0x42B17218) gives +inf. Underflow: results below
 * 2^-126 are subnormal, x <= -103.97208404541015625 (0xC2CFF1B5) gives +0.
 * exp(+-0) = 1, exp(+inf) = +inf, exp(-inf) = +0. */
#include "engine/portable/portable_math.h"

#include "engine/portable/internals.h"

f32 p_expf(f32 x) {
    if (!f32_eq(x, x)) return f32_add(x, x);
    return p_exp_dd(x, P_ZERO);
}
