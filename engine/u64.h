/* u64: unsigned 64-bit arithmetic in C89, on two unsigned longs.
 *
 * For code shared with compilers that have no 64-bit integer type (cc65 on the 6502): the
 * sampler's xorshift generator keeps its 64-bit state in a u64. Every operation gives the
 * bits uint64_t arithmetic gives (modulo 2^64); tests/test_u64.c checks that on the host.
 *
 * A value is high * 2^32 + low. Only the low 32 bits of each half are significant; results
 * always have the bits above them clear, so halves compare with ==. Results are written
 * through r, which may point at an operand. */
#ifndef ENGINE_U64_H
#define ENGINE_U64_H

typedef struct {
    unsigned long high; /* bits 63..32 */
    unsigned long low;  /* bits 31..0 */
} u64;

void u64_set(u64 *r, unsigned long high, unsigned long low);
/* r = a ^ b */
void u64_xor(u64 *r, const u64 *a, const u64 *b);
/* r = a << n and r = a >> n (logical) for 0 <= n <= 63 */
void u64_shl(u64 *r, const u64 *a, int n);
void u64_shr(u64 *r, const u64 *a, int n);
/* r = a + b and r = a * b, modulo 2^64 */
void u64_add(u64 *r, const u64 *a, const u64 *b);
void u64_mul(u64 *r, const u64 *a, const u64 *b);
/* 1 when a == b */
int u64_eq(const u64 *a, const u64 *b);

#endif
