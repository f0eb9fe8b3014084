#include "engine/mathlib.h"

#include <string.h>

#include "engine/portable/portable_math.h"

#ifndef F32_SOFT
#include <math.h>

/* Wrappers, so that the address taken is ours and the call is a real libm call. */
static f32 libm_exp(f32 x) { return expf(x); }
static f32 libm_pow(f32 x, f32 y) { return powf(x, y); }
static f32 libm_sin(f32 x) { return sinf(x); }
static f32 libm_cos(f32 x) { return cosf(x); }

const MathLibrary math_libm = {"libm", libm_exp, libm_pow, libm_sin, libm_cos};
#endif

/* The project's own binary32 functions (engine/portable/): the same bits everywhere. */
const MathLibrary math_portable = {"portable", p_expf, p_powf, p_sinf, p_cosf};

const MathLibrary *math_library_named(const char *name) {
#ifndef F32_SOFT
    if (strcmp(name, math_libm.name) == 0) return &math_libm;
#endif
    if (strcmp(name, math_portable.name) == 0) return &math_portable;
    return (const MathLibrary *)0;
}
