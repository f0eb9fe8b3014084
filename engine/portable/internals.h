/* Shared helpers of the portable math functions (engine/portable/).
 *
 * Everything here is written with engine/f32.h's binary32 operations only, in C89, so the
 * same source gives the same bits natively and with integer soft-float (F32_SOFT).
 *
 * Double-float ("dd") values: a pair hi + lo of binary32 numbers whose exact sum carries
 * about 48 bits. The error-free transformations below are exact whenever no intermediate
 * overflows or underflows (they rely only on correctly rounded +, -, *):
 *   p_two_sum      s + e == a + b exactly                          (Knuth, 6 operations)
 *   p_fast_two_sum s + e == a + b exactly, requires |a| >= |b| or a == 0 (Dekker, 3)
 *   p_two_prod     p + e == a * b exactly, with Veltkamp splitting (Dekker, no FMA) */
#ifndef ENGINE_PORTABLE_INTERNALS_H
#define ENGINE_PORTABLE_INTERNALS_H

#include "engine/f32.h"

void p_two_sum(f32 a, f32 b, f32 *s, f32 *e);
void p_fast_two_sum(f32 a, f32 b, f32 *s, f32 *e);
void p_two_prod(f32 a, f32 b, f32 *p, f32 *e);

/* exp(hi + lo) rounded to binary32, error < 1 ULP, for |lo| <= ulp(hi) (hi + lo need not
 * be normalised more than that). hi must not be a NaN. */
f32 p_exp_dd(f32 hi, f32 lo);

/* ln(x) as hi + lo for finite x > 0 (subnormals included), relative error below 2^-40. */
void p_log_dd(f32 x, f32 *hi, f32 *lo);

/* sin(x) (cosine == 0) or cos(x) (cosine != 0) for finite |x| <= P_TRIG_MAX; NaN beyond. */
f32 p_trig(f32 x, int cosine);

/* Tables (bit patterns, as F32_BITS is no constant expression natively), exposed so the
 * tests can check every entry against MPFR (and p_exp2_table for the fast path's vector
 * exp). */
extern const f32_bits_t p_exp2_table[32][2];   /* 2^(j/32) as hi, lo */
extern const f32_bits_t p_log_table[128][3];   /* d_i, then -ln(d_i) - [i >= 53] ln 2 as hi, lo */
extern const f32_bits_t p_sincos_table[5][4];  /* sin(j pi/16) hi, lo, cos(j pi/16) hi, lo */

/* Frequently used constants (bit patterns). */
#define P_ZERO F32_BITS(0x00000000)
#define P_HALF F32_BITS(0x3F000000)
#define P_ONE F32_BITS(0x3F800000)
#define P_TWO F32_BITS(0x40000000)
#define P_INF F32_BITS(0x7F800000)
/* 1.5 * 2^23: t + P_ROUNDER - P_ROUNDER rounds |t| < 2^22 to the nearest integer (ties even) */
#define P_ROUNDER F32_BITS(0x4B400000)

/* p_exp_dd's constants (engine/portable/p_exp_dd.c has the algorithm), here so that the
 * fast path's vector version (host/forward_fast_kernels.h) uses the very same values. */
#define P_EXP_INVL F32_BITS(0x4238AA3B)   /* 32/ln2 */
#define P_EXP_L1 F32_BITS(0x3CB18000)     /* ln2/32, first 11 bits */
#define P_EXP_L2 F32_BITS(0xB6DE8000)     /* next 11 bits */
#define P_EXP_L3 F32_BITS(0xAE82E308)     /* next 24 bits */
#define P_EXP_C_1_6 F32_BITS(0x3E2AAAAB)  /* 1/6 */
#define P_EXP_C_1_24 F32_BITS(0x3D2AAAAB) /* 1/24 */
#define P_EXP_OVER F32_BITS(0x42B20000)   /* 89: above, +inf */
#define P_EXP_UNDER F32_BITS(0xC2D00000)  /* -104: below, +0 */

/* The largest |x| for which p_sinf and p_cosf are accurate: 2^14. */
#define P_TRIG_MAX F32_BITS(0x46800000)

#endif
