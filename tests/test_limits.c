/* Limits: what a hostile checkpoint, tokenizer or command line can make the engine and the
 * runner do.
 *
 *   - a checkpoint header that implies an absurd amount of memory (weights or run state) is
 *     refused before anything is allocated; sizes that overflow are refused;
 *   - a tokenizer file cannot make the loader allocate for more tokens than it can hold;
 *   - prompts and system prompts of any length are encoded and run, in generate and chat.
 *
 * usage: test_limits RUNNER MODELS_DIR
 * Linked with -Wl,--wrap=malloc,--wrap=calloc,--wrap=realloc: every allocation the engine
 * makes is counted here. */
#define _XOPEN_SOURCE 700
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "host/tokenizer.h"
#include "host/checkpoint.h"

extern char **environ;

static const char *runner;
static const char *models_dir;
static char scratch_dir[] = "/tmp/test_limits-XXXXXX";

/* ---- allocation accounting */

void *__real_malloc(size_t n);
void *__real_calloc(size_t n, size_t size);
void *__real_realloc(void *p, size_t n);

static struct {
    size_t calls;   /* allocations asked for */
    size_t largest; /* the largest single request, in bytes (saturating) */
} allocs;

static void count(size_t bytes) {
    allocs.calls++;
    if (bytes > allocs.largest) allocs.largest = bytes;
}

void *__wrap_malloc(size_t n) {
    count(n);
    return __real_malloc(n);
}

void *__wrap_calloc(size_t n, size_t size) {
    count(size != 0 && n > SIZE_MAX / size ? SIZE_MAX : n * size);
    return __real_calloc(n, size);
}

void *__wrap_realloc(void *p, size_t n) {
    count(n);
    return __real_realloc(p, n);
}

static void reset_allocs(void) { memset(&allocs, 0, sizeof allocs); }

/* ---- files */

static void put_le32(unsigned char *p, uint32_t v) {
    for (int i = 0; i < 4; i++) p[i] = (unsigned char)(v >> (8 * i));
}

static char *scratch_path(const char *name) {
    static char path[4096];
    snprintf(path, sizeof path, "%s/%s", scratch_dir, name);
    return path;
}

static char *write_scratch(const char *name, const void *data, size_t n) {
    char *path = scratch_path(name);
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(data, 1, n, f), n);
    assert_int_equal(fclose(f), 0);
    return path;
}

static void header(unsigned char out[28], int32_t dim, int32_t hidden, int32_t layers, int32_t heads, int32_t kv,
                   int32_t vocab, int32_t seq) {
    int32_t f[7] = {dim, hidden, layers, heads, kv, vocab, seq};
    for (int i = 0; i < 7; i++) put_le32(out + 4 * i, (uint32_t)f[i]);
}

/* checkpoint_check_header's verdict, with its message in err. */
static int check(const unsigned char h[28], ErrorText *err) {
    Config c;
    int shared;
    uint64_t implied;
    return checkpoint_check_header(h, 28, "h", &c, &shared, &implied, err);
}

/* ---- checkpoints */

static void test_header_fields_refused(void **state) {
    (void)state;
    unsigned char h[28];
    ErrorText err;
    header(h, 0, 172, 5, 8, 4, 512, 512);
    assert_int_equal(check(h, &err), -1);
    assert_non_null(strstr(err.text, "dim"));
    header(h, 64, 172, -5, 8, 4, 512, 512);
    assert_int_equal(check(h, &err), -1);
    assert_non_null(strstr(err.text, "n_layers"));
    header(h, 64, 172, 5, 8, 4, 0, 512);
    assert_int_equal(check(h, &err), -1);
    header(h, 64, 172, 5, 8, 4, INT32_MIN, 512);
    assert_int_equal(check(h, &err), -1);
    assert_non_null(strstr(err.text, "vocab_size"));
    header(h, 64, 172, 5, 8, 3, 512, 512); /* 8 heads, 3 kv heads */
    assert_int_equal(check(h, &err), -1);
    header(h, 64, 172, 5, 16, 16, 512, 512); /* dim / heads = 4 is fine; 64 / 64 = 1 is odd */
    assert_int_equal(check(h, &err), 0);
    header(h, 64, 172, 5, 64, 64, 512, 512);
    assert_int_equal(check(h, &err), -1);
    assert_non_null(strstr(err.text, "odd"));
    /* the real model's header passes, the negative vocabulary means unshared */
    Config c;
    int shared;
    uint64_t implied;
    header(h, 64, 172, 5, 8, 4, -512, 512);
    assert_int_equal(checkpoint_check_header(h, 28, "h", &c, &shared, &implied, &err), 0);
    assert_int_equal(shared, 0);
    assert_int_equal(c.vocab_size, 512);
}

static void test_header_overflow_refused(void **state) {
    (void)state;
    unsigned char h[28];
    ErrorText err;
    /* dim^2 * layers * 4 bytes is above 2^64 */
    header(h, 0x7FFFFFFE, 0x7FFFFFFF, 0x7FFFFFFF, 1, 1, 0x7FFFFFFF, 0x7FFFFFFF);
    assert_int_equal(check(h, &err), -1);
    assert_non_null(strstr(err.text, "overflow"));
    /* weights that fit in 64 bits, a KV cache (layers * seq_len * kv_dim) that does not fit in the limit */
    header(h, 64, 64, 100000, 8, 8, 512, 0x7FFFFFFF);
    assert_int_equal(check(h, &err), -1);
    assert_non_null(strstr(err.text, "run state"));
}

/* dim * n_kv_heads is computed in int by forward(): a header where it overflows is refused. */
static void test_header_int_products_refused(void **state) {
    (void)state;
    unsigned char h[28];
    ErrorText err;
    header(h, 65536, 2, 1, 32768, 32768, 2, 1);
    assert_int_equal(check(h, &err), -1);
}

/* A 28-byte file whose header implies gigabytes of weights: refused as truncated, with no
 * allocation at all. */
static void test_absurd_weights_not_allocated(void **state) {
    (void)state;
    unsigned char h[28];
    header(h, 8192, 32768, 80, 64, 8, 32000, 16); /* about 70 GB of weights, 11 MB of run state */
    const char *path = write_scratch("absurd-weights.bin", h, sizeof h);
    Transformer t;
    ErrorText warning, err;
    reset_allocs();
    assert_int_equal(transformer_load(&t, path, &warning, &err), -1);
    assert_int_equal(allocs.calls, 0);
    assert_non_null(strstr(err.text, "truncated"));
}

static void test_absurd_run_state_not_allocated(void **state) {
    (void)state;
    unsigned char h[28];
    header(h, 64, 172, 5, 8, 4, 512, 0x7FFFFFFF); /* a KV cache of about 3 TB */
    const char *path = write_scratch("absurd-state.bin", h, sizeof h);
    Transformer t;
    ErrorText warning, err;
    reset_allocs();
    assert_int_equal(transformer_load(&t, path, &warning, &err), -1);
    assert_int_equal(allocs.calls, 0);
    assert_non_null(strstr(err.text, "run state"));
}

/* The real checkpoint cut short by one byte: refused before its weights are read. */
static void test_truncated_real_checkpoint(void **state) {
    (void)state;
    char path[4096];
    snprintf(path, sizeof path, "%s/stories260K.bin", models_dir);
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    static unsigned char image[1 << 21];
    size_t n = fread(image, 1, sizeof image, f);
    fclose(f);
    assert_true(n > 28 && n < sizeof image);
    const char *cut = write_scratch("cut.bin", image, n - 1);
    Transformer t;
    ErrorText warning, err;
    reset_allocs();
    assert_int_equal(transformer_load(&t, cut, &warning, &err), -1);
    assert_int_equal(allocs.calls, 0);
    assert_non_null(strstr(err.text, "truncated"));
    /* and whole, it loads, with a run state well under the limit */
    const char *whole = write_scratch("whole.bin", image, n);
    reset_allocs();
    assert_int_equal(transformer_load(&t, whole, &warning, &err), 0);
    assert_true(allocs.largest <= n);
    transformer_free(&t);
}

/* ---- tokenizers */

/* A tokenizer image of a few bytes cannot make the loader allocate for the vocabulary a
 * (hostile) model claims: each token takes at least 8 bytes of file. */
static void test_tokenizer_vocab_bounded_by_file(void **state) {
    (void)state;
    unsigned char image[4 + 8 + 1];
    put_le32(image, 1);
    put_le32(image + 4, 0);     /* score */
    put_le32(image + 8, 1);     /* length */
    image[12] = 'a';
    Tokenizer t;
    ErrorText err;
    reset_allocs();
    assert_int_equal(tokenizer_init_from_image(&t, image, sizeof image, INT32_MAX, "tiny", &err), -1);
    assert_true(allocs.largest < 4096);
    assert_non_null(strstr(err.text, "tiny"));
    const char *path = write_scratch("tiny-tokenizer.bin", image, sizeof image);
    reset_allocs();
    assert_int_equal(tokenizer_load(&t, path, INT32_MAX, &err), -1);
    assert_true(allocs.largest < (1 << 20));
    /* the same image is fine for a one-token model */
    assert_int_equal(tokenizer_init_from_image(&t, image, sizeof image, 1, "tiny", &err), 0);
    assert_int_equal(t.vocab_size, 1);
    tokenizer_free(&t);
}

static void test_tokenizer_length_field(void **state) {
    (void)state;
    unsigned char image[4 + 8 + 4];
    memset(image, 0, sizeof image);
    put_le32(image + 8, 0x7FFFFFFF); /* a token of 2 GB, in a 16-byte file */
    Tokenizer t;
    ErrorText err;
    reset_allocs();
    assert_int_equal(tokenizer_init_from_image(&t, image, sizeof image, 1, "long", &err), -1);
    assert_true(allocs.largest < 4096);
    put_le32(image + 8, 0x80000000u); /* negative */
    assert_int_equal(tokenizer_init_from_image(&t, image, sizeof image, 1, "neg", &err), -1);
    put_le32(image, 0x80000000u); /* negative max_token_length */
    put_le32(image + 8, 4);
    assert_int_equal(tokenizer_init_from_image(&t, image, sizeof image, 1, "max", &err), -1);
}

/* A one-token vocabulary has no BOS (id 1): merging it with the dummy prefix would read past
 * the vocabulary (the original does); encode refuses instead. An empty text needs no merge. */
static void test_bos_outside_vocabulary(void **state) {
    (void)state;
    unsigned char image[4 + 8 + 1];
    put_le32(image, 1);
    put_le32(image + 4, 0);
    put_le32(image + 8, 1);
    image[12] = ' ';
    Tokenizer t;
    ErrorText err;
    assert_int_equal(tokenizer_init_from_image(&t, image, sizeof image, 1, "one", &err), 0);
    int tokens[8], n = 0;
    assert_int_equal(encode(&t, " ", 1, 0, tokens, &n, &err), -1);
    assert_string_equal(err.text, "BOS (id 1) is outside the vocabulary of 1 token");
    assert_int_equal(encode(&t, "", 1, 0, tokens, &n, &err), 0);
    assert_int_equal(n, 1);
    assert_int_equal(tokens[0], TOKEN_BOS);
    assert_int_equal(encode(&t, " ", 0, 0, tokens, &n, &err), 0); /* no BOS: nothing outside */
    assert_int_equal(n, 2);
    assert_int_equal(tokens[0], 0);
    assert_int_equal(tokens[1], 0);
    tokenizer_free(&t);
}

/* Encodes a prompt of a million bytes with the real tokenizer. */
static void test_long_prompt_encodes(void **state) {
    (void)state;
    char path[4096];
    snprintf(path, sizeof path, "%s/tok512.bin", models_dir);
    Tokenizer t;
    ErrorText err;
    assert_int_equal(tokenizer_load(&t, path, 512, &err), 0);
    size_t n = 1 << 20;
    char *text = malloc(n + 1);
    assert_non_null(text);
    static const char words[] = "Once upon a time \xe4\xb8\x96 \xff there was a girl. ";
    for (size_t i = 0; i < n; i++) text[i] = words[i % (sizeof words - 1)];
    text[n] = '\0';
    int *tokens = malloc(tokenizer_max_tokens(n) * sizeof *tokens);
    assert_non_null(tokens);
    int count = 0;
    assert_int_equal(encode(&t, text, 1, 1, tokens, &count, &err), 0);
    assert_true(count > 1000 && (size_t)count <= tokenizer_max_tokens(n));
    for (int i = 0; i < count; i++) {
        assert_true(tokens[i] >= 0);
        assert_true(tokens[i] < 512);
    }
    free(tokens);
    free(text);
    tokenizer_free(&t);
}

/* ---- the runner with long prompts */

static int run_quiet(const char *const *argv) {
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addopen(&actions, 2, scratch_path("stderr"), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    pid_t pid;
    int rc = posix_spawn(&pid, argv[0], &actions, NULL, (char *const *)argv, environ);
    posix_spawn_file_actions_destroy(&actions);
    assert_int_equal(rc, 0);
    int status;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    if (!WIFEXITED(status)) return 1000 + (WIFSIGNALED(status) ? WTERMSIG(status) : 0);
    return WEXITSTATUS(status);
}

/* 100 kB arguments (a single argument may be up to 128 kB on Linux). */
static char *long_text(size_t n, const char *pattern) {
    char *s = malloc(n + 1);
    assert_non_null(s);
    size_t k = strlen(pattern);
    for (size_t i = 0; i < n; i++) s[i] = pattern[i % k];
    s[n] = '\0';
    return s;
}

static void test_runner_long_prompts(void **state) {
    (void)state;
    char model[4096], tok[4096];
    snprintf(model, sizeof model, "%s/stories260K.bin", models_dir);
    snprintf(tok, sizeof tok, "%s/tok512.bin", models_dir);
    char *prompt = long_text(100000, "Lily saw a big dog. ");
    char *system = long_text(100000, "You are kind \xc3\xa9\xe4\xb8\x96. ");
    const char *generate[] = {runner, model, "-z", tok, "-t", "0", "-n", "8", "-i", prompt, NULL};
    assert_int_equal(run_quiet(generate), 0);
    const char *chat[] = {runner, model, "-z", tok, "-m", "chat", "-t", "0", "-n", "40", "-i", prompt, "-y", system, NULL};
    assert_int_equal(run_quiet(chat), 0);
    /* chat reading its turns from an empty standard input, with a long system prompt only */
    const char *chat_sys[] = {runner, model, "-z", tok, "-m", "chat", "-n", "20", "-y", system, NULL};
    assert_int_equal(run_quiet(chat_sys), 0);
    free(prompt);
    free(system);
}

static int teardown_scratch(void **state) {
    (void)state;
    static const char *const names[] = {"absurd-weights.bin", "absurd-state.bin", "cut.bin", "whole.bin",
                                        "tiny-tokenizer.bin", "stderr"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) unlink(scratch_path(names[i]));
    rmdir(scratch_dir);
    return 0;
}

int main(int argc, char **argv) {
    if (argc != 3) {
        fprintf(stderr, "usage: %s RUNNER MODELS_DIR\n", argv[0]);
        return 2;
    }
    runner = argv[1];
    models_dir = argv[2];
    if (mkdtemp(scratch_dir) == NULL) {
        perror("mkdtemp");
        return 2;
    }
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_header_fields_refused),
        cmocka_unit_test(test_header_overflow_refused),
        cmocka_unit_test(test_header_int_products_refused),
        cmocka_unit_test(test_absurd_weights_not_allocated),
        cmocka_unit_test(test_absurd_run_state_not_allocated),
        cmocka_unit_test(test_truncated_real_checkpoint),
        cmocka_unit_test(test_tokenizer_vocab_bounded_by_file),
        cmocka_unit_test(test_tokenizer_length_field),
        cmocka_unit_test(test_bos_outside_vocabulary),
        cmocka_unit_test(test_long_prompt_encodes),
        cmocka_unit_test(test_runner_long_prompts),
    };
    return cmocka_run_group_tests(tests, NULL, teardown_scratch);
}
