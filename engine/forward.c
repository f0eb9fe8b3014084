/* The forward pass, in the float operation order of llama2.c's run.c.
 *
 * This order is the reference every port is checked against: each matmul row is summed
 * j = 0..n-1 in float, RMSNorm, softmax, RoPE, attention and SwiGLU are written exactly as
 * the original writes them. Do not reorder, fuse or vectorise a reduction here. */
#include "transformer.h"

#include <math.h>
#include <string.h>

#include "kernels.h"

void rmsnorm(float *o, const float *x, const float *weight, int size) {
    float ss = 0.0f;
    for (int j = 0; j < size; j++) ss += x[j] * x[j];
    ss /= size;
    ss += 1e-5f;
    ss = 1.0f / sqrtf(ss);
    for (int j = 0; j < size; j++) o[j] = weight[j] * (ss * x[j]);
}

void softmax(const MathLibrary *math, float *x, int size) {
    float max_val = x[0];
    for (int i = 1; i < size; i++)
        if (x[i] > max_val) max_val = x[i];
    float sum = 0.0f;
    for (int i = 0; i < size; i++) {
        x[i] = math->exp(x[i] - max_val);
        sum += x[i];
    }
    for (int i = 0; i < size; i++) x[i] /= sum;
}

/* W (d,n) @ x (n,) -> xout (d,) */
void matmul(float *xout, const float *x, const float *w, int n, int d) {
    for (int i = 0; i < d; i++) {
        const float *row = w + (size_t)i * (size_t)n;
        float val = 0.0f;
        for (int j = 0; j < n; j++) val += row[j] * x[j];
        xout[i] = val;
    }
}

/* Rotates q (all dim entries) and k (the first kv_dim) in pairs by position-dependent angles. */
void rope(const MathLibrary *math, float *q, float *k, int dim, int kv_dim, int head_size, int pos) {
    for (int i = 0; i < dim; i += 2) {
        int head_dim = i % head_size;
        float freq = 1.0f / math->pow(10000.0f, head_dim / (float)head_size);
        float val = pos * freq;
        float fcr = math->cos(val);
        float fci = math->sin(val);
        int rotn = i < kv_dim ? 2 : 1; /* how many vectors: 2 = q and k, 1 = q only */
        for (int v = 0; v < rotn; v++) {
            float *vec = v == 0 ? q : k;
            float v0 = vec[i];
            float v1 = vec[i + 1];
            vec[i] = v0 * fcr - v1 * fci;
            vec[i + 1] = v0 * fci + v1 * fcr;
        }
    }
}

/* Attention of one query head over positions 0..pos: scores into att (pos + 1 entries),
 * softmax, then the weighted sum of the values into xb (head_size entries). key_cache and
 * value_cache point at the head's first entry at position 0; consecutive positions are
 * kv_dim floats apart. */
void attention_head(const MathLibrary *math, float *xb, float *att, const float *q, const float *key_cache,
                    const float *value_cache, int kv_dim, int head_size, int pos) {
    for (int t_ = 0; t_ <= pos; t_++) {
        const float *k = key_cache + (size_t)t_ * kv_dim;
        float score = 0.0f;
        for (int i = 0; i < head_size; i++) score += q[i] * k[i];
        score /= sqrtf(head_size);
        att[t_] = score;
    }
    softmax(math, att, pos + 1);
    memset(xb, 0, (size_t)head_size * sizeof(float));
    for (int t_ = 0; t_ <= pos; t_++) {
        const float *v = value_cache + (size_t)t_ * kv_dim;
        float a = att[t_];
        for (int i = 0; i < head_size; i++) xb[i] += a * v[i];
    }
}

/* Grouped-query attention of every head over positions 0..pos; writes s->xb. */
static void attention(Transformer *t, size_t loff, int pos) {
    const Config *p = &t->config;
    RunState *s = &t->state;
    int head_size = p->dim / p->n_heads;
    int kv_dim = head_size * p->n_kv_heads;
    int kv_mul = p->n_heads / p->n_kv_heads;
    for (int h = 0; h < p->n_heads; h++) {
        size_t kv_off = loff + (size_t)(h / kv_mul) * head_size;
        attention_head(t->math, s->xb + h * head_size, s->att + (size_t)h * (size_t)p->seq_len, s->q + h * head_size,
                       s->key_cache + kv_off, s->value_cache + kv_off, kv_dim, head_size, pos);
    }
}

/* SwiGLU: hb = silu(hb) * hb2, with silu(x) = x * (1 / (1 + exp(-x))). */
void swiglu(const MathLibrary *math, float *hb, const float *hb2, int hidden_dim) {
    for (int i = 0; i < hidden_dim; i++) {
        float val = hb[i];
        val *= (1.0f / (1.0f + math->exp(-val)));
        val *= hb2[i];
        hb[i] = val;
    }
}

static void probe(Transformer *t, int layer, const char *what, const float *vec, int n) {
    if (t->probe != NULL) t->probe(t->probe_context, layer, what, vec, n);
}

float *forward(Transformer *t, int token, int pos) {
    const Config *p = &t->config;
    const TransformerWeights *w = &t->weights;
    RunState *s = &t->state;
    float *x = s->x;
    int dim = p->dim;
    int kv_dim = (p->dim * p->n_kv_heads) / p->n_heads;
    int hidden_dim = p->hidden_dim;
    int head_size = dim / p->n_heads;

    memcpy(x, w->token_embedding_table + (size_t)token * (size_t)dim, (size_t)dim * sizeof(*x));

    for (size_t l = 0; l < (size_t)p->n_layers; l++) {
        int layer = (int)l;
        rmsnorm(s->xb, x, w->rms_att_weight + l * dim, dim);

        size_t loff = l * (size_t)p->seq_len * (size_t)kv_dim;
        s->k = s->key_cache + loff + (size_t)pos * kv_dim;
        s->v = s->value_cache + loff + (size_t)pos * kv_dim;

        matmul(s->q, s->xb, w->wq + l * dim * dim, dim, dim);
        matmul(s->k, s->xb, w->wk + l * dim * kv_dim, dim, kv_dim);
        matmul(s->v, s->xb, w->wv + l * dim * kv_dim, dim, kv_dim);

        rope(t->math, s->q, s->k, dim, kv_dim, head_size, pos);
        probe(t, layer, "q", s->q, dim);
        probe(t, layer, "k", s->k, kv_dim);
        probe(t, layer, "v", s->v, kv_dim);

        attention(t, loff, pos);

        matmul(s->xb2, s->xb, w->wo + l * dim * dim, dim, dim);
        probe(t, layer, "att", s->xb2, dim);
        for (int i = 0; i < dim; i++) x[i] += s->xb2[i];

        rmsnorm(s->xb, x, w->rms_ffn_weight + l * dim, dim);
        matmul(s->hb, s->xb, w->w1 + l * dim * hidden_dim, dim, hidden_dim);
        matmul(s->hb2, s->xb, w->w3 + l * dim * hidden_dim, dim, hidden_dim);
        swiglu(t->math, s->hb, s->hb2, hidden_dim);
        matmul(s->xb, s->hb, w->w2 + l * dim * hidden_dim, hidden_dim, dim);
        probe(t, layer, "ffn", s->xb, dim);
        for (int i = 0; i < dim; i++) x[i] += s->xb[i];
        probe(t, layer, "x", x, dim);
    }

    rmsnorm(x, x, w->rms_final_weight, dim);
    matmul(s->logits, x, w->wcls, p->dim, p->vocab_size);
    return s->logits;
}
