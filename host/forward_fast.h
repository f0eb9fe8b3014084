/* The fast forward pass: logits bit-identical to forward() (engine/forward.c), faster.
 *
 * Every matmul row is still summed j = 0..n-1 in float, one rounding per multiply and per
 * add, exactly as the reference does; the speed comes from doing many rows at once (SIMD
 * across rows, on a row-interleaved copy of the weights made at start-up) and from
 * splitting rows over threads. Softmax and SwiGLU compute exp in vectors with the portable
 * math's operations (the bits of p_expf); all other kernels, and softmax and SwiGLU with
 * libm, are the reference ones (engine/kernels.h).
 * The result does not depend on the SIMD width or the thread count. docs/fast-path.md has
 * the design. */
#ifndef ENGINE_FORWARD_FAST_H
#define ENGINE_FORWARD_FAST_H

#include "host/errors.h"
#include "engine/transformer.h"

/* Instruction sets for the matmul kernel. FAST_SIMD_AUTO picks the widest one available. */
typedef enum {
    FAST_SIMD_AUTO = 0,
    FAST_SIMD_VEC4,   /* 4 rows per vector: SSE2 on x86-64, the baseline everywhere */
    FAST_SIMD_AVX2,   /* 8 rows per vector (AVX2 without FMA), x86-64 only */
    FAST_SIMD_AVX512, /* 16 rows per vector (AVX-512F without FMA), x86-64 only */
    FAST_SIMD_COUNT
} FastSimd;

typedef struct FastForward FastForward;

/* Where the interleaved weights of a model go, for a cache file (host/fast_cache.h) that
 * keeps them between runs: the instruction set simd resolves to, the rows of a block, the
 * blocks of a kernel group and the bytes of the whole copy: the same for the same model, build
 * and CPU. */
typedef struct {
    FastSimd simd;
    int rows, group_blocks;
    size_t bytes;
} FastLayout;

/* The fast path needs POSIX threads: it is built for hosts. Elsewhere (bare-metal ports)
 * the functions below are stubs that refuse, so that callers such as run.c need no #if.
 * -DFAST_PATH=0 or 1 overrides the guess. */
#ifndef FAST_PATH
#if defined(__unix__) || defined(__APPLE__)
#define FAST_PATH 1
#else
#define FAST_PATH 0
#endif
#endif

#if FAST_PATH

/* Name of an instruction set ("auto", "vec4", "avx2", "avx512"); NULL when out of range. */
const char *fast_simd_name(FastSimd simd);
/* 1 when this build has the kernel and this CPU can run it. */
int fast_simd_available(FastSimd simd);

/* Prepares the fast path for a loaded transformer t (weights and run state), which must
 * outlive it. threads: how many threads compute (the caller's thread included); 0 means one
 * per online processor. Checks the selected kernel against the reference matmul before use.
 * Returns 0, or -1 with a message in err. */
int fast_forward_init(FastForward **out, Transformer *t, int threads, FastSimd simd, ErrorText *err);

/* The layout of t's weights for instruction set simd (AUTO: the one fast_forward_init would
 * pick); 0, or -1 with a message when simd is not available. */
int fast_forward_layout(const Transformer *t, FastSimd simd, FastLayout *layout, ErrorText *err);

/* fast_forward_init with the interleaved weights already made (by an earlier run, as
 * fast_forward_weights gave them): layout must be what fast_forward_layout says now, and
 * weights 64-byte aligned, layout->bytes long, unchanged while f lives; nothing is copied. */
int fast_forward_init_mapped(FastForward **out, Transformer *t, int threads, const FastLayout *layout,
                             const void *weights, ErrorText *err);
/* The interleaved weights f reads, and their size in bytes. */
const void *fast_forward_weights(const FastForward *f, size_t *bytes);

/* One step, like forward(t, token, pos): updates t's KV cache and returns t's logits. */
float *forward_fast(FastForward *f, int token, int pos);

/* The threads that compute: the count asked for, or 1 for a model too small to gain from
 * more (host/forward_fast.c, THREADS_MIN_WEIGHTS). */
int fast_forward_threads(const FastForward *f);
FastSimd fast_forward_simd(const FastForward *f);
/* on = 1: each step runs on one thread or on all fast_forward_threads(f), whichever the
 * times of recent steps say is faster (host/thread_choice.h: a trial of a few steps on
 * each now and then, the faster alone in between). on = 0 (the default): every step runs
 * on all. The logits are the same bits either way. No effect with one thread. */
void fast_forward_choose_threads(FastForward *f, int on);
/* The threads the last step ran on (all of them before any step). */
int fast_forward_step_threads(const FastForward *f);
/* Small matmuls, short attention and small models run on the calling thread only, as
 * waking the others would cost more than it saves. on = 1 splits every task anyway, over
 * the thread count asked for (for tests: the results are the same either way). */
void fast_forward_always_split(FastForward *f, int on);

void fast_forward_free(FastForward *f);

/* y[i] = exp(x[i]), i < n, with the vector exp of instruction set simd (softmax and SwiGLU
 * use it with the portable math): the bits of p_expf (engine/portable/) for every input.
 * For the tests. Returns 0, or -1 if simd is not available. */
int fast_vector_exp(FastSimd simd, float *y, const float *x, size_t n);
/* The fast path's softmax and SwiGLU of instruction set simd, with the math library math:
 * the bits of softmax and swiglu (engine/kernels.h); fast_vector_softmax takes 1 to 16 rows
 * of size floats, row r at x + r * stride, each its own softmax. For the tests; -1 if simd
 * is not available (or rows is out of range). */
int fast_vector_softmax(FastSimd simd, const MathLibrary *math, float *x, size_t stride, int rows, int size);
int fast_vector_swiglu(FastSimd simd, const MathLibrary *math, float *hb, const float *hb2, int n);

#else /* no fast path in this build */

static inline const char *fast_simd_name(FastSimd simd) { (void)simd; return NULL; }
static inline int fast_simd_available(FastSimd simd) { (void)simd; return 0; }
static inline int fast_forward_init(FastForward **out, Transformer *t, int threads, FastSimd simd, ErrorText *err) {
    (void)t; (void)threads; (void)simd;
    *out = NULL;
    return error_set(err, "--fast: the fast path needs POSIX threads, which this build has not "
                          "(a bare-metal or wasm32-wasi target); run without --fast");
}
static inline float *forward_fast(FastForward *f, int token, int pos) { (void)f; (void)token; (void)pos; return NULL; }
static inline int fast_forward_threads(const FastForward *f) { (void)f; return 0; }
static inline FastSimd fast_forward_simd(const FastForward *f) { (void)f; return FAST_SIMD_AUTO; }
static inline void fast_forward_always_split(FastForward *f, int on) { (void)f; (void)on; }
static inline void fast_forward_choose_threads(FastForward *f, int on) { (void)f; (void)on; }
static inline int fast_forward_step_threads(const FastForward *f) { (void)f; return 0; }
static inline void fast_forward_free(FastForward *f) { (void)f; }
static inline int fast_forward_layout(const Transformer *t, FastSimd simd, FastLayout *layout, ErrorText *err) {
    (void)t; (void)simd; (void)layout;
    return error_set(err, "the fast path is not in this build");
}
static inline int fast_forward_init_mapped(FastForward **out, Transformer *t, int threads, const FastLayout *layout,
                                           const void *weights, ErrorText *err) {
    (void)t; (void)threads; (void)layout; (void)weights;
    *out = NULL;
    return error_set(err, "the fast path is not in this build");
}
static inline const void *fast_forward_weights(const FastForward *f, size_t *bytes) {
    (void)f;
    *bytes = 0;
    return NULL;
}
static inline int fast_vector_exp(FastSimd simd, float *y, const float *x, size_t n) {
    (void)simd; (void)y; (void)x; (void)n;
    return -1;
}
static inline int fast_vector_softmax(FastSimd simd, const MathLibrary *math, float *x, size_t stride, int rows,
                                      int size) {
    (void)simd; (void)math; (void)x; (void)stride; (void)rows; (void)size;
    return -1;
}
static inline int fast_vector_swiglu(FastSimd simd, const MathLibrary *math, float *hb, const float *hb2, int n) {
    (void)simd; (void)math; (void)hb; (void)hb2; (void)n;
    return -1;
}

#endif

#endif
