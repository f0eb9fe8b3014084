/* The model in external memory: the image header, the weights streamed in forward order
 * (a WeightSource for engine/forward.c) and the KV cache (a KVCache), all read and written
 * through xmem.h. C89. */
#ifndef PORTS_C64_MODEL_H
#define PORTS_C64_MODEL_H

#include "engine/transformer.h"
#include "ports/c64/common/xmem.h"

typedef struct {
    Config config;            /* vocab_size positive */
    int shared_classifier;
    unsigned long model_bytes, tokenizer_bytes;
    char model_sha256[65];    /* hex digits, in the compiler's character set */
    char tokenizer_sha256[65];
    xaddr tokenizer_at, embedding_at, stream_at, kv_at, scratch_at;
    int kv_positions;         /* positions the KV area holds */
    int piece_max;            /* longest tokenizer piece */
} ImageInfo;

/* Reads and checks the header; 0, or -1 with xmem_fail() called. */
void image_info_read(ImageInfo *info);

/* Weights read from the stream in the order of engine/weights.h, one row at a time into
 * `buffer`; a request out of that order is reported through xmem_fail(). The embedding
 * row of a token is read from the embedding table, and starts a new pass of the stream. */
typedef struct {
    WeightSource base;
    const ImageInfo *info;
    f32 *buffer;               /* the largest row: max(dim, hidden_dim) floats */
    xaddr cursor;              /* address of the next row in the stream */
    int step;                  /* index into the per-layer order (or past it) */
    int layer;
    long row;                  /* next row of the current tensor */
    long sizes[4];             /* 1, dim, kv_dim, hidden_dim: rows and row lengths */
} StreamWeights;

void stream_weights_init(StreamWeights *s, const ImageInfo *info, f32 *buffer);

#ifdef BENCH_STREAM_PASS
/* make bench-c64's instrument: requests every row of one forward step, in order, and
 * nothing else (no arithmetic): what streaming the weights costs. */
void stream_weights_pass(StreamWeights *s, int token);
#endif

/* The KV cache in external memory: per layer the keys, then the values, kv_positions rows
 * of kv_dim floats each. Slots are RAM buffers written out on commit(); head() reads a
 * head's floats into a buffer. */
typedef struct {
    KVCache base;
    const ImageInfo *info;
    f32 *key_slot, *value_slot; /* kv_dim floats each */
    f32 *head_buffer;           /* head_size floats */
    unsigned row_bytes;         /* kv_dim floats */
    unsigned head_bytes;        /* head_size floats */
} XmemCache;

void xmem_cache_init(XmemCache *c, const ImageInfo *info, f32 *key_slot, f32 *value_slot, f32 *head_buffer);

#endif
