/* Reads L2T traces (docs/trace-format.md) into memory, on the host (C11).
 *
 * It reads traces as they come off real machines: trace lines inside other output (the
 * part from the `L2T ` marker to the end of the line counts), LF, CRLF or CR line ends,
 * trailing spaces, lower-case hex digits. Every malformed trace gives one line of error
 * naming the input and the line. A trace without END (a cut-short capture) is read up to
 * where it stops and marked incomplete, with a note saying so.
 *
 * Nothing has a size limit but memory: any line length, vocabulary size or step count. */
#ifndef TRACE_READER_H
#define TRACE_READER_H

#include <stddef.h>
#include <stdint.h>

/* Logits levels, the same numbers as trace_writer.h's TRACE_LOGITS_*. */
#define TRACE_READ_DIGEST 0
#define TRACE_READ_TOPK 1
#define TRACE_READ_FULL 2

/* Bytes of a text value after %XX decoding. bytes[len] is 0, but the text may hold 0 bytes. */
typedef struct {
    unsigned char *bytes;
    size_t len;
} TraceText;

typedef struct {
    long index;
    uint32_t bits;
} TraceTopkPair;

/* a comes before b in TOPK order (docs/trace-format.md): larger value first, equal values by
 * lower index, NaNs last; -0 and +0 are equal. */
int trace_topk_before(const TraceTopkPair *a, const TraceTopkPair *b);

/* LAYER: digests in the order q, k, v, att, ffn, x */
#define TRACE_LAYER_OPS 6
typedef struct {
    long layer;
    uint32_t digest[TRACE_LAYER_OPS];
    long line;
} TraceLayerRecord;

typedef struct {
    long pos;
    int system; /* SYS=1 */
    TraceText text;
    long line;
} TraceUserRecord;

typedef struct {
    long pos, token, next;
    char source; /* 'P' or 'S' */
    long argmax;
    uint32_t crc;
    TraceText piece;
    long line;              /* of the STEP record */
    uint32_t *logits;       /* FULL: VOCAB bit patterns; NULL otherwise */
    long n_logits;
    TraceTopkPair *topk;    /* TOPK: the pairs, largest first; NULL otherwise */
    long n_topk;
    TraceLayerRecord *layers; /* LAYERS=1: one per layer, in order */
    long n_layers;
} TraceStepRecord;

/* The header records, in their order in the trace. */
enum {
    TRACE_REC_TRACE,
    TRACE_REC_MODEL,
    TRACE_REC_TOKENIZER,
    TRACE_REC_CONFIG,
    TRACE_REC_SAMPLER,
    TRACE_REC_RUN,
    TRACE_REC_PROMPT,
    TRACE_REC_SYSTEM,
    TRACE_REC_PLATFORM,
    TRACE_HEADER_RECORDS
};

typedef struct {
    long version;
    char model_sha256[65]; /* upper-case hex */
    long long model_bytes;
    char tokenizer_sha256[65];
    long long tokenizer_bytes;
    long dim, hidden_dim, n_layers, n_heads, n_kv_heads, vocab_size, seq_len;
    int shared_classifier;
    uint32_t temperature_bits, topp_bits;
    uint64_t seed;
    long steps;
    int chat;      /* MODE=CHAT */
    char *math;    /* the MATH word, e.g. "LIBM" */
    int level;     /* TRACE_READ_... */
    long topk;     /* RUN K */
    int layers;    /* RUN LAYERS */
    int prompt_set;
    TraceText prompt;
    int system_set;
    TraceText system_prompt;
    TraceText platform;
    long line[TRACE_HEADER_RECORDS]; /* where each header record is */
} TraceHeaderInfo;

typedef struct {
    char *name; /* the input's name, as given */
    TraceHeaderInfo h;
    TraceStepRecord *steps;
    long n_steps;
    TraceUserRecord *users;
    long n_users;
    int complete;    /* END was read */
    long end_line;   /* its line, when complete */
    long lines;      /* lines in the input */
    long trace_lines; /* lines with the marker */
    char **notes;    /* things the reader let pass, one line each (a cut-short capture) */
    int n_notes;
    /* internal */
    size_t cap_steps, cap_users;
} Trace;

enum {
    TRACE_ERROR_NONE = 0,
    TRACE_ERROR_IO,       /* the input cannot be read */
    TRACE_ERROR_NO_TRACE, /* no line has the L2T marker (an empty file, a plain text capture) */
    TRACE_ERROR_FORMAT,   /* a malformed trace */
    TRACE_ERROR_MEMORY
};

typedef struct {
    int code;      /* TRACE_ERROR_... */
    long line;     /* the line it concerns, 0 when none */
    char *message; /* "NAME: line N: what is wrong"; free with trace_error_clear */
} TraceError;

/* Reads a file; "-" is standard input. On success *out is the trace (free with trace_free)
 * and the result is 0; on failure *out is NULL, err is set and the result is -1. */
int trace_read_file(const char *path, Trace **out, TraceError *err);
/* trace_read_file stops with TRACE_ERROR_IO once an input holds more than this many bytes
 * (standard input and pipes never end on their own: /dev/zero, a stuck capture). */
#define TRACE_READ_LIMIT_DEFAULT ((unsigned long long)1 << 30)
void trace_read_set_limit(unsigned long long bytes);
unsigned long long trace_read_limit(void);
/* The same for bytes in memory; name is used in messages. */
int trace_read_buffer(const char *name, const void *data, size_t n, Trace **out, TraceError *err);

/* Incremental reading: feed any chunks, then finish (which frees the parser). */
typedef struct TraceParser TraceParser;
TraceParser *trace_parser_new(const char *name); /* NULL when out of memory */
void trace_parser_feed(TraceParser *p, const void *data, size_t n);
int trace_parser_finish(TraceParser *p, Trace **out, TraceError *err);

void trace_free(Trace *t);
void trace_error_clear(TraceError *err);
/* The message, never NULL. */
const char *trace_error_text(const TraceError *err);

/* The Fletcher-16 check of a line's bytes from the marker up to the byte before " *". */
unsigned trace_line_check(const unsigned char *bytes, size_t n);

/* Names: "FULL", "TOPK", "DIGEST"; "q", "k", "v", "att", "ffn", "x"; header record names. */
const char *trace_level_name(int level);
const char *trace_layer_op_name(int op);
const char *trace_header_record_name(int record);

#endif
