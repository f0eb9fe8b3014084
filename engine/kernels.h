/* The reference kernels, shared by the forward pass, the fast forward pass, the sampler and
 * the ports: one definition each, in engine/kernels.c, in the float order of llama2.c.
 * C89 with engine/f32.h types (float in native builds, soft-float on the 6502). */
#ifndef ENGINE_KERNELS_H
#define ENGINE_KERNELS_H

#include "engine/f32.h"
#include "engine/mathlib.h"

/* w . x summed j = 0..n-1 (a matmul row) */
f32 dot(const f32 *w, const f32 *x, int n);
/* W (d,n) @ x (n,) -> xout (d,): rows of dot */
void matmul(f32 *xout, const f32 *x, const f32 *w, int n, int d);
void rmsnorm(f32 *o, const f32 *x, const f32 *weight, int size);
void softmax(const MathLibrary *math, f32 *x, int size);
/* RoPE on q (dim entries) and k (the first kv_dim entries) at position pos. */
void rope(const MathLibrary *math, f32 *q, f32 *k, int dim, int kv_dim, int head_size, int pos);
/* One position's attention score: (q . k) / sqrt(head_size). */
f32 attention_score(const f32 *q, const f32 *k, int head_size, f32 sqrt_head_size);
/* xb += a * v over head_size entries. */
void attention_mix(f32 *xb, f32 a, const f32 *v, int head_size);
/* One query head's attention over positions 0..pos: scores into att (pos + 1 entries),
 * softmax, then the weighted sum of the values into xb (head_size entries). key_cache and
 * value_cache point at the head's first entry at position 0; consecutive positions are
 * kv_dim floats apart. */
void attention_head(const MathLibrary *math, f32 *xb, f32 *att, const f32 *q, const f32 *key_cache,
                    const f32 *value_cache, int kv_dim, int head_size, int pos);
/* hb = silu(hb) * hb2, elementwise. */
void swiglu(const MathLibrary *math, f32 *hb, const f32 *hb2, int hidden_dim);
/* x += y, elementwise: the residual connection. */
void residual_add(f32 *x, const f32 *y, int n);

#endif
