/* Sampling the next token from logits: argmax, temperature multinomial, top-p (nucleus),
 * with the xorshift random number generator of llama2.c.
 *
 * C89 with engine/f32.h arithmetic and engine/u64.h for the generator's 64-bit state, so
 * the same source builds natively (f32 is float) and with soft-float for the 6502
 * (F32_SOFT). Native builds keep the state in a uint64_t and also have the uint64_t
 * forms random_u32/random_f32 and build_sampler. */
#ifndef ENGINE_SAMPLER_H
#define ENGINE_SAMPLER_H

#include "engine/f32.h"
#include "engine/mathlib.h"
#include "engine/u64.h"

#ifdef F32_SOFT
typedef u64 RngState;
#else
#include <stdint.h>
typedef uint64_t RngState;
#endif

/* used when sorting probabilities during top-p sampling */
typedef struct {
    f32 prob;
    int index;
} ProbIndex;

typedef struct {
    int vocab_size;
    ProbIndex *probindex; /* buffer used in top-p sampling; NULL: sample_topp_scan instead */
    ProbIndex *scratch;   /* merge-sort scratch of the same size */
    f32 temperature;
    f32 topp;
    RngState rng_state;
    const MathLibrary *math; /* expf for the softmax */
} Sampler;

/* Sets everything but rng_state and, when with_buffers, allocates the top-p buffers (two
 * arrays of vocab_size ProbIndex); without them top-p uses sample_topp_scan, which picks the
 * same tokens with no memory but more time. 0, or -1 when out of memory. */
int sampler_init(Sampler *s, int vocab_size, f32 temperature, f32 topp, const MathLibrary *math, int with_buffers);
void free_sampler(Sampler *s);

/* The generator on a u64 state: one step, then the high 32 bits of state * multiplier;
 * rng_f32 maps those to [0, 1) in steps of 2^-24. */
unsigned long rng_u32(u64 *state);
f32 rng_f32(u64 *state);

#ifndef F32_SOFT
int build_sampler(Sampler *s, int vocab_size, float temperature, float topp, uint64_t rng_seed,
                  const MathLibrary *math);
uint32_t random_u32(uint64_t *state);
float random_f32(uint64_t *state);
#endif

int sample_argmax(const f32 *probabilities, int n);
int sample_mult(const f32 *probabilities, int n, f32 coin);
/* not in ENGINE_SMALL builds */
int sample_topp(const f32 *probabilities, int n, f32 topp, ProbIndex *probindex, ProbIndex *scratch, f32 coin);
/* sample_topp's pick without its buffers: the candidates are visited in the sorted order
 * (descending probability, equal ones by index) by scanning for the next one each time.
 * For machines without room for the buffers (the 6502); NaN probabilities excepted, the
 * result is sample_topp's. */
int sample_topp_scan(const f32 *probabilities, int n, f32 topp, f32 coin);

/* Picks the next token; the logits are overwritten when temperature is not 0. */
int sample(Sampler *s, f32 *logits);

#endif
