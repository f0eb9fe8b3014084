/* The fast path's thread pool: a task split into chunks, run by the caller and n - 1 workers.
 *
 * A task is fn(ctx, chunk) for chunk = 0..nchunks-1. The caller and the workers claim chunks
 * from one atomic word that holds the task's generation, its chunk count and the next chunk,
 * so a claim is checked against one consistent snapshot of the task. A worker slow to wake
 * (other programs on the cores, more threads than cores) simply finds nothing left to do,
 * and the caller never waits for a thread that has not started. Which thread computes a
 * chunk does not change its result. Idle workers spin for POOL_SPIN_NS, about the gap
 * between two matmuls of a step (an RMSNorm, a RoPE), then sleep on a condition variable;
 * the caller, waiting for chunks others hold, does the same. The spin is kept that short
 * so that a waiting thread does not hold a core another program (or the other thread of
 * this one) could use: 50 microseconds measured no faster on a loaded 2-core machine. */
#ifndef ENGINE_FAST_POOL_H
#define ENGINE_FAST_POOL_H

#include "host/errors.h"
#include "host/forward_fast.h" /* FAST_PATH */

#if FAST_PATH
typedef void (*TaskFn)(void *ctx, int chunk);
typedef struct Pool Pool;

/* A pool of n threads (n >= 2), the caller included, or NULL with a message. */
Pool *pool_new(int n, ErrorText *err);

/* Runs fn(ctx, chunk) for every chunk 0..nchunks-1, on the caller and the workers; returns
 * when all are done. With p NULL, one chunk, or more chunks than a task can hold (65535),
 * the caller runs them all in order. One caller at a time. */
void pool_run(Pool *p, TaskFn fn, void *ctx, int nchunks);

/* Stops and joins the workers; NULL is allowed. */
void pool_free(Pool *p);
#endif

#endif
