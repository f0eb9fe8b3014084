/* The reference kernels, in the float operation order of llama2.c's run.c.
 *
 * This is the one definition of the arithmetic every build is checked against: the host
 * runner, the fast path (for everything but its matmul rows), the Pico and the 6502. Each
 * kernel is C89 written with engine/f32.h operations, so it compiles natively (f32 is
 * float: the same bits and the same speed as plain C) and as integer soft-float for cc65
 * (F32_SOFT). Do not reorder, fuse or vectorise a reduction here: each matmul row is summed
 * j = 0..n-1, one rounding per multiply and per add. */
#include "engine/kernels.h"

#define F32_ZERO F32_BITS(0x00000000)
#define F32_ONE F32_BITS(0x3F800000)
#define F32_RMS_EPSILON F32_BITS(0x3727C5AC) /* 1e-5f */
#define F32_ROPE_BASE F32_BITS(0x461C4000)   /* 10000.0f */

/* w . x, summed j = 0..n-1: val = 0; val += w[j] * x[j]
 * (F32_SOFT_6502: the same loop in 6502 assembly, engine/softfloat/6502/dot.s) */
#ifndef F32_SOFT_6502
f32 dot(const f32 *w, const f32 *x, int n) {
    int j;
    f32 val = F32_ZERO;
    for (j = 0; j < n; j++) val = f32_add(val, f32_mul(w[j], x[j]));
    return val;
}
#endif

/* W (d,n) @ x (n,) -> xout (d,): one dot product per row */
void matmul(f32 *xout, const f32 *x, const f32 *w, int n, int d) {
    int i;
    for (i = 0; i < d; i++) xout[i] = dot(w + (long)i * n, x, n);
}

void rmsnorm(f32 *o, const f32 *x, const f32 *weight, int size) {
    int j;
    f32 ss = F32_ZERO;
    for (j = 0; j < size; j++) ss = f32_add(ss, f32_mul(x[j], x[j]));
    ss = f32_div(ss, f32_from_long(size));
    ss = f32_add(ss, F32_RMS_EPSILON);
    ss = f32_div(F32_ONE, f32_sqrt(ss));
    for (j = 0; j < size; j++) o[j] = f32_mul(weight[j], f32_mul(ss, x[j]));
}

void softmax(const MathLibrary *math, f32 *x, int size) {
    int i;
    f32 max_val = x[0], sum = F32_ZERO;
    for (i = 1; i < size; i++)
        if (f32_lt(max_val, x[i])) max_val = x[i];
    for (i = 0; i < size; i++) {
        x[i] = math->exp(f32_sub(x[i], max_val));
        sum = f32_add(sum, x[i]);
    }
    for (i = 0; i < size; i++) x[i] = f32_div(x[i], sum);
}

/* Rotates q (all dim entries) and k (the first kv_dim) in pairs by position-dependent angles.
 * The angle of pair i depends only on head_dim = i % head_size, so with an even head_size
 * it is computed once per head_dim and applied to that pair of every head (i = head_dim,
 * head_dim + head_size, ...): the same operations on the same values as run.c's loop over i,
 * each pair rotated independently, without recomputing powf, cosf and sinf per head. */
void rope(const MathLibrary *math, f32 *q, f32 *k, int dim, int kv_dim, int head_size, int pos) {
    int first, i, v;
    int stride = head_size % 2 == 0 ? head_size : dim; /* odd: every pair its own angle */
    for (first = 0; first < stride && first < dim; first += 2) {
        int head_dim = first % head_size;
        /* freq = 1.0f / powf(10000.0f, head_dim / (float)head_size); val = pos * freq */
        f32 freq = f32_div(F32_ONE, math->pow(F32_ROPE_BASE, f32_div(f32_from_long(head_dim), f32_from_long(head_size))));
        f32 val = f32_mul(f32_from_long(pos), freq);
        f32 fcr = math->cos(val);
        f32 fci = math->sin(val);
        for (i = first; i < dim; i += stride) {
            int rotn = i < kv_dim ? 2 : 1; /* how many vectors: 2 = q and k, 1 = q only */
            for (v = 0; v < rotn; v++) {
                f32 *vec = v == 0 ? q : k;
                f32 v0 = vec[i];
                f32 v1 = vec[i + 1];
                vec[i] = f32_sub(f32_mul(v0, fcr), f32_mul(v1, fci));
                vec[i + 1] = f32_add(f32_mul(v0, fci), f32_mul(v1, fcr));
            }
        }
    }
}

/* score = q . k, then score /= sqrtf(head_size); sqrt_head_size is sqrtf(head_size),
 * computed once by the caller (the same bits every time, and a square root is dear on a
 * 6502) */
f32 attention_score(const f32 *q, const f32 *k, int head_size, f32 sqrt_head_size) {
    return f32_div(dot(q, k, head_size), sqrt_head_size);
}

/* xb += a * v, elementwise */
void attention_mix(f32 *xb, f32 a, const f32 *v, int head_size) {
    int i;
    for (i = 0; i < head_size; i++) xb[i] = f32_add(xb[i], f32_mul(a, v[i]));
}

#ifndef ENGINE_SMALL /* the fast path's (hosts); the 6502 has no room for code it never calls */
void attention_head(const MathLibrary *math, f32 *xb, f32 *att, const f32 *q, const f32 *key_cache,
                    const f32 *value_cache, int kv_dim, int head_size, int pos) {
    int t, i;
    f32 sqrt_head_size = f32_sqrt(f32_from_long(head_size));
    for (t = 0; t <= pos; t++) att[t] = attention_score(q, key_cache + (long)t * kv_dim, head_size, sqrt_head_size);
    softmax(math, att, pos + 1);
    for (i = 0; i < head_size; i++) xb[i] = F32_ZERO;
    for (t = 0; t <= pos; t++) attention_mix(xb, att[t], value_cache + (long)t * kv_dim, head_size);
}
#endif

/* SwiGLU: hb = silu(hb) * hb2, with silu(x) = x * (1 / (1 + exp(-x))). */
void swiglu(const MathLibrary *math, f32 *hb, const f32 *hb2, int hidden_dim) {
    int i;
    for (i = 0; i < hidden_dim; i++) {
        f32 val = hb[i];
        val = f32_mul(val, f32_div(F32_ONE, f32_add(F32_ONE, math->exp(f32_neg(val)))));
        val = f32_mul(val, hb2[i]);
        hb[i] = val;
    }
}

/* The residual connection: x += y, elementwise. */
void residual_add(f32 *x, const f32 *y, int n) {
    int i;
    for (i = 0; i < n; i++) x[i] = f32_add(x[i], y[i]);
}
