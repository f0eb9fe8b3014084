/* p_log_dd(x, &hi, &lo): ln(x) as a double-float hi + lo for finite x > 0; the logarithm
 * inside p_powf. Relative error below 2^-40 (see the bound below), enough for
 * y ln(x) up to 104 in magnitude to be accurate to 2^-33.
 *
 * Algorithm:
 *   x = 2^e m, m in [1, 2) from the bit pattern (subnormal x is first scaled by 2^24).
 *   i = the top 7 fraction bits of m. The table gives d_i ~ 1/m with 7 significant bits
 *       (d = 1 for i = 0, d = 1/2 for i >= 126) and T_i = -ln(d_i) - [i >= 53] ln2 as
 *       hi + lo; for i >= 53 (m > sqrt 2, roughly), e is raised by one, so that ln x is
 *       never a cancellation of e ln2 against ln m, and x near 1 is handled with e = 0,
 *       T = 0.
 *   u = m d_i - 1, exact: two_prod gives m d_i exactly, m d_i - 1 is exact (Sterbenz),
 *       and m d_i - 1 is a multiple of 2^-30 below 2^-6.79 in magnitude, so it fits 24 bits.
 *   ln(1+u) = u - u^2/2 + u^3 (1/3 - u/4 + u^2/5 - u^3/6 + u^4/7), truncation below
 *       2^-45 relative; u^2 by two_prod and u - u^2/2 by fast_two_sum, so the only
 *       rounding errors are in terms below 2^-21 |u|.
 *   ln x = e ln2 + T_i + ln(1+u): ln2 = LN2_1 + LN2_2 + LN2_3 with LN2_1 of 16 bits
 *       (e LN2_1 exact for |e| <= 150); the three leading terms are added with two_sum,
 *       all low parts in binary32, and the pair renormalised. */
#include "engine/portable/internals.h"

#define LN2_1 F32_BITS(0x3F317200) /* ln 2, first 16 bits */
#define LN2_2 F32_BITS(0x35BFBE8E) /* next 24 bits */
#define LN2_3 F32_BITS(0x29779ABD) /* next 24 bits */
#define C_1_3 F32_BITS(0x3EAAAAAB)
#define C_M1_4 F32_BITS(0xBE800000)
#define C_1_5 F32_BITS(0x3E4CCCCD)
#define C_M1_6 F32_BITS(0xBE2AAAAB)
#define C_1_7 F32_BITS(0x3E124925)
#define C_MHALF F32_BITS(0xBF000000)
#define TWO_24 F32_BITS(0x4B800000)

/* d_i, T_i hi, T_i lo (bit patterns) for m in [1 + i/128, 1 + (i+1)/128) */
const f32_bits_t p_log_table[128][3] = {
    {0x3F800000UL, 0x00000000UL, 0x00000000UL}, /* 0 */
    {0x3F7E0000UL, 0x3C0080ACUL, 0xAFA77219UL}, /* 1 */
    {0x3F7C0000UL, 0x3C8102B3UL, 0xAFED94F7UL}, /* 2 */
    {0x3F7A0000UL, 0x3CC24929UL, 0x300C8CACUL}, /* 3 */
    {0x3F780000UL, 0x3D020AECUL, 0x309E7444UL}, /* 4 */
    {0x3F760000UL, 0x3D233577UL, 0xB0BD21C1UL}, /* 5 */
    {0x3F740000UL, 0x3D44A551UL, 0xB0B604CCUL}, /* 6 */
    {0x3F720000UL, 0x3D665B9EUL, 0x30DDDB2DUL}, /* 7 */
    {0x3F700000UL, 0x3D842CC6UL, 0xB1261C60UL}, /* 8 */
    {0x3F6E0000UL, 0x3D955025UL, 0x3088E2F5UL}, /* 9 */
    {0x3F6C0000UL, 0x3DA6988BUL, 0xB037E055UL}, /* 10 */
    {0x3F6A0000UL, 0x3DB80698UL, 0x312EAC0EUL}, /* 11 */
    {0x3F6A0000UL, 0x3DB80698UL, 0x312EAC0EUL}, /* 12 */
    {0x3F680000UL, 0x3DC99AF3UL, 0xB029AD9EUL}, /* 13 */
    {0x3F660000UL, 0x3DDB5644UL, 0x315AD5B2UL}, /* 14 */
    {0x3F640000UL, 0x3DED393BUL, 0x306111A9UL}, /* 15 */
    {0x3F620000UL, 0x3DFF448AUL, 0xB0C48553UL}, /* 16 */
    {0x3F620000UL, 0x3DFF448AUL, 0xB0C48553UL}, /* 17 */
    {0x3F600000UL, 0x3E08BC74UL, 0x3089F91FUL}, /* 18 */
    {0x3F5E0000UL, 0x3E11EB89UL, 0x31A49C20UL}, /* 19 */
    {0x3F5C0000UL, 0x3E1B2FE6UL, 0xB1FEA6FFUL}, /* 20 */
    {0x3F5C0000UL, 0x3E1B2FE6UL, 0xB1FEA6FFUL}, /* 21 */
    {0x3F5A0000UL, 0x3E2489ECUL, 0x30CCED58UL}, /* 22 */
    {0x3F580000UL, 0x3E2DFA03UL, 0x31B543DBUL}, /* 23 */
    {0x3F560000UL, 0x3E378094UL, 0x31B756ACUL}, /* 24 */
    {0x3F560000UL, 0x3E378094UL, 0x31B756ACUL}, /* 25 */
    {0x3F540000UL, 0x3E411E0BUL, 0x312A3478UL}, /* 26 */
    {0x3F520000UL, 0x3E4AD2D7UL, 0xB0C23FA0UL}, /* 27 */
    {0x3F520000UL, 0x3E4AD2D7UL, 0xB0C23FA0UL}, /* 28 */
    {0x3F500000UL, 0x3E549F6AUL, 0xB0DD4987UL}, /* 29 */
    {0x3F4E0000UL, 0x3E5E843AUL, 0xB17884EAUL}, /* 30 */
    {0x3F4E0000UL, 0x3E5E843AUL, 0xB17884EAUL}, /* 31 */
    {0x3F4C0000UL, 0x3E6881C0UL, 0xB1D9AA18UL}, /* 32 */
    {0x3F4A0000UL, 0x3E729878UL, 0xAE477F6FUL}, /* 33 */
    {0x3F4A0000UL, 0x3E729878UL, 0xAE477F6FUL}, /* 34 */
    {0x3F480000UL, 0x3E7CC8E3UL, 0x31CB3B38UL}, /* 35 */
    {0x3F480000UL, 0x3E7CC8E3UL, 0x31CB3B38UL}, /* 36 */
    {0x3F460000UL, 0x3E8389C3UL, 0x2F9AB0C5UL}, /* 37 */
    {0x3F440000UL, 0x3E88BC74UL, 0x3109F91FUL}, /* 38 */
    {0x3F440000UL, 0x3E88BC74UL, 0x3109F91FUL}, /* 39 */
    {0x3F420000UL, 0x3E8DFCCBUL, 0x31569AE5UL}, /* 40 */
    {0x3F420000UL, 0x3E8DFCCBUL, 0x31569AE5UL}, /* 41 */
    {0x3F400000UL, 0x3E934B11UL, 0xB26CB247UL}, /* 42 */
    {0x3F400000UL, 0x3E934B11UL, 0xB26CB247UL}, /* 43 */
    {0x3F3E0000UL, 0x3E98A78FUL, 0x30E9AE72UL}, /* 44 */
    {0x3F3C0000UL, 0x3E9E1294UL, 0xB20CCCE8UL}, /* 45 */
    {0x3F3C0000UL, 0x3E9E1294UL, 0xB20CCCE8UL}, /* 46 */
    {0x3F3A0000UL, 0x3EA38C6EUL, 0x311C7107UL}, /* 47 */
    {0x3F3A0000UL, 0x3EA38C6EUL, 0x311C7107UL}, /* 48 */
    {0x3F380000UL, 0x3EA91570UL, 0x31E7147BUL}, /* 49 */
    {0x3F380000UL, 0x3EA91570UL, 0x31E7147BUL}, /* 50 */
    {0x3F360000UL, 0x3EAEADEFUL, 0xB026A0D0UL}, /* 51 */
    {0x3F360000UL, 0x3EAEADEFUL, 0xB026A0D0UL}, /* 52 */
    {0x3F340000UL, 0xBEAE8DEEUL, 0x3027F636UL}, /* 53 */
    {0x3F340000UL, 0xBEAE8DEEUL, 0x3027F636UL}, /* 54 */
    {0x3F320000UL, 0xBEA8D56CUL, 0xB1E5BF06UL}, /* 55 */
    {0x3F320000UL, 0xBEA8D56CUL, 0xB1E5BF06UL}, /* 56 */
    {0x3F300000UL, 0xBEA30C5EUL, 0xB10717B1UL}, /* 57 */
    {0x3F300000UL, 0xBEA30C5EUL, 0xB10717B1UL}, /* 58 */
    {0x3F2E0000UL, 0xBE9D3263UL, 0x32296BA1UL}, /* 59 */
    {0x3F2E0000UL, 0xBE9D3263UL, 0x32296BA1UL}, /* 60 */
    {0x3F2C0000UL, 0xBE974716UL, 0x31A3DC5AUL}, /* 61 */
    {0x3F2C0000UL, 0xBE974716UL, 0x31A3DC5AUL}, /* 62 */
    {0x3F2C0000UL, 0xBE974716UL, 0x31A3DC5AUL}, /* 63 */
    {0x3F2A0000UL, 0xBE914A10UL, 0x318610D3UL}, /* 64 */
    {0x3F2A0000UL, 0xBE914A10UL, 0x318610D3UL}, /* 65 */
    {0x3F280000UL, 0xBE8B3AE5UL, 0xB23ABA61UL}, /* 66 */
    {0x3F280000UL, 0xBE8B3AE5UL, 0xB23ABA61UL}, /* 67 */
    {0x3F260000UL, 0xBE851927UL, 0xB11CE439UL}, /* 68 */
    {0x3F260000UL, 0xBE851927UL, 0xB11CE439UL}, /* 69 */
    {0x3F260000UL, 0xBE851927UL, 0xB11CE439UL}, /* 70 */
    {0x3F240000UL, 0xBE7DC8C3UL, 0xB1D5E3E3UL}, /* 71 */
    {0x3F240000UL, 0xBE7DC8C3UL, 0xB1D5E3E3UL}, /* 72 */
    {0x3F220000UL, 0xBE71383BUL, 0xB1E2AF2EUL}, /* 73 */
    {0x3F220000UL, 0xBE71383BUL, 0xB1E2AF2EUL}, /* 74 */
    {0x3F220000UL, 0xBE71383BUL, 0xB1E2AF2EUL}, /* 75 */
    {0x3F200000UL, 0xBE647FBEUL, 0xB1735344UL}, /* 76 */
    {0x3F200000UL, 0xBE647FBEUL, 0xB1735344UL}, /* 77 */
    {0x3F1E0000UL, 0xBE579E4AUL, 0xB1E80BFFUL}, /* 78 */
    {0x3F1E0000UL, 0xBE579E4AUL, 0xB1E80BFFUL}, /* 79 */
    {0x3F1E0000UL, 0xBE579E4AUL, 0xB1E80BFFUL}, /* 80 */
    {0x3F1C0000UL, 0xBE4A92D5UL, 0x30C2EA53UL}, /* 81 */
    {0x3F1C0000UL, 0xBE4A92D5UL, 0x30C2EA53UL}, /* 82 */
    {0x3F1A0000UL, 0xBE3D5C48UL, 0xB0843642UL}, /* 83 */
    {0x3F1A0000UL, 0xBE3D5C48UL, 0xB0843642UL}, /* 84 */
    {0x3F1A0000UL, 0xBE3D5C48UL, 0xB0843642UL}, /* 85 */
    {0x3F180000UL, 0xBE2FF984UL, 0x31F586C3UL}, /* 86 */
    {0x3F180000UL, 0xBE2FF984UL, 0x31F586C3UL}, /* 87 */
    {0x3F180000UL, 0xBE2FF984UL, 0x31F586C3UL}, /* 88 */
    {0x3F160000UL, 0xBE22695BUL, 0xB1CCB7D2UL}, /* 89 */
    {0x3F160000UL, 0xBE22695BUL, 0xB1CCB7D2UL}, /* 90 */
    {0x3F160000UL, 0xBE22695BUL, 0xB1CCB7D2UL}, /* 91 */
    {0x3F140000UL, 0xBE14AA98UL, 0x317C015CUL}, /* 92 */
    {0x3F140000UL, 0xBE14AA98UL, 0x317C015CUL}, /* 93 */
    {0x3F140000UL, 0xBE14AA98UL, 0x317C015CUL}, /* 94 */
    {0x3F120000UL, 0xBE06BBF4UL, 0x30CBDC6AUL}, /* 95 */
    {0x3F120000UL, 0xBE06BBF4UL, 0x30CBDC6AUL}, /* 96 */
    {0x3F120000UL, 0xBE06BBF4UL, 0x30CBDC6AUL}, /* 97 */
    {0x3F100000UL, 0xBDF1383BUL, 0xB162AF2EUL}, /* 98 */
    {0x3F100000UL, 0xBDF1383BUL, 0xB162AF2EUL}, /* 99 */
    {0x3F100000UL, 0xBDF1383BUL, 0xB162AF2EUL}, /* 100 */
    {0x3F0E0000UL, 0xBDD4936AUL, 0x30B6A554UL}, /* 101 */
    {0x3F0E0000UL, 0xBDD4936AUL, 0x30B6A554UL}, /* 102 */
    {0x3F0E0000UL, 0xBDD4936AUL, 0x30B6A554UL}, /* 103 */
    {0x3F0C0000UL, 0xBDB78694UL, 0xB12E56B5UL}, /* 104 */
    {0x3F0C0000UL, 0xBDB78694UL, 0xB12E56B5UL}, /* 105 */
    {0x3F0C0000UL, 0xBDB78694UL, 0xB12E56B5UL}, /* 106 */
    {0x3F0C0000UL, 0xBDB78694UL, 0xB12E56B5UL}, /* 107 */
    {0x3F0A0000UL, 0xBD9A0EBDUL, 0x311E42E3UL}, /* 108 */
    {0x3F0A0000UL, 0xBD9A0EBDUL, 0x311E42E3UL}, /* 109 */
    {0x3F0A0000UL, 0xBD9A0EBDUL, 0x311E42E3UL}, /* 110 */
    {0x3F080000UL, 0xBD785186UL, 0xAD0B1533UL}, /* 111 */
    {0x3F080000UL, 0xBD785186UL, 0xAD0B1533UL}, /* 112 */
    {0x3F080000UL, 0xBD785186UL, 0xAD0B1533UL}, /* 113 */
    {0x3F080000UL, 0xBD785186UL, 0xAD0B1533UL}, /* 114 */
    {0x3F060000UL, 0xBD3BA2C8UL, 0x309CD230UL}, /* 115 */
    {0x3F060000UL, 0xBD3BA2C8UL, 0x309CD230UL}, /* 116 */
    {0x3F060000UL, 0xBD3BA2C8UL, 0x309CD230UL}, /* 117 */
    {0x3F040000UL, 0xBCFC14D8UL, 0xB0678330UL}, /* 118 */
    {0x3F040000UL, 0xBCFC14D8UL, 0xB0678330UL}, /* 119 */
    {0x3F040000UL, 0xBCFC14D8UL, 0xB0678330UL}, /* 120 */
    {0x3F040000UL, 0xBCFC14D8UL, 0xB0678330UL}, /* 121 */
    {0x3F020000UL, 0xBC7E0546UL, 0x2FF03FC2UL}, /* 122 */
    {0x3F020000UL, 0xBC7E0546UL, 0x2FF03FC2UL}, /* 123 */
    {0x3F020000UL, 0xBC7E0546UL, 0x2FF03FC2UL}, /* 124 */
    {0x3F020000UL, 0xBC7E0546UL, 0x2FF03FC2UL}, /* 125 */
    {0x3F000000UL, 0x00000000UL, 0x00000000UL}, /* 126 */
    {0x3F000000UL, 0x00000000UL, 0x00000000UL}}; /* 127 */

void p_log_dd(f32 x, f32 *hi, f32 *lo) {
    f32_bits_t bx;
    long e;
    int i;
    f32 m, d, ph, pl, u, zh, zl, a, ae, poly, l1, eh, el, s1, e1, s2, e2, low;

    bx = f32_to_bits(x);
    e = (long)((bx >> 23) & 0xFFUL);
    if (e == 0L) { /* subnormal */
        bx = f32_to_bits(f32_mul(x, TWO_24));
        e = (long)((bx >> 23) & 0xFFUL) - 24L;
    }
    e -= 127L;
    i = (int)((bx >> 16) & 0x7FUL);
    if (i >= 53) e += 1L;
    m = f32_from_bits((bx & 0x007FFFFFUL) | 0x3F800000UL);
    d = f32_from_bits(p_log_table[i][0]);

    p_two_prod(m, d, &ph, &pl);
    u = f32_add(f32_sub(ph, P_ONE), pl); /* exact */

    p_two_prod(u, u, &zh, &zl);
    p_fast_two_sum(u, f32_mul(zh, C_MHALF), &a, &ae);
    poly = f32_add(C_M1_6, f32_mul(u, C_1_7));
    poly = f32_add(C_1_5, f32_mul(u, poly));
    poly = f32_add(C_M1_4, f32_mul(u, poly));
    poly = f32_add(C_1_3, f32_mul(u, poly));
    l1 = f32_add(f32_mul(zl, C_MHALF), f32_mul(f32_mul(u, zh), poly));
    l1 = f32_add(ae, l1);

    eh = f32_mul(f32_from_long(e), LN2_1); /* exact */
    el = f32_add(f32_mul(f32_from_long(e), LN2_2), f32_mul(f32_from_long(e), LN2_3));
    p_two_sum(eh, f32_from_bits(p_log_table[i][1]), &s1, &e1);
    p_two_sum(s1, a, &s2, &e2);
    low = f32_add(l1, f32_from_bits(p_log_table[i][2]));
    low = f32_add(low, el);
    low = f32_add(low, e1);
    low = f32_add(low, e2);
    p_fast_two_sum(s2, low, hi, lo);
}
