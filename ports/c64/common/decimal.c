/* The small decimal parser; see decimal.h. */
#include "ports/c64/common/decimal.h"

#define A_SPACE 0x20
#define A_PLUS 0x2B
#define A_MINUS 0x2D
#define A_POINT 0x2E
#define A_ZERO 0x30
#define A_NINE 0x39
#define LIMIT 16777216UL /* 2^24 */

int decimal_parse(const char *text, f32 *out) {
    const unsigned char *c = (const unsigned char *)text;
    unsigned long n = 0, scale = 1;
    int negative = 0, point = 0, digits = 0, fraction = 0;
    f32 value;
    while (*c == A_SPACE || (*c >= 0x09 && *c <= 0x0D)) c++;
    if (*c == A_PLUS || *c == A_MINUS) negative = *c++ == A_MINUS;
    for (;; c++) {
        if (*c == A_POINT && !point) {
            point = 1;
            continue;
        }
        if (*c < A_ZERO || *c > A_NINE) break;
        digits++;
        n = n * 10UL + (unsigned long)(*c - A_ZERO);
        if (n >= LIMIT) return -1;
        if (point) {
            if (++fraction > 7) return -1;
            scale *= 10UL;
        }
    }
    if (*c != 0 || digits == 0) return -1;
    value = f32_from_long((long)n);
    if (scale != 1) value = f32_div(value, f32_from_long((long)scale));
    *out = negative ? f32_neg(value) : value;
    return 0;
}
