/* u64: unsigned 64-bit arithmetic on two unsigned longs; see u64.h.
 *
 * C89 only: no long long, and int may be 16 bits, so every shift count applied to an
 * unsigned long stays below 32 and products are formed from 16-bit halves, whose 32-bit
 * products fit an unsigned long. */
#include "engine/u64.h"

#define MASK32 0xFFFFFFFFUL
#define MASK16 0xFFFFUL

void u64_set(u64 *r, unsigned long high, unsigned long low) {
    r->high = high & MASK32;
    r->low = low & MASK32;
}

void u64_xor(u64 *r, const u64 *a, const u64 *b) {
    unsigned long high = (a->high ^ b->high) & MASK32;
    unsigned long low = (a->low ^ b->low) & MASK32;
    r->high = high;
    r->low = low;
}

void u64_shl(u64 *r, const u64 *a, int n) {
    unsigned long high = a->high & MASK32, low = a->low & MASK32;
    if (n >= 32) {
        high = (low << (n - 32)) & MASK32;
        low = 0;
    } else if (n > 0) {
        high = ((high << n) | (low >> (32 - n))) & MASK32;
        low = (low << n) & MASK32;
    }
    r->high = high;
    r->low = low;
}

void u64_shr(u64 *r, const u64 *a, int n) {
    unsigned long high = a->high & MASK32, low = a->low & MASK32;
    if (n >= 32) {
        low = high >> (n - 32);
        high = 0;
    } else if (n > 0) {
        low = ((low >> n) | (high << (32 - n))) & MASK32;
        high = high >> n;
    }
    r->high = high;
    r->low = low;
}

void u64_add(u64 *r, const u64 *a, const u64 *b) {
    unsigned long low = (a->low + b->low) & MASK32;
    unsigned long carry = low < (a->low & MASK32) ? 1UL : 0UL;
    r->high = (a->high + b->high + carry) & MASK32;
    r->low = low;
}

/* The 64-bit product of two 32-bit values, as high and low words. Schoolbook on 16-bit
 * halves: x * y = xh*yh 2^32 + (xh*yl + xl*yh) 2^16 + xl*yl. */
static void mul32x32(unsigned long x, unsigned long y, unsigned long *high, unsigned long *low) {
    unsigned long xl = x & MASK16, xh = (x >> 16) & MASK16;
    unsigned long yl = y & MASK16, yh = (y >> 16) & MASK16;
    unsigned long ll = xl * yl, lh = xl * yh, hl = xh * yl, hh = xh * yh;
    /* the middle column: bits 16..47, with its carries */
    unsigned long middle = (ll >> 16) + (lh & MASK16) + (hl & MASK16); /* < 3 * 2^16 */
    *low = ((middle << 16) | (ll & MASK16)) & MASK32;
    *high = (hh + (lh >> 16) + (hl >> 16) + (middle >> 16)) & MASK32;
}

void u64_mul(u64 *r, const u64 *a, const u64 *b) {
    unsigned long high, low, cross_ab, cross_ba, unused;
    mul32x32(a->low & MASK32, b->low & MASK32, &high, &low);
    /* only the low 32 bits of the cross products reach bits 32..63 */
    mul32x32(a->low & MASK32, b->high & MASK32, &unused, &cross_ab);
    mul32x32(a->high & MASK32, b->low & MASK32, &unused, &cross_ba);
    r->high = (high + cross_ab + cross_ba) & MASK32;
    r->low = low;
}

int u64_eq(const u64 *a, const u64 *b) {
    return (a->high & MASK32) == (b->high & MASK32) && (a->low & MASK32) == (b->low & MASK32);
}
