/* A small decimal parser for the 6502 program's temperature and top-p: the bits of
 * (float)strtod(text) for the numbers it accepts, in a few hundred bytes instead of
 * host/parse_float.c's several kilobytes.
 *
 * Accepted: optional white space, an optional sign, digits with an optional '.', nothing
 * after; at most 7 digits after the point, and the digits without the point (leading
 * zeros dropped) below 2^24. Then the value is N / 10^k with N and 10^k exact binary32
 * numbers, and one correctly rounded division gives the correctly rounded binary32 of
 * the decimal. That equals glibc's (float)strtod, which rounds to binary64 first: a
 * double rounding differs only for values within 2^-53 (relative) of a binary32 midpoint,
 * and N / 10^k with 10^k < 2^28 is either a midpoint exactly or at least 2^-53 away from
 * every one. ports/c64/tests/test_c64_host.c checks it against parse_f32 on millions of strings.
 * C89; the text is in ASCII whatever the compiler's character set. */
#ifndef PORTS_C64_DECIMAL_H
#define PORTS_C64_DECIMAL_H

#include "engine/f32.h"

/* 0 and the value in *out, or -1 when the text is not a number this parser takes. */
int decimal_parse(const char *text, f32 *out);

#endif
