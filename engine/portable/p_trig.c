/* p_trig(x, cosine): sin(x) or cos(x) in binary32 for |x| <= 2^14; the kernel of p_sinf
 * and p_cosf. Error below 1 ULP (measured: docs/portable-math.md).
 *
 * Algorithm:
 *   1. k = round(x 2/pi), |k| <= 10431. x - k pi/2 by Cody-Waite with pi/2 split into
 *      P1..P6 of at most 10 significant bits each (every k P_i is exact for |k| < 2^14)
 *      and P7 of 24 bits (pi/2 to 84 bits). x - k P1 - k P2 is exact (Sterbenz, and the
 *      difference is a multiple of min(ulp(x), 2^-20) below 1); the remaining terms are
 *      subtracted with two_sum, their error terms summed, and the pair renormalised:
 *      r = h + l. The binary32 numbers closest to multiples of pi/2 below 2^14 are
 *      2^-27.8 away from them at least; on all of them (both neighbours of every k pi/2,
 *      checked against MPFR) r has a relative error below 2^-47.
 *   2. j = round(h 16/pi) in [-4, 4]; s = r - j pi/16 (pi/16 = Q1 + Q2, Q1 of 21 bits so
 *      h - j Q1 is exact), |s| <= pi/32 (1 + 2^-20), s = sh + sl.
 *   3. sin(s) - sh ~ sl + sh^3 (-1/6 + sh^2 (1/120 - sh^2/5040)),
 *      cos(s) - 1 ~ sh^2 (-1/2 + sh^2 (1/24 - sh^2/720)) - sh sl  (Taylor, truncation
 *      below 2^-42).
 *   4. With S + C = sin(j pi/16), cos(j pi/16) as double-floats (table):
 *        sin(j pi/16 + s) = S_hi + C_hi sh + [S_lo + C_lo sh + S_hi (cos s - 1) + C_hi (sin s - sh)]
 *        cos(j pi/16 + s) = C_hi - S_hi sh + [C_lo - S_lo sh + C_hi (cos s - 1) - S_hi (sin s - sh)]
 *      the leading product by two_prod and the leading sum by two_sum (exact), so the
 *      bracket only holds terms below 2^-5.6 of the result; one final rounding.
 *      For j = 0 this is sh + (sin s - sh) and 1 + (cos s - 1).
 *   5. The quadrant k mod 4 picks +-sin or +-cos of j pi/16 + s.
 * sin(+-0) = +-0, cos(+-0) = 1; NaN and +-inf give NaN; |x| > 2^14 gives NaN. */
#include "engine/portable/internals.h"

#define TWO_OVER_PI F32_BITS(0x3F22F983)
#define SIXTEEN_OVER_PI F32_BITS(0x40A2F983)
#define NAN_BITS F32_BITS(0x7FC00000)
#define C_M1_6 F32_BITS(0xBE2AAAAB)
#define C_1_120 F32_BITS(0x3C088889)
#define C_1_5040 F32_BITS(0x39500D01)
#define C_MHALF F32_BITS(0xBF000000)
#define C_1_24 F32_BITS(0x3D2AAAAB)
#define C_1_720 F32_BITS(0x3AB60B61)
#define Q1 F32_BITS(0x3E490FD8) /* pi/16, first 21 bits */
#define Q2 F32_BITS(0x3328885A) /* next 24 bits */

/* pi/2 = P1 + ... + P7 */
static const f32_bits_t pio2_parts[7] = {
    0x3FC90000UL, 0x39FDC000UL, 0xB42F0000UL, 0x2E85C000UL,
    0xA967C000UL, 0x22D30000UL, 0x1D18CC51UL};

/* sin(j pi/16) hi, lo, cos(j pi/16) hi, lo for j = 0..4 */
const f32_bits_t p_sincos_table[5][4] = {
    {0x00000000UL, 0x00000000UL, 0x3F800000UL, 0x00000000UL},
    {0x3E47C5C2UL, 0xB0E5967DUL, 0x3F7B14BEUL, 0x32FF75CBUL},
    {0x3EC3EF15UL, 0x31D5D52CUL, 0x3F6C835EUL, 0x32F328D4UL},
    {0x3F0E39DAUL, 0xB24A32E7UL, 0x3F54DB31UL, 0x3290EA1AUL},
    {0x3F3504F3UL, 0x324FE77AUL, 0x3F3504F3UL, 0x324FE77AUL}};

f32 p_trig(f32 x, int cosine) {
    f32 kf, h, l, t, err, jf, sh, sl, z, sn, cm, s_hi, s_lo, c_hi, c_lo;
    f32 ph, pe, mh, me, corr, sin_a, cos_a, result;
    long k;
    int i, j, aj, quadrant;

    if (!f32_eq(x, x)) return f32_add(x, x);
    if (!f32_le(f32_from_bits(f32_to_bits(x) & 0x7FFFFFFFUL), P_TRIG_MAX)) return NAN_BITS;
    if (f32_eq(x, P_ZERO)) return cosine ? P_ONE : x;

    /* 1. x = k pi/2 + h + l */
    kf = f32_sub(f32_add(f32_mul(x, TWO_OVER_PI), P_ROUNDER), P_ROUNDER);
    k = f32_to_long(kf);
    h = f32_sub(x, f32_mul(kf, f32_from_bits(pio2_parts[0])));
    h = f32_sub(h, f32_mul(kf, f32_from_bits(pio2_parts[1])));
    l = P_ZERO;
    for (i = 2; i < 7; i++) {
        p_two_sum(h, f32_neg(f32_mul(kf, f32_from_bits(pio2_parts[i]))), &t, &err);
        h = t;
        l = f32_add(l, err);
    }
    p_two_sum(h, l, &h, &l);

    /* 2. h + l = j pi/16 + sh + sl */
    jf = f32_sub(f32_add(f32_mul(h, SIXTEEN_OVER_PI), P_ROUNDER), P_ROUNDER);
    j = (int)f32_to_long(jf);
    if (j == 0) {
        sh = h;
        sl = l;
    } else {
        sh = f32_sub(h, f32_mul(jf, Q1));
        sl = f32_sub(l, f32_mul(jf, Q2));
    }

    /* 3. sin(s) - sh and cos(s) - 1 */
    z = f32_mul(sh, sh);
    sn = f32_add(C_1_120, f32_mul(z, f32_neg(C_1_5040)));
    sn = f32_add(C_M1_6, f32_mul(z, sn));
    sn = f32_add(sl, f32_mul(f32_mul(sh, z), sn));
    cm = f32_add(C_1_24, f32_mul(z, f32_neg(C_1_720)));
    cm = f32_add(C_MHALF, f32_mul(z, cm));
    cm = f32_sub(f32_mul(z, cm), f32_mul(sh, sl));

    /* 4. sin and cos of j pi/16 + s */
    if (j == 0) {
        sin_a = f32_add(sh, sn);
        cos_a = f32_add(P_ONE, cm);
    } else {
        aj = j < 0 ? -j : j;
        s_hi = f32_from_bits(p_sincos_table[aj][0]);
        s_lo = f32_from_bits(p_sincos_table[aj][1]);
        c_hi = f32_from_bits(p_sincos_table[aj][2]);
        c_lo = f32_from_bits(p_sincos_table[aj][3]);
        if (j < 0) {
            s_hi = f32_neg(s_hi);
            s_lo = f32_neg(s_lo);
        }
        p_two_prod(c_hi, sh, &ph, &pe);
        p_two_sum(s_hi, ph, &mh, &me);
        corr = f32_add(s_lo, f32_mul(c_lo, sh));
        corr = f32_add(corr, f32_mul(s_hi, cm));
        corr = f32_add(corr, f32_mul(c_hi, sn));
        corr = f32_add(corr, f32_add(me, pe));
        sin_a = f32_add(mh, corr);

        p_two_prod(s_hi, sh, &ph, &pe);
        p_two_sum(c_hi, f32_neg(ph), &mh, &me);
        corr = f32_sub(c_lo, f32_mul(s_lo, sh));
        corr = f32_add(corr, f32_mul(c_hi, cm));
        corr = f32_sub(corr, f32_mul(s_hi, sn));
        corr = f32_add(corr, f32_sub(me, pe));
        cos_a = f32_add(mh, corr);
    }

    /* 5. quadrant */
    quadrant = (int)((k + 16384L + (cosine ? 1L : 0L)) % 4L);
    switch (quadrant) {
    case 0: result = sin_a; break;
    case 1: result = cos_a; break;
    case 2: result = f32_neg(sin_a); break;
    default: result = f32_neg(cos_a); break;
    }
    return result;
}
