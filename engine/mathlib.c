#include "mathlib.h"

#include <math.h>
#include <string.h>

#include "portable/portable_math.h"

/* Wrappers, so that the address taken is ours and the call is a real libm call. */
static float libm_exp(float x) { return expf(x); }
static float libm_pow(float x, float y) { return powf(x, y); }
static float libm_sin(float x) { return sinf(x); }
static float libm_cos(float x) { return cosf(x); }

const MathLibrary math_libm = {"libm", libm_exp, libm_pow, libm_sin, libm_cos};

/* The project's own binary32 functions (engine/portable/): the same bits everywhere. */
const MathLibrary math_portable = {"portable", p_expf, p_powf, p_sinf, p_cosf};

const MathLibrary *math_library_named(const char *name) {
    if (strcmp(name, math_libm.name) == 0) return &math_libm;
    if (strcmp(name, math_portable.name) == 0) return &math_portable;
    return NULL;
}
