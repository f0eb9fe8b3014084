/* parse_float: decimal/hex strings to binary32 as (float)strtod(s, end) on glibc, with
 * integer arithmetic only (see parse_float.h).
 *
 * Method: the significant digits become a big integer M (16-bit limbs), the number being
 * M 10^E (decimal) or M 2^P (hex). At most MAX_DIGITS = 200 significant decimal digits are
 * kept; if a nonzero digit is dropped, M becomes 10 M + 1 (E - 1), a value strictly
 * inside the same gap between consecutive multiples of the last kept digit. That is exact
 * for rounding: a binary64 rounding boundary (a midpoint m 2^e, m < 2^54, e >= -204, in the
 * range that can give a nonzero finite binary32) has at most 159 significant decimal
 * digits, so it can never lie strictly inside such a gap. Hex keeps 30 digits (120 bits).
 * Values >= 10^39 give +-inf and values < 10^-45 (below 2^-150) give +-0 without any work.
 * Otherwise the value is A / B 2^P with B = 10^-E (or 1): long division, one bit at a time,
 * gives its first 54 bits and a sticky bit; those are rounded to the 53-bit binary64
 * significand (nearest even; the binary64 value is always normal here), which is rounded
 * again to 24 bits, or fewer for a binary32 subnormal, nearest even: glibc's double
 * rounding, reproduced exactly. */
#include "host/parse_float.h"

#include "host/ascii.h"

#define MAX_DIGITS 200
#define MAX_HEX_DIGITS 30
#define LIMBS 64 /* 1024 bits: the largest number used is 10^246 shifted by one bit */
#define EXP_LIMIT 100000000L

/* cc65's C stack cannot hold the big integers: there they are static (not reentrant). */
#ifdef __CC65__
#define WORKSPACE static
#else
#define WORKSPACE
#endif

typedef struct {
    int n;                  /* limbs in use; d[n-1] != 0 unless n == 0 */
    unsigned int d[LIMBS];  /* little-endian 16-bit limbs */
} Big;

static void big_set(Big *a, unsigned int v) {
    a->n = 0;
    if (v != 0) {
        a->d[0] = v & 0xFFFFu;
        a->n = 1;
    }
}

/* a = a m + c, m <= 10000, c < 65536 */
static void big_mul_add(Big *a, unsigned int m, unsigned int c) {
    unsigned long carry = c;
    int i;
    for (i = 0; i < a->n; i++) {
        carry += (unsigned long)a->d[i] * m;
        a->d[i] = (unsigned int)(carry & 0xFFFFUL);
        carry >>= 16;
    }
    if (carry != 0 && a->n < LIMBS) a->d[a->n++] = (unsigned int)carry;
}

static long big_bitlen(const Big *a) {
    long bits;
    unsigned int top;
    if (a->n == 0) return 0;
    bits = 16L * (a->n - 1);
    for (top = a->d[a->n - 1]; top != 0; top >>= 1) bits++;
    return bits;
}

static void big_shl(Big *a, long shift) {
    int limbs = (int)(shift / 16), bits = (int)(shift % 16), i;
    if (a->n == 0) return;
    if (bits != 0) {
        unsigned int carry = 0;
        for (i = 0; i < a->n; i++) {
            unsigned int v = a->d[i];
            a->d[i] = ((v << bits) | carry) & 0xFFFFu;
            carry = v >> (16 - bits);
        }
        if (carry != 0 && a->n < LIMBS) a->d[a->n++] = carry;
    }
    if (limbs != 0) {
        if (a->n + limbs > LIMBS) limbs = LIMBS - a->n; /* cannot happen in range */
        for (i = a->n - 1; i >= 0; i--) a->d[i + limbs] = a->d[i];
        for (i = 0; i < limbs; i++) a->d[i] = 0;
        a->n += limbs;
    }
}

static int big_cmp(const Big *a, const Big *b) {
    int i;
    if (a->n != b->n) return a->n < b->n ? -1 : 1;
    for (i = a->n - 1; i >= 0; i--)
        if (a->d[i] != b->d[i]) return a->d[i] < b->d[i] ? -1 : 1;
    return 0;
}

/* a -= b, a >= b */
static void big_sub(Big *a, const Big *b) {
    long borrow = 0;
    int i;
    for (i = 0; i < a->n; i++) {
        long v = (long)a->d[i] - (i < b->n ? (long)b->d[i] : 0L) - borrow;
        borrow = v < 0 ? 1 : 0;
        a->d[i] = (unsigned int)(v + (borrow ? 65536L : 0L));
    }
    while (a->n > 0 && a->d[a->n - 1] == 0) a->n--;
}

static void big_mul_pow10(Big *a, long e) {
    for (; e >= 4; e -= 4) big_mul_add(a, 10000u, 0u);
    for (; e > 0; e--) big_mul_add(a, 10u, 0u);
}

/* The binary32 pattern (without sign) of A / B 2^p, rounded first to binary64, then to
 * binary32. A, B nonzero, A / B 2^p within [2^-152, 2^130]; A and B are consumed. */
static f32_bits_t round_quotient(Big *a, Big *b, long p) {
    unsigned char bit[54];
    long t = big_bitlen(a) - big_bitlen(b), e2, width;
    int i, sticky, round, carry;
    f32_bits_t keep;

    if (t > 0) big_shl(b, t);
    else big_shl(a, -t);
    e2 = p + t;
    if (big_cmp(a, b) < 0) {
        big_shl(a, 1);
        e2--;
    }
    /* now 1 <= a / b < 2: the value is (a / b) 2^e2 */
    for (i = 0; i < 54; i++) {
        if (big_cmp(a, b) >= 0) {
            bit[i] = 1;
            big_sub(a, b);
        } else {
            bit[i] = 0;
        }
        big_shl(a, 1);
    }
    sticky = a->n != 0;

    /* to binary64: 53 bits, nearest even */
    if (bit[53] && (sticky || bit[52])) {
        carry = 1;
        for (i = 52; i >= 0 && carry; i--) {
            carry = bit[i];
            bit[i] = (unsigned char)!bit[i];
        }
        if (carry) { /* 1.111...1 + ulp = 2 */
            bit[0] = 1;
            e2++;
        }
    }

    /* to binary32: 24 bits, fewer when subnormal, nearest even */
    if (e2 > 127) return 0x7F800000UL;
    width = e2 >= -126 ? 24 : e2 + 150;
    if (width < 0) return 0;
    keep = 0;
    for (i = 0; i < width; i++) keep = (keep << 1) | bit[i];
    round = bit[width];
    sticky = 0;
    for (i = (int)width + 1; i < 53; i++) sticky |= bit[i];
    if (round && (sticky || (keep & 1UL))) keep++;
    if (e2 >= -126) return ((f32_bits_t)(e2 + 127) << 23) + (keep - 0x800000UL);
    return keep; /* subnormal, or 2^-126 after rounding up */
}

static int is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r'; }


/* case-insensitive: does s start with word (lower case)? */
static int starts_with(const char *s, const char *word) {
    for (; *word; s++, word++)
        if (*s != *word && *s != *word - 'a' + 'A') return 0;
    return 1;
}

/* [sign] digits after an 'e' or 'p' at *s; returns 0 and leaves *s if there are none */
static int parse_exponent(const char **s, long *value) {
    const char *q = *s + 1;
    int negative = 0;
    long v = 0;
    if (*q == '+' || *q == '-') negative = *q++ == '-';
    if (!ascii_is_digit(*q)) return 0;
    for (; ascii_is_digit(*q); q++)
        if (v < EXP_LIMIT) v = v * 10 + (*q - '0');
    *value = negative ? -v : v;
    *s = q;
    return 1;
}

static f32_bits_t parse_hex(const char **s) {
    WORKSPACE Big a, b;
    const char *p = *s;
    long exp2 = 0, e;
    int kept = 0, sticky = 0, any = 0, v;
    big_set(&a, 0);
    for (; (v = ascii_hex_value(*p)) >= 0; p++) {
        any = 1;
        if (kept == 0 && v == 0) continue;
        if (kept < MAX_HEX_DIGITS) {
            big_mul_add(&a, 16u, (unsigned int)v);
            kept++;
        } else {
            sticky |= v != 0;
            if (exp2 < EXP_LIMIT) exp2 += 4;
        }
    }
    if (*p == '.') {
        for (p++; (v = ascii_hex_value(*p)) >= 0; p++) {
            any = 1;
            if (kept == 0 && v == 0) {
                if (exp2 > -EXP_LIMIT) exp2 -= 4;
            } else if (kept < MAX_HEX_DIGITS) {
                big_mul_add(&a, 16u, (unsigned int)v);
                kept++;
                exp2 -= 4;
            } else {
                sticky |= v != 0;
            }
        }
    }
    if (!any) return 0xFFFFFFFFUL; /* not a hex number */
    if ((*p == 'p' || *p == 'P') && parse_exponent(&p, &e)) exp2 += e;
    *s = p;
    if (kept == 0) return 0;
    if (sticky) {
        big_shl(&a, 1);
        big_mul_add(&a, 1u, 1u);
        exp2--;
    }
    e = big_bitlen(&a) - 1 + exp2; /* the value is in [2^e, 2^(e+1)) */
    if (e >= 128) return 0x7F800000UL;
    if (e < -150) return 0;
    big_set(&b, 1u);
    return round_quotient(&a, &b, exp2);
}

f32_bits_t parse_float_bits(const char *s, const char **end) {
    const char *p = s;
    f32_bits_t sign = 0, bits;
    WORKSPACE unsigned char digit[MAX_DIGITS];
    WORKSPACE Big a, b;
    int n = 0, sticky = 0, any = 0, i;
    long e10 = 0, e, lead;

    while (is_space(*p)) p++;
    if (*p == '+' || *p == '-') {
        if (*p == '-') sign = 0x80000000UL;
        p++;
    }
    if (starts_with(p, "inf")) {
        p += starts_with(p + 3, "inity") ? 8 : 3;
        if (end) *end = p;
        return sign | 0x7F800000UL;
    }
    if (starts_with(p, "nan")) {
        const char *q = p + 3;
        p = q;
        if (*q == '(') {
            for (q++; ascii_is_digit(*q) || (*q >= 'a' && *q <= 'z') || (*q >= 'A' && *q <= 'Z') || *q == '_'; q++) {
            }
            if (*q == ')') p = q + 1;
        }
        if (end) *end = p;
        return sign | 0x7FC00000UL;
    }
    if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
        const char *q = p + 2;
        bits = parse_hex(&q);
        if (bits != 0xFFFFFFFFUL) {
            if (end) *end = q;
            return sign | bits;
        }
        /* "0x" without hex digits: the number is the "0" */
    }

    for (; ascii_is_digit(*p); p++) {
        any = 1;
        if (n == 0 && *p == '0') continue;
        if (n < MAX_DIGITS) digit[n++] = (unsigned char)(*p - '0');
        else {
            sticky |= *p != '0';
            if (e10 < EXP_LIMIT) e10++;
        }
    }
    if (*p == '.') {
        for (p++; ascii_is_digit(*p); p++) {
            any = 1;
            if (n == 0 && *p == '0') {
                if (e10 > -EXP_LIMIT) e10--;
            } else if (n < MAX_DIGITS) {
                digit[n++] = (unsigned char)(*p - '0');
                e10--;
            } else {
                sticky |= *p != '0';
            }
        }
    }
    if (!any) {
        if (end) *end = s;
        return 0;
    }
    if ((*p == 'e' || *p == 'E') && parse_exponent(&p, &e)) e10 += e;
    if (end) *end = p;

    if (!sticky)
        while (n > 0 && digit[n - 1] == 0) {
            n--;
            e10++;
        }
    if (n == 0) return sign; /* zero */
    lead = e10 + n;          /* the value is in [10^(lead-1), 10^lead) */
    if (lead > 39) return sign | 0x7F800000UL;
    if (lead < -45) return sign;

    big_set(&a, 0);
    for (i = 0; i < n; i++) big_mul_add(&a, 10u, digit[i]);
    if (sticky) {
        big_mul_add(&a, 10u, 1u);
        e10--;
    }
    big_set(&b, 1u);
    if (e10 >= 0) big_mul_pow10(&a, e10);
    else big_mul_pow10(&b, -e10);
    return sign | round_quotient(&a, &b, 0);
}

f32 parse_f32(const char *s, const char **end) { return f32_from_bits(parse_float_bits(s, end)); }
