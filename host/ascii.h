/* Character classes by ASCII code, whatever the locale (<ctype.h> follows it): for
 * number parsing (parse_float.c) and the trace reader. */
#ifndef HOST_ASCII_H
#define HOST_ASCII_H

int ascii_is_digit(int c);
/* The value of the hexadecimal digit c (either case), or -1 when c is none. */
int ascii_hex_value(int c);

#endif
