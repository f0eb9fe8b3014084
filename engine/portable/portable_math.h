/* Portable elementary functions: the same binary32 result bits on every IEEE-754 platform.
 *
 * Built only from correctly rounded binary32 +, -, *, conversions, comparisons and exact
 * integer handling of bit patterns (engine/f32.h), in a fixed order: no double, no libm,
 * no FMA. Natively f32 is float; with F32_SOFT it is an integer soft-float bit pattern.
 * Accuracy (docs/portable-math.md): error below 1 ULP against the correctly rounded value,
 * measured with MPFR, over the domains stated there and in each file. */
#ifndef ENGINE_PORTABLE_PORTABLE_MATH_H
#define ENGINE_PORTABLE_PORTABLE_MATH_H

#include "engine/f32.h"

f32 p_expf(f32 x);
f32 p_powf(f32 x, f32 y);
f32 p_sinf(f32 x); /* NaN for |x| > 16384 */
f32 p_cosf(f32 x); /* NaN for |x| > 16384 */

#endif
