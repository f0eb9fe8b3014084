/* synthgen: writes a random-weight llama2.c legacy (version 0) checkpoint.
 *
 *   synthgen SHAPE OUT [--seed N] [--unshared]
 *
 * SHAPE is one of the named shapes (260K, 15M, 42M, 110M: the tinyllamas shapes) or seven
 * numbers "dim,hidden,layers,heads,kv_heads,vocab,seq_len". The same shape and seed give the
 * same bytes on every host: the generator is integer-only up to one float conversion and
 * scaling per weight, done in IEEE-754 binary32 (build with -ffp-contract=off, as the
 * Makefile does, so that no multiply-add is fused).
 *
 * Weights are centred, roughly normal (sum of four uniforms), scaled by 1/sqrt(fan_in) so
 * that activations stay of order one; the output projections (wo, w2) are further scaled by
 * 1/sqrt(2 * layers); RMSNorm weights are 1 + small noise. The RoPE tables (freq_cis_real
 * and freq_cis_imag, which the legacy format still carries and older ports read instead of
 * computing) hold the cos and sin run.c computes, in the project's portable math so that
 * every host writes the same bytes: freq = 1 / 10000^(2j / head_size), val = pos * freq.
 * ./run ignores them, as the original does. The file is written atomically
 * (host/atomic_file.h): a reader never sees a partial checkpoint, only a regular file is
 * ever replaced, and no temporary file is left on an error or a signal. */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "host/program_io.h"
#include "host/atomic_file.h"
#include "engine/mathlib.h"

typedef struct {
    const char *name;
    int dim, hidden, layers, heads, kv_heads, vocab, seq_len;
} Shape;

static const Shape shapes[] = {
    {"260K", 64, 172, 5, 8, 4, 512, 512},
    {"15M", 288, 768, 6, 6, 6, 32000, 256},
    {"42M", 512, 1376, 8, 8, 8, 32000, 1024},
    {"110M", 768, 2048, 12, 12, 12, 32000, 1024},
};

/* splitmix64: a fixed, well-mixed sequence from any seed. */
typedef struct { uint64_t s; } Rng;

static uint64_t rng_next(Rng *r) {
    uint64_t z = (r->s += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

/* Roughly N(0, 1): the sum of four uniform 16-bit integers, centred and scaled to unit
 * variance. Integer arithmetic up to one exact conversion and one rounded multiplication. */
static float rng_normalish(Rng *r) {
    uint64_t u = rng_next(r);
    int32_t sum = (int32_t)(u & 0xffff) + (int32_t)((u >> 16) & 0xffff) + (int32_t)((u >> 32) & 0xffff) +
                  (int32_t)(u >> 48);
    int32_t centred = sum * 2 - 4 * 65535; /* in [-262140, 262140], variance 4 * 65536^2 / 3 */
    /* 1 / (65536 * sqrt(4/3)) = sqrt(3) / 131072 */
    return (float)centred * (1.7320508f / 131072.0f);
}

typedef struct {
    FILE *f;
    Rng rng;
    int failed;
} Writer;

static void put_u32(Writer *w, uint32_t u) {
    unsigned char b[4] = {(unsigned char)u, (unsigned char)(u >> 8), (unsigned char)(u >> 16),
                          (unsigned char)(u >> 24)};
    if (fwrite(b, 1, 4, w->f) != 4) w->failed = 1;
}

static void put_float(Writer *w, float v) {
    uint32_t u;
    memcpy(&u, &v, sizeof u);
    put_u32(w, u);
}

/* count weights: scale * normalish + offset */
static void put_random(Writer *w, uint64_t count, float scale, float offset) {
    for (uint64_t i = 0; i < count; i++) put_float(w, offset + scale * rng_normalish(&w->rng));
}

/* freq_cis_real, then freq_cis_imag: seq_len rows of head_size / 2, as the legacy export. */
static void put_rope_tables(Writer *w, int seq_len, int head_size) {
    const MathLibrary *m = &math_portable;
    for (int part = 0; part < 2; part++) {
        for (int pos = 0; pos < seq_len; pos++) {
            for (int j = 0; j < head_size / 2; j++) {
                float freq = 1.0f / m->pow(10000.0f, (float)(2 * j) / (float)head_size);
                float val = (float)pos * freq;
                put_float(w, part == 0 ? m->cos(val) : m->sin(val));
            }
        }
    }
}

static int parse_shape(const char *text, Shape *out) {
    for (size_t i = 0; i < sizeof shapes / sizeof shapes[0]; i++) {
        if (strcmp(text, shapes[i].name) == 0) { *out = shapes[i]; return 0; }
    }
    Shape s = {"custom", 0, 0, 0, 0, 0, 0, 0};
    if (sscanf(text, "%d,%d,%d,%d,%d,%d,%d", &s.dim, &s.hidden, &s.layers, &s.heads, &s.kv_heads, &s.vocab,
               &s.seq_len) != 7)
        return -1;
    if (s.dim <= 0 || s.hidden <= 0 || s.layers <= 0 || s.heads <= 0 || s.kv_heads <= 0 || s.vocab <= 0 ||
        s.seq_len <= 0 || s.dim % s.heads != 0 || (s.dim / s.heads) % 2 != 0 || s.heads % s.kv_heads != 0)
        return -1;
    *out = s;
    return 0;
}

static void usage(void) {
    fprintf(stderr, "usage: synthgen SHAPE OUT [--seed N] [--unshared]\n"
                    "  SHAPE: 260K | 15M | 42M | 110M | dim,hidden,layers,heads,kv_heads,vocab,seq_len\n");
    exit(2);
}

int main(int argc, char **argv) {
    program_io_start();
    if (argc < 3) usage();
    Shape s;
    if (parse_shape(argv[1], &s) != 0) {
        fprintf(stderr, "synthgen: bad shape %s\n", argv[1]);
        usage();
    }
    const char *out = argv[2];
    uint64_t seed = 42;
    int unshared = 0;
    for (int i = 3; i < argc; i++) {
        if (strcmp(argv[i], "--seed") == 0 && i + 1 < argc) seed = strtoull(argv[++i], NULL, 10);
        else if (strcmp(argv[i], "--unshared") == 0) unshared = 1;
        else usage();
    }

    AtomicFile file;
    ErrorText err;
    if (atomic_file_open(&file, out, &err) != 0) {
        program_io_error("synthgen", err.text);
        return 1;
    }
    Writer w = {file.file, {seed}, 0};

    uint64_t dim = (uint64_t)s.dim, hidden = (uint64_t)s.hidden, layers = (uint64_t)s.layers;
    uint64_t head_size = dim / (uint64_t)s.heads, kv_dim = head_size * (uint64_t)s.kv_heads;
    uint64_t vocab = (uint64_t)s.vocab;
    int header[7] = {s.dim, s.hidden, s.layers, s.heads, s.kv_heads, unshared ? -s.vocab : s.vocab, s.seq_len};
    for (int i = 0; i < 7; i++) put_u32(&w, (uint32_t)header[i]);

    float in_dim = 1.0f / sqrtf((float)s.dim);
    float in_hidden = 1.0f / sqrtf((float)s.hidden);
    float depth = 1.0f / sqrtf(2.0f * (float)s.layers);
    put_random(&w, vocab * dim, 0.1f, 0.0f);                  /* token_embedding_table */
    put_random(&w, layers * dim, 0.1f, 1.0f);                 /* rms_att_weight */
    put_random(&w, layers * dim * dim, in_dim, 0.0f);         /* wq */
    put_random(&w, layers * dim * kv_dim, in_dim, 0.0f);      /* wk */
    put_random(&w, layers * dim * kv_dim, in_dim, 0.0f);      /* wv */
    put_random(&w, layers * dim * dim, in_dim * depth, 0.0f); /* wo */
    put_random(&w, layers * dim, 0.1f, 1.0f);                 /* rms_ffn_weight */
    put_random(&w, layers * dim * hidden, in_dim, 0.0f);      /* w1 */
    put_random(&w, layers * hidden * dim, in_hidden * depth, 0.0f); /* w2 */
    put_random(&w, layers * dim * hidden, in_dim, 0.0f);      /* w3 */
    put_random(&w, dim, 0.1f, 1.0f);                          /* rms_final_weight */
    put_rope_tables(&w, s.seq_len, (int)head_size);           /* freq_cis_real, freq_cis_imag */
    if (unshared) put_random(&w, vocab * dim, in_dim, 0.0f);  /* wcls */

    if (w.failed) {
        int e = errno;
        atomic_file_abandon(&file);
        error_set(&err, "%s: write failed: %s", out, strerror(e));
        program_io_error("synthgen", err.text);
        return 1;
    }
    if (atomic_file_commit(&file, &err) != 0) {
        program_io_error("synthgen", err.text);
        return 1;
    }
    return 0;
}
