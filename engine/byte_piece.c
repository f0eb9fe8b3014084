#include "engine/byte_piece.h"

static int hex_digit(unsigned char c) {
    if (c >= 0x30 && c <= 0x39) return c - 0x30;      /* 0-9 */
    if (c >= 0x61 && c <= 0x66) return c - 0x61 + 10; /* a-f */
    if (c >= 0x41 && c <= 0x46) return c - 0x41 + 10; /* A-F */
    return -1;
}

int byte_piece_is_space(unsigned char c) { return c == 0x20 || (c >= 0x09 && c <= 0x0D); }

int byte_piece_parse(const unsigned char *p, unsigned char *byte) {
    int width = 2, negative = 0, digits = 0;
    unsigned value = 0;
    if (p[0] != 0x3C || p[1] != 0x30 || p[2] != 0x78) return 0; /* "<0x" */
    p += 3;
    while (byte_piece_is_space(*p)) p++;
    if (*p == 0x2B || *p == 0x2D) { /* + - */
        negative = *p == 0x2D;
        p++;
        width--;
    }
    while (digits < width && hex_digit(*p) >= 0) {
        value = value * 16 + (unsigned)hex_digit(*p);
        p++;
        digits++;
    }
    if (digits == 0) return 0;
    *byte = (unsigned char)(negative ? 0u - value : value);
    return 1;
}
