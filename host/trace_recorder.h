/* Records a run of the host runner as an L2T trace file (docs/trace-format.md): snapshots
 * the logits before sampling changes them, collects layer digests from forward()'s probe,
 * and writes the file atomically. */
#ifndef TRACE_RECORDER_H
#define TRACE_RECORDER_H

#include "host/errors.h"
#include "host/atomic_file.h"
#include "engine/trace_writer.h"

typedef struct {
    AtomicFile out;
    TraceWriter writer;
    int level;  /* TRACE_LOGITS_... */
    int topk;
    int layers; /* write LAYER records */
    long vocab_size;
    trace_u32 *logit_bits; /* the current step's logits, before sampling */
    long pos;              /* the step forward() is computing */
    TraceLayerDigests layer;
} TraceRecorder;

/* Parses "full", "digest" or "topk:K"; 0 or -1. */
int trace_parse_level(const char *text, int *level, int *topk);

int trace_recorder_open(TraceRecorder *r, const char *path, int level, int topk, int layers, long vocab_size,
                        ErrorText *err);
void trace_recorder_header(TraceRecorder *r, const TraceHeader *h);
void trace_recorder_user(TraceRecorder *r, long pos, int system, const char *text);
/* Call before forward(token, pos). */
void trace_recorder_begin_step(TraceRecorder *r, long pos);
/* A ForwardProbe; context is the recorder. */
void trace_recorder_probe(void *context, int layer, const char *what, const float *vec, int n);
/* Call right after forward(), before sampling. */
void trace_recorder_logits(TraceRecorder *r, const float *logits);
void trace_recorder_step(TraceRecorder *r, long pos, long token, long next, int source, const char *piece);
/* Writes END and commits the file. */
int trace_recorder_close(TraceRecorder *r, ErrorText *err);
void trace_recorder_abandon(TraceRecorder *r);

/* The default platform id of this build, e.g. "HOST-X86-64-LINUX". */
const char *trace_host_platform(void);

#endif
