/* Sampling the next token from logits: argmax, temperature multinomial, top-p (nucleus),
 * with the xorshift random number generator of llama2.c. */
#ifndef ENGINE_SAMPLER_H
#define ENGINE_SAMPLER_H

#include <stdint.h>

#include "mathlib.h"

/* used when sorting probabilities during top-p sampling */
typedef struct {
    float prob;
    int index;
} ProbIndex;

typedef struct {
    int vocab_size;
    ProbIndex *probindex; /* buffer used in top-p sampling */
    ProbIndex *scratch;   /* merge-sort scratch of the same size */
    float temperature;
    float topp;
    uint64_t rng_state;
    const MathLibrary *math; /* expf for the softmax */
} Sampler;

int build_sampler(Sampler *s, int vocab_size, float temperature, float topp, uint64_t rng_seed,
                  const MathLibrary *math);
void free_sampler(Sampler *s);

uint32_t random_u32(uint64_t *state);
float random_f32(uint64_t *state);

int sample_argmax(const float *probabilities, int n);
int sample_mult(const float *probabilities, int n, float coin);
int sample_topp(const float *probabilities, int n, float topp, ProbIndex *probindex, ProbIndex *scratch,
                float coin);

/* Picks the next token; the logits are overwritten when temperature is not 0. */
int sample(Sampler *s, float *logits);

#endif
