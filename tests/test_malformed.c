/* Malformed checkpoints and tokenizers through ./run: each gives exactly one line on
 * standard error, nothing on standard output, exit status 1. The files are made here, in a
 * scratch folder, from the real models or from scratch. Also: trailing bytes (a warning, then
 * the normal output), a 100 kB -i prompt and a 10 kB chat system prompt.
 *
 * usage: test_malformed RUNNER MODELS_DIR */
#define _XOPEN_SOURCE 700
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/testutil.h"

static const char *runner;
static const char *models_dir;
static char *scratch;

static char *stories;      /* stories260K.bin */
static size_t stories_len;
static char *tok512;       /* tok512.bin */
static size_t tok512_len;
static size_t tok512_offset[513]; /* where each token's record starts; [512] = the end */

#define HEADER_BYTES 28
/* stories260K.bin: dim 64, hidden 172, 5 layers, 8 heads, 4 kv heads, vocab 512, seq 512.
 * Floats: embedding 512*64 = 32768; per layer 2*64 (norms) + 64*64 (wq) + 2*64*32 (wk wv)
 * + 64*64 (wo) + 3*64*172 (w1 w2 w3) = 45440, times 5 = 227200; final norm 64; freq_cis
 * 512 * 8 = 4096. 264128 floats = 1056512 bytes, plus the header: 1056540. */
#define STORIES_BYTES 1056540u

enum { DIM, HIDDEN, LAYERS, HEADS, KV_HEADS, VOCAB, SEQ };
static const int32_t stories_header[7] = {64, 172, 5, 8, 4, 512, 512};

/* ---------------------------------------------------------------------------------
 * helpers */

/* Writes a file into the scratch folder; returns its path (malloc'ed). */
static char *scratch_file(const char *name, const void *data, size_t len) {
    char *path = path_join(scratch, name);
    assert_non_null(path);
    if (write_file(path, data, len) != 0) fail_msg("cannot write %s", path);
    return path;
}

static char *model_path(const char *name) {
    char *p = path_join(models_dir, name);
    assert_non_null(p);
    return p;
}

/* A checkpoint: the header fields, then `weights` bytes of stories260K's weights. */
static char *header_file(const char *name, const int32_t fields[7], size_t weights) {
    size_t len = HEADER_BYTES + weights;
    unsigned char *buf = malloc(len);
    assert_non_null(buf);
    for (int i = 0; i < 7; i++) put_le32(buf + 4 * i, (uint32_t)fields[i]);
    memcpy(buf + HEADER_BYTES, stories + HEADER_BYTES, weights);
    char *path = scratch_file(name, buf, len);
    free(buf);
    return path;
}

/* Runs ./run CHECKPOINT -z TOKENIZER -t 0 -n 16 [-i PROMPT]. */
static void run_runner(const char *checkpoint, const char *tokenizer, const char *prompt, RunResult *r) {
    const char *argv[12] = {runner, checkpoint, "-z", tokenizer, "-t", "0", "-n", "16"};
    int argc = 8;
    if (prompt != NULL) {
        argv[argc++] = "-i";
        argv[argc++] = prompt;
    }
    argv[argc] = NULL;
    assert_int_equal(run_program(argv, NULL, r), 0);
}

static void assert_failure(const RunResult *r, const char *want_err) {
    if (!r->exited) fail_msg("killed by signal %d", r->status);
    if (r->status != 1 || r->out_len != 0 || strcmp(r->err, want_err) != 0) {
        print_error("exit %d (want 1), %zu bytes on stdout (want 0)\n", r->status, r->out_len);
        print_error("stderr: [%s]\nwant:   [%s]\n", r->err, want_err);
        fail();
    }
}

/* Runs with the checkpoint and tokenizer; wants exactly the line `run: MESSAGE\n`. */
static void expect_error(const char *checkpoint, const char *tokenizer, const char *prompt, const char *fmt, ...) {
    char want[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(want, sizeof want, fmt, ap);
    va_end(ap);
    RunResult r;
    run_runner(checkpoint, tokenizer, prompt, &r);
    assert_failure(&r, want);
    run_result_free(&r);
}

/* Same, for a broken checkpoint with the good tokenizer. */
#define EXPECT_CHECKPOINT_ERROR(path, ...)                          \
    do {                                                            \
        char *tok_ = model_path("tok512.bin");                      \
        expect_error(path, tok_, "Zoo", __VA_ARGS__);               \
        free(tok_);                                                 \
    } while (0)

/* Same, for a broken tokenizer with stories260K.bin. */
#define EXPECT_TOKENIZER_ERROR(path, prompt, ...)                   \
    do {                                                            \
        char *ckpt_ = model_path("stories260K.bin");                \
        expect_error(ckpt_, path, prompt, __VA_ARGS__);             \
        free(ckpt_);                                                \
    } while (0)

static int setup(void **state) {
    (void)state;
    scratch = make_temp_dir("test_malformed");
    char *p = model_path("stories260K.bin");
    stories = read_file(p, &stories_len);
    free(p);
    p = model_path("tok512.bin");
    tok512 = read_file(p, &tok512_len);
    free(p);
    if (scratch == NULL || stories == NULL || tok512 == NULL) {
        fprintf(stderr, "test_malformed: cannot make the scratch folder or read the models\n");
        return -1;
    }
    if (stories_len != STORIES_BYTES) {
        fprintf(stderr, "test_malformed: stories260K.bin is %zu bytes, expected %u\n", stories_len, STORIES_BYTES);
        return -1;
    }
    for (int i = 0; i < 7; i++) {
        if ((int32_t)get_le32((const unsigned char *)stories + 4 * i) != stories_header[i]) {
            fprintf(stderr, "test_malformed: unexpected stories260K.bin header\n");
            return -1;
        }
    }
    /* tok512.bin: int32 max_token_length, then per token float32 score, int32 length, bytes */
    size_t at = 4;
    for (int i = 0; i < 512; i++) {
        tok512_offset[i] = at;
        if (at + 8 > tok512_len) return -1;
        at += 8 + get_le32((const unsigned char *)tok512 + at + 4);
    }
    tok512_offset[512] = at;
    if (at != tok512_len) {
        fprintf(stderr, "test_malformed: tok512.bin does not hold exactly 512 tokens\n");
        return -1;
    }
    return 0;
}

static int teardown(void **state) {
    (void)state;
    remove_tree(scratch);
    free(scratch);
    free(stories);
    free(tok512);
    return 0;
}

/* ---------------------------------------------------------------------------------
 * checkpoints */

static void test_checkpoint_missing(void **state) {
    (void)state;
    char *path = path_join(scratch, "no-such-model.bin");
    EXPECT_CHECKPOINT_ERROR(path, "run: %s: cannot open checkpoint: No such file or directory\n", path);
    free(path);
}

/* A folder opens but does not read (EISDIR): not to be reported as a 0-byte file. */
static void test_checkpoint_folder(void **state) {
    (void)state;
    EXPECT_CHECKPOINT_ERROR(scratch, "run: %s: cannot read checkpoint: Is a directory\n", scratch);
}

static void test_checkpoint_shorter_than_header(void **state) {
    (void)state;
    char *path = scratch_file("short.bin", stories, 10);
    EXPECT_CHECKPOINT_ERROR(path, "run: %s: file is 10 bytes, shorter than the 28-byte checkpoint header\n", path);
    free(path);
    path = scratch_file("empty.bin", "", 0);
    EXPECT_CHECKPOINT_ERROR(path, "run: %s: file is 0 bytes, shorter than the 28-byte checkpoint header\n", path);
    free(path);
    path = scratch_file("27.bin", stories, 27);
    EXPECT_CHECKPOINT_ERROR(path, "run: %s: file is 27 bytes, shorter than the 28-byte checkpoint header\n", path);
    free(path);
}

/* The newer export formats: uint32 magic 0x616b3432 ("ak42") at offset 0, int32 version,
 * then (version 1) the seven int32 sizes and a shared-classifier byte, padded to 256 bytes. */
static void test_checkpoint_ak42(void **state) {
    (void)state;
    for (int version = 1; version <= 2; version++) {
        unsigned char buf[256 + 64];
        memset(buf, 0, sizeof buf);
        put_le32(buf, 0x616b3432u);
        assert_memory_equal(buf, "24ka", 4);
        put_le32(buf + 4, (uint32_t)version);
        for (int i = 0; i < 7; i++) put_le32(buf + 8 + 4 * i, (uint32_t)stories_header[i]);
        char name[32];
        snprintf(name, sizeof name, "ak42-v%d.bin", version);
        char *path = scratch_file(name, buf, sizeof buf);
        EXPECT_CHECKPOINT_ERROR(path,
                                "run: %s: llama2.c export version %d (\"ak42\" header) is not supported; "
                                "export with --version 0 (legacy format)\n",
                                path, version);
        free(path);
    }
}

typedef struct {
    const char *name;
    int field;
    int32_t value;
    const char *want; /* after "run: PATH: " */
} HeaderCase;

static const HeaderCase nonpositive_cases[] = {
    {"dim0.bin", DIM, 0, "header field dim is 0; it must be positive"},
    {"hidden-1.bin", HIDDEN, -1, "header field hidden_dim is -1; it must be positive"},
    {"layers0.bin", LAYERS, 0, "header field n_layers is 0; it must be positive"},
    {"heads-8.bin", HEADS, -8, "header field n_heads is -8; it must be positive"},
    {"kvheads0.bin", KV_HEADS, 0, "header field n_kv_heads is 0; it must be positive"},
    {"seq-512.bin", SEQ, -512, "header field seq_len is -512; it must be positive"},
    {"seqmin.bin", SEQ, INT32_MIN, "header field seq_len is -2147483648; it must be positive"},
    {"vocab0.bin", VOCAB, 0, "header field vocab_size is 0; it must be nonzero"},
    {"vocabmin.bin", VOCAB, INT32_MIN, "header field vocab_size is -2147483648; its magnitude must fit in 31 bits"},
};

/* One field of the stories260K header changed, the weights kept. */
static void test_header_field(void **state) {
    const HeaderCase *c = *state;
    int32_t fields[7];
    memcpy(fields, stories_header, sizeof fields);
    fields[c->field] = c->value;
    char *path = header_file(c->name, fields, stories_len - HEADER_BYTES);
    EXPECT_CHECKPOINT_ERROR(path, "run: %s: %s\n", path, c->want);
    free(path);
}

static void test_dim_not_divisible(void **state) {
    (void)state;
    int32_t f[7] = {64, 172, 5, 6, 3, 512, 512};
    char *path = header_file("dim-heads.bin", f, stories_len - HEADER_BYTES);
    EXPECT_CHECKPOINT_ERROR(path, "run: %s: dim 64 is not divisible by n_heads 6\n", path);
    free(path);
}

static void test_heads_not_multiple_of_kv(void **state) {
    (void)state;
    int32_t f[7] = {64, 172, 5, 8, 3, 512, 512};
    char *path = header_file("kv3.bin", f, stories_len - HEADER_BYTES);
    EXPECT_CHECKPOINT_ERROR(path, "run: %s: n_heads 8 is not a multiple of n_kv_heads 3\n", path);
    free(path);
    /* more kv heads than heads */
    int32_t g[7] = {64, 172, 5, 8, 16, 512, 512};
    path = header_file("kv16.bin", g, stories_len - HEADER_BYTES);
    EXPECT_CHECKPOINT_ERROR(path, "run: %s: n_heads 8 is not a multiple of n_kv_heads 16\n", path);
    free(path);
}

static void test_odd_head_size(void **state) {
    (void)state;
    /* 24 / 8 = 3 */
    int32_t f[7] = {24, 172, 5, 8, 4, 512, 512};
    char *path = header_file("odd-head.bin", f, stories_len - HEADER_BYTES);
    EXPECT_CHECKPOINT_ERROR(path, "run: %s: head size 3 (dim / n_heads) is odd; RoPE rotates pairs\n", path);
    free(path);
}

static void test_sizes_overflow(void **state) {
    (void)state;
    /* dim = hidden = n_layers = 2^30, 2 heads, 1 kv head (kv_dim 2^29): one layer is
     * 2*2^30 + 2^60 + 2*2^59 + 2^60 + 3*2^60 floats, about 6 * 2^60; times 2^30 layers
     * is far beyond 2^64. */
    int32_t f[7] = {1 << 30, 1 << 30, 1 << 30, 2, 1, 512, 512};
    char *path = header_file("overflow.bin", f, 1024);
    EXPECT_CHECKPOINT_ERROR(path,
                            "run: %s: header sizes overflow 64 bits (dim 1073741824, hidden_dim 1073741824, "
                            "n_layers 1073741824, vocab_size 512, seq_len 512)\n",
                            path);
    free(path);
}

static void test_absurd_run_state(void **state) {
    (void)state;
    /* stories260K with seq_len 2^30. Run state in floats: x xb xb2 q 4*64 = 256, hb hb2
     * 2*172 = 344, att 8 * 2^30, logits 512, key and value caches 2 * 5 * 2^30 * 32 (kv_dim =
     * 64 / 8 * 4) = 320 * 2^30. Total 1112 + 328 * 2^30 floats = 4448 + 1312 * 2^30 bytes
     * = 1408749277536 bytes, over the 4 GiB limit. */
    int32_t f[7] = {64, 172, 5, 8, 4, 512, 1 << 30};
    char *path = header_file("huge-seq.bin", f, stories_len - HEADER_BYTES);
    EXPECT_CHECKPOINT_ERROR(path,
                            "run: %s: header asks for a run state of 1408749277536 bytes, more than the limit "
                            "of 4294967296\n",
                            path);
    free(path);
}

static void test_truncated_weights(void **state) {
    (void)state;
    char *path = scratch_file("truncated.bin", stories, 1000000);
    EXPECT_CHECKPOINT_ERROR(path, "run: %s: file is 1000000 bytes but its header implies 1056540; it is truncated\n",
                            path);
    free(path);
    /* one byte short */
    path = scratch_file("truncated1.bin", stories, STORIES_BYTES - 1);
    EXPECT_CHECKPOINT_ERROR(path, "run: %s: file is 1056539 bytes but its header implies 1056540; it is truncated\n",
                            path);
    free(path);
    /* the header alone */
    path = scratch_file("header-only.bin", stories, HEADER_BYTES);
    EXPECT_CHECKPOINT_ERROR(path, "run: %s: file is 28 bytes but its header implies 1056540; it is truncated\n",
                            path);
    free(path);
    /* the same weights read as an unshared classifier (negative vocab_size) need
     * 512 * 64 * 4 = 131072 more bytes: 1187612 */
    int32_t f[7] = {64, 172, 5, 8, 4, -512, 512};
    path = header_file("unshared.bin", f, stories_len - HEADER_BYTES);
    EXPECT_CHECKPOINT_ERROR(path, "run: %s: file is 1056540 bytes but its header implies 1187612; it is truncated\n",
                            path);
    free(path);
}

/* What stories260K prints for -t 0 -i Zoo -n 60 (the models README records it). */
static const char zoo_60[] =
    "Zoo was a little girl named Lily. She loved to play outside in the park. One day, she saw a big, red "
    "ball. She wanted to play with it, but she didn't want to play with\n";

static void run_zoo(const char *checkpoint, RunResult *r) {
    char *tok = model_path("tok512.bin");
    const char *argv[] = {runner, checkpoint, "-z", tok, "-t", "0", "-i", "Zoo", "-n", "60", NULL};
    assert_int_equal(run_program(argv, NULL, r), 0);
    free(tok);
}

static void test_trailing_bytes(void **state) {
    (void)state;
    char *clean_path = model_path("stories260K.bin");
    RunResult clean;
    run_zoo(clean_path, &clean);
    assert_true(clean.exited);
    assert_int_equal(clean.status, 0);
    assert_string_equal(clean.out, zoo_60);

    char *buf = malloc(stories_len + 13);
    assert_non_null(buf);
    memcpy(buf, stories, stories_len);
    memset(buf + stories_len, 0xAB, 13);
    char *path = scratch_file("trailing.bin", buf, stories_len + 13);
    free(buf);
    RunResult r;
    run_zoo(path, &r);
    assert_true(r.exited);
    assert_int_equal(r.status, 0);
    assert_int_equal(r.out_len, clean.out_len);
    assert_memory_equal(r.out, clean.out, clean.out_len);
    char want[512];
    snprintf(want, sizeof want, "run: warning: %s: ignoring 13 trailing bytes after the weights\n", path);
    if (strncmp(r.err, want, strlen(want)) != 0) fail_msg("stderr: [%s]\nwant it to start with: [%s]", r.err, want);
    /* the clean run has no warning */
    assert_null(strstr(clean.err, "warning"));
    run_result_free(&r);
    run_result_free(&clean);
    free(path);
    free(clean_path);
}

/* ---------------------------------------------------------------------------------
 * tokenizers */

static void test_tokenizer_missing(void **state) {
    (void)state;
    char *path = path_join(scratch, "no-such-tokenizer.bin");
    EXPECT_TOKENIZER_ERROR(path, "Zoo", "run: %s: cannot open tokenizer: No such file or directory\n", path);
    free(path);
}

static void test_tokenizer_folder(void **state) {
    (void)state;
    EXPECT_TOKENIZER_ERROR(scratch, "Zoo", "run: %s: cannot read tokenizer: Is a directory\n", scratch);
}

static void test_tokenizer_too_short(void **state) {
    (void)state;
    char *path = scratch_file("tok-empty.bin", "", 0);
    EXPECT_TOKENIZER_ERROR(path, "Zoo", "run: %s: file is 0 bytes, too short for the tokenizer header\n", path);
    free(path);
    path = scratch_file("tok-3.bin", tok512, 3);
    EXPECT_TOKENIZER_ERROR(path, "Zoo", "run: %s: file is 3 bytes, too short for the tokenizer header\n", path);
    free(path);
}

/* tok512.bin cut inside token 400's record (late enough that the file is still large). */
#define CUT_TOKEN 400

static void test_tokenizer_truncated_in_score(void **state) {
    (void)state;
    char *path = scratch_file("tok-cut-score.bin", tok512, tok512_offset[CUT_TOKEN] + 2);
    EXPECT_TOKENIZER_ERROR(path, "Zoo",
                           "run: %s: truncated at token 400 of 512 (the model's vocab_size); tokenizer and model "
                           "do not match\n",
                           path);
    free(path);
}

static void test_tokenizer_truncated_in_length(void **state) {
    (void)state;
    char *path = scratch_file("tok-cut-length.bin", tok512, tok512_offset[CUT_TOKEN] + 6);
    EXPECT_TOKENIZER_ERROR(path, "Zoo",
                           "run: %s: truncated at token 400 of 512 (the model's vocab_size); tokenizer and model "
                           "do not match\n",
                           path);
    free(path);
}

static void test_tokenizer_truncated_in_string(void **state) {
    (void)state;
    size_t at = tok512_offset[CUT_TOKEN];
    uint32_t len = get_le32((const unsigned char *)tok512 + at + 4);
    assert_true(len >= 2);
    char *path = scratch_file("tok-cut-string.bin", tok512, at + 8 + 1);
    EXPECT_TOKENIZER_ERROR(path, "Zoo", "run: %s: truncated inside token 400 (length %u)\n", path, len);
    free(path);
}

/* tok512.bin with one int32 replaced at `offset`. */
static char *patched_tok512(const char *name, size_t offset, uint32_t value) {
    char *buf = malloc(tok512_len);
    assert_non_null(buf);
    memcpy(buf, tok512, tok512_len);
    put_le32((unsigned char *)buf + offset, value);
    char *path = scratch_file(name, buf, tok512_len);
    free(buf);
    return path;
}

static void test_tokenizer_bad_lengths(void **state) {
    (void)state;
    char *path = patched_tok512("tok-neg-length.bin", tok512_offset[5] + 4, (uint32_t)-1);
    EXPECT_TOKENIZER_ERROR(path, "Zoo", "run: %s: token 5 has length -1, outside 0..1048576\n", path);
    free(path);
    path = patched_tok512("tok-huge-length.bin", tok512_offset[7] + 4, 0x7fffffffu);
    EXPECT_TOKENIZER_ERROR(path, "Zoo", "run: %s: token 7 has length 2147483647, outside 0..1048576\n", path);
    free(path);
    path = patched_tok512("tok-neg-max.bin", 0, (uint32_t)-1);
    EXPECT_TOKENIZER_ERROR(path, "Zoo", "run: %s: max_token_length is -1; it must not be negative\n", path);
    free(path);
}

static void test_tokenizer_more_tokens_than_vocab(void **state) {
    (void)state;
    /* tokenizer.bin's 32000 tokens with stories260K (vocab 512): what follows token 511 is
     * left over. Its size, from this file's own walk over the records: */
    char *path = model_path("tokenizer.bin");
    size_t len;
    char *tok = read_file(path, &len);
    assert_non_null(tok);
    size_t at = 4;
    for (int i = 0; i < 512; i++) at += 8 + get_le32((const unsigned char *)tok + at + 4);
    free(tok);
    EXPECT_TOKENIZER_ERROR(path, "Zoo",
                           "run: %s: %zu bytes left after 512 tokens: the tokenizer has a larger vocabulary than "
                           "the model's vocab_size 512\n",
                           path, len - at);
    free(path);
}

static void test_tokenizer_fewer_tokens_than_vocab(void **state) {
    (void)state;
    /* tok512.bin (512 tokens, 6227 bytes) with synth32k (vocab 32000): every token takes at
     * least 8 bytes, so the file is refused before reading it */
    char *ckpt = model_path("synth32k.bin"), *tok = model_path("tok512.bin");
    expect_error(ckpt, tok, "Zoo",
                 "run: %s: 6227 bytes cannot hold 32000 tokens (the model's vocab_size); tokenizer and model do "
                 "not match\n",
                 tok);
    free(ckpt);
    free(tok);
    /* tok512.bin without its last token, with stories260K: large enough for 512 tokens, it
     * ends where token 511 should start */
    char *path = scratch_file("tok511.bin", tok512, tok512_offset[511]);
    EXPECT_TOKENIZER_ERROR(path, "Zoo",
                           "run: %s: truncated at token 511 of 512 (the model's vocab_size); tokenizer and model "
                           "do not match\n",
                           path);
    free(path);
}

static void test_tokenizer_without_space(void **state) {
    (void)state;
    /* tok512.bin with its " " token renamed "\x01\x01" (no such token exists) */
    int space = -1;
    for (int i = 0; i < 512; i++) {
        size_t at = tok512_offset[i];
        if (get_le32((const unsigned char *)tok512 + at + 4) == 1 && tok512[at + 8] == ' ') space = i;
    }
    assert_true(space > 0);
    size_t at = tok512_offset[space];
    char *buf = malloc(tok512_len + 1);
    assert_non_null(buf);
    memcpy(buf, tok512, at + 4);
    put_le32((unsigned char *)buf + at + 4, 2);
    buf[at + 8] = '\x01';
    buf[at + 9] = '\x01';
    memcpy(buf + at + 10, tok512 + at + 9, tok512_len - (at + 9));
    char *path = scratch_file("tok-nospace.bin", buf, tok512_len + 1);
    free(buf);
    EXPECT_TOKENIZER_ERROR(path, "Zoo", "run: prompt: the tokenizer has no \" \" token for the dummy prefix\n");

    /* without a prompt it needs no dummy prefix and runs */
    char *ckpt = model_path("stories260K.bin");
    RunResult r;
    run_runner(ckpt, path, NULL, &r);
    assert_true(r.exited);
    assert_int_equal(r.status, 0);
    assert_true(r.out_len > 1);
    run_result_free(&r);
    free(ckpt);
    free(path);
}

/* A model and tokenizer made from scratch, vocab 10: <unk> <s> </s> " " a b c d e f, no byte
 * tokens. dim 8, hidden 8, 1 layer, 2 heads, 2 kv heads, seq_len 8, all weights 0.
 * Floats: embedding 10*8 = 80; layer 2*8 + 64 + 2*64 + 64 + 3*64 = 464; final norm 8;
 * freq_cis 8 * 4 = 32: 584 floats, 2336 bytes, plus the header: 2364. */
static void make_tiny(char **model, char **tokenizer) {
    unsigned char ckpt[2364];
    memset(ckpt, 0, sizeof ckpt);
    const int32_t f[7] = {8, 8, 1, 2, 2, 10, 8};
    for (int i = 0; i < 7; i++) put_le32(ckpt + 4 * i, (uint32_t)f[i]);
    *model = scratch_file("tiny.bin", ckpt, sizeof ckpt);

    static const char *const pieces[10] = {"<unk>", "\n<s>\n", "\n</s>\n", " ", "a", "b", "c", "d", "e", "f"};
    unsigned char tok[256];
    size_t at = 4;
    put_le32(tok, 6);
    for (int i = 0; i < 10; i++) {
        size_t len = strlen(pieces[i]);
        put_float_le(tok + at, 0.0f);
        put_le32(tok + at + 4, (uint32_t)len);
        memcpy(tok + at + 8, pieces[i], len);
        at += 8 + len;
    }
    *tokenizer = scratch_file("tiny-tok.bin", tok, at);
}

static void test_byte_fallback_beyond_vocab(void **state) {
    (void)state;
    char *model, *tok;
    make_tiny(&model, &tok);
    /* "z" is no token: its byte token would be 0x7A + 3 = 125, beyond the 10 tokens */
    expect_error(model, tok, "az", "run: prompt: byte 0x7A has no token (byte fallback id 125, vocab_size 10)\n");
    /* the model itself is fine: "ab" is BOS " " a b; all logits are 0, so greedy picks
     * token 0 (<unk>) for the remaining 5 of the 8 positions; " " after BOS prints nothing */
    RunResult r;
    const char *argv[] = {runner, model, "-z", tok, "-t", "0", "-n", "8", "-i", "ab", NULL};
    assert_int_equal(run_program(argv, NULL, &r), 0);
    assert_true(r.exited);
    assert_int_equal(r.status, 0);
    assert_string_equal(r.out, "ab<unk><unk><unk><unk><unk>\n");
    run_result_free(&r);
    free(model);
    free(tok);
}

/* ---------------------------------------------------------------------------------
 * long prompts */

static char *filler_text(size_t len) {
    static const char sentence[] = "Once upon a time, there was a little girl named Lily. She liked to play. ";
    char *text = malloc(len + 1);
    assert_non_null(text);
    for (size_t i = 0; i < len; i++) text[i] = sentence[i % (sizeof sentence - 1)];
    text[len] = '\0';
    return text;
}

static void test_prompt_100k(void **state) {
    (void)state;
    /* The prompt is longer than seq_len (512) tokens: the run forces prompt tokens at every
     * position and prints them, so the output is the start of the prompt itself (the dummy
     * prefix's space is dropped after BOS), at least one byte per forced token (511). */
    char *prompt = filler_text(100 * 1024);
    char *ckpt = model_path("stories260K.bin"), *tok = model_path("tok512.bin");
    const char *argv[] = {runner, ckpt, "-z", tok, "-t", "0", "-n", "0", "-i", prompt, NULL};
    RunResult r;
    assert_int_equal(run_program(argv, NULL, &r), 0);
    if (!r.exited) fail_msg("killed by signal %d", r.status);
    assert_int_equal(r.status, 0);
    assert_true(r.out_len >= 511 + 1);
    assert_true(r.out_len < 100 * 1024);
    assert_int_equal(r.out[r.out_len - 1], '\n');
    assert_memory_equal(r.out, prompt, r.out_len - 1);
    run_result_free(&r);
    free(prompt);
    free(ckpt);
    free(tok);
}

static void test_chat_system_prompt_10k(void **state) {
    (void)state;
    /* The rendered prompt ("[INST] <<SYS>>\n" + 10 kB + ...) is far longer than seq_len, so
     * all 512 positions go to the prompt: nothing is printed but "Assistant: ", a newline
     * wherever the sampled token is EOS, and the final newline. */
    char *system = filler_text(10 * 1024);
    char *ckpt = model_path("stories260K.bin"), *tok = model_path("tok512.bin");
    const char *argv[] = {runner, ckpt, "-z", tok, "-m", "chat", "-y", system, "-i", "Tell me a story",
                          "-t", "0", "-n", "0", NULL};
    RunResult r;
    assert_int_equal(run_program(argv, NULL, &r), 0);
    if (!r.exited) fail_msg("killed by signal %d", r.status);
    assert_int_equal(r.status, 0);
    static const char head[] = "Assistant: ";
    assert_true(r.out_len > sizeof head - 1);
    assert_memory_equal(r.out, head, sizeof head - 1);
    for (size_t i = sizeof head - 1; i < r.out_len; i++)
        if (r.out[i] != '\n') fail_msg("byte %zu of stdout is 0x%02x, want only newlines", i, (unsigned char)r.out[i]);
    assert_int_equal(r.err_len, 0);
    run_result_free(&r);
    free(system);
    free(ckpt);
    free(tok);
}

/* one cmocka test per header case, named after its file */
#define HEADER_TEST(i) {nonpositive_cases[i].name, test_header_field, NULL, NULL, (void *)&nonpositive_cases[i]}

int main(int argc, char **argv) {
    if (argc != 3) {
        fprintf(stderr, "usage: %s RUNNER MODELS_DIR\n", argv[0]);
        return 2;
    }
    runner = argv[1];
    models_dir = argv[2];
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_checkpoint_missing),
        cmocka_unit_test(test_checkpoint_folder),
        cmocka_unit_test(test_checkpoint_shorter_than_header),
        cmocka_unit_test(test_checkpoint_ak42),
        HEADER_TEST(0),
        HEADER_TEST(1),
        HEADER_TEST(2),
        HEADER_TEST(3),
        HEADER_TEST(4),
        HEADER_TEST(5),
        HEADER_TEST(6),
        HEADER_TEST(7),
        HEADER_TEST(8),
        cmocka_unit_test(test_dim_not_divisible),
        cmocka_unit_test(test_heads_not_multiple_of_kv),
        cmocka_unit_test(test_odd_head_size),
        cmocka_unit_test(test_sizes_overflow),
        cmocka_unit_test(test_absurd_run_state),
        cmocka_unit_test(test_truncated_weights),
        cmocka_unit_test(test_trailing_bytes),
        cmocka_unit_test(test_tokenizer_missing),
        cmocka_unit_test(test_tokenizer_folder),
        cmocka_unit_test(test_tokenizer_too_short),
        cmocka_unit_test(test_tokenizer_truncated_in_score),
        cmocka_unit_test(test_tokenizer_truncated_in_length),
        cmocka_unit_test(test_tokenizer_truncated_in_string),
        cmocka_unit_test(test_tokenizer_bad_lengths),
        cmocka_unit_test(test_tokenizer_more_tokens_than_vocab),
        cmocka_unit_test(test_tokenizer_fewer_tokens_than_vocab),
        cmocka_unit_test(test_tokenizer_without_space),
        cmocka_unit_test(test_byte_fallback_beyond_vocab),
        cmocka_unit_test(test_prompt_100k),
        cmocka_unit_test(test_chat_system_prompt_10k),
    };
    return cmocka_run_group_tests_name("malformed", tests, setup, teardown) == 0 ? 0 : 1;
}
