/* Operands for testing the soft-float library against hardware float, shared by the host
 * test (test_softfloat.c) and the generator of the 6502 vectors (softfloat_6502_gen.c).
 *
 * Host only: uses float, uint32_t and 64-bit arithmetic. Build with SSE math and
 * -ffp-contract=off so the hardware reference is IEEE-754 binary32, one rounding per
 * operation. */
#ifndef TESTS_SOFTFLOAT_CASES_H
#define TESTS_SOFTFLOAT_CASES_H

#include <math.h>
#include <stdint.h>
#include <string.h>

#if defined(__i386__) && !defined(__SSE2_MATH__)
#error "the hardware reference needs SSE float math (x87 rounds differently): -msse2 -mfpmath=sse"
#endif

/* ---- bit patterns <-> hardware float ---- */

static float case_float(uint32_t u)
{
    float f;
    memcpy(&f, &u, sizeof f);
    return f;
}

static uint32_t case_bits(float f)
{
    uint32_t u;
    memcpy(&u, &f, sizeof u);
    return u;
}

static int case_is_nan(uint32_t u)
{
    return (u & 0x7FFFFFFFu) > 0x7F800000u;
}

/* volatile keeps the compiler from folding or reordering the reference operation. */
static uint32_t hw_add(uint32_t a, uint32_t b)
{
    volatile float x = case_float(a), y = case_float(b), r;
    r = x + y;
    return case_bits(r);
}
static uint32_t hw_sub(uint32_t a, uint32_t b)
{
    volatile float x = case_float(a), y = case_float(b), r;
    r = x - y;
    return case_bits(r);
}
static uint32_t hw_mul(uint32_t a, uint32_t b)
{
    volatile float x = case_float(a), y = case_float(b), r;
    r = x * y;
    return case_bits(r);
}
static uint32_t hw_div(uint32_t a, uint32_t b)
{
    volatile float x = case_float(a), y = case_float(b), r;
    r = x / y;
    return case_bits(r);
}
static uint32_t hw_sqrt(uint32_t a)
{
    volatile float x = case_float(a), r;
    r = sqrtf(x);
    return case_bits(r);
}
static uint32_t hw_floor(uint32_t a)
{
    volatile float x = case_float(a), r;
    r = floorf(x);
    return case_bits(r);
}
static int hw_eq(uint32_t a, uint32_t b)
{
    volatile float x = case_float(a), y = case_float(b);
    return x == y;
}
static int hw_lt(uint32_t a, uint32_t b)
{
    volatile float x = case_float(a), y = case_float(b);
    return x < y;
}
static int hw_le(uint32_t a, uint32_t b)
{
    volatile float x = case_float(a), y = case_float(b);
    return x <= y;
}
static uint32_t hw_from_long(long i)
{
    volatile long v = i;
    volatile float r = (float)v;
    return case_bits(r);
}
/* The documented contract of sf32_to_long_trunc: the hardware conversion where it is
 * defined and fits 32 bits, the saturation policy elsewhere. */
static long expected_to_long(uint32_t a)
{
    volatile float x = case_float(a);
    if (case_is_nan(a))
        return 0;
    if (x >= 2147483648.0f)
        return 2147483647L;
    if (x < -2147483648.0f)
        return -2147483647L - 1;
    return (long)x;
}

/* ---- random numbers: splitmix64, fixed seeds ---- */

typedef struct {
    uint64_t state;
} CaseRng;

static uint64_t case_next64(CaseRng *rng)
{
    uint64_t z = (rng->state += 0x9E3779B97F4A7C15u);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9u;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBu;
    return z ^ (z >> 31);
}

static uint32_t case_next32(CaseRng *rng)
{
    return (uint32_t)(case_next64(rng) >> 32);
}

/* Uniform in [lo, hi]. */
static int case_range(CaseRng *rng, int lo, int hi)
{
    return lo + (int)(case_next32(rng) % (uint32_t)(hi - lo + 1));
}

/* ---- special values ---- */

static const uint32_t case_special_base[] = {
    0x00000000u, /* 0 */
    0x00000001u, /* min subnormal */
    0x00000002u, 0x00000003u,
    0x00400000u, /* subnormal with only the top fraction bit */
    0x007FFFFFu, /* max subnormal */
    0x00800000u, /* min normal */
    0x00800001u, 0x00FFFFFFu, 0x01000000u,
    0x0C000000u, 0x1F800000u, /* 2^-64: squares underflow */
    0x33800000u, /* 2^-24 */
    0x34000000u, /* 2^-23 = ulp(1) */
    0x3F000000u, /* 0.5 */
    0x3F7FFFFFu, /* 1 - ulp */
    0x3F800000u, /* 1 */
    0x3F800001u, /* 1 + ulp */
    0x3FC00000u, /* 1.5 */
    0x3FFFFFFFu, 0x40000000u, /* 2 */
    0x40400000u, /* 3 */
    0x40490FDBu, /* pi */
    0x4AFFFFFFu, 0x4B000000u, /* 2^23 */
    0x4B000001u, 0x4B7FFFFFu, 0x4B800000u, /* 2^24 */
    0x4B800001u, 0x4EFFFFFFu, 0x4F000000u, /* 2^31 */
    0x4F000001u, 0x5F800000u, /* 2^64: squares overflow */
    0x7E800000u, 0x7F000000u, /* 2^127 */
    0x7F7FFFFEu, 0x7F7FFFFFu, /* max finite */
    0x7F800000u, /* inf */
    0x7F800001u, /* signaling NaNs */
    0x7FA00000u, 0x7FBFFFFFu,
    0x7FC00000u, /* quiet NaNs */
    0x7FC12345u, 0x7FFFFFFFu,
};

#define CASE_SPECIAL_MAX 512

/* The base values, both signs, and for finite nonzero ones their neighbours one ulp
 * away (rounding boundaries). Returns the count. */
static int case_specials(uint32_t *out)
{
    int n = 0;
    size_t i;
    for (i = 0; i < sizeof case_special_base / sizeof case_special_base[0]; ++i) {
        uint32_t u = case_special_base[i];
        int sign;
        for (sign = 0; sign < 2; ++sign) {
            uint32_t s = sign ? 0x80000000u : 0;
            out[n++] = u | s;
            if ((u & 0x7F800000u) != 0x7F800000u && u != 0) {
                out[n++] = (u + 1) | s;
                out[n++] = (u - 1) | s;
            }
        }
    }
    return n;
}

/* ---- random operands ---- */

static uint32_t case_make(uint32_t sign, int exp, uint32_t fraction)
{
    return (sign ? 0x80000000u : 0) | ((uint32_t)exp << 23) | (fraction & 0x7FFFFFu);
}

/* A fraction: uniform, or sparse (few bits set: exact results and ties), or all ones
 * with a few holes (carries when rounding). */
static uint32_t case_fraction(CaseRng *rng)
{
    uint32_t r = case_next32(rng);
    switch (case_range(rng, 0, 5)) {
    case 0:
        return r & case_next32(rng) & case_next32(rng) & case_next32(rng);
    case 1:
        return ~(r & case_next32(rng) & case_next32(rng));
    case 2: /* a few leading bits and a few trailing bits */
        return (r & 0x7E0000u) | (case_next32(rng) & 0x7u);
    default:
        return r;
    }
}

static uint32_t case_sign(CaseRng *rng)
{
    return case_next32(rng) & 1;
}

/* Exponent clamped to the finite range [0, 254]. */
static int case_clamp_exp(int e)
{
    return e < 0 ? 0 : e > 254 ? 254 : e;
}

enum { CASE_ADD, CASE_SUB, CASE_MUL, CASE_DIV, CASE_COMPARE };

#define CASE_KINDS 6

/* An operand pair for operation op, of kind `kind` (0 .. CASE_KINDS - 1):
 * 0 random bit patterns; 1 close exponents (cancellation in add/sub); 2 exponent
 * differences around the significand width (alignment, sticky bits); 3 subnormal
 * operands; 4 results near overflow; 5 results near and below the subnormal threshold.
 * For compare, kinds 4 and 5 give equal and neighbouring values. */
static void case_pair(CaseRng *rng, int op, int kind, uint32_t *a, uint32_t *b)
{
    int ea = case_range(rng, 1, 254), eb, target;
    switch (kind) {
    case 0:
        *a = case_next32(rng);
        *b = case_next32(rng);
        return;
    case 1:
        eb = case_clamp_exp(ea + case_range(rng, -2, 2));
        break;
    case 2:
        eb = case_clamp_exp(ea + case_range(rng, -34, 34));
        break;
    case 3:
        ea = case_range(rng, 0, 2);
        eb = case_next32(rng) & 1 ? case_range(rng, 0, 2) : case_range(rng, 0, 60);
        break;
    default:
        if (op == CASE_COMPARE) {
            *a = case_next32(rng);
            *b = kind == 4 ? *a : *a + (uint32_t)case_range(rng, -2, 2);
            if (case_next32(rng) & 1)
                *b ^= 0x80000000u;
            if ((case_next32(rng) & 7) == 0)
                *a &= 0x80000000u, *b &= 0x80000000u; /* zeros */
            return;
        }
        /* The result's biased exponent is aimed near 254 (kind 4) or near 0 (kind 5). */
        target = kind == 4 ? case_range(rng, 250, 256) : case_range(rng, -26, 3);
        if (op == CASE_MUL)
            eb = target - ea + 127;
        else if (op == CASE_DIV)
            eb = ea - target + 127;
        else /* add/sub: large operands, or tiny ones */
            eb = ea = kind == 4 ? case_range(rng, 250, 254) : case_range(rng, 0, 3);
        if (eb < 0 || eb > 254) {
            ea = case_clamp_exp(ea - (eb < 0 ? -eb : eb - 254));
            eb = case_clamp_exp(eb);
        }
        break;
    }
    *a = case_make(case_sign(rng), ea, case_fraction(rng));
    *b = case_make(case_sign(rng), eb, case_fraction(rng));
}

/* A unary operand: random bits, any finite value, or an exponent range where floor and
 * conversions do their work (around 2^-1 .. 2^33), or subnormals. */
static uint32_t case_unary(CaseRng *rng, int kind)
{
    switch (kind % 4) {
    case 0:
        return case_next32(rng);
    case 1:
        return case_make(case_sign(rng), case_range(rng, 0, 254), case_fraction(rng));
    case 2:
        return case_make(case_sign(rng), case_range(rng, 120, 160), case_fraction(rng));
    default:
        return case_make(case_sign(rng), 0, case_fraction(rng));
    }
}

/* A long of random bit length, sign and pattern, within 32 bits if narrow is set. */
static long case_long(CaseRng *rng, int narrow)
{
    int width = narrow ? 32 : (int)(sizeof(long) * 8);
    int bits = case_range(rng, 1, width);
    uint64_t r = case_next64(rng);
    int64_t v;
    if (case_range(rng, 0, 2) == 0) /* sparse: exact values and ties */
        r &= case_next64(rng) & case_next64(rng);
    if (bits < 64)
        r &= ((uint64_t)1 << bits) - 1;
    v = width == 32 ? (int64_t)(int32_t)(uint32_t)r : (int64_t)r;
    if ((case_next32(rng) & 1) && v != (width == 32 ? INT32_MIN : INT64_MIN))
        v = -v;
    return (long)v;
}

#endif
