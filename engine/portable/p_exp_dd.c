/* p_exp_dd(hi, lo) = exp(hi + lo), rounded to binary32; the kernel of p_expf and p_powf.
 *
 * Algorithm (table-driven, all in binary32 with exact steps where it matters):
 *   hi > 89: +inf; hi < -104: +0 (exp(-103.98) < 2^-150 rounds to 0).
 *   k = round(hi * 32/ln2), |k| <= 4802.
 *   r = hi + lo - k ln2/32 with ln2/32 = L1 + L2 + L3: L1 and L2 have 11 significant bits,
 *       so k L1 and k L2 are exact and hi - k L1 - k L2 is exact (Sterbenz, and the
 *       difference fits 24 bits); k L3 and lo are added with two_sum, so r = rh + rl with
 *       an absolute error below 2^-48 and |r| <= ln2/64 (1 + 2^-20).
 *   p = rh + (rl + rh^2 (1/2 + rh (1/6 + rh/24)))  ~ exp(r) - 1 (Taylor, truncation
 *       < 2^-39.5 relative, |p| < 0.011, so the rounding of p costs < 2^-31 relative).
 *   k = 32 m + j:  exp = 2^m 2^(j/32) (1 + p),  with 2^(j/32) = T_hi + T_lo (table):
 *       v = T_hi + (T_lo + T_hi p)   -- one final rounding of a value that is accurate
 *       to about 2^-29 relative, so the error is 0.5 ULP + a few hundredths.
 *   2^m is applied to v's exponent field (integer arithmetic). If the result is
 *   subnormal, v is scaled exactly by 2^(m+100) and then by 2^-100 (a single rounding);
 *   when that rounding was a tie, the residual of v decides the direction. */
#include "engine/portable/internals.h"

/* P_EXP_INVL .. P_EXP_UNDER are in internals.h, shared with the fast path's vector version */
#define TWO_M100 F32_BITS(0x0D800000) /* 2^-100 */
#define TWO_100 F32_BITS(0x71800000)  /* 2^100 */
#define TWO_M50 F32_BITS(0x26800000)  /* 2^-50: half the subnormal spacing, scaled by 2^100 */

const f32_bits_t p_exp2_table[32][2] = {
    {0x3F800000UL, 0x00000000UL}, {0x3F82CD87UL, 0xB34EA7A9UL},
    {0x3F85AAC3UL, 0x334F9891UL}, {0x3F88980FUL, 0xB37EDA4BUL},
    {0x3F8B95C2UL, 0xB260ABA1UL}, {0x3F8EA43AUL, 0xB3697465UL},
    {0x3F91C3D3UL, 0x33675624UL}, {0x3F94F4F0UL, 0xB32E0212UL},
    {0x3F9837F0UL, 0x33231B71UL}, {0x3F9B8D3AUL, 0xB30C5563UL},
    {0x3F9EF532UL, 0x33412342UL}, {0x3FA27043UL, 0x30C3125AUL},
    {0x3FA5FED7UL, 0xB32C9D5EUL}, {0x3FA9A15BUL, 0xB3162B08UL},
    {0x3FAD583FUL, 0xB22DEAF6UL}, {0x3FB123F6UL, 0xB37C5AA8UL},
    {0x3FB504F3UL, 0x32CFE77AUL}, {0x3FB8FBAFUL, 0x330EC5F7UL},
    {0x3FBD08A4UL, 0xB3414FE8UL}, {0x3FC12C4DUL, 0xB2D6663EUL},
    {0x3FC5672AUL, 0x320AA837UL}, {0x3FC9B9BEUL, 0xB37323A2UL},
    {0x3FCE248CUL, 0x3228FC24UL}, {0x3FD2A81EUL, 0xB35C1DAAUL},
    {0x3FD744FDUL, 0xB2D4A58AUL}, {0x3FDBFBB8UL, 0xB3504A1CUL},
    {0x3FE0CCDFUL, 0xB21EAB59UL}, {0x3FE5B907UL, 0xB2441BE6UL},
    {0x3FEAC0C7UL, 0xB24116DEUL}, {0x3FEFE4BAUL, 0xB348464AUL},
    {0x3FF5257DUL, 0x32292436UL}, {0x3FFA83B3UL, 0xB2923758UL}};

f32 p_exp_dd(f32 hi, f32 lo) {
    f32 kf, a, rh, rl, q, p, u, v, e, w, y, back, d;
    long k, m, ev;
    int j;
    f32_bits_t vb;

    if (f32_lt(P_EXP_OVER, hi)) return P_INF;
    if (f32_lt(hi, P_EXP_UNDER)) return P_ZERO;

    kf = f32_sub(f32_add(f32_mul(hi, P_EXP_INVL), P_ROUNDER), P_ROUNDER);
    k = f32_to_long(kf);
    a = f32_sub(hi, f32_mul(kf, P_EXP_L1));
    a = f32_sub(a, f32_mul(kf, P_EXP_L2));
    p_two_sum(a, f32_sub(lo, f32_mul(kf, P_EXP_L3)), &rh, &rl);

    q = f32_add(P_EXP_C_1_6, f32_mul(rh, P_EXP_C_1_24));
    q = f32_add(P_HALF, f32_mul(rh, q));
    q = f32_mul(f32_mul(rh, rh), q);
    p = f32_add(rh, f32_add(rl, q));

    k += 8192L; /* k = 32 m + j with 0 <= j < 32; k > 0 now, so a mask and a shift do it
                   (cc65 would call its long division twice) */
    j = (int)(k & 31L);
    m = (k >> 5) - 256L;
    u = f32_add(f32_from_bits(p_exp2_table[j][1]), f32_mul(f32_from_bits(p_exp2_table[j][0]), p));
    v = f32_add(f32_from_bits(p_exp2_table[j][0]), u);

    vb = f32_to_bits(v);
    ev = (long)((vb >> 23) & 0xFFUL) + m;
    if (ev >= 255L) return P_INF;
    if (ev >= 1L) return f32_from_bits((vb & 0x807FFFFFUL) | ((f32_bits_t)ev << 23));

    /* subnormal result: here -151 <= m <= -126. Only this case needs v's rounding error e
     * (two_sum's first step is the same addition, so v is unchanged). */
    p_two_sum(f32_from_bits(p_exp2_table[j][0]), u, &v, &e);
    w = f32_mul(v, f32_from_bits((f32_bits_t)(m + 227L) << 23)); /* v 2^(m+100), exact */
    y = f32_mul(w, TWO_M100);
    back = f32_mul(y, TWO_100);
    d = f32_sub(w, back); /* exact: what the rounding removed, in units scaled by 2^100 */
    if (!f32_eq(e, P_ZERO) &&
        (f32_eq(d, TWO_M50) || f32_eq(d, f32_neg(TWO_M50))) &&
        f32_lt(P_ZERO, d) == f32_lt(P_ZERO, e)) {
        /* a tie broken the wrong way: the exact value lies beyond the midpoint */
        y = f32_mul(f32_add(back, f32_add(d, d)), TWO_M100);
    }
    return y;
}
