/* The elementary functions the forward pass and sampler need, chosen by math mode.
 * libm: the platform's expf/powf/sinf/cosf, as the original run.c (native builds only).
 * portable: the project's own (engine/portable/), bit-identical on every IEEE-754
 *   binary32 platform without excess precision or FMA contraction (docs/portable-math.md),
 *   and the only library of the soft-float (F32_SOFT) builds.
 * The functions take and return f32 (engine/f32.h): float in native builds, so the libm
 * wrappers fit as they are. sqrtf is not listed: IEEE-754 requires it correctly rounded
 * everywhere. C89. */
#ifndef ENGINE_MATHLIB_H
#define ENGINE_MATHLIB_H

#include "engine/f32.h"

typedef struct {
    const char *name;
    f32 (*exp)(f32);
    f32 (*pow)(f32, f32);
    f32 (*sin)(f32);
    f32 (*cos)(f32);
} MathLibrary;

#ifndef F32_SOFT
extern const MathLibrary math_libm;
#endif
extern const MathLibrary math_portable;

/* The library called `name`, or NULL if there is none. */
const MathLibrary *math_library_named(const char *name);

#endif
