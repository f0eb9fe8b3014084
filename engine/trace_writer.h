/* Writes L2T traces (docs/trace-format.md) through a byte callback.
 *
 * C89, no malloc, no stdio, no float: logits are passed as their IEEE-754 bit patterns, so
 * the same file builds with cc65 for a 6502, with arm-none-eabi-gcc and on any host.
 * Every byte handed to the callback is an ASCII code, whatever the compiler's character set. */
#ifndef TRACE_WRITER_H
#define TRACE_WRITER_H

/* at least 32 bits; only the low 32 are used */
typedef unsigned long trace_u32;

typedef void (*trace_put_fn)(void *context, int ascii);

typedef struct {
    trace_put_fn put;
    void *context;
    unsigned sum1, sum2; /* Fletcher-16 of the current line */
    long steps;          /* STEP records written */
    long topk_best[64];  /* TRACE_TOPK_MAX indices: scratch, kept off the 6502's small stack */
} TraceWriter;

#define TRACE_LOGITS_DIGEST 0
#define TRACE_LOGITS_TOPK 1
#define TRACE_LOGITS_FULL 2
#define TRACE_TOPK_MAX 64

#define TRACE_SOURCE_PROMPT 0
#define TRACE_SOURCE_SAMPLED 1

typedef struct {
    const char *model_sha256; /* 64 hex digits, either case */
    unsigned long model_bytes;
    const char *tokenizer_sha256;
    unsigned long tokenizer_bytes;
    long dim, hidden_dim, n_layers, n_heads, n_kv_heads, vocab_size, seq_len;
    int shared_classifier;
    trace_u32 temperature_bits, topp_bits;
    trace_u32 seed_high, seed_low;
    long steps;
    int chat;                  /* 0: generate, 1: chat */
    const char *math;          /* "libm" or "portable" (written upper-case) */
    int logits_level;          /* TRACE_LOGITS_... */
    int topk;                  /* K for TRACE_LOGITS_TOPK, 1..TRACE_TOPK_MAX */
    int layers;                /* 1 when LAYER records will follow */
    const char *prompt;        /* NULL when not given */
    const char *system_prompt; /* NULL when not given */
    const char *platform;      /* free text */
} TraceHeader;

typedef struct {
    long pos;
    long token;
    long next;
    int source;        /* TRACE_SOURCE_... */
    const char *piece; /* what was printed for this step; NULL or "" for nothing */
} TraceStep;

/* The digests of one layer's vectors, see trace_digest_*. */
typedef struct {
    trace_u32 q, k, v, att, ffn, x;
} TraceLayerDigests;

void trace_writer_init(TraceWriter *w, trace_put_fn put, void *context);
void trace_write_header(TraceWriter *w, const TraceHeader *h);
/* A chat turn's text as read from standard input (system = 1 for the system prompt). */
void trace_write_user(TraceWriter *w, long pos, int system, const char *text);
void trace_write_layer(TraceWriter *w, long pos, long layer, const TraceLayerDigests *d);
/* The STEP record and, by level, LOGITS or TOPK records. logits holds vocab_size bit patterns. */
void trace_write_step(TraceWriter *w, const TraceStep *s, const trace_u32 *logits, long vocab_size,
                      int level, int topk);
void trace_write_end(TraceWriter *w);

/* CRC-32 digest of a vector of bit patterns: start with trace_digest_begin(), add each
 * value in index order, finish with trace_digest_end(). */
trace_u32 trace_digest_begin(void);
trace_u32 trace_digest_add(trace_u32 crc, trace_u32 bits);
trace_u32 trace_digest_end(trace_u32 crc);

/* The index llama2.c's sample_argmax picks, on bit patterns. */
long trace_argmax(const trace_u32 *logits, long n);

#endif
