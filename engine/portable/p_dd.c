/* Error-free transformations for double-float arithmetic (see internals.h).
 *
 * two_sum (Knuth): s = fl(a + b); bb = s - a; e = (a - (s - bb)) + (b - bb).
 * fast_two_sum (Dekker, |a| >= |b|): s = fl(a + b); e = b - (s - a).
 * two_prod (Dekker): split a and b into 12-bit halves with c = 4097 a, ah = c - (c - a),
 * al = a - ah (Veltkamp); p = fl(a b); e = ((ah bh - p) + ah bl + al bh) + al bl. Every
 * partial product has at most 24 bits, so each step is exact and p + e == a b, provided
 * |a|, |b| < 2^115 (no overflow in the split) and no partial product underflows. */
#include "engine/portable/internals.h"

#define SPLITTER F32_BITS(0x45800800) /* 4097 = 2^12 + 1 */

void p_two_sum(f32 a, f32 b, f32 *s, f32 *e) {
    f32 sum = f32_add(a, b);
    f32 bb = f32_sub(sum, a);
    *e = f32_add(f32_sub(a, f32_sub(sum, bb)), f32_sub(b, bb));
    *s = sum;
}

void p_fast_two_sum(f32 a, f32 b, f32 *s, f32 *e) {
    f32 sum = f32_add(a, b);
    *e = f32_sub(b, f32_sub(sum, a));
    *s = sum;
}

void p_two_prod(f32 a, f32 b, f32 *p, f32 *e) {
    f32 c, ah, al, bh, bl, prod, err;
    c = f32_mul(SPLITTER, a);
    ah = f32_sub(c, f32_sub(c, a));
    al = f32_sub(a, ah);
    c = f32_mul(SPLITTER, b);
    bh = f32_sub(c, f32_sub(c, b));
    bl = f32_sub(b, bh);
    prod = f32_mul(a, b);
    err = f32_sub(f32_mul(ah, bh), prod);
    err = f32_add(err, f32_mul(ah, bl));
    err = f32_add(err, f32_mul(al, bh));
    err = f32_add(err, f32_mul(al, bl));
    *p = prod;
    *e = err;
}
