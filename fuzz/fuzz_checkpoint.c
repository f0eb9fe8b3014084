/* Fuzz target: checkpoint header, checkpoint image and a few forward steps.
 *
 * The input is a checkpoint file. It is loaded twice:
 *   1. as it is, with transformer_init_from_image() (header checks, truncation, trailing
 *      bytes); a valid image runs two forward steps;
 *   2. when its header passes checkpoint_check_header(), as an image of exactly the size the
 *      header implies, the weights made from the input's bytes repeated, so that a 28-byte
 *      header reaches forward() too.
 * Forward steps only run when the header's work is small (WORK_LIMIT multiply-adds per step,
 * STATE_LIMIT bytes of run state, IMAGE_LIMIT bytes of weights): a valid but huge header is
 * refused by the harness, not run slowly. The logits go through the sampler, which must give
 * a token inside the vocabulary. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/sampler.h"
#include "host/checkpoint.h"

#define WORK_LIMIT ((uint64_t)1 << 18)  /* stories260K's header fits (260288) */
#define STATE_LIMIT ((uint64_t)1 << 21)
#define IMAGE_LIMIT ((uint64_t)1 << 21)

static void fail(const char *what) {
    fprintf(stderr, "fuzz_checkpoint: %s\n", what);
    abort();
}

/* Multiply-adds of one forward step at the last position the harness runs (2), and the
 * run state's bytes; both saturate instead of overflowing. */
static int work_is_small(const Config *p) {
    uint64_t dim = (uint64_t)p->dim, hidden = (uint64_t)p->hidden_dim, layers = (uint64_t)p->n_layers;
    uint64_t kv_dim = dim / (uint64_t)p->n_heads * (uint64_t)p->n_kv_heads;
    uint64_t vocab = (uint64_t)p->vocab_size, seq = (uint64_t)p->seq_len;
    /* every factor is below 2^31: check each product against the limit before the next */
    if (dim > WORK_LIMIT || hidden > WORK_LIMIT || layers > WORK_LIMIT || vocab > WORK_LIMIT || seq > WORK_LIMIT)
        return 0;
    uint64_t per_layer = 2 * dim * dim + 2 * dim * kv_dim + 3 * dim * hidden + 3 * dim;
    if (per_layer > WORK_LIMIT) return 0;
    uint64_t work = layers * per_layer + vocab * dim;
    if (work > WORK_LIMIT) return 0;
    uint64_t state_floats = 4 * dim + 2 * hidden + (uint64_t)p->n_heads * seq + vocab + 2 * layers * seq * kv_dim;
    return state_floats * sizeof(float) <= STATE_LIMIT;
}

/* Runs up to two steps as run.c's generate does, sampling the second step's token. */
static void run_steps(Transformer *t, const uint8_t *data, size_t size) {
    ErrorText err;
    if (transformer_alloc_state(t, &err) != 0) fail("transformer_alloc_state failed on a small run state");
    const Config *p = &t->config;
    uint8_t knobs = size > 0 ? data[size - 1] : 0;
    static const float temperatures[4] = {0.0f, 1.0f, 0.5f, 1.5f};
    static const float topps[4] = {0.9f, 1.0f, 0.0f, 0.25f};
    Sampler sampler;
    if (build_sampler(&sampler, p->vocab_size, temperatures[knobs & 3], topps[(knobs >> 2) & 3],
                      (uint64_t)knobs + 1, t->math) != 0)
        fail("build_sampler failed");
    int token = (int)((size > 28 ? data[28] : 0) % (unsigned)p->vocab_size);
    for (int pos = 0; pos < 2 && pos < p->seq_len; pos++) {
        float *logits = forward(t, token, pos);
        if (logits == NULL) fail("forward returned NULL");
        int next = sample(&sampler, logits);
        if (next < 0 || next >= p->vocab_size) fail("sample returned a token outside the vocabulary");
        token = next;
    }
    free_sampler(&sampler);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    ErrorText warning, err;
    Transformer t;

    /* 1. the input as the checkpoint image (malloc'ed, so aligned for floats) */
    unsigned char *image = malloc(size > 0 ? size : 1);
    if (image == NULL) return 0;
    if (size > 0) memcpy(image, data, size);
    memset(&t, 0, sizeof t);
    if (transformer_init_from_image(&t, image, size, "fuzz", &warning, &err) == 0) {
        if (work_is_small(&t.config)) run_steps(&t, data, size);
        transformer_free(&t);
    } else if (err.text[0] == '\0') {
        fail("transformer_init_from_image failed without a message");
    }
    free(image);

    /* 2. the header with weights of exactly the implied size */
    Config p;
    int shared;
    uint64_t implied;
    if (checkpoint_check_header(data, size, "fuzz", &p, &shared, &implied, &err) != 0) return 0;
    if (implied < CHECKPOINT_HEADER_BYTES || implied > IMAGE_LIMIT || !work_is_small(&p)) return 0;
    image = malloc((size_t)implied);
    if (image == NULL) return 0;
    memcpy(image, data, CHECKPOINT_HEADER_BYTES);
    size_t body = size - CHECKPOINT_HEADER_BYTES;
    for (size_t at = CHECKPOINT_HEADER_BYTES; at < (size_t)implied;) {
        size_t n = (size_t)implied - at;
        if (body == 0) {
            memset(image + at, 0x3c, n); /* floats of about 0.0115 */
            break;
        }
        if (n > body) n = body;
        memcpy(image + at, data + CHECKPOINT_HEADER_BYTES, n);
        at += n;
    }
    memset(&t, 0, sizeof t);
    if (transformer_init_from_image(&t, image, (size_t)implied, "fuzz", &warning, &err) != 0)
        fail("a header that passed checkpoint_check_header was refused at its implied size");
    if (warning.text[0] != '\0') fail("a warning for an image of exactly the implied size");
    if (t.config.dim != p.dim || t.config.vocab_size != p.vocab_size || t.shared_classifier != shared)
        fail("transformer_init_from_image disagrees with checkpoint_check_header");
    run_steps(&t, data, size);
    transformer_free(&t);
    free(image);
    return 0;
}
