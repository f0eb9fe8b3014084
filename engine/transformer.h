/* The Llama-2 transformer of llama2.c: checkpoint layout, run state and forward pass.
 *
 * forward() (engine/forward.c) is C89 with engine/f32.h arithmetic and builds for every
 * target, the 6502 included. It reaches the weights through a WeightSource and the KV
 * cache through a KVCache; the defaults (source and cache NULL) are the checkpoint image
 * and the run state in memory. The checkpoint loader, for hosts and the Pico, is
 * host/checkpoint.h. */
#ifndef ENGINE_TRANSFORMER_H
#define ENGINE_TRANSFORMER_H

#include <stddef.h>

#include "engine/f32.h"
#include "engine/mathlib.h"
#include "engine/weights.h"

/* The 28-byte header of a legacy (version 0) llama2.c checkpoint. */
typedef struct {
    int dim;        /* transformer dimension */
    int hidden_dim; /* for ffn layers */
    int n_layers;
    int n_heads;    /* query heads */
    int n_kv_heads; /* key/value heads (can be fewer than query heads: multiquery) */
    int vocab_size; /* negative in the file when the classifier is not shared */
    int seq_len;    /* max sequence length */
} Config;

#define CHECKPOINT_HEADER_BYTES 28

typedef struct {
    const f32 *token_embedding_table; /* (vocab_size, dim) */
    const f32 *rms_att_weight;        /* (layer, dim) */
    const f32 *rms_ffn_weight;        /* (layer, dim) */
    const f32 *wq;                    /* (layer, dim, n_heads * head_size) */
    const f32 *wk;                    /* (layer, dim, n_kv_heads * head_size) */
    const f32 *wv;                    /* (layer, dim, n_kv_heads * head_size) */
    const f32 *wo;                    /* (layer, n_heads * head_size, dim) */
    const f32 *w1;                    /* (layer, hidden_dim, dim) */
    const f32 *w2;                    /* (layer, dim, hidden_dim) */
    const f32 *w3;                    /* (layer, hidden_dim, dim) */
    const f32 *rms_final_weight;      /* (dim) */
    const f32 *wcls;                  /* (vocab_size, dim): the embedding table when shared */
} TransformerWeights;

/* Where forward() gets its weights: one row at a time, in engine/weights.h's order (the
 * embedding row of the input token first). row() returns the n weights of row `row` of
 * `tensor` in `layer` (0 for the tensors outside the layers; an RMS weight vector is row
 * 0); the pointer stays valid until the next call. In memory it points into the
 * checkpoint image; a streaming source reads the next n floats into a buffer. */
typedef struct WeightSource WeightSource;
struct WeightSource {
    const f32 *(*row)(WeightSource *self, WeightTensor tensor, int layer, long row, int n);
};

/* Where forward() keeps keys and values. slot() is where the key (which = 0) or value
 * (which = 1) vector of `layer` at position pos goes (kv_dim floats); commit() is called
 * once both hold their vectors (after RoPE). head() returns kv head `head`'s head_size
 * floats of a stored key or value; the pointer stays valid until the next call. */
typedef struct KVCache KVCache;
struct KVCache {
    f32 *(*slot)(KVCache *self, int which, int layer, int pos);
    void (*commit)(KVCache *self, int layer, int pos);
    const f32 *(*head)(KVCache *self, int which, int layer, int pos, int head);
};

typedef struct {
    f32 *x;      /* activation at current time stamp (dim) */
    f32 *xb;     /* same, but inside a residual branch (dim) */
    f32 *xb2;    /* an additional buffer just for convenience (dim) */
    f32 *hb;     /* buffer for hidden dimension in the ffn (hidden_dim) */
    f32 *hb2;    /* buffer for hidden dimension in the ffn (hidden_dim) */
    f32 *q;      /* query (dim) */
    f32 *k;      /* key: the KV cache's slot at the current position */
    f32 *v;      /* value: the KV cache's slot at the current position */
    f32 *att;    /* attention scores: forward() uses the first seq_len (one head at a time) */
    f32 *logits; /* output logits (vocab_size) */
    f32 *key_cache;   /* (layer, seq_len, kv_dim), in memory; unused with another KVCache */
    f32 *value_cache; /* (layer, seq_len, kv_dim) */
} RunState;

/* Where forward() reports intermediate vectors, for layer records in traces.
 * layer is -1 for the final norm; what names the operation ("q", "k", "v", "att", "ffn",
 * "x" for the residual stream after the layer). */
typedef void (*ForwardProbe)(void *context, int layer, const char *what, const f32 *vec, int n);

/* A second implementation of the forward pass's heavy parts, plugged into forward() (hosts
 * only: the fast path, host/forward_fast.c). matmul computes out = W x for the tensor of
 * the layer, as matmul_rows would (n columns, d rows); attention computes s->xb from s->q
 * and the KV cache of the layer for position pos (the cache already holds pos); swiglu does
 * what kernels.c's swiglu does with the transformer's math library. All must give the
 * reference's bits; forward() still writes the layer sequence. */
typedef struct {
    void (*matmul)(void *context, WeightTensor tensor, int layer, f32 *out, const f32 *x, int n, int d);
    void (*attention)(void *context, int layer, int pos);
    void (*swiglu)(void *context, f32 *hb, const f32 *hb2, int hidden_dim);
    void *context;
} ForwardHooks;

typedef struct {
    Config config;              /* vocab_size here is always positive */
    int shared_classifier;      /* 1 when wcls is the embedding table */
    TransformerWeights weights; /* in memory; unused with another WeightSource */
    RunState state;
    const MathLibrary *math;    /* expf, powf, sinf, cosf used by forward */
    ForwardProbe probe;         /* NULL unless a trace wants layer records */
    void *probe_context;
    unsigned char *file_data;   /* owned copy of the checkpoint file, or NULL */
    void *file_map;             /* or the file mapped read-only (file_map_bytes), or NULL */
    size_t file_map_bytes;
    WeightSource *source;       /* NULL: weights from `weights` */
    KVCache *cache;             /* NULL: key_cache and value_cache in `state` */
    const ForwardHooks *hooks;  /* NULL: the reference matmuls, attention, SwiGLU (never on the 6502) */
} Transformer;

/* One step: the logits for the token after `token` at position pos. */
f32 *forward(Transformer *t, int token, int pos);

#endif
