/* make bench-c64's instruments: variants of the sim65 program that do one kind of work
 * twice, so that the extra cycles of a run are exactly what that work costs (the results
 * stay the same: bench.sh checks that every variant's trace equals the plain one).
 *
 *   matmul     engine/forward.c built with -Ddot=bench_dot: every matmul row summed twice
 *   attention  engine/forward.c with -Dattention_score=bench_attention_score
 *              -Dattention_mix=bench_attention_mix: scores and weighted sums twice
 *   kv         model.c with -DBENCH_TWICE_KV: every KV cache read and write twice
 *   math       program.c with -DBENCH_TWICE_MATH: expf, powf, sinf, cosf called twice
 * Streaming the weights is measured apart: reading a row twice would mean going back in
 * the file, which costs sim65's file backend a reopen. The stream variant (model.c,
 * program.c and sim65/main.c with -DBENCH_STREAM_PASS) has run65 IMAGE WORK --stream-only
 * N, which requests the rows of N forward steps and does nothing else.
 * C89, for the sim65 build only. */
#include <string.h>

#include "engine/kernels.h"
#include "engine/portable/portable_math.h"

f32 bench_dot(const f32 *w, const f32 *x, int n) {
    (void)dot(w, x, n);
    return dot(w, x, n);
}

f32 bench_attention_score(const f32 *q, const f32 *k, int head_size, f32 sqrt_head_size) {
    (void)attention_score(q, k, head_size, sqrt_head_size);
    return attention_score(q, k, head_size, sqrt_head_size);
}

#define COPY_MAX 64
void bench_attention_mix(f32 *xb, f32 a, const f32 *v, int head_size) {
    static f32 copy[COPY_MAX];
    if (head_size <= COPY_MAX) {
        memcpy(copy, xb, (size_t)head_size * sizeof(f32));
        attention_mix(copy, a, v, head_size);
    }
    attention_mix(xb, a, v, head_size);
}

static f32 twice_exp(f32 x) {
    (void)p_expf(x);
    return p_expf(x);
}
static f32 twice_pow(f32 x, f32 y) {
    (void)p_powf(x, y);
    return p_powf(x, y);
}
static f32 twice_sin(f32 x) {
    (void)p_sinf(x);
    return p_sinf(x);
}
static f32 twice_cos(f32 x) {
    (void)p_cosf(x);
    return p_cosf(x);
}
const MathLibrary bench_math_twice = {"portable", twice_exp, twice_pow, twice_sin, twice_cos};
