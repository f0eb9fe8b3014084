/* The fast path's thread pool (host/fast_pool.h). */
#define _POSIX_C_SOURCE 200809L

#include "host/fast_pool.h"

#if FAST_PATH /* else there are no threads to pool */
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* The claim word: generation (32 bits), chunk count (16), next chunk to hand out (16). */
#define CLAIM(gen, nchunks, next) (((uint64_t)(gen) << 32) | ((uint64_t)(nchunks) << 16) | (uint64_t)(next))
#define CLAIM_GEN(c) ((uint32_t)((c) >> 32))
#define CLAIM_CHUNKS(c) ((uint32_t)((c) >> 16) & 0xffffu)
#define CLAIM_NEXT(c) ((uint32_t)(c) & 0xffffu)
#define POOL_MAX_CHUNKS 0xffff

#ifndef POOL_SPIN_NS
#define POOL_SPIN_NS 5000 /* spinning before sleeping, in nanoseconds */
#endif

struct Pool {
    int n; /* threads, the caller included */
    pthread_t *ids;
    TaskFn fn;
    void *ctx;
    atomic_uint_least64_t claim; /* see CLAIM */
    atomic_int done;             /* chunks finished in this generation */
    atomic_int sleepers;         /* workers asleep on wake, or going to sleep */
    atomic_int caller_waiting;   /* the caller is asleep on finished, or going to sleep */
    atomic_int quit;
    uint32_t generation; /* written by the caller only */
    pthread_mutex_t lock;
    pthread_cond_t wake, finished;
};

static uint64_t now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static inline void cpu_relax(void) {
#if (defined(__x86_64__) || defined(__i386__)) && (defined(__GNUC__) || defined(__clang__))
    __builtin_ia32_pause();
#elif defined(__aarch64__) && (defined(__GNUC__) || defined(__clang__))
    __asm__ __volatile__("yield");
#endif
}

/* Runs unclaimed chunks of generation gen until none is left. */
static void pool_work(Pool *p, uint32_t gen) {
    uint64_t c = atomic_load_explicit(&p->claim, memory_order_acquire);
    for (;;) {
        uint32_t nchunks = CLAIM_CHUNKS(c), next = CLAIM_NEXT(c);
        if (CLAIM_GEN(c) != gen || next >= nchunks) return;
        if (!atomic_compare_exchange_weak_explicit(&p->claim, &c, c + 1, memory_order_acq_rel, memory_order_acquire))
            continue;
        /* chunk `next` of generation gen is ours; the task cannot change before it is done */
        p->fn(p->ctx, (int)next);
        if (atomic_fetch_add(&p->done, 1) + 1 == (int)nchunks && atomic_load(&p->caller_waiting)) {
            pthread_mutex_lock(&p->lock);
            pthread_cond_signal(&p->finished);
            pthread_mutex_unlock(&p->lock);
        }
        c = atomic_load_explicit(&p->claim, memory_order_acquire);
    }
}

static void *pool_worker(void *arg) {
    Pool *p = arg;
    uint32_t seen = 0;
    for (;;) {
        uint32_t gen = CLAIM_GEN(atomic_load_explicit(&p->claim, memory_order_acquire));
        uint64_t start = now_ns();
        for (unsigned spin = 1; gen == seen; spin++) {
            cpu_relax();
            gen = CLAIM_GEN(atomic_load_explicit(&p->claim, memory_order_acquire));
            if (spin % 64 == 0 && now_ns() - start > POOL_SPIN_NS) break;
        }
        if (gen == seen) {
            pthread_mutex_lock(&p->lock);
            atomic_fetch_add(&p->sleepers, 1);
            while ((gen = CLAIM_GEN(atomic_load(&p->claim))) == seen) pthread_cond_wait(&p->wake, &p->lock);
            atomic_fetch_sub(&p->sleepers, 1);
            pthread_mutex_unlock(&p->lock);
        }
        seen = gen;
        if (atomic_load_explicit(&p->quit, memory_order_acquire)) return NULL;
        pool_work(p, gen);
    }
}

/* Starts generation p->generation + 1 with nchunks chunks and wakes sleeping workers. */
static uint32_t pool_publish(Pool *p, int nchunks) {
    uint32_t gen = ++p->generation;
    atomic_store(&p->claim, CLAIM(gen, nchunks, 0));
    if (atomic_load(&p->sleepers) > 0) {
        pthread_mutex_lock(&p->lock);
        pthread_cond_broadcast(&p->wake);
        pthread_mutex_unlock(&p->lock);
    }
    return gen;
}

void pool_run(Pool *p, TaskFn fn, void *ctx, int nchunks) {
    if (p == NULL || nchunks <= 1 || nchunks > POOL_MAX_CHUNKS) {
        for (int c = 0; c < nchunks; c++) fn(ctx, c);
        return;
    }
    /* the previous task is complete: no thread reads these until the new claim word is out */
    p->fn = fn;
    p->ctx = ctx;
    atomic_store_explicit(&p->done, 0, memory_order_relaxed);
    uint32_t gen = pool_publish(p, nchunks);
    pool_work(p, gen);
    if (atomic_load_explicit(&p->done, memory_order_acquire) == nchunks) return;
    uint64_t start = now_ns();
    for (unsigned spin = 1; atomic_load_explicit(&p->done, memory_order_acquire) < nchunks; spin++) {
        cpu_relax();
        if (spin % 64 == 0 && now_ns() - start > POOL_SPIN_NS) break;
    }
    if (atomic_load(&p->done) < nchunks) {
        pthread_mutex_lock(&p->lock);
        atomic_store(&p->caller_waiting, 1);
        while (atomic_load(&p->done) < nchunks) pthread_cond_wait(&p->finished, &p->lock);
        atomic_store(&p->caller_waiting, 0);
        pthread_mutex_unlock(&p->lock);
    }
}

void pool_free(Pool *p) {
    if (p == NULL) return;
    atomic_store(&p->quit, 1);
    pool_publish(p, 0);
    pthread_mutex_lock(&p->lock);
    pthread_cond_broadcast(&p->wake);
    pthread_mutex_unlock(&p->lock);
    for (int i = 1; i < p->n; i++) pthread_join(p->ids[i], NULL);
    pthread_mutex_destroy(&p->lock);
    pthread_cond_destroy(&p->wake);
    pthread_cond_destroy(&p->finished);
    free(p->ids);
    free(p);
}

Pool *pool_new(int n, ErrorText *err) {
    Pool *p = calloc(1, sizeof *p);
    if (p != NULL) p->ids = calloc((size_t)n, sizeof *p->ids);
    if (p == NULL || p->ids == NULL) {
        free(p);
        error_set(err, "fast path: out of memory for the thread pool");
        return NULL;
    }
    atomic_init(&p->claim, 0);
    atomic_init(&p->done, 0);
    atomic_init(&p->sleepers, 0);
    atomic_init(&p->caller_waiting, 0);
    atomic_init(&p->quit, 0);
    pthread_mutex_init(&p->lock, NULL);
    pthread_cond_init(&p->wake, NULL);
    pthread_cond_init(&p->finished, NULL);
    p->n = 1;
    for (int i = 1; i < n; i++) {
        int rc = pthread_create(&p->ids[i], NULL, pool_worker, p);
        if (rc != 0) {
            pool_free(p);
            error_set(err, "fast path: cannot start thread %d of %d: %s", i + 1, n, strerror(rc));
            return NULL;
        }
        p->n = i + 1;
    }
    return p;
}

#else
typedef int fast_pool_not_built; /* a translation unit may not be empty */
#endif
