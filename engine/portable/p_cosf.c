/* p_cosf(x) = cos(x) in binary32, error below 1 ULP for |x| <= 2^14 = 16384 (RoPE angles
 * pos * freq stay below seq_len); NaN beyond, and for NaN and +-inf. cos(+-0) = 1.
 *
 * Algorithm (p_trig.c): as p_sinf, cos(x) = sin(x + pi/2) taken one quadrant on:
 * Cody-Waite reduction by pi/2 (7-part split, exact products), then by pi/16 with a
 * double-float table, Taylor polynomials on |s| <= pi/32, angle addition with error-free
 * transformations, one final rounding. */
#include "engine/portable/portable_math.h"

#include "engine/portable/internals.h"

f32 p_cosf(f32 x) { return p_trig(x, 1); }
