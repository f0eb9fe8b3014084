#include "host/trace_recorder.h"

#include "engine/f32.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static void put_to_file(void *context, int ascii) { putc(ascii, (FILE *)context); }

int trace_parse_level(const char *text, int *level, int *topk) {
    *topk = 0;
    if (strcmp(text, "full") == 0) *level = TRACE_LOGITS_FULL;
    else if (strcmp(text, "digest") == 0) *level = TRACE_LOGITS_DIGEST;
    else if (strncmp(text, "topk:", 5) == 0) {
        char *end;
        long k = strtol(text + 5, &end, 10);
        if (*end != '\0' || end == text + 5 || k < 1 || k > TRACE_TOPK_MAX) return -1;
        *level = TRACE_LOGITS_TOPK;
        *topk = (int)k;
    } else return -1;
    return 0;
}

int trace_recorder_open(TraceRecorder *r, const char *path, int level, int topk, int layers, long vocab_size,
                        ErrorText *err) {
    memset(r, 0, sizeof *r);
    r->logit_bits = malloc((size_t)vocab_size * sizeof *r->logit_bits);
    if (r->logit_bits == NULL) return error_set(err, "%s: out of memory", path);
    if (atomic_file_open(&r->out, path, err) != 0) {
        free(r->logit_bits);
        r->logit_bits = NULL;
        return -1;
    }
    r->level = level;
    r->topk = topk;
    r->layers = layers;
    r->vocab_size = vocab_size;
    trace_writer_init(&r->writer, put_to_file, r->out.file);
    return 0;
}

void trace_recorder_header(TraceRecorder *r, const TraceHeader *h) { trace_write_header(&r->writer, h); }

void trace_recorder_user(TraceRecorder *r, long pos, int system, const char *text) {
    trace_write_user(&r->writer, pos, system, text);
}

void trace_recorder_begin_step(TraceRecorder *r, long pos) { r->pos = pos; }

void trace_recorder_probe(void *context, int layer, const char *what, const float *vec, int n) {
    TraceRecorder *r = context;
    trace_u32 crc = trace_digest_begin();
    for (int i = 0; i < n; i++) crc = trace_digest_add(crc, f32_to_bits(vec[i]));
    crc = trace_digest_end(crc);
    if (strcmp(what, "q") == 0) r->layer.q = crc;
    else if (strcmp(what, "k") == 0) r->layer.k = crc;
    else if (strcmp(what, "v") == 0) r->layer.v = crc;
    else if (strcmp(what, "att") == 0) r->layer.att = crc;
    else if (strcmp(what, "ffn") == 0) r->layer.ffn = crc;
    else if (strcmp(what, "x") == 0) {
        /* the residual stream is the last vector of a layer */
        r->layer.x = crc;
        trace_write_layer(&r->writer, r->pos, layer, &r->layer);
    }
}

void trace_recorder_logits(TraceRecorder *r, const float *logits) {
    for (long i = 0; i < r->vocab_size; i++) r->logit_bits[i] = f32_to_bits(logits[i]);
}

void trace_recorder_step(TraceRecorder *r, long pos, long token, long next, int source, const char *piece) {
    TraceStep s = {pos, token, next, source, piece};
    trace_write_step(&r->writer, &s, r->logit_bits, r->vocab_size, r->level, r->topk);
}

int trace_recorder_close(TraceRecorder *r, ErrorText *err) {
    trace_write_end(&r->writer);
    int rc = atomic_file_commit(&r->out, err);
    free(r->logit_bits);
    r->logit_bits = NULL;
    return rc;
}

void trace_recorder_abandon(TraceRecorder *r) {
    atomic_file_abandon(&r->out);
    free(r->logit_bits);
    r->logit_bits = NULL;
}

const char *trace_host_platform(void) {
    return "HOST-"
#if defined(__x86_64__)
           "X86-64"
#elif defined(__aarch64__)
           "AARCH64"
#elif defined(__arm__)
           "ARM"
#elif defined(__riscv)
           "RISCV"
#else
           "UNKNOWN"
#endif
#if defined(__linux__)
           "-LINUX"
#elif defined(__APPLE__)
           "-MACOS"
#endif
        ;
}
