/* The reference kernels, shared by the forward pass, the fast forward pass and the sampler.
 * One definition each, in engine/forward.c, in the float order of llama2.c. */
#ifndef ENGINE_KERNELS_H
#define ENGINE_KERNELS_H

#include "mathlib.h"

void rmsnorm(float *o, const float *x, const float *weight, int size);
void softmax(const MathLibrary *math, float *x, int size);
void matmul(float *xout, const float *x, const float *w, int n, int d);
/* RoPE on q (dim entries) and k (the first kv_dim entries) at position pos. */
void rope(const MathLibrary *math, float *q, float *k, int dim, int kv_dim, int head_size, int pos);
/* One query head's attention over positions 0..pos (see engine/forward.c). */
void attention_head(const MathLibrary *math, float *xb, float *att, const float *q, const float *key_cache,
                    const float *value_cache, int kv_dim, int head_size, int pos);
/* hb = silu(hb) * hb2, elementwise. */
void swiglu(const MathLibrary *math, float *hb, const float *hb2, int hidden_dim);

#endif
