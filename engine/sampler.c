/* Sampler, after llama2.c's run.c.
 *
 * ENGINE_SMALL (the 6502 build) leaves out the top-p buffers and their merge sort:
 * sample_topp_scan picks the same tokens without them.
 *
 * Every float operation is an engine/f32.h operation in the original's order, so native
 * and soft-float builds pick the same tokens. Top-p sorts candidates by descending
 * probability with a stable merge sort, so equal probabilities keep index order on every
 * platform (glibc's qsort, a merge sort, does the same; other libcs' qsort does not). */
#include "engine/sampler.h"

#include <stddef.h>
#include <stdlib.h>

#include "engine/kernels.h"

#define F32_ZERO F32_BITS(0x00000000)
#define F32_ONE F32_BITS(0x3F800000)
#define F32_TWO_POW_24 F32_BITS(0x4B800000) /* 16777216.0f */

int sampler_init(Sampler *s, int vocab_size, f32 temperature, f32 topp, const MathLibrary *math, int with_buffers) {
    s->vocab_size = vocab_size;
    s->temperature = temperature;
    s->topp = topp;
    s->math = math;
    s->probindex = s->scratch = NULL;
#ifdef ENGINE_SMALL
    (void)with_buffers;
    return 0;
#else
    if (!with_buffers) return 0;
    s->probindex = (ProbIndex *)malloc((size_t)vocab_size * sizeof(ProbIndex));
    s->scratch = (ProbIndex *)malloc((size_t)vocab_size * sizeof(ProbIndex));
    if (s->probindex == NULL || s->scratch == NULL) {
        free_sampler(s);
        return -1;
    }
    return 0;
#endif
}

void free_sampler(Sampler *s) {
#ifndef ENGINE_SMALL
    free(s->probindex);
    free(s->scratch);
#endif
    s->probindex = s->scratch = NULL;
}

/* xorshift rng: https://en.wikipedia.org/wiki/Xorshift#xorshift.2A
 *   state ^= state >> 12; state ^= state << 25; state ^= state >> 27;
 *   return (state * 0x2545F4914F6CDD1D) >> 32; */
unsigned long rng_u32(u64 *state) {
    static const u64 multiplier = {0x2545F491UL, 0x4F6CDD1DUL};
    u64 t;
    u64_shr(&t, state, 12);
    u64_xor(state, state, &t);
    u64_shl(&t, state, 25);
    u64_xor(state, state, &t);
    u64_shr(&t, state, 27);
    u64_xor(state, state, &t);
    u64_mul(&t, state, &multiplier);
    return t.high;
}

/* random float32 in [0,1): (u32 >> 8) / 16777216.0f */
f32 rng_f32(u64 *state) { return f32_div(f32_from_long((long)(rng_u32(state) >> 8)), F32_TWO_POW_24); }

#ifndef F32_SOFT
static u64 split(uint64_t v) {
    u64 r;
    u64_set(&r, (unsigned long)(v >> 32), (unsigned long)(v & 0xFFFFFFFFu));
    return r;
}

static uint64_t join(const u64 *v) { return ((uint64_t)v->high << 32) | (uint64_t)v->low; }

int build_sampler(Sampler *s, int vocab_size, float temperature, float topp, uint64_t rng_seed,
                  const MathLibrary *math) {
    s->rng_state = rng_seed;
    return sampler_init(s, vocab_size, temperature, topp, math, 1);
}

uint32_t random_u32(uint64_t *state) {
    u64 s = split(*state);
    uint32_t r = (uint32_t)rng_u32(&s);
    *state = join(&s);
    return r;
}

float random_f32(uint64_t *state) {
    u64 s = split(*state);
    float r = rng_f32(&s);
    *state = join(&s);
    return r;
}
#endif

/* index of the highest probability; the first one on ties */
int sample_argmax(const f32 *probabilities, int n) {
    int i, max_i = 0;
    f32 max_p = probabilities[0];
    for (i = 1; i < n; i++) {
        if (f32_lt(max_p, probabilities[i])) {
            max_i = i;
            max_p = probabilities[i];
        }
    }
    return max_i;
}

/* index from the cumulative distribution; coin is in [0, 1) */
int sample_mult(const f32 *probabilities, int n, f32 coin) {
    int i;
    f32 cdf = F32_ZERO;
    for (i = 0; i < n; i++) {
        cdf = f32_add(cdf, probabilities[i]);
        if (f32_lt(coin, cdf)) return i;
    }
    return n - 1; /* in case of rounding errors */
}

#ifndef ENGINE_SMALL
/* Stable merge sort, descending by prob. */
static void sort_descending(ProbIndex *items, ProbIndex *scratch, int n) {
    int half, i, j, k;
    if (n < 2) return;
    half = n / 2;
    sort_descending(items, scratch, half);
    sort_descending(items + half, scratch, n - half);
    i = 0;
    j = half;
    k = 0;
    while (i < half && j < n) {
        if (f32_lt(items[i].prob, items[j].prob)) scratch[k++] = items[j++];
        else scratch[k++] = items[i++];
    }
    while (i < half) scratch[k++] = items[i++];
    while (j < n) scratch[k++] = items[j++];
    for (k = 0; k < n; k++) items[k] = scratch[k];
}

/* Samples from the smallest set of tokens whose cumulative probability exceeds topp. */
int sample_topp(const f32 *probabilities, int n, f32 topp, ProbIndex *probindex, ProbIndex *scratch, f32 coin) {
    int i, n0 = 0, last_idx;
    f32 cutoff, cumulative_prob, r, cdf;
    /* values smaller than (1 - topp) / (n - 1) cannot be part of the result, so they are
     * dropped before sorting */
    cutoff = f32_div(f32_sub(F32_ONE, topp), f32_from_long(n - 1));
    for (i = 0; i < n; i++) {
        if (f32_le(cutoff, probabilities[i])) {
            probindex[n0].index = i;
            probindex[n0].prob = probabilities[i];
            n0++;
        }
    }
    /* The original indexes probindex[-1] when nothing passes the cutoff (a one-token
     * vocabulary, or a near-uniform distribution with a tiny topp); take the argmax. */
    if (n0 == 0) return sample_argmax(probabilities, n);
    sort_descending(probindex, scratch, n0);

    cumulative_prob = F32_ZERO;
    last_idx = n0 - 1; /* in case of rounding errors consider all elements */
    for (i = 0; i < n0; i++) {
        cumulative_prob = f32_add(cumulative_prob, probindex[i].prob);
        if (f32_lt(topp, cumulative_prob)) {
            last_idx = i;
            break;
        }
    }
    r = f32_mul(coin, cumulative_prob);
    cdf = F32_ZERO;
    for (i = 0; i <= last_idx; i++) {
        cdf = f32_add(cdf, probindex[i].prob);
        if (f32_lt(r, cdf)) return probindex[i].index;
    }
    return probindex[last_idx].index; /* in case of rounding errors */
}
#endif

/* The candidate (probability >= cutoff) that follows `prev` in sample_topp's sorted order
 * (descending probability, equal probabilities by index); prev -1 asks for the first.
 * -1 when there is none. */
static int topp_next(const f32 *probabilities, int n, f32 cutoff, int prev) {
    int i, best = -1;
    for (i = 0; i < n; i++) {
        f32 p = probabilities[i];
        if (!f32_le(cutoff, p)) continue;
        if (prev >= 0) {
            /* i comes after prev when smaller, or equal with a higher index */
            f32 q = probabilities[prev];
            if (!(f32_lt(p, q) || (f32_eq(p, q) && i > prev))) continue;
        }
        /* the first of the largest ones left */
        if (best < 0 || f32_lt(probabilities[best], p)) best = i;
    }
    return best;
}

int sample_topp_scan(const f32 *probabilities, int n, f32 topp, f32 coin) {
    int i, first, last_idx = -1;
    f32 cutoff, cumulative_prob, r, cdf;
    cutoff = f32_div(f32_sub(F32_ONE, topp), f32_from_long(n - 1));
    first = topp_next(probabilities, n, cutoff, -1);
    if (first < 0) return sample_argmax(probabilities, n);
    /* the smallest prefix whose sum exceeds topp, or all candidates */
    cumulative_prob = F32_ZERO;
    for (i = first; i >= 0; i = topp_next(probabilities, n, cutoff, i)) {
        cumulative_prob = f32_add(cumulative_prob, probabilities[i]);
        last_idx = i;
        if (f32_lt(topp, cumulative_prob)) break;
    }
    r = f32_mul(coin, cumulative_prob);
    cdf = F32_ZERO;
    for (i = first;; i = topp_next(probabilities, n, cutoff, i)) {
        cdf = f32_add(cdf, probabilities[i]);
        if (f32_lt(r, cdf) || i == last_idx) return i;
    }
}

/* The next coin from the generator. */
static f32 draw_coin(Sampler *s) {
#ifdef F32_SOFT
    return rng_f32(&s->rng_state);
#else
    return random_f32(&s->rng_state);
#endif
}

int sample(Sampler *s, f32 *logits) {
    int q;
    f32 coin;
    if (f32_eq(s->temperature, F32_ZERO)) return sample_argmax(logits, s->vocab_size);
    for (q = 0; q < s->vocab_size; q++) logits[q] = f32_div(logits[q], s->temperature);
    softmax(s->math, logits, s->vocab_size);
    coin = draw_coin(s);
    if (f32_le(s->topp, F32_ZERO) || f32_le(F32_ONE, s->topp))
        return sample_mult(logits, s->vocab_size, coin);
#ifndef ENGINE_SMALL
    if (s->probindex != NULL) return sample_topp(logits, s->vocab_size, s->topp, s->probindex, s->scratch, coin);
#endif
    return sample_topp_scan(logits, s->vocab_size, s->topp, coin);
}
