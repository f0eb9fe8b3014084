/* The model in external memory; see model.h. */
#include "ports/c64/common/model.h"

#include "ports/c64/common/image.h"

static unsigned long field(const unsigned char *header, int at) {
    const unsigned char *p = header + at;
    return (unsigned long)p[0] | (unsigned long)p[1] << 8 | (unsigned long)p[2] << 16 | (unsigned long)p[3] << 24;
}

static void hex(char *to, const unsigned char *bytes) {
    static const char digits[] = "0123456789ABCDEF";
    int i;
    for (i = 0; i < 32; i++) {
        to[2 * i] = digits[bytes[i] >> 4];
        to[2 * i + 1] = digits[bytes[i] & 15];
    }
    to[64] = 0;
}

void image_info_read(ImageInfo *info) {
    static unsigned char header[IMAGE_HEADER_BYTES];
    Config *p = &info->config;
    xmem_read(0, header, IMAGE_HEADER_BYTES);
    if (header[0] != IMAGE_MAGIC0 || header[1] != IMAGE_MAGIC1 || header[2] != IMAGE_MAGIC2 ||
        header[3] != IMAGE_MAGIC3)
        xmem_fail("not a model image (made by c64pack)");
    if (field(header, IMAGE_AT_VERSION) != IMAGE_VERSION) xmem_fail("the model image has another version");
    p->dim = (int)field(header, IMAGE_AT_DIM);
    p->hidden_dim = (int)field(header, IMAGE_AT_HIDDEN);
    p->n_layers = (int)field(header, IMAGE_AT_LAYERS);
    p->n_heads = (int)field(header, IMAGE_AT_HEADS);
    p->n_kv_heads = (int)field(header, IMAGE_AT_KV_HEADS);
    p->vocab_size = (int)field(header, IMAGE_AT_VOCAB);
    p->seq_len = (int)field(header, IMAGE_AT_SEQ_LEN);
    info->shared_classifier = (int)field(header, IMAGE_AT_SHARED);
    info->model_bytes = field(header, IMAGE_AT_MODEL_BYTES);
    info->tokenizer_bytes = field(header, IMAGE_AT_TOKENIZER_BYTES);
    hex(info->model_sha256, header + IMAGE_AT_MODEL_SHA256);
    hex(info->tokenizer_sha256, header + IMAGE_AT_TOKENIZER_SHA256);
    info->tokenizer_at = field(header, IMAGE_AT_TOKENIZER);
    info->embedding_at = field(header, IMAGE_AT_EMBEDDING);
    info->stream_at = field(header, IMAGE_AT_STREAM);
    info->kv_at = field(header, IMAGE_AT_KV);
    info->scratch_at = field(header, IMAGE_AT_SCRATCH);
    info->kv_positions = (int)field(header, IMAGE_AT_KV_POSITIONS);
    info->piece_max = (int)field(header, IMAGE_AT_PIECE_MAX);
}

/* ----------------------------------------------------------------------------
 * the weight stream */

/* The order of one layer (engine/weights.h), and how many rows each tensor has and how
 * many floats a row of it holds, in terms of the sizes below. */
enum { SIZE_ONE, SIZE_DIM, SIZE_KV_DIM, SIZE_HIDDEN };
static const unsigned char layer_order[] = {WEIGHTS_RMS_ATT, WEIGHTS_WQ, WEIGHTS_WK, WEIGHTS_WV, WEIGHTS_WO,
                                            WEIGHTS_RMS_FFN, WEIGHTS_W1, WEIGHTS_W3, WEIGHTS_W2};
static const unsigned char layer_rows[] = {SIZE_ONE, SIZE_DIM, SIZE_KV_DIM, SIZE_KV_DIM, SIZE_DIM,
                                           SIZE_ONE, SIZE_HIDDEN, SIZE_HIDDEN, SIZE_DIM};
static const unsigned char layer_cols[] = {SIZE_DIM, SIZE_DIM, SIZE_DIM, SIZE_DIM, SIZE_DIM,
                                           SIZE_DIM, SIZE_DIM, SIZE_DIM, SIZE_HIDDEN};
#define LAYER_STEPS 9
/* after the layers: RMS_FINAL (step LAYER_STEPS), CLASSIFIER (LAYER_STEPS + 1) */

/* The tensor, row count and row length the stream holds next. */
static void expected(const StreamWeights *s, int *tensor, long *rows, long *cols) {
    const Config *p = &s->info->config;
    if (s->layer < p->n_layers) {
        *tensor = layer_order[s->step];
        *rows = s->sizes[layer_rows[s->step]];
        *cols = s->sizes[layer_cols[s->step]];
    } else if (s->step == LAYER_STEPS) {
        *tensor = WEIGHTS_RMS_FINAL;
        *rows = 1;
        *cols = p->dim;
    } else {
        *tensor = WEIGHTS_CLASSIFIER;
        *rows = p->vocab_size;
        *cols = p->dim;
    }
}

static const f32 *stream_row(WeightSource *self, WeightTensor tensor, int layer, long row, int n) {
    StreamWeights *s = (StreamWeights *)self;
    const Config *p = &s->info->config;
    int want_tensor;
    long rows, cols;
    unsigned bytes = (unsigned)n * 4u;
    if (tensor == WEIGHTS_EMBEDDING) {
        if (n != p->dim || row < 0 || row >= p->vocab_size) xmem_fail("embedding row out of range");
        xmem_read(s->info->embedding_at + (xaddr)row * bytes, s->buffer, bytes);
        /* a forward step starts: the stream starts over */
        s->cursor = s->info->stream_at;
        s->step = 0;
        s->layer = 0;
        s->row = 0;
        return s->buffer;
    }
    expected(s, &want_tensor, &rows, &cols);
    if ((int)tensor != want_tensor || row != s->row || (long)n != cols ||
        (s->layer < p->n_layers && layer != s->layer) || s->step > LAYER_STEPS + 1)
        xmem_fail("weights requested out of stream order");
    xmem_read(s->cursor, s->buffer, bytes);
    s->cursor += bytes;
    if (++s->row == rows) {
        s->row = 0;
        if (s->layer < p->n_layers && ++s->step == LAYER_STEPS) {
            if (++s->layer < p->n_layers) s->step = 0;
        } else if (s->layer >= p->n_layers) {
            s->step++;
        }
    }
    return s->buffer;
}

#ifdef BENCH_STREAM_PASS
void stream_weights_pass(StreamWeights *s, int token) {
    int tensor;
    long rows, cols;
    stream_row(&s->base, WEIGHTS_EMBEDDING, 0, token, s->info->config.dim);
    while (s->step <= LAYER_STEPS + 1) {
        expected(s, &tensor, &rows, &cols);
        stream_row(&s->base, (WeightTensor)tensor, s->layer < s->info->config.n_layers ? s->layer : 0, s->row, (int)cols);
    }
}
#endif

void stream_weights_init(StreamWeights *s, const ImageInfo *info, f32 *buffer) {
    const Config *p = &info->config;
    s->base.row = stream_row;
    s->info = info;
    s->buffer = buffer;
    s->cursor = info->stream_at;
    s->step = 0;
    s->layer = 0;
    s->row = 0;
    s->sizes[SIZE_ONE] = 1;
    s->sizes[SIZE_DIM] = p->dim;
    s->sizes[SIZE_KV_DIM] = (long)p->dim * p->n_kv_heads / p->n_heads;
    s->sizes[SIZE_HIDDEN] = p->hidden_dim;
}

/* ----------------------------------------------------------------------------
 * the KV cache */

static xaddr cache_row(const XmemCache *c, int which, int layer, int pos) {
    return c->info->kv_at + ((xaddr)(2 * layer + which) * (xaddr)c->info->kv_positions + (xaddr)pos) * c->row_bytes;
}

static f32 *cache_slot(KVCache *self, int which, int layer, int pos) {
    XmemCache *c = (XmemCache *)self;
    (void)layer;
    if (pos >= c->info->kv_positions) xmem_fail("position beyond the KV area");
    return which == 0 ? c->key_slot : c->value_slot;
}

static void cache_commit(KVCache *self, int layer, int pos) {
    XmemCache *c = (XmemCache *)self;
    xmem_write(cache_row(c, 0, layer, pos), c->key_slot, c->row_bytes);
    xmem_write(cache_row(c, 1, layer, pos), c->value_slot, c->row_bytes);
#ifdef BENCH_TWICE_KV
    xmem_write(cache_row(c, 0, layer, pos), c->key_slot, c->row_bytes); /* make bench-c64's instrument */
    xmem_write(cache_row(c, 1, layer, pos), c->value_slot, c->row_bytes);
#endif
}

static const f32 *cache_head(KVCache *self, int which, int layer, int pos, int head) {
    XmemCache *c = (XmemCache *)self;
    xaddr at = cache_row(c, which, layer, pos) + (xaddr)head * c->head_bytes;
    xmem_read(at, c->head_buffer, c->head_bytes);
#ifdef BENCH_TWICE_KV
    xmem_read(at, c->head_buffer, c->head_bytes); /* make bench-c64's instrument */
#endif
    return c->head_buffer;
}

void xmem_cache_init(XmemCache *c, const ImageInfo *info, f32 *key_slot, f32 *value_slot, f32 *head_buffer) {
    c->base.slot = cache_slot;
    c->base.commit = cache_commit;
    c->base.head = cache_head;
    c->info = info;
    c->key_slot = key_slot;
    c->value_slot = value_slot;
    c->head_buffer = head_buffer;
    c->row_bytes = (unsigned)(info->config.dim / info->config.n_heads * info->config.n_kv_heads) * 4u;
    c->head_bytes = (unsigned)(info->config.dim / info->config.n_heads) * 4u;
}
