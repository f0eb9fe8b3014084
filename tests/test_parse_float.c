/* cmocka tests of host/parse_float.c against glibc: for every string, the bits and the
 * end pointer must equal those of (float)strtod(s, &end).
 *
 * Strings (over 10^6 in all): fixed edge cases (syntax, inf/nan, thresholds), random
 * floats and doubles printed in several formats, the exact decimal expansions of binary32
 * midpoints (ties of the second rounding) and of binary64 midpoints next to them (where
 * rounding twice differs from rounding once), each also nudged up and down in its last
 * digits, long digit strings (up to 800 digits), exponents far out of range, subnormals,
 * and hexadecimal strings. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "host/parse_float.h"
#include "tests/testutil.h"

static uint64_t rng = 0x243F6A8885A308D3ull;
static uint32_t rand_u32(void) {
    rng ^= rng >> 12;
    rng ^= rng << 25;
    rng ^= rng >> 27;
    return (uint32_t)((rng * 0x2545F4914F6CDD1Dull) >> 32);
}
static uint64_t rand_u64(void) { return ((uint64_t)rand_u32() << 32) | rand_u32(); }

static double double_of(uint64_t u) {
    double d;
    memcpy(&d, &u, sizeof d);
    return d;
}

static unsigned long checked, mismatches;

/* compares one string; prints the first few mismatches */
static void check(const char *s) {
    char *glibc_end;
    const char *our_end;
    float want = (float)strtod(s, &glibc_end);
    uint32_t got = (uint32_t)parse_float_bits(s, &our_end);
    int same = isnan(want) ? (isnan(float_of(got)) && (got >> 31) == (bits_of(want) >> 31)) : got == bits_of(want);
    checked++;
    if (!same || our_end != glibc_end) {
        if (mismatches < 10)
            fprintf(stderr, "mismatch for \"%.120s\"%s: got 0x%08X end %+ld, glibc 0x%08X end %+ld\n", s,
                    strlen(s) > 120 ? "..." : "", got, (long)(our_end - s), bits_of(want), (long)(glibc_end - s));
        mismatches++;
    }
}

/* s, and s with its last significant digit moved by one up and down (not through 0/9) */
static void check_nudged(char *s) {
    char *e = strpbrk(s, "eE"), *last;
    check(s);
    last = (e ? e : s + strlen(s)) - 1;
    while (last > s && !(*last >= '0' && *last <= '9')) last--;
    if (*last < '9') {
        (*last)++;
        check(s);
        (*last)--;
    }
    if (*last > '0') {
        (*last)--;
        check(s);
        (*last)++;
    }
}

/* the exact decimal expansion of a long double value, plus variants just above and below
 * it (appending digits) */
static void check_exact(long double v) {
    char buf[1200], more[1300];
    char *e;
    snprintf(buf, sizeof buf, "%.400Le", v);
    check(buf);
    /* strip trailing zeros of the mantissa to get the shortest exact form */
    e = strchr(buf, 'e');
    if (e) {
        char *z = e - 1, tail[16];
        snprintf(tail, sizeof tail, "%s", e);
        while (*z == '0') z--;
        if (*z == '.') z++;
        z[1] = '\0';
        snprintf(more, sizeof more, "%s%s", buf, tail);
        check(more);
        snprintf(more, sizeof more, "%s0000000000000000000001%s", buf, tail);
        check(more);
        check_nudged(more);
    }
}

static void test_edge_cases(void **state) {
    static const char *const cases[] = {
        "0", "-0", "+0", "0.0", "-0.0e10", "1", "-1", "  \t\n\v\f\r42", "1.5", ".5", "5.", "-.5e1", ".",
        "", "-", "+", "e5", ".e5", "1e", "1e+", "1e-", "1E5", "1e+5x", "12abc", "0.1", "0.3", "3.14159",
        "inf", "-INF", "Infinity", "-infinity", "infinit", "infx", "nan", "-nan", "NaN", "nan()",
        "nan(abc_12)", "nan(", "nan(x y)", "in", "na", "0x", "0x.", "0x.p1", "0X1P3", "0x1.8p1", "-0x.8",
        "0x1p-149", "0x1p-150", "0x1.000001p-150", "0x1p128", "0x1.fffffep127", "0x1.ffffffp127",
        "0x1.fffffefffffffffffp127", "0xAbC.dEfp-3", "0x1p", "0x1p+", "0x0p0", "0x00000.00001p20",
        "1e39", "1e38", "3.4028235e38", "3.40282356779733661637539395458142568448e38",
        "3.40282356779733661637539395458142568447e38", "3.4028235677973366e38", "3.4028235677973367e38",
        "1.17549435e-38", "1.1754942e-38", "1.4e-45", "1.401298464324817e-45", "7.006492321624085e-46",
        "7.006492321624086e-46", "7.0064923216240853546e-46", "7.0064923216240862e-46", "1e-45", "1e-46",
        "9.99e-47", "1e-400", "1e400", "-1e400", "1e-99999999999999999999", "1e99999999999999999999",
        "0.000000000000000000000000000000000000000000001", "100000000000000000000000000000000000000",
        "1000000000000000000000000000000000000000", "0e99999", "0.0000e-99999", "000000000000123.4500000",
        "16777217", "16777216.5", "16777217.000000000000000000000001", "0.1e1", "4.9406564584124654e-324",
        "2.2250738585072014e-308", "1.7976931348623157e308", "1.0000000596046448", "1.00000005960464477539",
        "1.000000059604644775390625", "1.000000059604644775390626", "1.000000059604644775390624"};
    size_t i;
    unsigned long failed_before = mismatches;
    (void)state;
    for (i = 0; i < sizeof cases / sizeof cases[0]; i++) check(cases[i]);
    assert_int_equal(mismatches - failed_before, 0);
}

static void test_random_formats(void **state) {
    static const char *const fmts[] = {"%.9g", "%.8g", "%.17g", "%.6e", "%.25e", "%g", "%.3f", "%.45f", "%a"};
    char buf[512];
    int i, k;
    unsigned long failed_before = mismatches;
    (void)state;
    for (i = 0; i < 40000; i++) {
        float f = float_of(rand_u32());
        double d = double_of(rand_u64());
        double scaled = ldexp((double)(rand_u32() | 1u), (int)(rand_u32() % 300u) - 180);
        if (isnan(f) || isnan(d)) continue;
        for (k = 0; k < (int)(sizeof fmts / sizeof fmts[0]); k++) {
            snprintf(buf, sizeof buf, fmts[k], (double)f);
            check(buf);
            snprintf(buf, sizeof buf, fmts[k], d);
            check(buf);
            snprintf(buf, sizeof buf, fmts[k], scaled);
            check(buf);
        }
    }
    printf("random formats: %lu strings\n", checked);
    assert_int_equal(mismatches - failed_before, 0);
}

/* ties of the binary32 rounding (exact float midpoints, doubles) and the binary64
 * midpoints next to them */
static void test_midpoints(void **state) {
    int i;
    unsigned long before = checked, failed_before = mismatches;
    (void)state;
    for (i = 0; i < 40000; i++) {
        uint32_t u = rand_u32() & 0x7F7FFFFFu;
        double lo, mid;
        long double ulp;
        if (i % 4 == 0) u &= 0x00FFFFFFu; /* subnormals and the smallest normals */
        lo = (double)float_of(u);
        mid = (lo + (double)float_of(u + 1u)) / 2.0; /* exact */
        ulp = (long double)(nextafter(mid, INFINITY) - mid);
        check_exact((long double)mid);
        check_exact((long double)mid + ulp / 2.0L);
        check_exact((long double)mid - ulp / 2.0L);
        check_exact((long double)nextafter(mid, INFINITY));
        check_exact((long double)nextafter(mid, 0.0));
    }
    printf("midpoints: %lu strings\n", checked - before);
    assert_int_equal(mismatches - failed_before, 0);
}

static void test_long_digit_strings(void **state) {
    char buf[1000];
    int i, j;
    unsigned long before = checked, failed_before = mismatches;
    (void)state;
    for (i = 0; i < 30000; i++) {
        int len = 20 + (int)(rand_u32() % 780u), pos = 0, lead_zeros = (int)(rand_u32() % 60u);
        if (rand_u32() & 1u) buf[pos++] = '-';
        if (i % 3 == 0) {
            buf[pos++] = '0';
            buf[pos++] = '.';
            for (j = 0; j < lead_zeros; j++) buf[pos++] = '0';
        }
        for (j = 0; j < len && pos < 900; j++) {
            /* long runs of 0 or 9 make near-boundary values */
            uint32_t r = rand_u32() % 10u;
            buf[pos++] = (char)('0' + ((i % 5 == 1 && j > 8) ? 0 : (i % 5 == 2 && j > 8) ? 9 : (int)r));
            if (i % 3 == 1 && j == 5) buf[pos++] = '.';
        }
        if (i % 3 == 1 && (rand_u32() & 1u)) buf[pos++] = '1';
        pos += snprintf(buf + pos, sizeof buf - (size_t)pos, "e%d", (int)(rand_u32() % 160u) - 100 - (i % 3 == 0 ? 0 : len / 2));
        check(buf);
    }
    printf("long digit strings: %lu strings\n", checked - before);
    assert_int_equal(mismatches - failed_before, 0);
}

static void test_exponents_and_subnormals(void **state) {
    char buf[128];
    int i;
    unsigned long before = checked, failed_before = mismatches;
    (void)state;
    for (i = 0; i < 60000; i++) {
        uint32_t m = rand_u32();
        int e = (int)(rand_u32() % 120u) - 60;
        switch (i % 4) {
        case 0: snprintf(buf, sizeof buf, "%u.%ue%d", m % 1000u, rand_u32(), e - 45); break;  /* around 1e-45 */
        case 1: snprintf(buf, sizeof buf, "%u.%ue%d", m % 1000u, rand_u32(), e + 38); break;  /* around 1e38 */
        case 2: snprintf(buf, sizeof buf, "%ue%d", m, (int)(rand_u32() % 2000u) - 1000); break; /* far out */
        default: snprintf(buf, sizeof buf, "%.*e", (int)(rand_u32() % 30u), ldexp((double)(m | 1u), -(int)(rand_u32() % 40u) - 126 - 31)); break;
        }
        check(buf);
    }
    printf("exponents and subnormals: %lu strings\n", checked - before);
    assert_int_equal(mismatches - failed_before, 0);
}

static void test_hex(void **state) {
    char buf[128];
    int i;
    unsigned long before = checked, failed_before = mismatches;
    (void)state;
    for (i = 0; i < 50000; i++) {
        double d = double_of(rand_u64() & 0x7FFFFFFFFFFFFFFFull);
        if (isnan(d)) continue;
        snprintf(buf, sizeof buf, "%a", ldexp(d, 0) * ((i & 1) ? 1 : -1));
        check(buf);
        snprintf(buf, sizeof buf, "0x%x%08x.%xp%d", rand_u32(), rand_u32(), rand_u32(), (int)(rand_u32() % 400u) - 240);
        check(buf);
    }
    printf("hex: %lu strings\n", checked - before);
    assert_int_equal(mismatches - failed_before, 0);
}

static void test_total(void **state) {
    (void)state;
    printf("parse_float: %lu strings compared with (float)strtod, %lu mismatches\n", checked, mismatches);
    assert_true(checked > 1000000ul);
    assert_int_equal(mismatches, 0);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_edge_cases),
        cmocka_unit_test(test_random_formats),
        cmocka_unit_test(test_midpoints),
        cmocka_unit_test(test_long_digit_strings),
        cmocka_unit_test(test_exponents_and_subnormals),
        cmocka_unit_test(test_hex),
        cmocka_unit_test(test_total),
    };
    return cmocka_run_group_tests_name("parse_float", tests, NULL, NULL);
}
