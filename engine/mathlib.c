#include "mathlib.h"

#include <math.h>
#include <string.h>

/* Wrappers, so that the address taken is ours and the call is a real libm call. */
static float libm_exp(float x) { return expf(x); }
static float libm_pow(float x, float y) { return powf(x, y); }
static float libm_sin(float x) { return sinf(x); }
static float libm_cos(float x) { return cosf(x); }

const MathLibrary math_libm = {"libm", libm_exp, libm_pow, libm_sin, libm_cos};

const MathLibrary *math_library_named(const char *name) {
    if (strcmp(name, math_libm.name) == 0) return &math_libm;
    return NULL;
}
