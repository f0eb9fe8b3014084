/* binary32 floats as bit patterns, held in the low 32 bits of an unsigned long: what the
 * trace writer (every port), the trace reader and conform compare logits with. C89 and
 * integer-only, so that a 6502 build needs no float to pick an argmax. */
#ifndef ENGINE_FLOAT_BITS_H
#define ENGINE_FLOAT_BITS_H

/* 1 if the pattern is a NaN (either sign, quiet or signalling). */
int float_bits_is_nan(unsigned long bits);

/* An unsigned key that orders non-NaN floats as their values, with -0 equal to +0. */
unsigned long float_bits_order_key(unsigned long bits);

/* a > b as floats; never when either is a NaN (llama2.c's comparison). */
int float_bits_greater(unsigned long a, unsigned long b);

#endif
