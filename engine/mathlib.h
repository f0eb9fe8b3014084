/* The elementary functions the forward pass and sampler need, chosen by math mode.
 * libm: the platform's expf/powf/sinf/cosf, as the original run.c.
 * portable: the project's own (engine/portable/), bit-identical on every IEEE-754
 *   binary32 platform without excess precision or FMA contraction (docs/portable-math.md).
 * sqrtf is not listed: IEEE-754 requires it correctly rounded everywhere. */
#ifndef ENGINE_MATHLIB_H
#define ENGINE_MATHLIB_H

typedef struct {
    const char *name;
    float (*exp)(float);
    float (*pow)(float, float);
    float (*sin)(float);
    float (*cos)(float);
} MathLibrary;

extern const MathLibrary math_libm;
extern const MathLibrary math_portable;

/* The library called `name`, or NULL if there is none. */
const MathLibrary *math_library_named(const char *name);

#endif
