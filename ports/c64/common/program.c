/* The generation loop of the 6502 program; see program.h.
 *
 * It follows run.c's generate(): the prompt forced token by token, then sampled tokens,
 * stopping at BOS or after `steps` positions. The engine is the reference one
 * (engine/forward.c, engine/sampler.c) in soft-float, fed by the model in external memory
 * (model.h); the tokenizer is the compact one (xtokenizer.h). */
#include "ports/c64/common/program.h"

#include <stdlib.h>
#include <string.h>

#include "engine/sampler.h"
#include "engine/transformer.h"
#include "engine/trace_header.h"
#include "engine/trace_writer.h"
#include "ports/c64/common/console.h"
#include "ports/c64/common/model.h"
#include "ports/c64/common/xtokenizer.h"

#define F32_ZERO F32_BITS(0x00000000)
#define F32_ONE F32_BITS(0x3F800000)
#define F32_DEFAULT_TOPP F32_BITS(0x3F666666) /* 0.9f */

#ifdef BENCH_TWICE_MATH
extern const MathLibrary bench_math_twice; /* make bench-c64's instrument (ports/c64/bench/) */
#define MATH (&bench_math_twice)
#else
#define MATH (&math_portable)
#endif

static ImageInfo info;
static Transformer transformer;
static StreamWeights weights;
static XmemCache cache;
static Sampler sampler;
static TraceWriter writer;

void xmem_fail(const char *what) { console_fail(what); }

static void put_trace(void *context, int ascii) {
    (void)context;
    console_trace_byte(ascii);
}

/* The buffers open_model allocates, so that close_model can give them back (a native
 * build runs program_run many times in one process: the tests). */
#define MODEL_BUFFERS 9
static f32 *model_buffers[MODEL_BUFFERS];
static int model_buffer_count;

static f32 *floats(int n) {
    f32 *p = (f32 *)malloc((size_t)n * sizeof(f32));
    if (p == NULL || model_buffer_count == MODEL_BUFFERS) console_fail("out of memory");
    model_buffers[model_buffer_count++] = p;
    return p;
}

static void close_model(void) {
    while (model_buffer_count > 0) free(model_buffers[--model_buffer_count]);
}

static void open_model(int positions) {
    Config *p = &transformer.config;
    RunState *s = &transformer.state;
    int dim, hidden, kv_dim, longest, shared;
    memset(&transformer, 0, sizeof transformer);
    *p = info.config;
    transformer.shared_classifier = info.shared_classifier;
    transformer.math = MATH;
    dim = p->dim;
    hidden = p->hidden_dim;
    kv_dim = p->dim / p->n_heads * p->n_kv_heads;
    longest = hidden > dim ? hidden : dim;
    s->x = floats(dim);
    s->xb = floats(dim);
    s->q = floats(dim);
    /* The logits, the FFN's hidden vectors, the attention scores and the attention's
     * output projection (xb2) are never needed at the same time: engine/forward.c uses
     * the scores only inside attention(), xb2 only from the output projection to the
     * residual add after it, the hidden vectors only in the FFN after that, and the
     * logits are sampled and traced before the next step's attention. One block holds
     * them all, each from its start (test-c64-host's native runs against the golden
     * traces would catch a forward pass that overlaps them). */
    shared = 2 * hidden > positions ? 2 * hidden : positions;
    if (p->vocab_size > shared) shared = p->vocab_size;
    if (dim > shared) shared = dim;
    s->logits = floats(shared);
    s->hb = s->logits;
    s->hb2 = s->logits + hidden;
    s->att = s->logits;
    s->xb2 = s->logits;
    stream_weights_init(&weights, &info, floats(longest));
    xmem_cache_init(&cache, &info, floats(kv_dim), floats(kv_dim), floats(dim / p->n_heads));
    transformer.source = &weights.base;
    transformer.cache = &cache.base;
}

/* The logits as bit patterns for the trace writer. */
static const trace_u32 *logit_bits(const f32 *logits) {
#ifdef F32_SOFT
    return (const trace_u32 *)logits; /* an f32 is its bit pattern */
#else
    static trace_u32 *bits;
    int i, n = info.config.vocab_size;
    if (bits == NULL) bits = (trace_u32 *)malloc((size_t)n * sizeof *bits);
    if (bits == NULL) console_fail("out of memory");
    for (i = 0; i < n; i++) bits[i] = f32_to_bits(logits[i]);
    return bits;
#endif
}

static void write_header(const RunOptions *o, const u64 *seed) {
    TraceHeader h;
    trace_header_init(&h, &info.config, info.shared_classifier);
    h.model_sha256 = info.model_sha256;
    h.model_bytes = info.model_bytes;
    h.tokenizer_sha256 = info.tokenizer_sha256;
    h.tokenizer_bytes = info.tokenizer_bytes;
    h.temperature_bits = f32_to_bits(o->temperature);
    h.topp_bits = f32_to_bits(o->topp);
    h.seed_high = seed->high;
    h.seed_low = seed->low;
    h.steps = o->steps;
    h.math = math_portable.name;
    h.logits_level = o->logits_level;
    h.topk = o->topk;
    h.prompt = o->prompt;
    h.platform = o->platform;
    trace_write_header(&writer, &h);
}

#ifdef BENCH_STREAM_PASS
void program_stream_only(int steps) {
    int i;
    image_info_read(&info);
    open_model(1);
    for (i = 0; i < steps; i++) stream_weights_pass(&weights, 1);
}
#endif

#ifdef __CC65__
unsigned long program_heap_bytes(int positions) {
    size_t before;
    image_info_read(&info);
    before = _heapmemavail();
    open_model(positions);
    /* and the prompt's tokens, for the longest prompt the C64 takes (80 bytes) */
    if (malloc((80 + 3) * sizeof(int)) == NULL) console_fail("out of memory");
    return (unsigned long)(before - _heapmemavail());
}
#endif

/* File-scope, so that a run ended by RUN/STOP (console_poll exits in the middle of the
 * loop) leaves it reachable, and the next run in the same process (the native tests) frees it. */
static int *prompt_tokens;

void program_run(RunOptions *o) {
    static const char empty[] = "";
    const char *prompt = o->prompt != 0 ? o->prompt : empty;
    int num_prompt_tokens = 0, token, next, pos = 0, forced, sampled, i;
    int vocab;
    u64 seed, no_seed;
    const f32 *logits;
    TraceStep step;
    const char *piece;

    image_info_read(&info);
    vocab = info.config.vocab_size;

    /* run.c's clamping */
    if (f32_lt(o->temperature, F32_ZERO)) o->temperature = F32_ZERO;
    if (f32_lt(o->topp, F32_ZERO) || f32_lt(F32_ONE, o->topp)) o->topp = F32_DEFAULT_TOPP;
    if (o->steps < 0) o->steps = 0;
    if (o->steps == 0 || o->steps > info.config.seq_len) o->steps = info.config.seq_len;
    if (o->steps > info.kv_positions) console_fail("more steps than the KV area in external memory holds");
    u64_set(&no_seed, 0, 0);
    if (u64_eq(&o->seed, &no_seed) && !f32_eq(o->temperature, F32_ZERO))
        console_fail("sampling needs a seed (-s): this machine has no clock to take one from");
    seed = o->seed;

    open_model(o->steps);
    /* no top-p buffers (two vocabulary-sized arrays): the scan picks the same tokens */
    if (sampler_init(&sampler, vocab, o->temperature, o->topp, MATH, 0) != 0) console_fail("out of memory");
#ifdef F32_SOFT
    sampler.rng_state = seed;
#else
    sampler.rng_state = (RngState)seed.high << 32 | (RngState)seed.low; /* the native build's uint64_t */
#endif

    xtok_open(info.tokenizer_at, vocab);
#ifndef __CC65__ /* a C64 run ends with the program */
    free(prompt_tokens);
#endif
    prompt_tokens = (int *)malloc((strlen(prompt) + 3) * sizeof(int));
    if (prompt_tokens == NULL) console_fail("out of memory");
    i = xtok_encode(prompt, 1, 0, prompt_tokens, &num_prompt_tokens);
    if (i == XTOK_NO_SPACE_TOKEN) console_fail("prompt: the tokenizer has no space token for the dummy prefix");
    if (i != 0) console_fail("prompt: a byte has no token");

    trace_writer_init(&writer, put_trace, 0);
    /* greedy decoding never draws: a greedy trace records seed 0 unless one was given */
    write_header(o, f32_eq(o->temperature, F32_ZERO) && u64_eq(&seed, &no_seed) ? &no_seed : &seed);

    token = prompt_tokens[0]; /* kick off with the first token in the prompt */
    console_progress(0, o->steps, 0);
    while (pos < o->steps) {
        logits = forward(&transformer, token, pos);
        /* advance the state machine: force the prompt, then sample */
        forced = pos < num_prompt_tokens - 1;
        sampled = !forced && !f32_eq(o->temperature, F32_ZERO);
        /* the sampler overwrites the logits: keep the raw ones for the trace */
        if (sampled) xmem_write(info.scratch_at, logits, (unsigned)vocab * 4u);
        if (forced) next = prompt_tokens[pos + 1];
        else next = sample(&sampler, transformer.state.logits);
        if (sampled) xmem_read(info.scratch_at, transformer.state.logits, (unsigned)vocab * 4u);
        pos++;

        step.pos = pos - 1;
        step.token = token;
        step.next = next;
        step.source = forced ? TRACE_SOURCE_PROMPT : TRACE_SOURCE_SAMPLED;
        step.piece = 0;
        /* data-dependent terminating condition: the BOS (=1) token delimits sequences */
        if (next != XTOK_BOS) {
            piece = xtok_printable(xtok_decode(token, next));
            step.piece = piece;
        }
        trace_write_step(&writer, &step, logit_bits(transformer.state.logits), vocab, o->logits_level, o->topk);
        console_progress(pos, o->steps, step.piece);
        if (next == XTOK_BOS) break;
        token = next;
    }
    trace_write_end(&writer);
    free(prompt_tokens);
#ifndef __CC65__
    prompt_tokens = 0;
#endif
    close_model();
}
