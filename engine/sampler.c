/* Sampler, after llama2.c's run.c.
 *
 * Top-p sorts candidates by descending probability with a stable merge sort, so equal
 * probabilities keep index order on every platform (glibc's qsort, a merge sort, does the
 * same; other libcs' qsort does not). */
#include "sampler.h"

#include <stdlib.h>

#include "kernels.h"

int build_sampler(Sampler *s, int vocab_size, float temperature, float topp, uint64_t rng_seed,
                  const MathLibrary *math) {
    s->vocab_size = vocab_size;
    s->temperature = temperature;
    s->topp = topp;
    s->rng_state = rng_seed;
    s->math = math;
    s->probindex = malloc((size_t)vocab_size * sizeof(ProbIndex));
    s->scratch = malloc((size_t)vocab_size * sizeof(ProbIndex));
    if (s->probindex == NULL || s->scratch == NULL) {
        free_sampler(s);
        return -1;
    }
    return 0;
}

void free_sampler(Sampler *s) {
    free(s->probindex);
    free(s->scratch);
    s->probindex = s->scratch = NULL;
}

/* xorshift rng: https://en.wikipedia.org/wiki/Xorshift#xorshift.2A */
uint32_t random_u32(uint64_t *state) {
    *state ^= *state >> 12;
    *state ^= *state << 25;
    *state ^= *state >> 27;
    return (uint32_t)((*state * 0x2545F4914F6CDD1Dull) >> 32);
}

/* random float32 in [0,1) */
float random_f32(uint64_t *state) { return (random_u32(state) >> 8) / 16777216.0f; }

/* index of the highest probability; the first one on ties */
int sample_argmax(const float *probabilities, int n) {
    int max_i = 0;
    float max_p = probabilities[0];
    for (int i = 1; i < n; i++) {
        if (probabilities[i] > max_p) {
            max_i = i;
            max_p = probabilities[i];
        }
    }
    return max_i;
}

/* index from the cumulative distribution; coin is in [0, 1) */
int sample_mult(const float *probabilities, int n, float coin) {
    float cdf = 0.0f;
    for (int i = 0; i < n; i++) {
        cdf += probabilities[i];
        if (coin < cdf) return i;
    }
    return n - 1; /* in case of rounding errors */
}

/* Stable merge sort, descending by prob. */
static void sort_descending(ProbIndex *items, ProbIndex *scratch, int n) {
    if (n < 2) return;
    int half = n / 2;
    sort_descending(items, scratch, half);
    sort_descending(items + half, scratch, n - half);
    int i = 0, j = half, k = 0;
    while (i < half && j < n) scratch[k++] = items[j].prob > items[i].prob ? items[j++] : items[i++];
    while (i < half) scratch[k++] = items[i++];
    while (j < n) scratch[k++] = items[j++];
    for (k = 0; k < n; k++) items[k] = scratch[k];
}

/* Samples from the smallest set of tokens whose cumulative probability exceeds topp. */
int sample_topp(const float *probabilities, int n, float topp, ProbIndex *probindex, ProbIndex *scratch,
                float coin) {
    int n0 = 0;
    /* values smaller than (1 - topp) / (n - 1) cannot be part of the result, so they are
     * dropped before sorting */
    const float cutoff = (1.0f - topp) / (n - 1);
    for (int i = 0; i < n; i++) {
        if (probabilities[i] >= cutoff) {
            probindex[n0].index = i;
            probindex[n0].prob = probabilities[i];
            n0++;
        }
    }
    /* The original indexes probindex[-1] when nothing passes the cutoff (a one-token
     * vocabulary, or a near-uniform distribution with a tiny topp); take the argmax. */
    if (n0 == 0) return sample_argmax(probabilities, n);
    sort_descending(probindex, scratch, n0);

    float cumulative_prob = 0.0f;
    int last_idx = n0 - 1; /* in case of rounding errors consider all elements */
    for (int i = 0; i < n0; i++) {
        cumulative_prob += probindex[i].prob;
        if (cumulative_prob > topp) {
            last_idx = i;
            break;
        }
    }
    float r = coin * cumulative_prob;
    float cdf = 0.0f;
    for (int i = 0; i <= last_idx; i++) {
        cdf += probindex[i].prob;
        if (r < cdf) return probindex[i].index;
    }
    return probindex[last_idx].index; /* in case of rounding errors */
}

int sample(Sampler *s, float *logits) {
    if (s->temperature == 0.0f) return sample_argmax(logits, s->vocab_size);
    for (int q = 0; q < s->vocab_size; q++) logits[q] /= s->temperature;
    softmax(s->math, logits, s->vocab_size);
    float coin = random_f32(&s->rng_state);
    if (s->topp <= 0 || s->topp >= 1) return sample_mult(logits, s->vocab_size, coin);
    return sample_topp(logits, s->vocab_size, s->topp, s->probindex, s->scratch, coin);
}
