/* The Llama-2 transformer of llama2.c: checkpoint layout, run state and forward pass. */
#ifndef ENGINE_TRANSFORMER_H
#define ENGINE_TRANSFORMER_H

#include <stddef.h>
#include <stdint.h>

#include "errors.h"
#include "mathlib.h"

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
    const float *token_embedding_table; /* (vocab_size, dim) */
    const float *rms_att_weight;        /* (layer, dim) */
    const float *rms_ffn_weight;        /* (layer, dim) */
    const float *wq;                    /* (layer, dim, n_heads * head_size) */
    const float *wk;                    /* (layer, dim, n_kv_heads * head_size) */
    const float *wv;                    /* (layer, dim, n_kv_heads * head_size) */
    const float *wo;                    /* (layer, n_heads * head_size, dim) */
    const float *w1;                    /* (layer, hidden_dim, dim) */
    const float *w2;                    /* (layer, dim, hidden_dim) */
    const float *w3;                    /* (layer, hidden_dim, dim) */
    const float *rms_final_weight;      /* (dim) */
    const float *wcls;                  /* (vocab_size, dim): the embedding table when shared */
} TransformerWeights;

typedef struct {
    float *x;      /* activation at current time stamp (dim) */
    float *xb;     /* same, but inside a residual branch (dim) */
    float *xb2;    /* an additional buffer just for convenience (dim) */
    float *hb;     /* buffer for hidden dimension in the ffn (hidden_dim) */
    float *hb2;    /* buffer for hidden dimension in the ffn (hidden_dim) */
    float *q;      /* query (dim) */
    float *k;      /* key: points into key_cache at the current position */
    float *v;      /* value: points into value_cache at the current position */
    float *att;    /* attention scores (n_heads, seq_len) */
    float *logits; /* output logits (vocab_size) */
    float *key_cache;   /* (layer, seq_len, kv_dim) */
    float *value_cache; /* (layer, seq_len, kv_dim) */
} RunState;

/* Where forward() reports intermediate vectors, for layer records in traces.
 * layer is -1 for the final norm; what names the operation ("q", "k", "v", "att", "ffn",
 * "x" for the residual stream after the layer). */
typedef void (*ForwardProbe)(void *context, int layer, const char *what, const float *vec, int n);

typedef struct {
    Config config;              /* vocab_size here is always positive */
    int shared_classifier;      /* 1 when wcls is the embedding table */
    TransformerWeights weights;
    RunState state;
    const MathLibrary *math;    /* expf, powf, sinf, cosf used by forward */
    ForwardProbe probe;         /* NULL unless a trace wants layer records */
    void *probe_context;
    unsigned char *file_data;   /* owned copy of the checkpoint file, or NULL */
} Transformer;

/* Largest run state (KV cache and buffers) a checkpoint may ask for. */
#define RUN_STATE_MAX_BYTES ((uint64_t)4 << 30)

/* Checks a header and computes the file size it implies.
 * name is the file name used in messages. Returns 0 or -1 with a message. */
int checkpoint_check_header(const unsigned char *bytes, size_t size, const char *name,
                            Config *config, int *shared_classifier, uint64_t *implied_size,
                            ErrorText *err);

/* Points the weights into a checkpoint image held in memory. The image must be 4-byte aligned
 * and stay alive; on a big-endian host it is byte-swapped in place. warning gets a message
 * for trailing bytes (and is empty otherwise). */
int transformer_init_from_image(Transformer *t, unsigned char *image, size_t size, const char *name,
                                ErrorText *warning, ErrorText *err);

/* Reads a checkpoint file into memory and initialises t, run state included. */
int transformer_load(Transformer *t, const char *path, ErrorText *warning, ErrorText *err);

/* Allocates the run state (KV cache and buffers); 0 or -1 with a message. */
int transformer_alloc_state(Transformer *t, ErrorText *err);
void transformer_free(Transformer *t);

/* One step: the logits for the token after `token` at position pos. */
float *forward(Transformer *t, int token, int pos);

#endif
