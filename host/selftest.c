/* The start-up self-test: three forward steps of a tiny model, compared bit for bit.
 *
 * The model has every feature the forward pass has: two layers, grouped-query attention
 * (two query heads share one key/value head), a SwiGLU block and a shared classifier.
 * Its weights are full-precision floats made from an integer generator (exact arithmetic
 * only: an integer in [1, 2) by its bits, minus 1.5, times a power of two), so products
 * need all their bits and a fused multiply-add or a double-precision intermediate rounds
 * differently. It costs a few thousand multiplications (microseconds). */
#include "host/selftest.h"

#include <string.h>

#include "engine/f32.h"
#include "engine/transformer.h"

enum {
    DIM = 8, HIDDEN = 12, LAYERS = 2, HEADS = 2, KV_HEADS = 1, VOCAB = SELFTEST_VOCAB, SEQ = SELFTEST_STEPS,
    KV_DIM = DIM * KV_HEADS / HEADS,
    N_WEIGHTS = VOCAB * DIM + 2 * LAYERS * DIM + LAYERS * (2 * DIM * DIM + 2 * KV_DIM * DIM + 3 * HIDDEN * DIM) + DIM
};

/* Checked on x86-64 (gcc and clang) and aarch64 (qemu-user); mk/selftest.mk prints them. */
static const uint32_t expected_logits[SELFTEST_STEPS * SELFTEST_VOCAB] = {
    0xbffdba74, 0x402605b2, 0x3fb8dbcc, 0xbfbac092, 0xc00615c2, 0xbf1f049e, /* step 0, token 1 */
    0xbd7dc020, 0xbfa4123e, 0xc03bd099, 0xbfbfe9dc, 0x40c50230, 0x3fc697a7, /* step 1, token 4 */
    0xbf806d50, 0x3fc35dc5, 0x4087a96c, 0x3f82802d, 0xc07d3a23, 0xbf25523a, /* step 2, token 2 */
};

/* A float in [-0.5, 0.5) * scale with all 23 fraction bits random (scale a power of two). */
static float next_weight(uint32_t *state, float scale) {
    *state = *state * 1664525u + 1013904223u; /* Numerical Recipes' LCG */
    float one_to_two = f32_from_bits(0x3f800000u | (*state >> 9));
    return (one_to_two - 1.5f) * scale;
}

/* Fills w and points t's weights into it, in the checkpoint's tensor order. */
static void make_weights(TransformerWeights *tw, float *w) {
    uint32_t state = 20240601u;
    float *p = w;
    const float **slots[] = {&tw->token_embedding_table, &tw->rms_att_weight, &tw->rms_ffn_weight,
                             &tw->wq, &tw->wk, &tw->wv, &tw->wo, &tw->w1, &tw->w2, &tw->w3,
                             &tw->rms_final_weight};
    const int sizes[] = {VOCAB * DIM, LAYERS * DIM, LAYERS * DIM, LAYERS * DIM * DIM, LAYERS * KV_DIM * DIM,
                         LAYERS * KV_DIM * DIM, LAYERS * DIM * DIM, LAYERS * HIDDEN * DIM,
                         LAYERS * DIM * HIDDEN, LAYERS * HIDDEN * DIM, DIM};
    /* RMS weights near 1, matrices small enough that nothing saturates */
    const float scales[] = {2.0f, 0.5f, 0.5f, 1.0f, 1.0f, 1.0f, 0.5f, 1.0f, 0.5f, 1.0f, 0.5f};
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        *slots[i] = p;
        for (int j = 0; j < sizes[i]; j++) {
            float v = next_weight(&state, scales[i]);
            p[j] = (i == 1 || i == 2 || i == 10) ? 1.0f + v : v;
        }
        p += sizes[i];
    }
    tw->wcls = tw->token_embedding_table;
}

void selftest_logits(uint32_t bits[SELFTEST_STEPS * SELFTEST_VOCAB]) {
    float weights[N_WEIGHTS];
    float x[DIM], xb[DIM], xb2[DIM], hb[HIDDEN], hb2[HIDDEN], q[DIM], att[HEADS * SEQ], logits[VOCAB];
    float key_cache[LAYERS * SEQ * KV_DIM], value_cache[LAYERS * SEQ * KV_DIM];
    const int tokens[SELFTEST_STEPS] = {1, 4, 2};

    Transformer t;
    memset(&t, 0, sizeof t);
    t.config = (Config){.dim = DIM, .hidden_dim = HIDDEN, .n_layers = LAYERS, .n_heads = HEADS,
                        .n_kv_heads = KV_HEADS, .vocab_size = VOCAB, .seq_len = SEQ};
    t.shared_classifier = 1;
    make_weights(&t.weights, weights);
    memset(key_cache, 0, sizeof key_cache);
    memset(value_cache, 0, sizeof value_cache);
    t.state = (RunState){.x = x, .xb = xb, .xb2 = xb2, .hb = hb, .hb2 = hb2, .q = q, .att = att,
                         .logits = logits, .key_cache = key_cache, .value_cache = value_cache};
    t.math = &math_portable;

    for (int pos = 0; pos < SELFTEST_STEPS; pos++) {
        const float *out = forward(&t, tokens[pos], pos);
        memcpy(bits + pos * VOCAB, out, VOCAB * sizeof *out);
    }
}

int selftest_forward(ErrorText *err) {
    uint32_t got[SELFTEST_STEPS * SELFTEST_VOCAB];
    selftest_logits(got);
    for (int i = 0; i < SELFTEST_STEPS * SELFTEST_VOCAB; i++) {
        if (got[i] != expected_logits[i])
            return error_set(err,
                             "self-test: the forward pass of this build gives logit %d of step %d as 0x%08lx, "
                             "not 0x%08lx: it does not compute the reference arithmetic (built with FMA "
                             "contraction, excess precision or -ffast-math?); rebuild with the project's flags",
                             i % VOCAB, i / VOCAB, (unsigned long)got[i], (unsigned long)expected_logits[i]);
    }
    return 0;
}
