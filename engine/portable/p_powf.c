/* p_powf(x, y) = x^y in binary32.
 *
 * Domain where the error is measured below 1 ULP (docs/portable-math.md): x > 0 finite
 * (RoPE calls powf(10000, y) with y in [0, 1)); also x < 0 with integer y. Special
 * values follow C99 Annex F: pow(x, +-0) = 1, pow(1, y) = 1 (even for NaN), NaN otherwise
 * propagates, pow(+-0, y), pow(+-inf, y) and pow(x, +-inf) as Annex F (signed results for
 * odd integer y), pow(x < 0, non-integer y) = NaN.
 *
 * Algorithm for x > 0 finite (after the special cases):
 *   |y| >= 2^40: |y ln x| >= 2^16 as |ln x| >= 2^-24.1 for x != 1, so the result is +inf or
 *       +0 by the signs of y and ln x; |y| < 2^-60: |y ln x| < 2^-53, the result is 1.
 *   ln x = lh + ll (p_log_dd, relative error < 2^-40),
 *   z = y ln x: y lh exactly by two_prod, plus y ll, renormalised with fast_two_sum,
 *   result = p_exp_dd(zh, zl): exp of a double-float argument (see p_exp_dd.c).
 * The error of z is below 2^-33 absolute for |z| <= 104 (2^-40 relative of ln x times y,
 * plus roundings of the low parts), so the result is within 0.5 ULP + about 0.02 ULP
 * before the final rounding. */
#include "engine/portable/portable_math.h"

#include "engine/portable/internals.h"

#define TWO_40 F32_BITS(0x53800000)
#define TWO_M60 F32_BITS(0x21800000)
#define TWO_24 F32_BITS(0x4B800000)

static int is_negative(f32 a) { return (f32_to_bits(a) & 0x80000000UL) != 0; }

static f32 absolute(f32 a) { return f32_from_bits(f32_to_bits(a) & 0x7FFFFFFFUL); }

/* 0: y is not an integer, 1: odd integer, 2: even integer; y finite */
static int integer_kind(f32 y) {
    f32 ay = absolute(y), half;
    if (!f32_lt(ay, TWO_24)) return 2; /* every binary32 >= 2^24 is an even integer */
    if (!f32_eq(f32_floor(ay), ay)) return 0;
    half = f32_mul(ay, P_HALF);
    return f32_eq(f32_floor(half), half) ? 2 : 1;
}

f32 p_powf(f32 x, f32 y) {
    f32 ax, ay, lh, ll, zh, zl, r;
    int kind, negate;

    if (f32_eq(y, P_ZERO)) return P_ONE;
    if (f32_eq(x, P_ONE)) return P_ONE;
    if (!f32_eq(x, x) || !f32_eq(y, y)) return f32_add(x, y);

    ax = absolute(x);
    ay = absolute(y);
    if (f32_eq(ay, P_INF)) {
        if (f32_eq(ax, P_ONE)) return P_ONE; /* x == -1 */
        return (f32_lt(ax, P_ONE) == is_negative(y)) ? P_INF : P_ZERO;
    }
    kind = integer_kind(y);
    negate = is_negative(x) && kind == 1;
    if (f32_eq(ax, P_ZERO) || f32_eq(ax, P_INF)) {
        /* x^y is 0 for (0, y > 0) and (inf, y < 0), else inf */
        r = (f32_eq(ax, P_ZERO) == is_negative(y)) ? P_INF : P_ZERO;
        return negate ? f32_neg(r) : r;
    }
    if (is_negative(x) && kind == 0) return f32_div(f32_sub(x, x), f32_sub(x, x)); /* NaN */

    if (f32_eq(ax, P_ONE)) {
        r = P_ONE; /* x == -1, y an integer */
    } else if (!f32_lt(ay, TWO_40)) {
        r = (f32_lt(ax, P_ONE) == is_negative(y)) ? P_INF : P_ZERO;
    } else if (f32_lt(ay, TWO_M60)) {
        r = P_ONE;
    } else {
        p_log_dd(ax, &lh, &ll);
        p_two_prod(y, lh, &zh, &zl);
        zl = f32_add(zl, f32_mul(y, ll));
        p_fast_two_sum(zh, zl, &zh, &zl);
        r = p_exp_dd(zh, zl);
    }
    return negate ? f32_neg(r) : r;
}
