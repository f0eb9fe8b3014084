/* f32: IEEE-754 binary32 arithmetic for code that must give the same bits on every target.
 *
 * Code written with these operations (portable math, and anything else shared with the
 * 6502 build) compiles two ways:
 *   - natively: f32 is float, the operations are the C operators (hosts, Cortex-M33);
 *   - with F32_SOFT defined: f32 is the bit pattern in an unsigned long and every operation
 *     is an integer-only soft-float call (cc65, which has no float type).
 * Both give identical bits, as every operation is a correctly rounded IEEE-754 operation
 * (round to nearest even, subnormals kept). The code itself must be C89: no float literals
 * (write constants as bit patterns with F32_BITS), no long long, int may be 16 bits. */
#ifndef ENGINE_F32_H
#define ENGINE_F32_H

/* Bit patterns: at least 32 bits in C89; only the low 32 are used. */
typedef unsigned long f32_bits_t;

#ifdef F32_SOFT

#include "engine/softfloat/softfloat.h"
typedef sf32 f32;
#ifdef F32_SOFT_6502
/* cc65 builds: add, subtract, multiply, divide (and kernels.c's dot) through the 6502
 * assembly fast paths, which give the C soft-float's bits and call it for what they do
 * not do; the comparisons and the conversion to long entirely in assembly (the C ones are
 * not linked). */
#include "engine/softfloat/6502/fast.h"
#define f32_add(a, b) sf32_add_6502((a), (b))
#define f32_sub(a, b) sf32_sub_6502((a), (b))
#define f32_mul(a, b) sf32_mul_6502((a), (b))
#define f32_div(a, b) sf32_div_6502((a), (b))
#define f32_lt(a, b) sf32_lt_6502((a), (b))
#define f32_le(a, b) sf32_le_6502((a), (b))
#define f32_eq(a, b) sf32_eq_6502((a), (b))
#define f32_to_long(a) sf32_to_long_6502(a) /* toward zero */
#else
#define f32_add(a, b) sf32_add((a), (b))
#define f32_sub(a, b) sf32_sub((a), (b))
#define f32_mul(a, b) sf32_mul((a), (b))
#define f32_div(a, b) sf32_div((a), (b))
#define f32_lt(a, b) sf32_lt((a), (b))
#define f32_le(a, b) sf32_le((a), (b))
#define f32_eq(a, b) sf32_eq((a), (b))
#define f32_to_long(a) sf32_to_long_trunc(a) /* toward zero */
#endif
#define f32_sqrt(a) sf32_sqrt(a)
#define f32_neg(a) ((f32)((a) ^ 0x80000000UL))
#define f32_from_long(i) sf32_from_long(i)   /* rounded to nearest even */
#define f32_floor(a) sf32_floor(a)
#define f32_to_bits(a) ((f32_bits_t)(a))
#define F32_BITS(u) ((f32)(u##UL))
#define f32_from_bits(u) ((f32)(u))

#else

#include <math.h>
#include <string.h>
typedef float f32;
#define f32_add(a, b) ((f32)((a) + (b)))
#define f32_sub(a, b) ((f32)((a) - (b)))
#define f32_mul(a, b) ((f32)((a) * (b)))
#define f32_div(a, b) ((f32)((a) / (b)))
#define f32_sqrt(a) sqrtf(a)
#define f32_neg(a) (-(a))
#define f32_lt(a, b) ((a) < (b))
#define f32_le(a, b) ((a) <= (b))
#define f32_eq(a, b) ((a) == (b))
#define f32_from_long(i) ((f32)(long)(i))
#define f32_to_long(a) ((long)(a))
#define f32_floor(a) floorf(a)

/* C89 has no inline; GCC's __inline__ keeps -std=c89 -pedantic builds (make check-c89) quiet */
#if defined(__STDC_VERSION__) && __STDC_VERSION__ >= 199901L
#define F32_INLINE static inline
#elif defined(__GNUC__)
#define F32_INLINE static __inline__
#else
#define F32_INLINE static
#endif
F32_INLINE f32_bits_t f32_to_bits(f32 a) {
    unsigned int u; /* 32 bits on every host and ARM target this builds for */
    memcpy(&u, &a, sizeof u);
    return (f32_bits_t)u;
}
F32_INLINE f32 f32_from_bits(f32_bits_t b) {
    unsigned int u = (unsigned int)(b & 0xFFFFFFFFUL);
    f32 a;
    memcpy(&a, &u, sizeof a);
    return a;
}
#define F32_BITS(u) f32_from_bits(u##UL)

#endif

#endif
