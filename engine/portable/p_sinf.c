/* p_sinf(x) = sin(x) in binary32, error below 1 ULP for |x| <= 2^14 = 16384 (RoPE angles
 * pos * freq stay below seq_len); NaN beyond, and for NaN and +-inf. sin(+-0) = +-0.
 *
 * Algorithm (p_trig.c): Cody-Waite reduction by pi/2 with a 7-part split of pi/2 and
 * exact products, then by pi/16 with a double-float table of sin and cos of j pi/16,
 * Taylor polynomials of sin and cos on |s| <= pi/32, and the angle-addition formulas
 * evaluated with error-free transformations, one final rounding. */
#include "engine/portable/portable_math.h"

#include "engine/portable/internals.h"

f32 p_sinf(f32 x) { return p_trig(x, 0); }
