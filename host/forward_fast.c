/* The fast forward pass: the reference float order, many rows at a time.
 *
 * The reference matmul sums each row i in float, j = 0..n-1, val = val + w[i][j] * x[j] with
 * one rounding for the product and one for the sum. Rows are independent, so any number of
 * them can advance together as long as each keeps that sequence. At start-up every matrix
 * is copied into blocks of FAST_ROWS rows, interleaved by column: block b holds, for each j,
 * the FAST_ROWS floats w[16b + 0][j] .. w[16b + 15][j] contiguously. Lane r of a vector
 * accumulator then runs exactly the reference sum of row 16b + r. A kernel computes G
 * blocks side by side (a group: 3, 4 or 8 by instruction set), and the blocks of a group are
 * stored interleaved again, column by column, so that a pass over a group reads one stream
 * front to back (imat_block). The vector operations are plain IEEE-754 multiplies and adds
 * (GCC vector extensions, also understood by clang); the build must not contract them into
 * fused multiply-adds (-ffp-contract=off), and fast_forward_init checks that it did not.
 *
 * Attention scores run the same way over a blocked copy of the keys (lanes = positions),
 * the weighted sum of the values across the head's elements. Threads (host/fast_pool.c)
 * split the rows of each matmul and the heads of attention; each row is computed by one
 * thread with the same code whatever the split, so the thread count cannot change a bit;
 * with fast_forward_choose_threads, each step runs on one thread or on all of them, as the
 * times of recent steps say (host/thread_choice.c).
 * Softmax and SwiGLU have kernels too: with the portable math they compute exp in vectors
 * with p_expf's operations lane by lane (the same bits); with libm they call its expf once
 * per element, as the reference does. Everything else (RMSNorm, RoPE, the residual adds)
 * calls the reference kernels (engine/kernels.c). The SIMD kernels themselves are in
 * host/forward_fast_kernels.h. */
#define _POSIX_C_SOURCE 200809L

#include "host/forward_fast.h"

#if FAST_PATH /* else forward_fast.h has stubs (and a target may lack pthread.h) */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "engine/kernels.h"
#include "engine/portable/internals.h"
#include "engine/portable/portable_math.h"
#include "host/checkpoint.h"
#include "host/fast_pool.h"
#include "host/thread_choice.h"

/* Software prefetch for the blocks stored alone past a matrix's last whole group (a group is
 * one stream, which the hardware prefetchers follow on their own): FAST_PREFETCH_BYTES ahead. */
#ifndef FAST_PREFETCH_BYTES
#define FAST_PREFETCH_BYTES 8192
#endif
/* Rows per interleaved block; every kernel width divides it. */
#define FAST_ROWS 16
/* Heads a softmax_rows call takes at most (attention_chunk's heads per chunk). */
#define FAST_SOFTMAX_ROWS 16

#if !defined(FAST_GENERIC_ONLY) && defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define FAST_X86_VARIANTS 1
#else
#define FAST_X86_VARIANTS 0
#endif

#if FAST_X86_VARIANTS
#include <immintrin.h> /* the vector exp's table gathers (AVX2, AVX-512) */
#endif

#if defined(__clang__)
#pragma STDC FP_CONTRACT OFF
#endif

/* ----------------------------------------------------------------------------
 * kernels
 *
 * matvec_* (a matmul over interleaved blocks of rows), scores_* (attention scores over
 * blocked keys) and exp_*, softmax_*, swiglu_* (the portable exp in vectors) are in
 * host/forward_fast_kernels.h, included below once per instruction set: vec4 (4 lanes:
 * SSE2 on x86-64, the baseline everywhere), avx2, avx512. */

/* Prefetches the line `bytes` after ptr, which may lie past the end of the matrix: integer
 * arithmetic, as a pointer there would be undefined; a prefetch never faults. */
#define FAST_PREFETCH_AT(ptr, bytes) __builtin_prefetch((const void *)((uintptr_t)(const void *)(ptr) + (bytes)))

/* Writes the rows of block b that exist (a block past d is partial). */
#define FAST_STORE_BLOCK(vec, out, acc, b, d)                                                        \
    do {                                                                                          \
        enum { K_ = FAST_ROWS / (int)(sizeof(vec) / sizeof(float)) };                             \
        size_t row_ = (size_t)(b) * FAST_ROWS;                                                    \
        if (row_ + FAST_ROWS <= (size_t)(d)) {                                                    \
            memcpy((out) + row_, (acc), sizeof(vec) * K_);                                        \
        } else if (row_ < (size_t)(d)) {                                                          \
            memcpy((out) + row_, (acc), ((size_t)(d) - row_) * sizeof(float));                    \
        }                                                                                         \
    } while (0)

typedef void (*MatvecFn)(float *out, const float *x, const float *w, int n, int b0, int b1, int d);

/* Accumulators per kernel: enough independent add chains to hide the add latency, few
 * enough to stay in registers (16 vector registers in SSE2 and AVX2). 12 for vec4 (three
 * blocks side by side) measured about 8% faster than 8; 4 or 16 for the AVX kernels no
 * better than 8. */
#define NACC_VEC4 12
#define NACC_AVX2 8
#define NACC_AVX512 8

typedef void (*ScoresFn)(float *att, const float *q, const float *kb, int head_size, int n, float sqrt_head_size);
typedef void (*ExpArrayFn)(float *y, const float *x, size_t n);
typedef void (*SoftmaxFn)(const MathLibrary *math, float *x, size_t stride, int rows, int size);
typedef void (*SwigluFn)(const MathLibrary *math, float *hb, const float *hb2, int n);

/* The kernels, once per instruction set (host/forward_fast_kernels.h). */
#define FAST_KERNEL(name) name##_vec4
#define FAST_LANES 4
#define FAST_NACC NACC_VEC4
#define FAST_ATTR
#include "host/forward_fast_kernels.h"
#undef FAST_KERNEL
#undef FAST_LANES
#undef FAST_NACC
#undef FAST_ATTR
#if FAST_X86_VARIANTS
#define FAST_KERNEL(name) name##_avx2
#define FAST_LANES 8
#define FAST_NACC NACC_AVX2
#define FAST_ATTR __attribute__((target("avx2")))
#include "host/forward_fast_kernels.h"
#undef FAST_KERNEL
#undef FAST_LANES
#undef FAST_NACC
#undef FAST_ATTR
#if !defined(FAST_NO_AVX512)
#define FAST_KERNEL(name) name##_avx512
#define FAST_LANES 16
#define FAST_NACC NACC_AVX512
#define FAST_ATTR __attribute__((target("avx512f")))
#include "host/forward_fast_kernels.h"
#undef FAST_KERNEL
#undef FAST_LANES
#undef FAST_NACC
#undef FAST_ATTR
#endif
#endif

/* ----------------------------------------------------------------------------
 * attention kernels
 *
 * The fast path keeps its own copy of the keys, blocked by FAST_ROWS positions and
 * interleaved like the weights: for each layer and kv head, block b holds for each i the
 * FAST_ROWS floats k[16b + 0][i] .. k[16b + 15][i]. Lane r of a vector then runs exactly the
 * reference score of position 16b + r: val = 0; val = val + q[i] * k[i] for i = 0..head_size-1
 * (one rounding per multiply and per add, q * k and k * q being the same product), then
 * val / sqrtf(head_size) (scores_* above). Lanes past pos are computed and never stored. */

/* The weighted sum of the values: xb[i] = sum over t = 0..n-1 of att[t] * v_t[i], each
 * element summed over t in order from 0 (xb = 0; xb = xb + att[t] * v_t), as the reference's
 * attention_mix calls do. Vectors run across the elements, which are independent; NV
 * vectors of 4 elements stay in registers for the whole sum over t. v_t is at v + t * kv_dim. */
typedef float mix_vec __attribute__((vector_size(16)));

static inline void weighted_sum_part(float *xb, const float *att, const float *v, int kv_dim, int n, int nv) {
    mix_vec acc[4] = {{0}, {0}, {0}, {0}};
    for (int t = 0; t < n; t++) {
        const float *vt = v + (size_t)t * (size_t)kv_dim;
        float a = att[t];
        _Pragma("GCC unroll 4") for (int k = 0; k < 4; k++) {
            if (k >= nv) break;
            mix_vec x;
            memcpy(&x, vt + 4 * k, sizeof x);
            acc[k] = acc[k] + x * a;
        }
    }
    memcpy(xb, acc, (size_t)nv * sizeof(mix_vec));
}

static void weighted_sum(float *xb, const float *att, const float *v, int kv_dim, int head_size, int n) {
    int i = 0;
    if (head_size % 4 == 0) {
        /* constant part sizes, so that each call keeps its accumulators in registers */
        for (; head_size - i >= 16; i += 16) weighted_sum_part(xb + i, att, v + i, kv_dim, n, 4);
        if (head_size - i == 12) weighted_sum_part(xb + i, att, v + i, kv_dim, n, 3);
        else if (head_size - i == 8) weighted_sum_part(xb + i, att, v + i, kv_dim, n, 2);
        else if (head_size - i == 4) weighted_sum_part(xb + i, att, v + i, kv_dim, n, 1);
        return;
    }
    for (i = 0; i < head_size; i++) xb[i] = 0.0f;
    for (int t = 0; t < n; t++) {
        const float *vt = v + (size_t)t * (size_t)kv_dim;
        float a = att[t];
        for (i = 0; i < head_size; i++) xb[i] = xb[i] + a * vt[i];
    }
}

/* The weighted sums of four heads side by side, for heads of 4 or 8 elements (nv = 1 or 2
 * vectors; a constant at each call): one such head has only nv add chains, too few to keep
 * the adder busy, four heads have 4 nv. Head h's output goes to xb[h], from its att[h] and
 * the values at v[h]; each element is still summed over t in order from 0. */
static inline void weighted_sum_4heads(float *const xb[4], const float *const att[4], const float *const v[4],
                                       int kv_dim, int n, int nv) {
    mix_vec acc[4][2] = {{{0}}};
    for (int t = 0; t < n; t++) {
        size_t at = (size_t)t * (size_t)kv_dim;
        _Pragma("GCC unroll 4") for (int h = 0; h < 4; h++) {
            float a = att[h][t];
            _Pragma("GCC unroll 2") for (int k = 0; k < 2; k++) {
                if (k >= nv) break;
                mix_vec x;
                memcpy(&x, v[h] + at + 4 * k, sizeof x);
                acc[h][k] = acc[h][k] + x * a;
            }
        }
    }
    for (int h = 0; h < 4; h++) memcpy(xb[h], acc[h], (size_t)nv * sizeof(mix_vec));
}

typedef struct {
    MatvecFn fn;
    int group_blocks; /* blocks a kernel pass computes side by side */
    ScoresFn scores;
    ExpArrayFn exp_array; /* p_expf in vectors, and softmax and SwiGLU with it */
    SoftmaxFn softmax;
    SwigluFn swiglu;
} Kernel;

static const char *const simd_names[FAST_SIMD_COUNT] = {"auto", "vec4", "avx2", "avx512"};

const char *fast_simd_name(FastSimd simd) {
    return (int)simd >= 0 && simd < FAST_SIMD_COUNT ? simd_names[simd] : NULL;
}

static Kernel kernel_for(FastSimd simd) {
    switch (simd) {
    case FAST_SIMD_VEC4:
        return (Kernel){matvec_vec4, NACC_VEC4 * 4 / FAST_ROWS, scores_vec4, exp_array_vec4, softmax_rows_vec4, swiglu_vec4};
#if FAST_X86_VARIANTS
    case FAST_SIMD_AVX2:
        return (Kernel){matvec_avx2, NACC_AVX2 * 8 / FAST_ROWS, scores_avx2, exp_array_avx2, softmax_rows_avx2, swiglu_avx2};
#if !defined(FAST_NO_AVX512)
    case FAST_SIMD_AVX512:
        return (Kernel){matvec_avx512, NACC_AVX512 * 16 / FAST_ROWS, scores_avx512, exp_array_avx512, softmax_rows_avx512,
                        swiglu_avx512};
#endif
#endif
    default: return (Kernel){NULL, 1, NULL, NULL, NULL, NULL};
    }
}

int fast_simd_available(FastSimd simd) {
    switch (simd) {
    case FAST_SIMD_AUTO:
    case FAST_SIMD_VEC4: return 1;
#if FAST_X86_VARIANTS
    case FAST_SIMD_AVX2: __builtin_cpu_init(); return __builtin_cpu_supports("avx2") != 0;
#if !defined(FAST_NO_AVX512)
    case FAST_SIMD_AVX512: __builtin_cpu_init(); return __builtin_cpu_supports("avx512f") != 0;
#endif
#endif
    default: return 0;
    }
}

/* ----------------------------------------------------------------------------
 * interleaved matrices */

typedef struct {
    const float *w; /* nblocks * n * FAST_ROWS floats, laid out as imat_block says */
    int n, d, nblocks;
    int group; /* blocks the kernel computes side by side, stored as one stream */
} IMat;

typedef struct {
    const float *src; /* (rows, n), row-major as in the checkpoint */
    int rows, n;
} RowSource;

static size_t imat_floats(int n, int d) {
    return (size_t)((d + FAST_ROWS - 1) / FAST_ROWS) * (size_t)n * FAST_ROWS;
}

/* The source row `row` of the sources stacked, or NULL past the last. */
static const float *stacked_row(const RowSource *sources, int nsources, int row) {
    for (int s = 0; s < nsources; s++) {
        if (row < sources[s].rows) return sources[s].src + (size_t)row * (size_t)sources[s].n;
        row -= sources[s].rows;
    }
    return NULL;
}

/* Where block b's FAST_ROWS floats of column 0 go, and how far apart its columns are. The
 * blocks of a whole group (group blocks from a multiple of group) are one stream: for each
 * j, the group's blocks one after the other (the kernels' matvec reads a group in a single
 * pass). The blocks past the last whole group are stored alone, each column's FAST_ROWS
 * floats after the last's. Either way a group, or a block alone, starts at b * n * FAST_ROWS. */
static float *imat_block(const IMat *m, int b, size_t *stride) {
    int g = m->group, first = b / g * g;
    float *w = (float *)m->w;
    if (first + g <= m->nblocks) {
        *stride = (size_t)g * FAST_ROWS;
        return w + (size_t)first * (size_t)m->n * FAST_ROWS + (size_t)(b - first) * FAST_ROWS;
    }
    *stride = FAST_ROWS;
    return w + (size_t)b * (size_t)m->n * FAST_ROWS;
}

/* Columns j0.. of a block whose FAST_ROWS source rows all exist into dst, four rows and
 * four columns at a time. Loads, shuffles and stores move bits: no value is converted, so
 * signalling NaNs and payloads stay as they are. Returns the first column not copied. */
static int block_columns_x86(float *dst, size_t stride, const float *const *rows, int n) {
    int j = 0;
#if FAST_X86_VARIANTS
    for (; j + 4 <= n; j += 4) {
        for (int q = 0; q < FAST_ROWS / 4; q++) {
            __m128 r0 = _mm_loadu_ps(rows[4 * q] + j), r1 = _mm_loadu_ps(rows[4 * q + 1] + j);
            __m128 r2 = _mm_loadu_ps(rows[4 * q + 2] + j), r3 = _mm_loadu_ps(rows[4 * q + 3] + j);
            _MM_TRANSPOSE4_PS(r0, r1, r2, r3); /* r0 is now column j of the four rows */
            float *at = dst + (size_t)j * stride + 4 * (size_t)q;
            _mm_storeu_ps(at, r0);
            _mm_storeu_ps(at + stride, r1);
            _mm_storeu_ps(at + 2 * stride, r2);
            _mm_storeu_ps(at + 3 * stride, r3);
        }
    }
#else
    (void)dst, (void)stride, (void)rows, (void)n;
#endif
    return j;
}

/* Interleaves blocks b0..b1-1 of the stacked sources into m; rows past the last are zero.
 * Each block is written once, front to back, from its FAST_ROWS source rows read side by
 * side: the destination is never zeroed first, and no line of it is written twice. */
static void imat_fill(const IMat *m, const RowSource *sources, int nsources, int b0, int b1) {
    int n = m->n;
    for (int b = b0; b < b1; b++) {
        const float *rows[FAST_ROWS];
        int whole = 1;
        for (int r = 0; r < FAST_ROWS; r++) {
            rows[r] = stacked_row(sources, nsources, b * FAST_ROWS + r);
            if (rows[r] == NULL) whole = 0;
        }
        size_t stride;
        float *blk = imat_block(m, b, &stride);
        int j = whole ? block_columns_x86(blk, stride, rows, n) : 0;
        for (; j < n; j++)
            for (int r = 0; r < FAST_ROWS; r++) blk[(size_t)j * stride + r] = rows[r] != NULL ? rows[r][j] : 0.0f;
    }
}

/* An interleaved matrix at dst for the sources stacked (they all have n columns), for a
 * kernel that computes `group` blocks side by side. */
static IMat imat_build(float *dst, const RowSource *sources, int nsources, int n, int group) {
    int d = 0;
    for (int s = 0; s < nsources; s++) d += sources[s].rows;
    IMat m = {dst, n, d, (d + FAST_ROWS - 1) / FAST_ROWS, group};
    imat_fill(&m, sources, nsources, 0, m.nblocks);
    return m;
}

/* ----------------------------------------------------------------------------
 * the fast transformer */

typedef struct {
    IMat qkv; /* wq, wk, wv stacked: dim + 2 * kv_dim rows */
    IMat wo;
    IMat w13; /* w1, w3 stacked: 2 * hidden_dim rows */
    IMat w2;
} FastLayer;

struct FastForward {
    Transformer *t;
    FastSimd simd;
    MatvecFn matvec;
    int group_blocks; /* blocks the kernel computes side by side */
    Pool *pool;
    int threads;
    int step_threads; /* the threads of the current step: 1 or threads */
    int choosing;     /* step_threads from choice, else threads */
    ThreadChoice choice;
    int always_split; /* split every task, however small (tests) */
    float *arena; /* every interleaved matrix, in the order a step reads them */
    size_t arena_bytes;
    int arena_owned; /* 1: allocated and filled here; 0: a mapped cache file's, read-only */
    FastLayer *layers;
    IMat wcls;
    float *qkv; /* matmul outputs, padded to whole blocks */
    float *h13;
    ScoresFn scores;
    SoftmaxFn softmax; /* exp in vectors when t->math's is p_expf, else one call per element */
    SwigluFn swiglu;
    ForwardHooks hooks; /* forward()'s hooks: fast_matmul, fast_attention, fast_swiglu */
    float sqrt_head_size;
    float *keys;      /* blocked keys (attention kernels): layer, kv head, block, i, lane */
    void *keys_allocation; /* calloc'ed: zero, and its pages touched only as keys arrive */
    size_t key_stride; /* floats per layer and kv head: the seq_len positions in whole blocks */
};

typedef struct {
    FastForward *f;
    const IMat *m;
    const float *x;
    float *out;
    int chunk_blocks;
} MatvecTask;

static void matvec_chunk(void *ctx, int chunk) {
    const MatvecTask *task = ctx;
    const IMat *m = task->m;
    int b0 = chunk * task->chunk_blocks;
    int b1 = b0 + task->chunk_blocks < m->nblocks ? b0 + task->chunk_blocks : m->nblocks;
    task->f->matvec(task->out, task->x, m->w, m->n, b0, b1, m->d);
}

/* Below these sizes a task is shorter than waking the other threads: the caller does it. */
/* A model whose matrices hold fewer floats than this (stories260K: 0.26 M) runs on the
 * caller's thread whatever the thread count: a whole step takes about 100 microseconds, its
 * tasks a few each, and two threads measured 0.49x the tok/s of one. The 15M shape (15 M) and
 * larger split their matmuls. */
#define THREADS_MIN_WEIGHTS ((size_t)4 << 20)
#define PARALLEL_MIN_WEIGHTS (64 * 1024) /* floats in a matrix */
#define PARALLEL_MIN_ATTENTION 16384     /* (pos + 1) * dim */

/* The pool for this step's tasks, or NULL when the step runs on one thread. */
static Pool *step_pool(const FastForward *f) { return f->step_threads > 1 ? f->pool : NULL; }

/* out = m x, the rows split into chunks of whole kernel groups, about four per thread. */
static void fast_matvec(FastForward *f, float *out, const float *x, const IMat *m) {
    MatvecTask task = {f, m, x, out, m->nblocks};
    size_t weights = (size_t)m->nblocks * FAST_ROWS * (size_t)m->n;
    Pool *pool = step_pool(f);
    if (pool != NULL && (f->always_split || weights >= PARALLEL_MIN_WEIGHTS)) {
        int per = (m->nblocks + 4 * f->step_threads - 1) / (4 * f->step_threads);
        per = (per + f->group_blocks - 1) / f->group_blocks * f->group_blocks;
        task.chunk_blocks = per;
    }
    pool_run(pool, matvec_chunk, &task, (m->nblocks + task.chunk_blocks - 1) / task.chunk_blocks);
}

typedef struct {
    const FastForward *f;
    size_t loff; /* the layer's offset in the value cache */
    int layer, pos;
    float sqrt_head_size;
    int heads; /* query heads a chunk, at most FAST_SOFTMAX_ROWS */
} AttentionTask;

/* The query heads c * heads .. (c + 1) * heads - 1 of a chunk c: their scores, one softmax
 * call for all of them (sums side by side, softmax_rows), and their weighted sums, four heads
 * side by side where heads are small. */
static void attention_chunk(void *ctx, int c) {
    const AttentionTask *task = ctx;
    const FastForward *f = task->f;
    Transformer *t = f->t;
    const Config *p = &t->config;
    RunState *s = &t->state;
    int head_size = p->dim / p->n_heads, kv_dim = head_size * p->n_kv_heads, n = task->pos + 1;
    int kv_mul = p->n_heads / p->n_kv_heads;
    int h0 = c * task->heads, h1 = h0 + task->heads < p->n_heads ? h0 + task->heads : p->n_heads;
    const float *values = s->value_cache + task->loff;
    for (int h = h0; h < h1; h++) {
        const float *keys = f->keys + ((size_t)task->layer * (size_t)p->n_kv_heads + (size_t)(h / kv_mul)) * f->key_stride;
        f->scores(s->att + (size_t)h * (size_t)p->seq_len, s->q + h * head_size, keys, head_size, n,
                  task->sqrt_head_size);
    }
    f->softmax(t->math, s->att + (size_t)h0 * (size_t)p->seq_len, (size_t)p->seq_len, h1 - h0, n);
    int h = h0;
    if (head_size == 4 || head_size == 8)
        for (; h + 4 <= h1; h += 4) {
            float *xb[4];
            const float *att[4], *v[4];
            for (int k = 0; k < 4; k++) {
                xb[k] = s->xb + (h + k) * head_size;
                att[k] = s->att + (size_t)(h + k) * (size_t)p->seq_len;
                v[k] = values + (size_t)((h + k) / kv_mul) * head_size;
            }
            if (head_size == 4) weighted_sum_4heads(xb, att, v, kv_dim, n, 1);
            else weighted_sum_4heads(xb, att, v, kv_dim, n, 2);
        }
    for (; h < h1; h++)
        weighted_sum(s->xb + h * head_size, s->att + (size_t)h * (size_t)p->seq_len,
                     values + (size_t)(h / kv_mul) * head_size, kv_dim, head_size, n);
}

/* The key at pos (after RoPE) into the blocked keys of its layer. */
static void store_key(FastForward *f, int layer, int pos, const float *k) {
    const Config *p = &f->t->config;
    int head_size = p->dim / p->n_heads;
    for (int g = 0; g < p->n_kv_heads; g++) {
        float *block = f->keys + ((size_t)layer * (size_t)p->n_kv_heads + (size_t)g) * f->key_stride +
                       (size_t)(pos / FAST_ROWS) * (size_t)head_size * FAST_ROWS + pos % FAST_ROWS;
        for (int i = 0; i < head_size; i++) block[(size_t)i * FAST_ROWS] = k[g * head_size + i];
    }
}

/* The hooks of forward() (engine/forward.c writes the layer sequence; see ForwardHooks in
 * engine/transformer.h). wq, wk, wv are one interleaved matrix, computed on the WQ call,
 * and so are w1, w3 on the W1 call: forward.c asks for WQ, WK, WV and W1, W3 in that
 * order, each group on the same input. tests/test_fastpath.c guards that the result has
 * the reference's bits, layer records included. */
static void fast_matmul(void *context, WeightTensor tensor, int layer, float *out, const float *x, int n, int d) {
    FastForward *f = context;
    const Config *p = &f->t->config;
    int dim = p->dim, kv_dim = (p->dim * p->n_kv_heads) / p->n_heads, hidden = p->hidden_dim;
    const FastLayer *fl = &f->layers[layer];
    (void)n, (void)d;
    switch (tensor) {
    case WEIGHTS_WQ:
        fast_matvec(f, f->qkv, x, &fl->qkv);
        memcpy(out, f->qkv, (size_t)dim * sizeof(float));
        return;
    case WEIGHTS_WK: memcpy(out, f->qkv + dim, (size_t)kv_dim * sizeof(float)); return;
    case WEIGHTS_WV: memcpy(out, f->qkv + dim + kv_dim, (size_t)kv_dim * sizeof(float)); return;
    case WEIGHTS_WO: fast_matvec(f, out, x, &fl->wo); return;
    case WEIGHTS_W1:
        fast_matvec(f, f->h13, x, &fl->w13);
        memcpy(out, f->h13, (size_t)hidden * sizeof(float));
        return;
    case WEIGHTS_W3: memcpy(out, f->h13 + hidden, (size_t)hidden * sizeof(float)); return;
    case WEIGHTS_W2: fast_matvec(f, out, x, &fl->w2); return;
    case WEIGHTS_CLASSIFIER: fast_matvec(f, out, x, &f->wcls); return;
    default: return; /* forward() asks for no other matmul */
    }
}

static void fast_attention(void *context, int layer, int pos) {
    FastForward *f = context;
    Transformer *t = f->t;
    const Config *p = &t->config;
    int head_size = p->dim / p->n_heads;
    size_t kv_dim = (size_t)head_size * (size_t)p->n_kv_heads;
    store_key(f, layer, pos, t->state.k);
    int split = f->always_split || (size_t)(pos + 1) * (size_t)p->dim >= PARALLEL_MIN_ATTENTION;
    Pool *pool = split ? step_pool(f) : NULL;
    /* a head a chunk when the threads share them, else as many as one chunk takes */
    int heads = pool != NULL ? 1 : p->n_heads < FAST_SOFTMAX_ROWS ? p->n_heads : FAST_SOFTMAX_ROWS;
    AttentionTask att = {f, (size_t)layer * (size_t)p->seq_len * kv_dim, layer, pos, f->sqrt_head_size, heads};
    pool_run(pool, attention_chunk, &att, (p->n_heads + heads - 1) / heads);
}

static double seconds_now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* SwiGLU with the vector exp when the math is the portable one: p_expf's bits lane by
 * lane. libm's expf is another library's code, its bits not reproducible in vectors, so
 * that mode calls it once per element, as the reference does. */
static void fast_swiglu(void *context, float *hb, const float *hb2, int hidden_dim) {
    FastForward *f = context;
    f->swiglu(f->t->math, hb, hb2, hidden_dim);
}

float *forward_fast(FastForward *f, int token, int pos) {
    Transformer *t = f->t;
    double start = 0.0;
    if (f->choosing) {
        f->step_threads = thread_choice_next(&f->choice);
        start = seconds_now();
    }
    t->hooks = &f->hooks; /* for this step only: forward(t) stays the reference */
    float *logits = forward(t, token, pos);
    t->hooks = NULL;
    if (f->choosing) thread_choice_record(&f->choice, seconds_now() - start);
    return logits;
}

/* ----------------------------------------------------------------------------
 * set-up */

/* Runs the kernel on a small matrix against the reference matmul. Some rows hold only
 * -(1 + 2^-11) * 1 + (1 + 2^-12) * (1 + 2^-12): 0 in float, since the product rounds to
 * 1 + 2^-11, but 2^-24 when the add is fused with the multiply, so a build that contracts
 * is caught even if the reference matmul was contracted too. The other rows mix magnitudes
 * and subnormal products; there are two whole groups of blocks for every kernel and a
 * partial block past them, so both of its loops and the partial store are exercised. */
static int kernel_self_check(MatvecFn matvec, int group, ErrorText *err) {
    enum { N = 37, D = FAST_ROWS * 8 * 2 + 5 }; /* whole groups of every kernel, and a block past them */
    const int fma_rows[] = {0, 5, FAST_ROWS + 3, D - 1};
    float w[D * N], x[N], want[D], got[D + FAST_ROWS];
    _Alignas(64) float iw[((D + FAST_ROWS - 1) / FAST_ROWS) * FAST_ROWS * N];
    uint32_t state = 12345u;
    for (int j = 0; j < N; j++) {
        state = state * 1664525u + 1013904223u;
        x[j] = (float)(int32_t)(state >> 8) * 0x1p-20f;
    }
    for (int i = 0; i < D * N; i++) {
        state = state * 1664525u + 1013904223u;
        float v = (float)(int32_t)(state >> 8) * 0x1p-23f;
        if (i % 7 == 3) v *= 0x1p-130f; /* subnormal products */
        w[i] = v;
    }
    x[0] = -(1.0f + 0x1p-11f);
    x[1] = 1.0f + 0x1p-12f;
    for (size_t r = 0; r < sizeof fma_rows / sizeof fma_rows[0]; r++) {
        float *row = w + (size_t)fma_rows[r] * N;
        memset(row, 0, N * sizeof(float));
        row[0] = 1.0f;
        row[1] = 1.0f + 0x1p-12f;
    }
    matmul(want, x, w, N, D);
    RowSource src = {w, D, N};
    IMat m = imat_build(iw, &src, 1, N, group);
    memset(got, 0, sizeof got);
    matvec(got, x, m.w, N, 0, m.nblocks, D);
    int contracted = 0;
    for (size_t r = 0; r < sizeof fma_rows / sizeof fma_rows[0]; r++)
        if (got[fma_rows[r]] != 0.0f || want[fma_rows[r]] != 0.0f) contracted = 1;
    if (contracted || memcmp(got, want, sizeof want) != 0)
        return error_set(err, "the fast matmul kernel does not reproduce the reference sums bit for bit in this "
                              "build%s", contracted ? " (fused multiply-adds: compile with -ffp-contract=off)" : "");
    return 0;
}

/* Memory for the interleaved weights, 64-byte aligned. Not marked for transparent huge
 * pages: a step measured about 5% faster with them, but where the system compacts memory
 * for them on demand (defrag "madvise", the default) the faults of a 440 MB copy cost up to
 * a second of system time, more than a whole run gains. */
static float *alloc_weights(size_t bytes) {
    return aligned_alloc(64, (bytes + 63) / 64 * 64);
}

static int online_processors(void) {
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n < 1 ? 1 : n > 256 ? 256 : (int)n;
}

typedef struct {
    const Transformer *t;
    const IMat *m;
    const RowSource *sources;
    int nsources, chunk_blocks;
} BuildTask;

/* Copies a chunk of blocks, then lets the system take back the checkpoint pages of the rows
 * it copied (transformer_drop_pages): only the copy is read from now on, and dropping chunk
 * by chunk keeps the checkpoint and its copy from being in memory whole at the same time.
 * A page read again (an embedding row, a page two chunks share) comes back from the file. */
static void build_chunk(void *ctx, int chunk) {
    const BuildTask *task = ctx;
    int b0 = chunk * task->chunk_blocks;
    int b1 = b0 + task->chunk_blocks < task->m->nblocks ? b0 + task->chunk_blocks : task->m->nblocks;
    imat_fill(task->m, task->sources, task->nsources, b0, b1);
    size_t row_bytes = (size_t)task->m->n * sizeof(float);
    int first = b0 * FAST_ROWS, end = b1 * FAST_ROWS; /* stacked rows copied */
    for (int s = 0; s < task->nsources; s++) {
        const RowSource *src = &task->sources[s];
        int lo = first > 0 ? first : 0, hi = end < src->rows ? end : src->rows;
        if (hi > lo) transformer_drop_pages(task->t, src->src + (size_t)lo * (size_t)src->n, (size_t)(hi - lo) * row_bytes);
        first -= src->rows;
        end -= src->rows;
    }
}

/* The interleaved copy of the stacked sources at *at, which moves past it; the threads
 * share the blocks. Weights that came filled (a cache file) are only laid out. */
static IMat build_matrix(FastForward *f, float **at, const RowSource *sources, int nsources) {
    int n = sources[0].n, d = 0;
    for (int s = 0; s < nsources; s++) d += sources[s].rows;
    IMat m = {*at, n, d, (d + FAST_ROWS - 1) / FAST_ROWS, f->group_blocks};
    int per = (m.nblocks + 4 * f->threads - 1) / (4 * f->threads);
    BuildTask task = {f->t, &m, sources, nsources, per};
    if (f->arena_owned) pool_run(f->pool, build_chunk, &task, (m.nblocks + per - 1) / per);
    *at += imat_floats(n, d);
    return m;
}

/* Floats of the interleaved copy of every matrix of a model of shape p. */
static size_t arena_floats(const Config *p) {
    int dim = p->dim, hidden = p->hidden_dim, kv_dim = (p->dim * p->n_kv_heads) / p->n_heads;
    size_t per_layer = imat_floats(dim, dim + 2 * kv_dim) + imat_floats(dim, dim) + imat_floats(dim, 2 * hidden) +
                       imat_floats(hidden, dim);
    return per_layer * (size_t)p->n_layers + imat_floats(dim, p->vocab_size);
}

static FastSimd resolve_simd(FastSimd simd) {
    if (simd != FAST_SIMD_AUTO) return simd;
    simd = FAST_SIMD_VEC4;
    if (fast_simd_available(FAST_SIMD_AVX2)) simd = FAST_SIMD_AVX2;
    if (fast_simd_available(FAST_SIMD_AVX512)) simd = FAST_SIMD_AVX512;
    return simd;
}

int fast_forward_layout(const Transformer *t, FastSimd simd, FastLayout *layout, ErrorText *err) {
    simd = resolve_simd(simd);
    Kernel kernel = kernel_for(simd);
    if (fast_simd_name(simd) == NULL || !fast_simd_available(simd) || kernel.fn == NULL)
        return error_set(err, "fast path: instruction set %s is not available here",
                         fast_simd_name(simd) ? fast_simd_name(simd) : "(unknown)");
    layout->simd = simd;
    layout->rows = FAST_ROWS;
    layout->group_blocks = kernel.group_blocks;
    layout->bytes = arena_floats(&t->config) * sizeof(float);
    return 0;
}

static int init_with(FastForward **out, Transformer *t, int threads, FastSimd simd, const void *weights,
                     size_t weights_bytes, ErrorText *err);

int fast_forward_init(FastForward **out, Transformer *t, int threads, FastSimd simd, ErrorText *err) {
    return init_with(out, t, threads, simd, NULL, 0, err);
}

int fast_forward_init_mapped(FastForward **out, Transformer *t, int threads, const FastLayout *layout,
                             const void *weights, ErrorText *err) {
    FastLayout now = {FAST_SIMD_AUTO, 0, 0, 0};
    *out = NULL;
    if (fast_forward_layout(t, layout->simd, &now, err) != 0) return -1;
    if (now.rows != layout->rows || now.group_blocks != layout->group_blocks || now.bytes != layout->bytes)
        return error_set(err, "fast path: the given weights are laid out for %d-row blocks in groups of %d, "
                              "%zu bytes; this build needs %d, %d, %zu", layout->rows, layout->group_blocks,
                         layout->bytes, now.rows, now.group_blocks, now.bytes);
    if (weights == NULL || (uintptr_t)weights % 64 != 0)
        return error_set(err, "fast path: the given weights are not 64-byte aligned");
    return init_with(out, t, threads, now.simd, weights, now.bytes, err);
}

const void *fast_forward_weights(const FastForward *f, size_t *bytes) {
    *bytes = f->arena_bytes;
    return f->arena;
}

/* weights: NULL to build the interleaved copy here, else that copy already made (mapped
 * from a cache file), weights_bytes long. */
static int init_with(FastForward **out, Transformer *t, int threads, FastSimd simd, const void *weights,
                     size_t weights_bytes, ErrorText *err) {
    *out = NULL;
    simd = resolve_simd(simd);
    Kernel kernel = kernel_for(simd);
    if (fast_simd_name(simd) == NULL || !fast_simd_available(simd) || kernel.fn == NULL)
        return error_set(err, "fast path: instruction set %s is not available here",
                         fast_simd_name(simd) ? fast_simd_name(simd) : "(unknown)");
    if (threads < 0) return error_set(err, "fast path: thread count %d is negative", threads);
    if (threads == 0) threads = online_processors();
    if (threads > 1024) return error_set(err, "fast path: %d threads is too many", threads);
    if (kernel_self_check(kernel.fn, kernel.group_blocks, err) != 0) return -1;
    if (t->source != NULL || t->cache != NULL)
        return error_set(err, "fast path: the weights and the KV cache must be the transformer's own, in memory");

    const Config *p = &t->config;
    const TransformerWeights *w = &t->weights;
    int dim = p->dim, hidden = p->hidden_dim, layers = p->n_layers, vocab = p->vocab_size;
    int kv_dim = (p->dim * p->n_kv_heads) / p->n_heads;

    FastForward *f = calloc(1, sizeof *f);
    if (f == NULL) return error_set(err, "fast path: out of memory");
    f->t = t;
    f->simd = simd;
    f->matvec = kernel.fn;
    f->group_blocks = kernel.group_blocks;
    f->threads = threads;
    f->step_threads = threads;
    f->layers = calloc((size_t)layers, sizeof *f->layers);

    size_t total = arena_floats(p);
    if (weights != NULL && weights_bytes != total * sizeof(float)) {
        fast_forward_free(f);
        return error_set(err, "fast path: %zu bytes of weights given, %zu needed", weights_bytes, total * sizeof(float));
    }
    f->arena_owned = weights == NULL;
    f->arena = weights != NULL ? (float *)(uintptr_t)weights : alloc_weights(total * sizeof(float));
    f->arena_bytes = total * sizeof(float);
    size_t qkv_rows = (size_t)(dim + 2 * kv_dim + FAST_ROWS), h13_rows = (size_t)(2 * hidden + FAST_ROWS);
    f->scores = kernel.scores;
    f->softmax = kernel.softmax;
    f->swiglu = kernel.swiglu;
    f->hooks = (ForwardHooks){fast_matmul, fast_attention, fast_swiglu, f};
    f->sqrt_head_size = sqrtf((float)(dim / p->n_heads)); /* as forward.c: f32_sqrt(f32_from_long(head_size)) */
    f->key_stride = (size_t)((p->seq_len + FAST_ROWS - 1) / FAST_ROWS) * FAST_ROWS * (size_t)(dim / p->n_heads);
    f->keys_allocation = calloc((size_t)layers * (size_t)p->n_kv_heads * f->key_stride + 16, sizeof(float));
    if (f->keys_allocation != NULL) /* 64-byte aligned for the vector loads */
        f->keys = (float *)(void *)((uintptr_t)f->keys_allocation + (64 - (uintptr_t)f->keys_allocation % 64) % 64);
    f->qkv = calloc(qkv_rows, sizeof(float));
    f->h13 = calloc(h13_rows, sizeof(float));
    if (f->layers == NULL || f->arena == NULL || f->qkv == NULL || f->h13 == NULL || f->keys == NULL) {
        fast_forward_free(f);
        return error_set(err, "fast path: out of memory for %zu bytes of interleaved weights", total * sizeof(float));
    }

    if (threads > 1 && total >= THREADS_MIN_WEIGHTS) {
        f->pool = pool_new(threads, err);
        if (f->pool == NULL) {
            fast_forward_free(f);
            return -1;
        }
    }
    float *at = f->arena;
    for (size_t l = 0; l < (size_t)layers; l++) {
        FastLayer *fl = &f->layers[l];
        RowSource qkv[3] = {{w->wq + l * dim * dim, dim, dim},
                            {w->wk + l * dim * kv_dim, kv_dim, dim},
                            {w->wv + l * dim * kv_dim, kv_dim, dim}};
        fl->qkv = build_matrix(f, &at, qkv, 3);
        RowSource wo = {w->wo + l * dim * dim, dim, dim};
        fl->wo = build_matrix(f, &at, &wo, 1);
        RowSource w13[2] = {{w->w1 + l * dim * hidden, hidden, dim}, {w->w3 + l * dim * hidden, hidden, dim}};
        fl->w13 = build_matrix(f, &at, w13, 2);
        RowSource w2 = {w->w2 + l * dim * hidden, dim, hidden};
        fl->w2 = build_matrix(f, &at, &w2, 1);
    }
    RowSource cls = {w->wcls, vocab, dim};
    /* a shared classifier is the embedding table: its pages are dropped too, as a step
     * reads one row of it */
    f->wcls = build_matrix(f, &at, &cls, 1);
    *out = f;
    return 0;
}

int fast_vector_exp(FastSimd simd, float *y, const float *x, size_t n) {
    Kernel kernel = kernel_for(simd);
    if (kernel.exp_array == NULL || !fast_simd_available(simd)) return -1;
    kernel.exp_array(y, x, n);
    return 0;
}

int fast_vector_softmax(FastSimd simd, const MathLibrary *math, float *x, size_t stride, int rows, int size) {
    Kernel kernel = kernel_for(simd);
    if (kernel.softmax == NULL || !fast_simd_available(simd) || rows < 1 || rows > FAST_SOFTMAX_ROWS) return -1;
    kernel.softmax(math, x, stride, rows, size);
    return 0;
}

int fast_vector_swiglu(FastSimd simd, const MathLibrary *math, float *hb, const float *hb2, int n) {
    Kernel kernel = kernel_for(simd);
    if (kernel.swiglu == NULL || !fast_simd_available(simd)) return -1;
    kernel.swiglu(math, hb, hb2, n);
    return 0;
}

int fast_forward_threads(const FastForward *f) { return f->pool != NULL ? f->threads : 1; }

void fast_forward_choose_threads(FastForward *f, int on) {
    f->choosing = on != 0 && f->pool != NULL && !f->always_split;
    if (f->choosing) thread_choice_init(&f->choice, f->threads);
    else f->step_threads = f->threads;
}

int fast_forward_step_threads(const FastForward *f) { return f->pool != NULL ? f->step_threads : 1; }

void fast_forward_always_split(FastForward *f, int on) {
    f->always_split = on != 0;
    if (on) { /* every step on every thread: tests see the split they ask for */
        f->choosing = 0;
        f->step_threads = f->threads;
    }
    if (on && f->pool == NULL && f->threads > 1) { /* a small model: the threads are made now */
        ErrorText ignored;
        f->pool = pool_new(f->threads, &ignored); /* NULL: the tasks run on the caller */
    }
}
FastSimd fast_forward_simd(const FastForward *f) { return f->simd; }

void fast_forward_free(FastForward *f) {
    if (f == NULL) return;
    pool_free(f->pool);
    if (f->arena_owned) free(f->arena);
    free(f->layers);
    free(f->qkv);
    free(f->h13);
    free(f->keys_allocation);
    free(f);
}

#else
typedef int forward_fast_not_built; /* a translation unit may not be empty */
#endif
