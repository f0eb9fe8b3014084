/* Filling a TraceHeader; see trace_header.h. */
#include "engine/trace_header.h"

void trace_header_init(TraceHeader *h, const Config *c, int shared_classifier) {
    /* static, so zero-initialized: null pointers and zero numbers whatever their bytes
     * (C89 does not promise that all-zero bytes are a null pointer, so no memset); one
     * copy is also the shortest code on the 6502. TRACE_LOGITS_DIGEST is 0. */
    static const TraceHeader empty;
    *h = empty;
    h->dim = c->dim;
    h->hidden_dim = c->hidden_dim;
    h->n_layers = c->n_layers;
    h->n_heads = c->n_heads;
    h->n_kv_heads = c->n_kv_heads;
    h->vocab_size = c->vocab_size;
    h->seq_len = c->seq_len;
    h->shared_classifier = shared_classifier;
}
