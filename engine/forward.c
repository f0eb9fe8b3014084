/* The forward pass, in the float operation order of llama2.c's run.c.
 *
 * This order is the reference every port is checked against: the kernels (engine/kernels.c)
 * sum each matmul row j = 0..n-1 in float, and RMSNorm, softmax, RoPE, attention and
 * SwiGLU are written exactly as the original writes them. Do not reorder, fuse or vectorise
 * a reduction here.
 *
 * C89 with engine/f32.h arithmetic: the same source is the host's reference and the 6502's
 * soft-float engine. The weights come one row at a time from a WeightSource, in the order
 * of engine/weights.h, and keys and values go through a KVCache; by default both are the
 * checkpoint image and the run state in memory (below), on the 6502 they stream from
 * external memory (ports/c64/). ENGINE_SMALL builds (the 6502) have no defaults: the
 * transformer's source and cache must be set. */
#include "engine/transformer.h"

#include <string.h>

#include "engine/kernels.h"

#ifndef ENGINE_SMALL
/* ----------------------------------------------------------------------------
 * weights and KV cache in memory: pointers into the checkpoint image and the run state */

typedef struct {
    WeightSource base;
    const Transformer *t;
} MemoryWeights;

static const f32 *memory_row(WeightSource *self, WeightTensor tensor, int layer, long row, int n) {
    const Transformer *t = ((MemoryWeights *)self)->t;
    const TransformerWeights *w = &t->weights;
    const Config *p = &t->config;
    long dim = p->dim, kv_dim = (long)p->dim * p->n_kv_heads / p->n_heads, hidden = p->hidden_dim;
    long l = layer;
    const f32 *matrix = NULL;
    long rows = 0; /* of the tensor in one layer */
    switch (tensor) {
    case WEIGHTS_EMBEDDING: matrix = w->token_embedding_table; break;
    case WEIGHTS_RMS_ATT: matrix = w->rms_att_weight; rows = 1; break;
    case WEIGHTS_WQ: matrix = w->wq; rows = dim; break;
    case WEIGHTS_WK: matrix = w->wk; rows = kv_dim; break;
    case WEIGHTS_WV: matrix = w->wv; rows = kv_dim; break;
    case WEIGHTS_WO: matrix = w->wo; rows = dim; break;
    case WEIGHTS_RMS_FFN: matrix = w->rms_ffn_weight; rows = 1; break;
    case WEIGHTS_W1: matrix = w->w1; rows = hidden; break;
    case WEIGHTS_W3: matrix = w->w3; rows = hidden; break;
    case WEIGHTS_W2: matrix = w->w2; rows = dim; break;
    case WEIGHTS_RMS_FINAL: matrix = w->rms_final_weight; break;
    case WEIGHTS_CLASSIFIER: matrix = w->wcls; break;
    }
    return matrix + ((size_t)l * (size_t)rows + (size_t)row) * (size_t)n;
}

typedef struct {
    KVCache base;
    const Transformer *t;
} MemoryCache;

/* key_cache and value_cache are (layer, seq_len, kv_dim) */
static f32 *memory_entry(const Transformer *t, int which, int layer, int pos) {
    const Config *p = &t->config;
    size_t kv_dim = (size_t)p->dim * (size_t)p->n_kv_heads / (size_t)p->n_heads;
    size_t at = ((size_t)layer * (size_t)p->seq_len + (size_t)pos) * kv_dim;
    return (which == 0 ? t->state.key_cache : t->state.value_cache) + at;
}

static f32 *memory_slot(KVCache *self, int which, int layer, int pos) {
    return memory_entry(((MemoryCache *)self)->t, which, layer, pos);
}

static void memory_commit(KVCache *self, int layer, int pos) {
    (void)self, (void)layer, (void)pos; /* the slots are the cache */
}

static const f32 *memory_head(KVCache *self, int which, int layer, int pos, int head) {
    const Config *p = &((MemoryCache *)self)->t->config;
    return memory_entry(((MemoryCache *)self)->t, which, layer, pos) + (size_t)head * (size_t)(p->dim / p->n_heads);
}
#endif

/* ----------------------------------------------------------------------------
 * the forward pass */

/* W (d,n) @ x (n,) -> xout (d,), the rows of W coming from the weight source */
static void matmul_rows(f32 *xout, const f32 *x, WeightSource *w, WeightTensor tensor, int layer, int n, int d) {
    int i;
#ifndef ENGINE_SMALL
    /* in memory a layer's rows follow one another: one matmul, the same dot products in the
     * same order, without a call through the source per row */
    if (w->row == memory_row) {
        matmul(xout, x, memory_row(w, tensor, layer, 0, n), n, d);
        return;
    }
#endif
    for (i = 0; i < d; i++) xout[i] = dot(w->row(w, tensor, layer, i, n), x, n);
}

/* Grouped-query attention of every head over positions 0..pos; writes s->xb. The heads run
 * one after another, so they share one row of scores. */
static void attention(Transformer *t, KVCache *cache, int layer, int pos) {
    const Config *p = &t->config;
    RunState *s = &t->state;
    int head_size = p->dim / p->n_heads;
    int kv_mul = p->n_heads / p->n_kv_heads;
    int h, t_, i;
    f32 sqrt_head_size = f32_sqrt(f32_from_long(head_size));
#ifndef ENGINE_SMALL
    /* in memory a head's keys (and values) are kv_dim apart: attention_head runs the same
     * operations in the same order, without a call through the cache per position */
    if (cache->head == memory_head) {
        size_t kv_dim = (size_t)head_size * (size_t)p->n_kv_heads;
        for (h = 0; h < p->n_heads; h++) {
            size_t at = (size_t)(h / kv_mul) * (size_t)head_size;
            attention_head(t->math, s->xb + h * head_size, s->att, s->q + h * head_size,
                           memory_entry(t, 0, layer, 0) + at, memory_entry(t, 1, layer, 0) + at, (int)kv_dim,
                           head_size, pos);
        }
        return;
    }
#endif
    for (h = 0; h < p->n_heads; h++) {
        const f32 *q = s->q + h * head_size;
        f32 *att = s->att;
        f32 *xb = s->xb + h * head_size;
        for (t_ = 0; t_ <= pos; t_++) att[t_] = attention_score(q, cache->head(cache, 0, layer, t_, h / kv_mul), head_size,
                                                    sqrt_head_size);
        softmax(t->math, att, pos + 1);
        for (i = 0; i < head_size; i++) xb[i] = F32_BITS(0x00000000);
        for (t_ = 0; t_ <= pos; t_++) attention_mix(xb, att[t_], cache->head(cache, 1, layer, t_, h / kv_mul), head_size);
    }
}

/* The matmuls, the attention and SwiGLU of forward(): the reference ones, or on hosts the hooks
 * of another implementation (the fast path, which fuses wq, wk, wv into one matmul on the
 * WQ call and w1, w3 on the W1 call, relying on the order below: WQ, WK, WV, and W1, W3,
 * each group on the same input; tests/test_fastpath.c guards that it gives the same bits). */
#ifndef ENGINE_SMALL
#define MATMUL(out, in, tensor, layer, n, d)                                                                     \
    (t->hooks != NULL ? t->hooks->matmul(t->hooks->context, tensor, layer, out, in, n, d)                     \
                      : matmul_rows(out, in, w, tensor, layer, n, d))
#define ATTENTION(layer, pos) \
    (t->hooks != NULL ? t->hooks->attention(t->hooks->context, layer, pos) : attention(t, cache, layer, pos))
#define SWIGLU(hb, hb2, n) \
    (t->hooks != NULL ? t->hooks->swiglu(t->hooks->context, hb, hb2, n) : swiglu(t->math, hb, hb2, n))
#else
#define MATMUL(out, in, tensor, layer, n, d) matmul_rows(out, in, w, tensor, layer, n, d)
#define ATTENTION(layer, pos) attention(t, cache, layer, pos)
#define SWIGLU(hb, hb2, n) swiglu(t->math, hb, hb2, n)
#endif

static void probe(Transformer *t, int layer, const char *what, const f32 *vec, int n) {
    if (t->probe != NULL) t->probe(t->probe_context, layer, what, vec, n);
}

f32 *forward(Transformer *t, int token, int pos) {
    const Config *p = &t->config;
    RunState *s = &t->state;
    f32 *x = s->x;
    int dim = p->dim;
    int kv_dim = (p->dim * p->n_kv_heads) / p->n_heads;
    int hidden_dim = p->hidden_dim;
    int head_size = dim / p->n_heads;
    int l;
    /* the weights and the KV cache: the transformer's own, or the ones in memory */
    WeightSource *w = t->source;
    KVCache *cache = t->cache;
#ifndef ENGINE_SMALL
    MemoryWeights memory_weights;
    MemoryCache memory_cache;
    if (w == NULL) {
        memory_weights.base.row = memory_row;
        memory_weights.t = t;
        w = &memory_weights.base;
    }
    if (cache == NULL) {
        memory_cache.base.slot = memory_slot;
        memory_cache.base.commit = memory_commit;
        memory_cache.base.head = memory_head;
        memory_cache.t = t;
        cache = &memory_cache.base;
    }
#endif

    memcpy(x, w->row(w, WEIGHTS_EMBEDDING, 0, token, dim), (size_t)dim * sizeof(*x));

    for (l = 0; l < p->n_layers; l++) {
        rmsnorm(s->xb, x, w->row(w, WEIGHTS_RMS_ATT, l, 0, dim), dim);

        s->k = cache->slot(cache, 0, l, pos);
        s->v = cache->slot(cache, 1, l, pos);
        MATMUL(s->q, s->xb, WEIGHTS_WQ, l, dim, dim);
        MATMUL(s->k, s->xb, WEIGHTS_WK, l, dim, kv_dim);
        MATMUL(s->v, s->xb, WEIGHTS_WV, l, dim, kv_dim);

        rope(t->math, s->q, s->k, dim, kv_dim, head_size, pos);
        probe(t, l, "q", s->q, dim);
        probe(t, l, "k", s->k, kv_dim);
        probe(t, l, "v", s->v, kv_dim);
        cache->commit(cache, l, pos);

        ATTENTION(l, pos);

        MATMUL(s->xb2, s->xb, WEIGHTS_WO, l, dim, dim);
        probe(t, l, "att", s->xb2, dim);
        residual_add(x, s->xb2, dim);

        rmsnorm(s->xb, x, w->row(w, WEIGHTS_RMS_FFN, l, 0, dim), dim);
        MATMUL(s->hb, s->xb, WEIGHTS_W1, l, dim, hidden_dim);
        MATMUL(s->hb2, s->xb, WEIGHTS_W3, l, dim, hidden_dim);
        SWIGLU(s->hb, s->hb2, hidden_dim);
        MATMUL(s->xb, s->hb, WEIGHTS_W2, l, hidden_dim, dim);
        probe(t, l, "ffn", s->xb, dim);
        residual_add(x, s->xb, dim);
        probe(t, l, "x", x, dim);
    }

    rmsnorm(x, x, w->row(w, WEIGHTS_RMS_FINAL, 0, 0, dim), dim);
    MATMUL(s->logits, x, WEIGHTS_CLASSIFIER, 0, p->dim, p->vocab_size);
    return s->logits;
}
