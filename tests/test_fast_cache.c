/* The fast path's cache file (host/fast_cache.c, run --fast-cache).
 *
 *   test_fast_cache MODELS_DIR RUN
 *
 * On a copy of stories260K in a scratch folder: the first run writes the file (the magic,
 * the weights the fast path built, byte for byte), the next maps it and its logits keep the
 * reference's bits; a file that is not a cache (another file, the checkpoint itself, a
 * folder) is refused with one line and left as it was; a cache that is stale (checkpoint
 * touched, other instruction set), damaged (one byte) or cut short is rebuilt, saying why;
 * a cache cut while a run maps it ends the run with one line and status 1. The checksum
 * is checked against values computed by hand (a separate script, not this code). Through
 * RUN (./run): the story is the plain run's, and a refused file is one line on standard
 * error and status 1. */
#define _POSIX_C_SOURCE 200809L

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>

#include <cmocka.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "host/checkpoint.h"
#include "host/fast_cache.h"
#include "host/forward_fast.h"
#include "tests/testutil.h"

#define BOS 1
#define HEADER 4096

static const char *models_dir, *runner;
static char *scratch, *model; /* the scratch folder, and the checkpoint copy in it */

static char *scratch_path(const char *name) { return path_join(scratch, name); }

static void load(Transformer *t) {
    ErrorText warning, err;
    if (transformer_load(t, model, &warning, &err) != 0) fail_msg("%s", err.text);
}

/* Builds or maps the fast path from the cache at path; the outcome and reason through the
 * pointers. The transformer is loaded anew (and freed by finish). */
typedef struct {
    Transformer t;
    FastForward *f;
    FastCacheMapping mapping;
    FastCacheOutcome outcome;
    ErrorText reason, err;
    int rc;
} CacheRun;

static void start(CacheRun *r, const char *path, FastSimd simd) {
    memset(r, 0, sizeof *r);
    load(&r->t);
    r->rc = fast_cache_init(&r->f, &r->mapping, &r->t, 1, simd, path, &r->outcome, &r->reason, &r->err);
}

static void finish(CacheRun *r) {
    fast_forward_free(r->f);
    fast_cache_unmap(&r->mapping);
    transformer_free(&r->t);
}

/* 24 greedy steps from BOS: the logits of r's fast path have the bits of forward()'s. */
static void expect_reference_logits(CacheRun *r) {
    Transformer ref;
    load(&ref);
    int vocab = ref.config.vocab_size, token = BOS;
    for (int pos = 0; pos < 24; pos++) {
        float *want = forward(&ref, token, pos), *got = forward_fast(r->f, token, pos);
        assert_memory_equal(got, want, (size_t)vocab * sizeof(float));
        int best = 0;
        for (int i = 1; i < vocab; i++)
            if (want[i] > want[best]) best = i;
        token = best;
    }
    transformer_free(&ref);
}

static void write_text(const char *path, const char *text) {
    assert_int_equal(write_file(path, text, strlen(text)), 0);
}

static void expect_file(const char *path, const char *text) {
    size_t len;
    char *got = read_file(path, &len);
    assert_non_null(got);
    assert_int_equal(len, strlen(text));
    assert_memory_equal(got, text, len);
    free(got);
}

static void expect_reason(const CacheRun *r, const char *path, const char *why) {
    char want[1024];
    snprintf(want, sizeof want, "%s: not used, %s; rebuilt", path, why);
    assert_int_equal(r->rc, 0);
    assert_int_equal(r->outcome, FAST_CACHE_WRITTEN);
    assert_string_equal(r->reason.text, want);
}

/* The cache at path is not used, for the reason why; rebuilt, it is used by the next run,
 * with the reference's logits. */
static void expect_rebuilt_then_used(const char *path, FastSimd simd, const char *why) {
    CacheRun r;
    start(&r, path, simd);
    expect_reason(&r, path, why);
    expect_reference_logits(&r);
    finish(&r);
    start(&r, path, simd);
    assert_int_equal(r.rc, 0);
    assert_int_equal(r.outcome, FAST_CACHE_USED);
    expect_reference_logits(&r);
    finish(&r);
}

/* Writes a fresh cache at path (removing what was there). */
static void fresh_cache(const char *path) {
    unlink(path);
    CacheRun r;
    start(&r, path, FAST_SIMD_AUTO);
    assert_int_equal(r.rc, 0);
    assert_int_equal(r.outcome, FAST_CACHE_WRITTEN);
    finish(&r);
}

/* ---------------------------------------------------------------------------- */

static void test_written_then_mapped(void **state) {
    (void)state;
    char *path = scratch_path("first.fc");
    unlink(path);
    CacheRun r;
    start(&r, path, FAST_SIMD_AUTO);
    assert_int_equal(r.rc, 0);
    assert_int_equal(r.outcome, FAST_CACHE_WRITTEN);
    assert_string_equal(r.reason.text, "");
    assert_null(r.mapping.map);
    size_t bytes, len;
    const void *built = fast_forward_weights(r.f, &bytes);
    char *file = read_file(path, &len);
    assert_non_null(file);
    assert_int_equal(len, HEADER + bytes);
    assert_memory_equal(file, "L2TFASTC", 8);
    assert_memory_equal(file + HEADER, built, bytes);
    expect_reference_logits(&r);
    finish(&r);

    struct stat before, after;
    assert_int_equal(stat(path, &before), 0);
    start(&r, path, FAST_SIMD_AUTO);
    assert_int_equal(r.rc, 0);
    assert_int_equal(r.outcome, FAST_CACHE_USED);
    assert_string_equal(r.reason.text, "");
    assert_non_null(r.mapping.map);
    assert_int_equal(r.mapping.bytes, len);
    const void *mapped = fast_forward_weights(r.f, &bytes);
    assert_ptr_equal(mapped, (const unsigned char *)r.mapping.map + HEADER);
    assert_memory_equal(mapped, file + HEADER, bytes);
    expect_reference_logits(&r);
    finish(&r);
    assert_int_equal(stat(path, &after), 0);
    assert_int_equal(before.st_ino, after.st_ino); /* used, not written again */
    assert_int_equal(before.st_mtim.tv_nsec, after.st_mtim.tv_nsec);
    free(file);
    free(path);
}

/* The portable math goes through the vector exp: the mapped weights serve it as well. */
static void test_mapped_portable_math(void **state) {
    (void)state;
    char *path = scratch_path("portable.fc");
    fresh_cache(path);
    CacheRun r;
    start(&r, path, FAST_SIMD_AUTO);
    assert_int_equal(r.outcome, FAST_CACHE_USED);
    r.t.math = &math_portable;
    Transformer ref;
    load(&ref);
    ref.math = &math_portable;
    for (int pos = 0; pos < 16; pos++)
        assert_memory_equal(forward_fast(r.f, BOS, pos), forward(&ref, BOS, pos),
                            (size_t)ref.config.vocab_size * sizeof(float));
    transformer_free(&ref);
    finish(&r);
    free(path);
}

static void expect_refused(const char *path, const char *want_suffix) {
    CacheRun r;
    start(&r, path, FAST_SIMD_AUTO);
    char want[1024];
    snprintf(want, sizeof want, "%s: %s", path, want_suffix);
    assert_int_equal(r.rc, -1);
    assert_null(r.f);
    assert_string_equal(r.err.text, want);
    finish(&r);
}

static void test_refuses_other_files(void **state) {
    (void)state;
    char *notes = scratch_path("notes.txt");
    write_text(notes, "my notes\n");
    expect_refused(notes, "exists and is not a fast cache (it does not begin with \"L2TFASTC\"); not replacing it");
    expect_file(notes, "my notes\n");

    char *empty = scratch_path("empty");
    write_text(empty, "");
    expect_refused(empty, "exists and is not a fast cache (it does not begin with \"L2TFASTC\"); not replacing it");
    expect_file(empty, "");

    size_t before_len, after_len; /* the checkpoint itself, given by mistake */
    char *before = read_file(model, &before_len);
    expect_refused(model, "exists and is not a fast cache (it does not begin with \"L2TFASTC\"); not replacing it");
    char *after = read_file(model, &after_len);
    assert_int_equal(before_len, after_len);
    assert_memory_equal(before, after, before_len);

    char *folder = scratch_path("a-folder");
    assert_int_equal(mkdir(folder, 0755), 0);
    expect_refused(folder, "the fast cache must be a regular file");

    char *nowhere = scratch_path("missing/x.fc");
    expect_refused(nowhere, "cannot create a file in its folder: No such file or directory");
    struct stat st;
    assert_int_equal(stat(nowhere, &st), -1);
    free(before);
    free(after);
    free(notes);
    free(empty);
    free(folder);
    free(nowhere);
}

/* The checkpoint's modification time changes (as a rewrite would): rebuilt, then used. */
static void test_stale_checkpoint(void **state) {
    (void)state;
    char *path = scratch_path("stale.fc");
    fresh_cache(path);
    struct timespec times[2] = {{1000000000, 0}, {1000000000, 0}};
    assert_int_equal(utimensat(AT_FDCWD, model, times, 0), 0);
    expect_rebuilt_then_used(path, FAST_SIMD_AUTO, "it was built for another checkpoint, or the checkpoint changed since");
    free(path);
}

/* A cache of the vec4 layout is not used by a run of another instruction set. */
static void test_other_instruction_set(void **state) {
    (void)state;
    FastLayout automatic;
    Transformer t;
    ErrorText err;
    load(&t);
    assert_int_equal(fast_forward_layout(&t, FAST_SIMD_AUTO, &automatic, &err), 0);
    transformer_free(&t);
    if (automatic.simd == FAST_SIMD_VEC4) skip(); /* this CPU has one instruction set only */
    char *path = scratch_path("vec4.fc");
    unlink(path);
    CacheRun r;
    start(&r, path, FAST_SIMD_VEC4);
    assert_int_equal(r.outcome, FAST_CACHE_WRITTEN);
    finish(&r);
    expect_rebuilt_then_used(path, FAST_SIMD_AUTO, "it was built for another instruction set or build of the fast path");
    free(path);
}

static void test_damaged_weights(void **state) {
    (void)state;
    char *path = scratch_path("damaged.fc");
    fresh_cache(path);
    int fd = open(path, O_WRONLY);
    assert_true(fd >= 0);
    assert_int_equal(pwrite(fd, "\x5a", 1, HEADER + 1000), 1);
    close(fd);
    expect_rebuilt_then_used(path, FAST_SIMD_AUTO, "its weights do not match their checksum (the file is damaged)");
    free(path);
}

static void test_cut_short(void **state) {
    (void)state;
    char *path = scratch_path("cut.fc");
    fresh_cache(path);
    assert_int_equal(truncate(path, HEADER + 4000), 0);
    CacheRun r;
    start(&r, path, FAST_SIMD_AUTO);
    expect_reason(&r, path, "it is cut short or too long");
    finish(&r);

    write_text(path, "L2TFASTC"); /* the magic and no header */
    expect_rebuilt_then_used(path, FAST_SIMD_AUTO, "it is cut short");
    free(path);
}

/* The mapped cache is cut to its header while a run uses it: one line, status 1. */
static void cut_while_mapped_child(void *context) {
    const char *path = context;
    CacheRun r;
    ErrorText err;
    if (checkpoint_guard_sigbus("test_fast_cache", &err) != 0) _exit(3);
    start(&r, path, FAST_SIMD_AUTO);
    if (r.rc != 0 || r.outcome != FAST_CACHE_USED) _exit(3);
    if (truncate(path, HEADER) != 0) _exit(4);
    forward_fast(r.f, BOS, 0);
    /* returning: the weights were read after all, a failure below */
}

static void test_cut_while_mapped(void **state) {
    (void)state;
    char *path = scratch_path("cut-mapped.fc");
    fresh_cache(path);
    RunResult r;
    assert_int_equal(run_function(cut_while_mapped_child, path, &r), 0);
    if (!r.exited) fail_msg("killed by signal %d; stderr: %s", r.status, r.err);
    char want[4096];
    snprintf(want, sizeof want,
             "test_fast_cache: %s: fast cache shrank while the run was using it (a program truncated or rewrote "
             "it); stopping\n", path);
    assert_string_equal(r.err, want);
    assert_int_equal(r.status, 1);
    run_result_free(&r);
    free(path);
}

/* Values from the definition (host/fast_cache.h), computed by a separate script: bytes 1, 2,
 * ..., 43 (five words and three bytes over), and nothing. */
static void test_checksum(void **state) {
    (void)state;
    unsigned char bytes[64];
    for (int i = 0; i < 43; i++) bytes[i] = (unsigned char)(i + 1);
    assert_int_equal(fast_cache_checksum(bytes, 43), 0x92ff60de3708ced2ull);
    assert_int_equal(fast_cache_checksum(bytes, 0), 0);
    uint64_t whole = fast_cache_checksum(bytes, 40);
    unsigned char swapped[64];
    memcpy(swapped, bytes, 40);
    memcpy(swapped, bytes + 8, 8); /* words 0 and 1 (the same lane's neighbours are 0 and 4) */
    memcpy(swapped + 8, bytes, 8);
    assert_true(fast_cache_checksum(swapped, 40) != whole);
    memcpy(swapped, bytes, 40);
    memcpy(swapped, bytes + 32, 8); /* words 0 and 4: one lane, two places */
    memcpy(swapped + 32, bytes, 8);
    assert_true(fast_cache_checksum(swapped, 40) != whole);
    memset(swapped, 0, sizeof swapped);
    assert_true(fast_cache_checksum(swapped, 41) != fast_cache_checksum(swapped, 40));
}

/* ./run MODEL -z tok512.bin -t 0 -n 24 -i Zoo [--fast-cache PATH]. */
static void run_zoo(const char *cache, RunResult *result) {
    char *tokenizer = path_join(models_dir, "tok512.bin");
    const char *argv[16] = {runner, model, "-z", tokenizer, "-t", "0", "-n", "24", "-i", "Zoo", NULL};
    if (cache != NULL) {
        argv[10] = "--fast-cache";
        argv[11] = cache;
        argv[12] = NULL;
    }
    assert_int_equal(run_program(argv, NULL, result), 0);
    free(tokenizer);
}

static void test_run_story_unchanged(void **state) {
    (void)state;
    char *path = scratch_path("run.fc");
    unlink(path);
    RunResult plain, first, again;
    run_zoo(NULL, &plain);
    run_zoo(path, &first);
    run_zoo(path, &again);
    assert_true(plain.exited && plain.status == 0 && first.exited && first.status == 0 && again.exited &&
                again.status == 0);
    assert_true(plain.out_len > 40);
    assert_int_equal(first.out_len, plain.out_len);
    assert_memory_equal(first.out, plain.out, plain.out_len);
    assert_int_equal(again.out_len, plain.out_len);
    assert_memory_equal(again.out, plain.out, plain.out_len);
    char want[1024];
    snprintf(want, sizeof want, "run: %s: fast cache written (", path);
    assert_non_null(strstr(first.err, want));
    assert_null(strstr(again.err, "fast cache")); /* mapped: nothing to say */
    run_result_free(&plain);
    run_result_free(&first);
    run_result_free(&again);
    free(path);
}

static void test_run_refuses(void **state) {
    (void)state;
    char *notes = scratch_path("run-notes.txt");
    write_text(notes, "keep me\n");
    RunResult r;
    run_zoo(notes, &r);
    char want[1024];
    snprintf(want, sizeof want,
             "run: %s: exists and is not a fast cache (it does not begin with \"L2TFASTC\"); not replacing it\n", notes);
    assert_true(r.exited);
    assert_int_equal(r.status, 1);
    assert_int_equal(r.out_len, 0);
    assert_string_equal(r.err, want);
    expect_file(notes, "keep me\n");
    run_result_free(&r);

    run_zoo("", &r);
    assert_true(r.exited);
    assert_int_equal(r.status, 1);
    assert_int_equal(r.out_len, 0);
    assert_true(strncmp(r.err, "run: --fast-cache: expected a file name\n", 40) == 0);
    run_result_free(&r);
    free(notes);
}

static int set_up(void **state) {
    (void)state;
    scratch = make_temp_dir("fast-cache");
    if (scratch == NULL) return -1;
    model = scratch_path("model.bin");
    char *source = path_join(models_dir, "stories260K.bin");
    size_t len;
    char *bytes = read_file(source, &len);
    int rc = bytes != NULL && write_file(model, bytes, len) == 0 ? 0 : -1;
    free(bytes);
    free(source);
    return rc;
}

static int tear_down(void **state) {
    (void)state;
    remove_tree(scratch);
    free(scratch);
    free(model);
    return 0;
}

int main(int argc, char **argv) {
    if (argc != 3) {
        fprintf(stderr, "usage: test_fast_cache MODELS_DIR RUN\n");
        return 2;
    }
    models_dir = argv[1];
    runner = argv[2];
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_written_then_mapped), cmocka_unit_test(test_mapped_portable_math),
        cmocka_unit_test(test_refuses_other_files), cmocka_unit_test(test_stale_checkpoint),
        cmocka_unit_test(test_other_instruction_set), cmocka_unit_test(test_damaged_weights),
        cmocka_unit_test(test_cut_short),           cmocka_unit_test(test_cut_while_mapped),
        cmocka_unit_test(test_checksum),            cmocka_unit_test(test_run_story_unchanged),
        cmocka_unit_test(test_run_refuses),
    };
    return cmocka_run_group_tests(tests, set_up, tear_down);
}
