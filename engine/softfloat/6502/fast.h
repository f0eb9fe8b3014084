/* The 6502 assembly fast paths of the soft-float (ca65, this folder), for cc65 builds.
 *
 * Each gives exactly the bits of its C counterpart for every operand: normal operands
 * with a normal result are done here, everything else (zeros where signs matter,
 * subnormals, infinities, NaNs, underflow, overflow) by the C soft-float.
 *   sf32_mul_6502, sf32_add_6502, sf32_sub_6502   sf32_mul, sf32_add, sf32_sub
 *   sf32_div_6502                                 sf32_div
 *   dot                                           engine/kernels.c's dot (the same
 *                                                 sum in the same order)
 * The comparisons and the conversion to long are whole: they give the C functions'
 * results for every operand, NaNs and zeros included, and the cc65 builds link them
 * instead of the C ones.
 *   sf32_lt_6502, sf32_le_6502, sf32_eq_6502      sf32_lt, sf32_le, sf32_eq
 *   sf32_to_long_6502                             sf32_to_long_trunc
 * Not reentrant (their operands live in fixed memory); nothing calls them recursively. */
#ifndef ENGINE_SOFTFLOAT_6502_FAST_H
#define ENGINE_SOFTFLOAT_6502_FAST_H

#include "../softfloat.h"

sf32 sf32_mul_6502(sf32 a, sf32 b);
sf32 sf32_add_6502(sf32 a, sf32 b);
sf32 sf32_sub_6502(sf32 a, sf32 b);
sf32 sf32_div_6502(sf32 a, sf32 b);
int sf32_lt_6502(sf32 a, sf32 b);
int sf32_le_6502(sf32 a, sf32 b);
int sf32_eq_6502(sf32 a, sf32 b);
long sf32_to_long_6502(sf32 a);
sf32 dot(const sf32 *w, const sf32 *x, int n);

#endif
