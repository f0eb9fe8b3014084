/* Mutant ports: ./run with exactly one classic port bug, for conform's diagnosis tests.
 *
 * Each mutant is run.c and the engine linked unchanged, with one engine function wrapped
 * by the linker (-Wl,--wrap=NAME): the wrapper calls the real function and then does what
 * a port with that bug does. Build one with -DMUTANT_NAME (mk/conform_check.mk); nothing
 * here is linked into ./run.
 *
 *   MUTANT_BYTE_PIECES     prints byte-fallback pieces literally ("<0x0A>" for a newline)
 *   MUTANT_NO_DUMMY_PREFIX encodes the prompt without the dummy-prefix space token
 *   MUTANT_BOS_SPACE       keeps the leading space of the piece after BOS
 *   MUTANT_NO_GQA          reads the checkpoint as if it had as many key/value heads as heads
 *   MUTANT_SAMPLER         a different random sequence: the generator steps twice per draw
 *   MUTANT_ARITHMETIC      one rmsnorm output a ULP off (another libm or operation order)
 *   MUTANT_STOPS_EARLY     aborts (a crash) when printing its ninth piece */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/sampler.h"
#include "host/tokenizer.h"
#include "host/checkpoint.h"

#if defined(MUTANT_BYTE_PIECES) || defined(MUTANT_BOS_SPACE)
const char *__real_decode(const Tokenizer *t, int prev_token, int token);
const char *__wrap_decode(const Tokenizer *t, int prev_token, int token) {
#ifdef MUTANT_BYTE_PIECES
    const char *piece = t->vocab[token];
    /* the bug: "<0xNN>" pieces go out as they are written in the vocabulary */
    if (strncmp(piece, "<0x", 3) == 0) return piece;
    return __real_decode(t, prev_token, token);
#else
    /* the bug: no leading-space strip after BOS */
    return __real_decode(t, prev_token == TOKEN_BOS ? -1 : prev_token, token);
#endif
}
#endif

#ifdef MUTANT_NO_DUMMY_PREFIX
/* The bug: the text is encoded as it is, without the " " token in front. The same BPE as
 * host/tokenizer.c otherwise: one token per character (bytes without a piece fall back
 * to <0xNN>, id byte + 3), then the best-scoring pair merged while any merges. */
int __wrap_encode(const Tokenizer *t, const char *text, int bos, int eos, int *tokens, int *n_tokens, ErrorText *err) {
    (void)err;
    char *pair = malloc(2 * t->longest_piece + 8);
    if (pair == NULL) return -1;
    *n_tokens = 0;
    if (bos) tokens[(*n_tokens)++] = TOKEN_BOS;
    int first = *n_tokens;
    for (const char *c = text; *c != '\0';) {
        size_t len = 1;
        while ((c[len] & 0xC0) == 0x80 && len < 4) len++;
        memcpy(pair, c, len);
        pair[len] = '\0';
        int id = str_lookup(pair, t->sorted_vocab, t->vocab_size);
        if (id >= 0) tokens[(*n_tokens)++] = id;
        else
            for (size_t i = 0; i < len; i++) tokens[(*n_tokens)++] = (unsigned char)c[i] + 3;
        c += len;
    }
    for (;;) {
        float best_score = -1e10f;
        int best_id = -1, best_at = -1;
        for (int i = first; i + 1 < *n_tokens; i++) {
            snprintf(pair, 2 * t->longest_piece + 8, "%s%s", t->vocab[tokens[i]], t->vocab[tokens[i + 1]]);
            int id = str_lookup(pair, t->sorted_vocab, t->vocab_size);
            if (id >= 0 && t->vocab_scores[id] > best_score) {
                best_score = t->vocab_scores[id];
                best_id = id;
                best_at = i;
            }
        }
        if (best_at < 0) break;
        tokens[best_at] = best_id;
        for (int i = best_at + 1; i + 1 < *n_tokens; i++) tokens[i] = tokens[i + 1];
        (*n_tokens)--;
    }
    if (eos) tokens[(*n_tokens)++] = TOKEN_EOS;
    free(pair);
    return 0;
}
#endif

#ifdef MUTANT_NO_GQA
int __real_transformer_load_watched(Transformer *t, const char *path, InputWatch *watch, ErrorText *warning,
                                    ErrorText *err);
int __wrap_transformer_load_watched(Transformer *t, const char *path, InputWatch *watch, ErrorText *warning,
                                    ErrorText *err) {
    int rc = __real_transformer_load_watched(t, path, watch, warning, err);
    if (rc != 0) return rc;
    Config *p = &t->config;
    if (p->n_kv_heads == p->n_heads) return 0;
    /* the bug: kv_dim taken as dim. The weights after wq are looked for where they would
     * be with n_kv_heads == n_heads (the loader's own layout, for that shape); a
     * zero-filled copy keeps the reads inside memory. */
    size_t dim = (size_t)p->dim, layers = (size_t)p->n_layers;
    size_t extra = 2 * layers * dim * dim;
    const unsigned char *image = (const unsigned char *)t->weights.token_embedding_table - CHECKPOINT_HEADER_BYTES;
    size_t have = (size_t)((const unsigned char *)t->weights.rms_final_weight - image) +
                  (dim + (size_t)p->seq_len * dim / (size_t)p->n_heads +
                   (t->shared_classifier ? 0 : (size_t)p->vocab_size * dim)) * sizeof(float);
    unsigned char *copy = calloc(1, have + extra * sizeof(float));
    if (copy == NULL) return -1;
    memcpy(copy, image, have);
    Config as_read = *p;
    as_read.n_kv_heads = as_read.n_heads;
    checkpoint_point_weights(&t->weights, &as_read, t->shared_classifier,
                             (float *)(void *)(copy + CHECKPOINT_HEADER_BYTES));
    RunState *st = &t->state; /* the run state is made again for kv_dim = dim */
    free(st->x); free(st->xb); free(st->xb2); free(st->hb); free(st->hb2); free(st->q);
    free(st->att); free(st->logits); free(st->key_cache); free(st->value_cache);
    free(t->file_data); /* a mapped checkpoint stays mapped until transformer_free */
    t->file_data = copy;
    p->n_kv_heads = p->n_heads;
    return transformer_alloc_state(t, err);
}
#endif

#ifdef MUTANT_SAMPLER
int __real_sample(Sampler *s, f32 *logits);
int __wrap_sample(Sampler *s, f32 *logits) {
    if (s->temperature != 0.0f) (void)random_u32(&s->rng_state); /* the bug: another sequence */
    return __real_sample(s, logits);
}
#endif

#ifdef MUTANT_ARITHMETIC
void __real_rmsnorm(f32 *o, const f32 *x, const f32 *weight, int size);
void __wrap_rmsnorm(f32 *o, const f32 *x, const f32 *weight, int size) {
    __real_rmsnorm(o, x, weight, size);
    /* ./run's start-up self-test (host/selftest.c, an 8-wide model) would catch the bug and
     * refuse to run; a port with this bug has no such self-test, so the mutant spares it */
    if (size <= 8) return;
    uint32_t bits;
    memcpy(&bits, &o[0], 4);
    bits ^= 1; /* the bug: one ULP, as another expf or sqrtf would give */
    memcpy(&o[0], &bits, 4);
}
#endif

#ifdef MUTANT_STOPS_EARLY
static int printed = 0;
const char *__real_printable_piece(const char *piece);
const char *__wrap_printable_piece(const char *piece) {
    const char *out = __real_printable_piece(piece);
    if (out != NULL && ++printed > 8) {
        fflush(stdout);
        abort(); /* the bug: a crash part-way, after 8 pieces */
    }
    return out;
}
#endif
