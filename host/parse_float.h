/* parse_float: a decimal (or hexadecimal) number string to binary32, integer-only.
 *
 * The result is bit for bit what (float)strtod(s, &end) gives with glibc: the number
 * correctly rounded to binary64, then that rounded to binary32 (both to nearest even), so
 * command-line values (temperature, top-p) become the same float on every platform,
 * including those without a float type or with a different strtod. C89, no floating-point
 * arithmetic, no long long, int may be 16 bits.
 *
 * Accepted, as strtod in the C locale: leading white space (" \t\n\v\f\r"), an optional
 * sign, then a decimal number (digits, optional '.', digits, at least one digit; optional
 * exponent 'e' or 'E', optional sign, digits), a hexadecimal number ("0x" or "0X", hex
 * digits with optional '.', optional binary exponent 'p' or 'P'), "inf", "infinity" or
 * "nan" in any case (a "nan(...)" payload is accepted and ignored: the result is the
 * default quiet NaN 0x7FC00000 with the sign given). If no number is found the result is
 * +0 and *end is s, as strtod. Exponents beyond +-10^8 and strings with more than about
 * 10^8 digits before or after the point are outside the tested range. */
#ifndef ENGINE_PARSE_FLOAT_H
#define ENGINE_PARSE_FLOAT_H

#include "engine/f32.h"

/* The binary32 bit pattern of (float)strtod(s, end); *end may be NULL. */
f32_bits_t parse_float_bits(const char *s, const char **end);

/* The same as an f32 (float natively, an integer soft-float pattern with F32_SOFT). */
f32 parse_f32(const char *s, const char **end);

#endif
