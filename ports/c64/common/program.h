/* The 6502 program's generation loop, shared by the sim65 and C64 builds: run.c's
 * generate mode on the model image in external memory, writing an L2T trace
 * (docs/trace-format.md) instead of the text. C89. */
#ifndef PORTS_C64_PROGRAM_H
#define PORTS_C64_PROGRAM_H

#include "engine/f32.h"
#include "engine/u64.h"

typedef struct {
    const char *prompt;     /* bytes in ASCII/UTF-8; NULL when none was given */
    f32 temperature, topp;  /* as parsed; clamped as run.c clamps them */
    u64 seed;               /* 0: none given (sampling then needs a platform clock) */
    int steps;              /* as given: 0 means seq_len, negative 0 */
    int logits_level, topk; /* TRACE_LOGITS_... */
    const char *platform;   /* the trace's PLATFORM ID */
} RunOptions;

/* Runs generation; failures go through console_fail(). The external memory is open. */
void program_run(RunOptions *o);

#ifdef BENCH_STREAM_PASS
/* make bench-c64's instrument: streams the weights of `steps` forward steps and nothing else. */
void program_stream_only(int steps);
#endif

#ifdef __CC65__
/* The heap bytes the program allocates for the image's model and `positions` positions
 * (the block sizes plus the allocator's overhead), for the memory-map test. */
unsigned long program_heap_bytes(int positions);
#endif

#endif
