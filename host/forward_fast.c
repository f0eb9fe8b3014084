/* The fast forward pass: the reference float order, many rows at a time.
 *
 * The reference matmul sums each row i in float, j = 0..n-1, val = val + w[i][j] * x[j] with
 * one rounding for the product and one for the sum. Rows are independent, so any number of
 * them can advance together as long as each keeps that sequence. At start-up every matrix
 * is copied into blocks of FAST_ROWS rows, interleaved by column: block b holds, for each j,
 * the FAST_ROWS floats w[16b + 0][j] .. w[16b + 15][j] contiguously. Lane r of a vector
 * accumulator then runs exactly the reference sum of row 16b + r, and a kernel streams each
 * block once, front to back. The vector operations are plain IEEE-754 multiplies and adds
 * (GCC vector extensions, also understood by clang); the build must not contract them into
 * fused multiply-adds (-ffp-contract=off), and fast_forward_init checks that it did not.
 *
 * Threads split the rows of each matmul (and the heads of attention); each row is computed
 * by one thread with the same code whatever the split, so the thread count cannot change a
 * bit. Everything else (RMSNorm, RoPE, attention, softmax, SwiGLU, the residual adds) calls
 * the reference kernels of engine/forward.c. */
#define _POSIX_C_SOURCE 200809L
#define _DEFAULT_SOURCE /* MADV_HUGEPAGE */

#include "host/forward_fast.h"

#if FAST_PATH /* else forward_fast.h has stubs (and a target may lack pthread.h) */
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "engine/kernels.h"

/* Software prefetch: each kernel pass reads G blocks side by side, one cache line per block
 * per column j; the hardware prefetchers alone do not keep that many streams far enough
 * ahead, so each stream also prefetches FAST_PREFETCH_BYTES / G bytes ahead. */
#ifndef FAST_PREFETCH_BYTES
#define FAST_PREFETCH_BYTES 8192
#endif
/* Rows per interleaved block; every kernel width divides it. */
#define FAST_ROWS 16

#if !defined(FAST_GENERIC_ONLY) && defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define FAST_X86_VARIANTS 1
#else
#define FAST_X86_VARIANTS 0
#endif

#if defined(__clang__)
#pragma STDC FP_CONTRACT OFF
#endif

/* ----------------------------------------------------------------------------
 * matmul kernels
 *
 * matvec_*(out, x, w, n, b0, b1, d): for the blocks b0..b1-1 of an interleaved (d, n)
 * matrix w, out[i] = sum over j of w[i][j] * x[j] in the reference order, for rows i < d.
 * A kernel keeps NACC vector accumulators of LANES floats busy: NACC * LANES / FAST_ROWS
 * blocks side by side, then the blocks left over one at a time. */

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

#define FAST_DEFINE_MATVEC(NAME, LANES, NACC, ATTR)                                                 \
    typedef float NAME##_vec __attribute__((vector_size(4 * (LANES))));                             \
    ATTR static void NAME(float *out, const float *x, const float *w, int n, int b0, int b1, int d) { \
        typedef NAME##_vec vec;                                                                     \
        enum { K = FAST_ROWS / (LANES), G = (NACC) / K,                                            \
               PF = FAST_PREFETCH_BYTES / (4 * FAST_ROWS * G), PF1 = FAST_PREFETCH_BYTES / (4 * FAST_ROWS) }; \
        const size_t block = (size_t)n * FAST_ROWS; /* floats per block */                          \
        int b = b0;                                                                                 \
        for (; b + G <= b1; b += G) {                                                               \
            const vec *p = (const vec *)(const void *)(w + (size_t)b * block);                      \
            vec acc[NACC];                                                                          \
            _Pragma("GCC unroll 16") for (int a = 0; a < (NACC); a++) acc[a] = (vec){0};            \
            for (int j = 0; j < n; j++) {                                                           \
                float xj = x[j];                                                                    \
                _Pragma("GCC unroll 16") for (int g = 0; g < G; g++)                                \
                    FAST_PREFETCH_AT(p + (size_t)g * (block / (LANES)) + (size_t)j * K, PF * sizeof(vec) * K); \
                _Pragma("GCC unroll 16") for (int a = 0; a < (NACC); a++) {                         \
                    vec prod = p[(size_t)(a / K) * (block / (LANES)) + (size_t)j * K + a % K] * xj; \
                    acc[a] = acc[a] + prod;                                                         \
                }                                                                                   \
            }                                                                                       \
            _Pragma("GCC unroll 16") for (int g = 0; g < G; g++)                                    \
                FAST_STORE_BLOCK(vec, out, acc + g * K, b + g, d);                                  \
        }                                                                                           \
        for (; b < b1; b++) {                                                                       \
            const vec *p = (const vec *)(const void *)(w + (size_t)b * block);                      \
            vec acc[K];                                                                             \
            _Pragma("GCC unroll 16") for (int a = 0; a < K; a++) acc[a] = (vec){0};                 \
            for (int j = 0; j < n; j++) {                                                           \
                float xj = x[j];                                                                    \
                FAST_PREFETCH_AT(p + (size_t)j * K, PF1 * sizeof(vec) * K);                         \
                _Pragma("GCC unroll 16") for (int a = 0; a < K; a++) {                              \
                    vec prod = p[(size_t)j * K + a] * xj;                                           \
                    acc[a] = acc[a] + prod;                                                         \
                }                                                                                   \
            }                                                                                       \
            FAST_STORE_BLOCK(vec, out, acc, b, d);                                                  \
        }                                                                                           \
    }

typedef void (*MatvecFn)(float *out, const float *x, const float *w, int n, int b0, int b1, int d);

/* Accumulators per kernel: enough independent add chains to hide the add latency, few
 * enough to stay in registers (16 vector registers in SSE2 and AVX2). 12 for vec4 (three
 * blocks side by side) measured about 8% faster than 8; 4 or 16 for the AVX kernels no
 * better than 8. */
#define NACC_VEC4 12
#define NACC_AVX2 8
#define NACC_AVX512 8

FAST_DEFINE_MATVEC(matvec_vec4, 4, NACC_VEC4, )
#if FAST_X86_VARIANTS
FAST_DEFINE_MATVEC(matvec_avx2, 8, NACC_AVX2, __attribute__((target("avx2"))))
#if !defined(FAST_NO_AVX512)
FAST_DEFINE_MATVEC(matvec_avx512, 16, NACC_AVX512, __attribute__((target("avx512f"))))
#endif
#endif

typedef struct {
    MatvecFn fn;
    int group_blocks; /* blocks a kernel pass computes side by side */
} Kernel;

static const char *const simd_names[FAST_SIMD_COUNT] = {"auto", "vec4", "avx2", "avx512"};

const char *fast_simd_name(FastSimd simd) {
    return (int)simd >= 0 && simd < FAST_SIMD_COUNT ? simd_names[simd] : NULL;
}

static Kernel kernel_for(FastSimd simd) {
    switch (simd) {
    case FAST_SIMD_VEC4: return (Kernel){matvec_vec4, NACC_VEC4 * 4 / FAST_ROWS};
#if FAST_X86_VARIANTS
    case FAST_SIMD_AVX2: return (Kernel){matvec_avx2, NACC_AVX2 * 8 / FAST_ROWS};
#if !defined(FAST_NO_AVX512)
    case FAST_SIMD_AVX512: return (Kernel){matvec_avx512, NACC_AVX512 * 16 / FAST_ROWS};
#endif
#endif
    default: return (Kernel){NULL, 1};
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
    const float *w; /* nblocks * n * FAST_ROWS floats */
    int n, d, nblocks;
} IMat;

typedef struct {
    const float *src; /* (rows, n), row-major as in the checkpoint */
    int rows;
} RowSource;

static size_t imat_floats(int n, int d) {
    return (size_t)((d + FAST_ROWS - 1) / FAST_ROWS) * (size_t)n * FAST_ROWS;
}

/* Interleaves the rows of the sources, stacked, into dst; rows past the last are zero. */
static IMat imat_build(float *dst, const RowSource *sources, int nsources, int n) {
    int d = 0;
    for (int s = 0; s < nsources; s++) d += sources[s].rows;
    IMat m = {dst, n, d, (d + FAST_ROWS - 1) / FAST_ROWS};
    memset(dst, 0, imat_floats(n, d) * sizeof(float));
    int row = 0;
    for (int s = 0; s < nsources; s++) {
        for (int r = 0; r < sources[s].rows; r++, row++) {
            const float *src = sources[s].src + (size_t)r * (size_t)n;
            float *blk = dst + (size_t)(row / FAST_ROWS) * (size_t)n * FAST_ROWS + row % FAST_ROWS;
            for (int j = 0; j < n; j++) blk[(size_t)j * FAST_ROWS] = src[j];
        }
    }
    return m;
}

/* ----------------------------------------------------------------------------
 * thread pool
 *
 * A task is fn(ctx, chunk) for chunk = 0..nchunks-1. The caller and the workers claim chunks
 * from one atomic word that holds the task's generation, its chunk count and the next chunk,
 * so a claim is checked against one consistent snapshot of the task. A worker slow to wake
 * (other programs on the cores, more threads than cores) simply finds nothing left to do,
 * and the caller never waits for a thread that has not started. Which thread computes a
 * chunk does not change its result. Idle workers spin
 * for POOL_SPIN_NS (tasks come every few microseconds), then sleep on a condition variable;
 * the caller, waiting for chunks others hold, does the same, so that a core left idle can
 * take over a worker that another program pushed off its own core. */

typedef void (*TaskFn)(void *ctx, int chunk);

/* The claim word: generation (32 bits), chunk count (16), next chunk to hand out (16). */
#define CLAIM(gen, nchunks, next) (((uint64_t)(gen) << 32) | ((uint64_t)(nchunks) << 16) | (uint64_t)(next))
#define CLAIM_GEN(c) ((uint32_t)((c) >> 32))
#define CLAIM_CHUNKS(c) ((uint32_t)((c) >> 16) & 0xffffu)
#define CLAIM_NEXT(c) ((uint32_t)(c) & 0xffffu)
#define POOL_MAX_CHUNKS 0xffff

#define POOL_SPIN_NS 50000 /* spinning before sleeping, in nanoseconds */

typedef struct Pool Pool;

struct Pool {
    int n; /* threads, the caller included */
    pthread_t *ids;
    TaskFn fn;
    void *ctx;
    atomic_uint_least64_t claim; /* see CLAIM */
    atomic_int done;             /* chunks finished in this generation */
    atomic_int sleepers;         /* workers asleep on wake, or going to sleep */
    atomic_int caller_waiting;   /* the caller is asleep on finished, or going to sleep */
    atomic_int quit;
    uint32_t generation; /* written by the caller only */
    pthread_mutex_t lock;
    pthread_cond_t wake, finished;
};

static uint64_t now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static inline void cpu_relax(void) {
#if (defined(__x86_64__) || defined(__i386__)) && (defined(__GNUC__) || defined(__clang__))
    __builtin_ia32_pause();
#elif defined(__aarch64__) && (defined(__GNUC__) || defined(__clang__))
    __asm__ __volatile__("yield");
#endif
}

/* Runs unclaimed chunks of generation gen until none is left. */
static void pool_work(Pool *p, uint32_t gen) {
    uint64_t c = atomic_load_explicit(&p->claim, memory_order_acquire);
    for (;;) {
        uint32_t nchunks = CLAIM_CHUNKS(c), next = CLAIM_NEXT(c);
        if (CLAIM_GEN(c) != gen || next >= nchunks) return;
        if (!atomic_compare_exchange_weak_explicit(&p->claim, &c, c + 1, memory_order_acq_rel, memory_order_acquire))
            continue;
        /* chunk `next` of generation gen is ours; the task cannot change before it is done */
        p->fn(p->ctx, (int)next);
        if (atomic_fetch_add(&p->done, 1) + 1 == (int)nchunks && atomic_load(&p->caller_waiting)) {
            pthread_mutex_lock(&p->lock);
            pthread_cond_signal(&p->finished);
            pthread_mutex_unlock(&p->lock);
        }
        c = atomic_load_explicit(&p->claim, memory_order_acquire);
    }
}

static void *pool_worker(void *arg) {
    Pool *p = arg;
    uint32_t seen = 0;
    for (;;) {
        uint32_t gen = CLAIM_GEN(atomic_load_explicit(&p->claim, memory_order_acquire));
        uint64_t start = now_ns();
        for (unsigned spin = 1; gen == seen; spin++) {
            cpu_relax();
            gen = CLAIM_GEN(atomic_load_explicit(&p->claim, memory_order_acquire));
            if (spin % 64 == 0 && now_ns() - start > POOL_SPIN_NS) break;
        }
        if (gen == seen) {
            pthread_mutex_lock(&p->lock);
            atomic_fetch_add(&p->sleepers, 1);
            while ((gen = CLAIM_GEN(atomic_load(&p->claim))) == seen) pthread_cond_wait(&p->wake, &p->lock);
            atomic_fetch_sub(&p->sleepers, 1);
            pthread_mutex_unlock(&p->lock);
        }
        seen = gen;
        if (atomic_load_explicit(&p->quit, memory_order_acquire)) return NULL;
        pool_work(p, gen);
    }
}

/* Starts generation p->generation + 1 with nchunks chunks and wakes sleeping workers. */
static uint32_t pool_publish(Pool *p, int nchunks) {
    uint32_t gen = ++p->generation;
    atomic_store(&p->claim, CLAIM(gen, nchunks, 0));
    if (atomic_load(&p->sleepers) > 0) {
        pthread_mutex_lock(&p->lock);
        pthread_cond_broadcast(&p->wake);
        pthread_mutex_unlock(&p->lock);
    }
    return gen;
}

/* Runs fn(ctx, chunk) for every chunk, on the caller and the workers; returns when all are done. */
static void pool_run(Pool *p, TaskFn fn, void *ctx, int nchunks) {
    if (p == NULL || nchunks <= 1 || nchunks > POOL_MAX_CHUNKS) {
        for (int c = 0; c < nchunks; c++) fn(ctx, c);
        return;
    }
    /* the previous task is complete: no thread reads these until the new claim word is out */
    p->fn = fn;
    p->ctx = ctx;
    atomic_store_explicit(&p->done, 0, memory_order_relaxed);
    uint32_t gen = pool_publish(p, nchunks);
    pool_work(p, gen);
    if (atomic_load_explicit(&p->done, memory_order_acquire) == nchunks) return;
    uint64_t start = now_ns();
    for (unsigned spin = 1; atomic_load_explicit(&p->done, memory_order_acquire) < nchunks; spin++) {
        cpu_relax();
        if (spin % 64 == 0 && now_ns() - start > POOL_SPIN_NS) break;
    }
    if (atomic_load(&p->done) < nchunks) {
        pthread_mutex_lock(&p->lock);
        atomic_store(&p->caller_waiting, 1);
        while (atomic_load(&p->done) < nchunks) pthread_cond_wait(&p->finished, &p->lock);
        atomic_store(&p->caller_waiting, 0);
        pthread_mutex_unlock(&p->lock);
    }
}

static void pool_free(Pool *p) {
    if (p == NULL) return;
    atomic_store(&p->quit, 1);
    pool_publish(p, 0);
    pthread_mutex_lock(&p->lock);
    pthread_cond_broadcast(&p->wake);
    pthread_mutex_unlock(&p->lock);
    for (int i = 1; i < p->n; i++) pthread_join(p->ids[i], NULL);
    pthread_mutex_destroy(&p->lock);
    pthread_cond_destroy(&p->wake);
    pthread_cond_destroy(&p->finished);
    free(p->ids);
    free(p);
}

/* A pool of n threads (n >= 2), or NULL with a message. */
static Pool *pool_new(int n, ErrorText *err) {
    Pool *p = calloc(1, sizeof *p);
    if (p != NULL) p->ids = calloc((size_t)n, sizeof *p->ids);
    if (p == NULL || p->ids == NULL) {
        free(p);
        error_set(err, "fast path: out of memory for the thread pool");
        return NULL;
    }
    atomic_init(&p->claim, 0);
    atomic_init(&p->done, 0);
    atomic_init(&p->sleepers, 0);
    atomic_init(&p->caller_waiting, 0);
    atomic_init(&p->quit, 0);
    pthread_mutex_init(&p->lock, NULL);
    pthread_cond_init(&p->wake, NULL);
    pthread_cond_init(&p->finished, NULL);
    p->n = 1;
    for (int i = 1; i < n; i++) {
        int rc = pthread_create(&p->ids[i], NULL, pool_worker, p);
        if (rc != 0) {
            pool_free(p);
            error_set(err, "fast path: cannot start thread %d of %d: %s", i + 1, n, strerror(rc));
            return NULL;
        }
        p->n = i + 1;
    }
    return p;
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
    int always_split; /* split every task, however small (tests) */
    float *arena; /* every interleaved matrix, in the order a step reads them */
    FastLayer *layers;
    IMat wcls;
    float *qkv; /* matmul outputs, padded to whole blocks */
    float *h13;
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
#define PARALLEL_MIN_WEIGHTS (64 * 1024) /* floats in a matrix */
#define PARALLEL_MIN_ATTENTION 16384     /* (pos + 1) * dim */

/* out = m x, the rows split into chunks of whole kernel groups, about four per thread. */
static void fast_matvec(FastForward *f, float *out, const float *x, const IMat *m) {
    MatvecTask task = {f, m, x, out, m->nblocks};
    size_t weights = (size_t)m->nblocks * FAST_ROWS * (size_t)m->n;
    if (f->pool != NULL && (f->always_split || weights >= PARALLEL_MIN_WEIGHTS)) {
        int per = (m->nblocks + 4 * f->threads - 1) / (4 * f->threads);
        per = (per + f->group_blocks - 1) / f->group_blocks * f->group_blocks;
        task.chunk_blocks = per;
    }
    pool_run(f->pool, matvec_chunk, &task, (m->nblocks + task.chunk_blocks - 1) / task.chunk_blocks);
}

typedef struct {
    Transformer *t;
    size_t loff;
    int pos;
} AttentionTask;

/* One chunk per query head. */
static void attention_chunk(void *ctx, int h) {
    const AttentionTask *task = ctx;
    Transformer *t = task->t;
    const Config *p = &t->config;
    RunState *s = &t->state;
    int head_size = p->dim / p->n_heads;
    int kv_dim = head_size * p->n_kv_heads;
    int kv_mul = p->n_heads / p->n_kv_heads;
    size_t kv_off = task->loff + (size_t)(h / kv_mul) * head_size;
    attention_head(t->math, s->xb + h * head_size, s->att + (size_t)h * (size_t)p->seq_len, s->q + h * head_size,
                   s->key_cache + kv_off, s->value_cache + kv_off, kv_dim, head_size, task->pos);
}

static void probe(Transformer *t, int layer, const char *what, const float *vec, int n) {
    if (t->probe != NULL) t->probe(t->probe_context, layer, what, vec, n);
}

float *forward_fast(FastForward *f, int token, int pos) {
    Transformer *t = f->t;
    const Config *p = &t->config;
    const TransformerWeights *w = &t->weights;
    RunState *s = &t->state;
    float *x = s->x;
    int dim = p->dim;
    int kv_dim = (p->dim * p->n_kv_heads) / p->n_heads;
    int hidden_dim = p->hidden_dim;
    int head_size = dim / p->n_heads;

    memcpy(x, w->token_embedding_table + (size_t)token * (size_t)dim, (size_t)dim * sizeof(*x));

    for (size_t l = 0; l < (size_t)p->n_layers; l++) {
        int layer = (int)l;
        const FastLayer *fl = &f->layers[l];
        rmsnorm(s->xb, x, w->rms_att_weight + l * dim, dim);

        size_t loff = l * (size_t)p->seq_len * (size_t)kv_dim;
        s->k = s->key_cache + loff + (size_t)pos * kv_dim;
        s->v = s->value_cache + loff + (size_t)pos * kv_dim;

        fast_matvec(f, f->qkv, s->xb, &fl->qkv);
        memcpy(s->q, f->qkv, (size_t)dim * sizeof(float));
        memcpy(s->k, f->qkv + dim, (size_t)kv_dim * sizeof(float));
        memcpy(s->v, f->qkv + dim + kv_dim, (size_t)kv_dim * sizeof(float));

        rope(t->math, s->q, s->k, dim, kv_dim, head_size, pos);
        probe(t, layer, "q", s->q, dim);
        probe(t, layer, "k", s->k, kv_dim);
        probe(t, layer, "v", s->v, kv_dim);

        AttentionTask att = {t, loff, pos};
        int split = f->always_split || (size_t)(pos + 1) * dim >= PARALLEL_MIN_ATTENTION;
        pool_run(split ? f->pool : NULL, attention_chunk, &att, p->n_heads);

        fast_matvec(f, s->xb2, s->xb, &fl->wo);
        probe(t, layer, "att", s->xb2, dim);
        residual_add(x, s->xb2, dim);

        rmsnorm(s->xb, x, w->rms_ffn_weight + l * dim, dim);
        fast_matvec(f, f->h13, s->xb, &fl->w13);
        swiglu(t->math, f->h13, f->h13 + hidden_dim, hidden_dim);
        fast_matvec(f, s->xb, f->h13, &fl->w2);
        probe(t, layer, "ffn", s->xb, dim);
        residual_add(x, s->xb, dim);
        probe(t, layer, "x", x, dim);
    }

    rmsnorm(x, x, w->rms_final_weight, dim);
    fast_matvec(f, s->logits, x, &f->wcls);
    return s->logits;
}

/* ----------------------------------------------------------------------------
 * set-up */

/* Runs the kernel on a small matrix against the reference matmul. Some rows hold only
 * -(1 + 2^-11) * 1 + (1 + 2^-12) * (1 + 2^-12): 0 in float, since the product rounds to
 * 1 + 2^-11, but 2^-24 when the add is fused with the multiply, so a build that contracts
 * is caught even if the reference matmul was contracted too. The other rows mix magnitudes
 * and subnormal products; there are more rows than two blocks, so the tail is exercised. */
static int kernel_self_check(MatvecFn matvec, ErrorText *err) {
    enum { N = 37, D = FAST_ROWS * 2 + 5 };
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
    RowSource src = {w, D};
    IMat m = imat_build(iw, &src, 1, N);
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

/* Memory for the interleaved weights: 64-byte aligned; where the system has transparent
 * huge pages, 2 MB aligned and marked for them (a step streams through all of it, and
 * fewer TLB misses measured about 5% faster). */
static float *alloc_weights(size_t bytes) {
#if defined(__linux__) && defined(MADV_HUGEPAGE)
    const size_t huge = (size_t)2 << 20;
    if (bytes >= 2 * huge) {
        size_t rounded = (bytes + huge - 1) / huge * huge;
        void *p = aligned_alloc(huge, rounded);
        if (p != NULL) madvise(p, rounded, MADV_HUGEPAGE); /* a hint: failure is harmless */
        return p;
    }
#endif
    return aligned_alloc(64, (bytes + 63) / 64 * 64);
}

static int online_processors(void) {
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n < 1 ? 1 : n > 256 ? 256 : (int)n;
}

int fast_forward_init(FastForward **out, Transformer *t, int threads, FastSimd simd, ErrorText *err) {
    *out = NULL;
    if (simd == FAST_SIMD_AUTO) {
        simd = FAST_SIMD_VEC4;
        if (fast_simd_available(FAST_SIMD_AVX2)) simd = FAST_SIMD_AVX2;
        if (fast_simd_available(FAST_SIMD_AVX512)) simd = FAST_SIMD_AVX512;
    }
    Kernel kernel = kernel_for(simd);
    if (fast_simd_name(simd) == NULL || !fast_simd_available(simd) || kernel.fn == NULL)
        return error_set(err, "fast path: instruction set %s is not available here",
                         fast_simd_name(simd) ? fast_simd_name(simd) : "(unknown)");
    if (threads < 0) return error_set(err, "fast path: thread count %d is negative", threads);
    if (threads == 0) threads = online_processors();
    if (threads > 1024) return error_set(err, "fast path: %d threads is too many", threads);
    if (kernel_self_check(kernel.fn, err) != 0) return -1;

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
    f->layers = calloc((size_t)layers, sizeof *f->layers);

    size_t per_layer = imat_floats(dim, dim + 2 * kv_dim) + imat_floats(dim, dim) + imat_floats(dim, 2 * hidden) +
                       imat_floats(hidden, dim);
    size_t total = per_layer * (size_t)layers + imat_floats(dim, vocab);
    f->arena = alloc_weights(total * sizeof(float));
    size_t qkv_rows = (size_t)(dim + 2 * kv_dim + FAST_ROWS), h13_rows = (size_t)(2 * hidden + FAST_ROWS);
    f->qkv = calloc(qkv_rows, sizeof(float));
    f->h13 = calloc(h13_rows, sizeof(float));
    if (f->layers == NULL || f->arena == NULL || f->qkv == NULL || f->h13 == NULL) {
        fast_forward_free(f);
        return error_set(err, "fast path: out of memory for %zu bytes of interleaved weights", total * sizeof(float));
    }

    float *at = f->arena;
    for (size_t l = 0; l < (size_t)layers; l++) {
        FastLayer *fl = &f->layers[l];
        RowSource qkv[3] = {{w->wq + l * dim * dim, dim},
                            {w->wk + l * dim * kv_dim, kv_dim},
                            {w->wv + l * dim * kv_dim, kv_dim}};
        fl->qkv = imat_build(at, qkv, 3, dim);
        at += imat_floats(dim, fl->qkv.d);
        RowSource wo = {w->wo + l * dim * dim, dim};
        fl->wo = imat_build(at, &wo, 1, dim);
        at += imat_floats(dim, dim);
        RowSource w13[2] = {{w->w1 + l * dim * hidden, hidden}, {w->w3 + l * dim * hidden, hidden}};
        fl->w13 = imat_build(at, w13, 2, dim);
        at += imat_floats(dim, 2 * hidden);
        RowSource w2 = {w->w2 + l * dim * hidden, dim};
        fl->w2 = imat_build(at, &w2, 1, hidden);
        at += imat_floats(hidden, dim);
    }
    RowSource cls = {w->wcls, vocab};
    f->wcls = imat_build(at, &cls, 1, dim);

    if (threads > 1) {
        f->pool = pool_new(threads, err);
        if (f->pool == NULL) {
            fast_forward_free(f);
            return -1;
        }
    }
    *out = f;
    return 0;
}

int fast_forward_threads(const FastForward *f) { return f->threads; }
void fast_forward_always_split(FastForward *f, int on) { f->always_split = on != 0; }
FastSimd fast_forward_simd(const FastForward *f) { return f->simd; }

void fast_forward_free(FastForward *f) {
    if (f == NULL) return;
    pool_free(f->pool);
    free(f->arena);
    free(f->layers);
    free(f->qkv);
    free(f->h13);
    free(f);
}

#else
typedef int forward_fast_not_built; /* a translation unit may not be empty */
#endif
