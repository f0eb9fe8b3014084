/* The fast path's thread pool (host/fast_pool.c) on its own: every chunk of every task
 * runs exactly once, before pool_run returns, whatever the thread count; tasks too small or
 * too large to split run on the caller, in order. make test-fast-pool (in make test) and,
 * under ThreadSanitizer, make test-fastpath-tsan. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "host/fast_pool.h"

enum { MAX_CHUNKS = 70000 };

typedef struct {
    atomic_int runs[MAX_CHUNKS]; /* how many times each chunk ran */
    int order[MAX_CHUNKS];       /* for the caller-only cases: the order they ran in */
    atomic_int next;
} Record;

static void count_chunk(void *ctx, int chunk) {
    Record *r = ctx;
    atomic_fetch_add(&r->runs[chunk], 1);
    r->order[atomic_fetch_add(&r->next, 1)] = chunk;
}

static void reset(Record *r, int nchunks) {
    for (int c = 0; c < nchunks; c++) atomic_store(&r->runs[c], 0);
    atomic_store(&r->next, 0);
}

static void expect_each_once(Record *r, int nchunks) {
    assert_int_equal(atomic_load(&r->next), nchunks);
    for (int c = 0; c < nchunks; c++)
        if (atomic_load(&r->runs[c]) != 1) fail_msg("chunk %d of %d ran %d times", c, nchunks, atomic_load(&r->runs[c]));
}

static void expect_in_order(const Record *r, int nchunks) {
    for (int c = 0; c < nchunks; c++)
        if (r->order[c] != c) fail_msg("chunk %d ran at place %d of %d", r->order[c], c, nchunks);
}

/* Many tasks in a row, of varied sizes, as a forward step issues them. */
static void test_every_chunk_once(void **state) {
    (void)state;
    static Record r;
    for (int threads = 2; threads <= 4; threads++) {
        ErrorText err;
        Pool *p = pool_new(threads, &err);
        if (p == NULL) fail_msg("%s", err.text);
        for (int task = 0; task < 3000; task++) {
            int nchunks = 1 + (task * 37) % 97;
            reset(&r, nchunks);
            pool_run(p, count_chunk, &r, nchunks);
            expect_each_once(&r, nchunks);
        }
        pool_free(p);
    }
}

/* Without a pool, with one chunk, or with more chunks than the claim word holds, the
 * caller runs the chunks itself, 0 first. */
static void test_caller_runs_in_order(void **state) {
    (void)state;
    static Record r;
    reset(&r, 50);
    pool_run(NULL, count_chunk, &r, 50);
    expect_each_once(&r, 50);
    expect_in_order(&r, 50);

    ErrorText err;
    Pool *p = pool_new(2, &err);
    if (p == NULL) fail_msg("%s", err.text);
    reset(&r, 1);
    pool_run(p, count_chunk, &r, 1);
    expect_each_once(&r, 1);
    reset(&r, MAX_CHUNKS);
    pool_run(p, count_chunk, &r, MAX_CHUNKS); /* over 65535 */
    expect_each_once(&r, MAX_CHUNKS);
    expect_in_order(&r, MAX_CHUNKS);
    reset(&r, 0);
    pool_run(p, count_chunk, &r, 0);
    assert_int_equal(atomic_load(&r.next), 0);
    pool_free(p);
    pool_free(NULL);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_chunk_once),
        cmocka_unit_test(test_caller_runs_in_order),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
