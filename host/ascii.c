/* Character classes by ASCII code; see ascii.h. */
#include "host/ascii.h"

int ascii_is_digit(int c) { return c >= '0' && c <= '9'; }

int ascii_hex_value(int c) {
    if (ascii_is_digit(c)) return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}
