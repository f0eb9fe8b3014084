/* Tokenizer tests: the Llama 2 reference encodings on tokenizer.bin, decoding, byte
 * fallback and merge order on small hand-made vocabularies, and the engine's encode against
 * a plain rewrite of the original's quadratic merge loop on pseudo-random texts.
 *
 * usage: test_tokenizer MODELS_DIR */
#define _XOPEN_SOURCE 700
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "host/tokenizer.h"
#include "tests/testutil.h"

static const char *models_dir;
static Tokenizer llama;  /* tokenizer.bin, 32000 tokens */
static Tokenizer tok512; /* tok512.bin, 512 tokens */

static int load_tokenizers(void **state) {
    (void)state;
    ErrorText err;
    char *path = path_join(models_dir, "tokenizer.bin");
    if (tokenizer_load(&llama, path, 32000, &err) != 0) {
        fprintf(stderr, "%s\n", err.text);
        return -1;
    }
    free(path);
    path = path_join(models_dir, "tok512.bin");
    if (tokenizer_load(&tok512, path, 512, &err) != 0) {
        fprintf(stderr, "%s\n", err.text);
        return -1;
    }
    free(path);
    return 0;
}

static int free_tokenizers(void **state) {
    (void)state;
    tokenizer_free(&llama);
    tokenizer_free(&tok512);
    return 0;
}

/* Encodes text with BOS and no EOS and compares with want. */
static void check_encoding(const Tokenizer *t, const char *text, const int *want, int want_n) {
    int *tokens = malloc(tokenizer_max_tokens(strlen(text)) * sizeof *tokens);
    assert_non_null(tokens);
    int n = -1;
    ErrorText err;
    err.text[0] = '\0';
    if (encode(t, text, 1, 0, tokens, &n, &err) != 0) fail_msg("encode failed: %s", err.text);
    if (n != want_n) {
        print_error("got %d tokens, want %d:", n, want_n);
        for (int i = 0; i < n; i++) print_error(" %d", tokens[i]);
        print_error("\n");
    }
    assert_int_equal(n, want_n);
    for (int i = 0; i < n; i++) {
        if (tokens[i] != want[i]) fail_msg("token %d is %d, want %d", i, tokens[i], want[i]);
    }
    free(tokens);
}

#define CHECK_ENCODING(t, text, ...)                                                  \
    do {                                                                              \
        static const int want_[] = {__VA_ARGS__};                                     \
        check_encoding(t, text, want_, (int)(sizeof want_ / sizeof want_[0]));        \
    } while (0)

/* ---------------------------------------------------------------------------------
 * The Llama 2 reference encodings (sentencepiece, BOS, no EOS) */

static void test_encode_empty(void **state) {
    (void)state;
    CHECK_ENCODING(&llama, "", 1);
}

static void test_encode_meaning_of_life(void **state) {
    (void)state;
    CHECK_ENCODING(&llama, "I believe the meaning of life is", 1, 306, 4658, 278, 6593, 310, 2834, 338);
}

static void test_encode_relativity(void **state) {
    (void)state;
    CHECK_ENCODING(&llama, "Simply put, the theory of relativity states that ", 1, 3439, 17632, 1925, 29892, 278,
                   6368, 310, 14215, 537, 5922, 393, 29871);
}

static void test_encode_brief_message(void **state) {
    (void)state;
    CHECK_ENCODING(&llama, "A brief message congratulating the team on the launch:\n\n        Hi everyone,\n\n        I just ",
                   1, 319, 11473, 2643, 378, 629, 271, 18099, 278, 3815, 373, 278, 6826, 29901, 13, 13, 4706, 6324,
                   14332, 29892, 13, 13, 4706, 306, 925, 29871);
}

static void test_encode_translate(void **state) {
    (void)state;
    CHECK_ENCODING(&llama,
                   "Translate English to French:\n\n        sea otter => loutre de mer\n        peppermint => menthe "
                   "poivr\xc3\xa9" "e\n        plush girafe => girafe peluche\n        cheese =>",
                   1, 4103, 9632, 4223, 304, 5176, 29901, 13, 13, 4706, 7205, 4932, 357, 1149, 301, 449, 276, 316,
                   2778, 13, 4706, 1236, 407, 837, 524, 1149, 6042, 354, 772, 440, 29878, 1318, 13, 4706, 715, 1878,
                   330, 3055, 1725, 1149, 330, 3055, 1725, 4639, 28754, 13, 4706, 923, 968, 1149);
}

/* U+1F642 is not in the vocabulary: its four UTF-8 bytes F0 9F 99 82 fall back to the byte
 * tokens <0xF0> <0x9F> <0x99> <0x82>, ids byte + 3 = 243 162 156 133, after the dummy
 * prefix " " (29871), which merges with none of them. "caf" is 274, "\xc3\xa9" (e) 28059,
 * "!" 29991. (Checked once against an independent Python rewrite of the original encoder
 * reading tokenizer.bin, and by hand for the byte ids.) */
static void test_encode_byte_fallback_llama(void **state) {
    (void)state;
    CHECK_ENCODING(&llama, "\xf0\x9f\x99\x82", 1, 29871, 243, 162, 156, 133);
    CHECK_ENCODING(&llama, "caf\xc3\xa9 \xf0\x9f\x99\x82!", 1, 274, 28059, 29871, 243, 162, 156, 133, 29991);
}

static void test_encode_bos_eos_flags(void **state) {
    (void)state;
    int tokens[16], n = -1;
    ErrorText err;
    /* no BOS, with EOS: " I" is 306, "</s>" is 2 */
    assert_int_equal(encode(&llama, "I", 0, 1, tokens, &n, &err), 0);
    assert_int_equal(n, 2);
    assert_int_equal(tokens[0], 306);
    assert_int_equal(tokens[1], 2);
    /* empty text: no dummy prefix, just the flags */
    assert_int_equal(encode(&llama, "", 1, 1, tokens, &n, &err), 0);
    assert_int_equal(n, 2);
    assert_int_equal(tokens[0], 1);
    assert_int_equal(tokens[1], 2);
    assert_int_equal(encode(&llama, "", 0, 0, tokens, &n, &err), 0);
    assert_int_equal(n, 0);
}

/* ---------------------------------------------------------------------------------
 * decode and printable_piece */

static void test_decode_strips_space_after_bos(void **state) {
    (void)state;
    /* 306 is " I" in tokenizer.bin */
    assert_string_equal(llama.vocab[306], " I");
    assert_string_equal(decode(&llama, 1, 306), "I");
    assert_string_equal(decode(&llama, 278, 306), " I");
    assert_string_equal(decode(&llama, 2, 306), " I");
    /* the lone " " piece (29871) becomes empty after BOS */
    assert_string_equal(decode(&llama, 1, 29871), "");
    assert_string_equal(decode(&llama, 306, 29871), " ");
    /* a piece without a leading space is unchanged after BOS: 29892 is "," */
    assert_string_equal(llama.vocab[29892], ",");
    assert_string_equal(decode(&llama, 1, 29892), ",");
}

static void test_decode_byte_tokens(void **state) {
    (void)state;
    /* ids 3..258 are <0x00>..<0xFF> */
    assert_string_equal(llama.vocab[13], "<0x0A>");
    assert_string_equal(decode(&llama, 29892, 13), "\n");
    assert_string_equal(decode(&llama, 1, 13), "\n");
    assert_string_equal(decode(&llama, 5, 3 + 'A'), "A");
    const char *b = decode(&llama, 5, 3 + 0x80);
    assert_int_equal((unsigned char)b[0], 0x80);
    assert_int_equal(b[1], '\0');
    b = decode(&llama, 5, 3 + 0xFF);
    assert_int_equal((unsigned char)b[0], 0xFF);
    assert_int_equal(b[1], '\0');
    /* <0x00> decodes to an empty C string */
    assert_string_equal(decode(&llama, 5, 3), "");
    /* tok512 has the same byte tokens */
    assert_string_equal(decode(&tok512, 100, 13), "\n");
}

static void test_printable_piece(void **state) {
    (void)state;
    assert_null(printable_piece(NULL));
    assert_null(printable_piece(""));
    /* lone bytes that are neither printable nor white space are dropped */
    assert_null(printable_piece("\x01"));
    assert_null(printable_piece("\x7f"));
    assert_null(printable_piece("\x80"));
    assert_null(printable_piece("\xff"));
    assert_null(printable_piece(decode(&llama, 5, 3 + 0x1b))); /* ESC */
    assert_null(printable_piece(decode(&llama, 5, 3 + 0xc3))); /* half of a UTF-8 character */
    /* white space and printable ASCII are kept */
    const char *nl = decode(&llama, 5, 13);
    assert_ptr_equal(printable_piece(nl), nl);
    assert_string_equal(printable_piece("\t"), "\t");
    assert_string_equal(printable_piece("\r"), "\r");
    assert_string_equal(printable_piece("\v"), "\v");
    assert_string_equal(printable_piece("\f"), "\f");
    assert_string_equal(printable_piece(" "), " ");
    assert_string_equal(printable_piece("~"), "~");
    /* longer pieces are kept whatever they hold */
    assert_string_equal(printable_piece("\x01\x02"), "\x01\x02");
    assert_string_equal(printable_piece("\xc3\xa9"), "\xc3\xa9");
    assert_string_equal(printable_piece(" I"), " I");
}

/* ---------------------------------------------------------------------------------
 * Hand-made vocabularies */

typedef struct {
    const char *str;
    float score;
} Piece;

/* A tokenizer image: <unk> <s> </s>, the 256 byte tokens when with_bytes, then extra. */
static unsigned char *make_image(const Piece *extra, int n_extra, int with_bytes, size_t *size, int *vocab) {
    int n = 3 + (with_bytes ? 256 : 0) + n_extra;
    unsigned char *image = malloc(4 + (size_t)n * (8 + 64));
    assert_non_null(image);
    size_t at = 4;
    put_le32(image, 16);
    char name[16];
    for (int i = 0; i < n; i++) {
        const char *s;
        float score = 0.0f;
        if (i < 3) {
            static const char *const special[3] = {"<unk>", "\n<s>\n", "\n</s>\n"};
            s = special[i];
        } else if (with_bytes && i < 259) {
            snprintf(name, sizeof name, "<0x%02X>", i - 3);
            s = name;
        } else {
            s = extra[i - 3 - (with_bytes ? 256 : 0)].str;
            score = extra[i - 3 - (with_bytes ? 256 : 0)].score;
        }
        size_t len = strlen(s);
        assert_true(len <= 64);
        put_float_le(image + at, score);
        put_le32(image + at + 4, (uint32_t)len);
        memcpy(image + at + 8, s, len);
        at += 8 + len;
    }
    *size = at;
    *vocab = n;
    return image;
}

static void make_tokenizer(Tokenizer *t, const Piece *extra, int n_extra, int with_bytes) {
    size_t size;
    int vocab;
    unsigned char *image = make_image(extra, n_extra, with_bytes, &size, &vocab);
    ErrorText err;
    if (tokenizer_init_from_image(t, image, size, vocab, "hand-made", &err) != 0) fail_msg("%s", err.text);
    free(image);
}

/* ids: 259 " ", 260 "a", 261 "b", 262 "c", 263 "\xc3\xa9" (e acute), 264 "ab", 265 "bc",
 * 266 "aa", 267 " a" */
static const Piece small_pieces[] = {
    {" ", 0.0f}, {"a", 0.0f}, {"b", 0.0f}, {"c", 0.0f}, {"\xc3\xa9", 0.0f},
    {"ab", 1.0f}, {"bc", 2.0f}, {"aa", 1.0f}, {" a", -1e10f},
};

static void test_byte_fallback_small(void **state) {
    (void)state;
    Tokenizer t;
    make_tokenizer(&t, small_pieces, (int)(sizeof small_pieces / sizeof small_pieces[0]), 1);
    /* a UTF-8 character in the vocabulary is one token */
    CHECK_ENCODING(&t, "\xc3\xa9", 1, 259, 263);
    /* u umlaut (C3 BC) is not: bytes 0xC3 + 3 = 198, 0xBC + 3 = 191 */
    CHECK_ENCODING(&t, "\xc3\xbc", 1, 259, 198, 191);
    /* a four-byte character: F0 9F 99 82 -> 243 162 156 133 */
    CHECK_ENCODING(&t, "c\xf0\x9f\x99\x82" "c", 1, 259, 262, 243, 162, 156, 133, 262);
    /* a stray continuation byte and a truncated sequence fall back byte by byte */
    CHECK_ENCODING(&t, "\x80", 1, 259, 131);
    CHECK_ENCODING(&t, "\xc3", 1, 259, 198);
    /* five continuation bytes after a lead byte: the original cuts a "character" at 4 bytes */
    CHECK_ENCODING(&t, "\xf0\x80\x80\x80\x80", 1, 259, 243, 131, 131, 131, 131);
    tokenizer_free(&t);
}

static void test_merge_order_small(void **state) {
    (void)state;
    Tokenizer t;
    make_tokenizer(&t, small_pieces, (int)(sizeof small_pieces / sizeof small_pieces[0]), 1);
    /* "abc": "bc" (2) beats "ab" (1) although it is to the right */
    CHECK_ENCODING(&t, "abc", 1, 259, 260, 265);
    /* "aaa": both "aa" pairs score 1; the leftmost merges, the rest cannot */
    CHECK_ENCODING(&t, "aaa", 1, 259, 266, 260);
    /* "aaaa": the leftmost pair first, then the next free pair: aa aa */
    CHECK_ENCODING(&t, "aaaa", 1, 259, 266, 266);
    /* " a" has score -1e10, not above the original's starting best_score: never merged */
    CHECK_ENCODING(&t, "a", 1, 259, 260);
    /* "abab": the two "ab" pairs score 1, "ba" is no token: ab ab */
    CHECK_ENCODING(&t, "abab", 1, 259, 264, 264);
    tokenizer_free(&t);

    /* the same with " a" at -9.9e9 (above -1e10): merged */
    Piece p[sizeof small_pieces / sizeof small_pieces[0]];
    memcpy(p, small_pieces, sizeof p);
    p[8].score = -9.9e9f;
    make_tokenizer(&t, p, (int)(sizeof p / sizeof p[0]), 1);
    CHECK_ENCODING(&t, "a", 1, 267);
    CHECK_ENCODING(&t, "ac", 1, 267, 262);
    /* but "aa" (1) still goes first: " " aa b, and " aa" is no token */
    CHECK_ENCODING(&t, "aab", 1, 259, 266, 261);
    tokenizer_free(&t);

    /* a NaN score is never above the best: "ab" with NaN does not merge */
    p[8].score = -1e10f;
    p[5].score = nanf("");
    make_tokenizer(&t, p, (int)(sizeof p / sizeof p[0]), 1);
    CHECK_ENCODING(&t, "ab", 1, 259, 260, 261);
    tokenizer_free(&t);
}

static void test_byte_fallback_beyond_vocab(void **state) {
    (void)state;
    /* no byte tokens: ids 3 " ", 4 "a"; 'z' would be byte token 0x7A + 3 = 125 */
    static const Piece pieces[] = {{" ", 0.0f}, {"a", 0.0f}};
    Tokenizer t;
    make_tokenizer(&t, pieces, 2, 0);
    assert_int_equal(t.vocab_size, 5);
    CHECK_ENCODING(&t, "aa", 1, 3, 4, 4);
    int tokens[16], n;
    ErrorText err;
    assert_int_equal(encode(&t, "az", 1, 0, tokens, &n, &err), -1);
    assert_string_equal(err.text, "byte 0x7A has no token (byte fallback id 125, vocab_size 5)");
    /* the very first byte of the fallback is checked: 0xC3 -> 198 */
    assert_int_equal(encode(&t, "\xc3\xbc", 1, 0, tokens, &n, &err), -1);
    assert_string_equal(err.text, "byte 0xC3 has no token (byte fallback id 198, vocab_size 5)");
    tokenizer_free(&t);
}

static void test_no_space_token(void **state) {
    (void)state;
    static const Piece pieces[] = {{"a", 0.0f}};
    Tokenizer t;
    make_tokenizer(&t, pieces, 1, 1);
    int tokens[16], n;
    ErrorText err;
    assert_int_equal(encode(&t, "a", 1, 0, tokens, &n, &err), -1);
    assert_string_equal(err.text, "the tokenizer has no \" \" token for the dummy prefix");
    /* the empty text needs no dummy prefix */
    assert_int_equal(encode(&t, "", 1, 0, tokens, &n, &err), 0);
    assert_int_equal(n, 1);
    tokenizer_free(&t);
}

/* ---------------------------------------------------------------------------------
 * The engine's encode against a plain rewrite of the original's algorithm: a sorted index
 * searched with bsearch, then the quadratic loop that merges the best-scoring pair (the
 * first on equal scores) until none is left. */

typedef struct {
    const char *str;
    int id;
} RefEntry;

static int ref_compare(const void *a, const void *b) {
    return strcmp(((const RefEntry *)a)->str, ((const RefEntry *)b)->str);
}

typedef struct {
    RefEntry *sorted;
    int n;
    char **vocab;
    float *scores;
} RefTokenizer;

static void ref_init(RefTokenizer *r, const Tokenizer *t) {
    r->n = t->vocab_size;
    r->vocab = t->vocab;
    r->scores = t->vocab_scores;
    r->sorted = malloc((size_t)r->n * sizeof *r->sorted);
    assert_non_null(r->sorted);
    for (int i = 0; i < r->n; i++) {
        r->sorted[i].str = t->vocab[i];
        r->sorted[i].id = i;
    }
    qsort(r->sorted, (size_t)r->n, sizeof *r->sorted, ref_compare);
    /* the vocabularies used here have no duplicate strings, so any match is the match */
    for (int i = 1; i < r->n; i++) assert_true(strcmp(r->sorted[i - 1].str, r->sorted[i].str) != 0);
}

static int ref_lookup(const RefTokenizer *r, const char *s) {
    RefEntry key = {s, 0};
    const RefEntry *e = bsearch(&key, r->sorted, (size_t)r->n, sizeof *r->sorted, ref_compare);
    return e ? e->id : -1;
}

static int ref_encode(const RefTokenizer *r, const char *text, int *tokens) {
    int n = 0;
    tokens[n++] = 1;
    if (text[0] != '\0') tokens[n++] = ref_lookup(r, " ");
    size_t len = strlen(text);
    for (size_t i = 0; i < len;) {
        size_t j = i + 1; /* a lead byte and up to three continuation bytes */
        while (j < len && ((unsigned char)text[j] & 0xC0) == 0x80 && j - i < 4) j++;
        char ch[5];
        memcpy(ch, text + i, j - i);
        ch[j - i] = '\0';
        int id = ref_lookup(r, ch);
        if (id >= 0) tokens[n++] = id;
        else
            for (size_t k = i; k < j; k++) tokens[n++] = (unsigned char)text[k] + 3;
        i = j;
    }
    char *buf = malloc(2 * 1024 + 1);
    assert_non_null(buf);
    for (;;) {
        float best = -1e10f;
        int best_i = -1, best_id = -1;
        for (int i = 0; i + 1 < n; i++) {
            snprintf(buf, 2 * 1024 + 1, "%s%s", r->vocab[tokens[i]], r->vocab[tokens[i + 1]]);
            int id = ref_lookup(r, buf);
            if (id >= 0 && r->scores[id] > best) {
                best = r->scores[id];
                best_i = i;
                best_id = id;
            }
        }
        if (best_i < 0) break;
        tokens[best_i] = best_id;
        memmove(tokens + best_i + 1, tokens + best_i + 2, (size_t)(n - best_i - 2) * sizeof *tokens);
        n--;
    }
    free(buf);
    return n;
}

static uint64_t text_rng = 0x9E3779B97F4A7C15ull;
static uint32_t next_random(void) {
    text_rng ^= text_rng >> 12;
    text_rng ^= text_rng << 25;
    text_rng ^= text_rng >> 27;
    return (uint32_t)((text_rng * 0x2545F4914F6CDD1Dull) >> 32);
}

/* Random text from words, spaces, punctuation, UTF-8 characters and stray bytes. */
static void random_text(char *out, size_t max) {
    static const char *const parts[] = {
        "the", " the", "a", "aa", "aaa", " ", "  ", "   ", "\n", "\t", "Once", " upon", " time", "Lily", ",",
        ".", "!", "?", "'", "\"", "ing", "ed", "s", "er", "un", "re", "tion", "12", "3", "0", "\xc3\xa9",
        "\xc3\xbc", "\xe2\x80\x99", "\xe4\xb8\xad", "\xf0\x9f\x99\x82", "\x80", "\xc3", "\xff", "\x01", "<0x41>",
        "<s>", "</s>", "dog", "cat", "ball", "play", "ed", "xyzzy", "QQ", "qu", "zz",
    };
    size_t n = 0, nparts = sizeof parts / sizeof parts[0];
    size_t want = next_random() % max;
    while (n < want) {
        const char *p = parts[next_random() % nparts];
        size_t len = strlen(p);
        if (n + len >= max) break;
        memcpy(out + n, p, len);
        n += len;
    }
    out[n] = '\0';
}

static void differential(const Tokenizer *t, int texts, size_t max_len) {
    RefTokenizer r;
    ref_init(&r, t);
    char *text = malloc(max_len + 1);
    int *want = malloc((max_len + 3) * sizeof *want);
    int *got = malloc(tokenizer_max_tokens(max_len) * sizeof *got);
    assert_true(text && want && got);
    for (int k = 0; k < texts; k++) {
        random_text(text, max_len);
        int want_n = ref_encode(&r, text, want), got_n = -1;
        ErrorText err;
        if (encode(t, text, 1, 0, got, &got_n, &err) != 0) fail_msg("encode: %s", err.text);
        if (got_n != want_n || memcmp(got, want, (size_t)got_n * sizeof *got) != 0)
            fail_msg("text %d (%zu bytes) encodes to %d tokens, the reference to %d", k, strlen(text), got_n, want_n);
    }
    free(text);
    free(want);
    free(got);
    free(r.sorted);
}

static void test_differential_llama(void **state) {
    (void)state;
    differential(&llama, 300, 300);
}

static void test_differential_tok512(void **state) {
    (void)state;
    differential(&tok512, 600, 400);
}

/* Equal scores everywhere: the leftmost pair must win at every step. */
static void test_differential_equal_scores(void **state) {
    (void)state;
    Piece p[] = {{" ", 0}, {"a", 0}, {"b", 0}, {"aa", 5}, {"ab", 5}, {"ba", 5}, {"bb", 5}, {"aaa", 5},
                 {"aab", 5}, {"aba", 5}, {"abb", 5}, {"aaaa", 5}, {"abab", 5}, {" a", 5}, {" b", 5}, {" aa", 5}};
    Tokenizer t;
    make_tokenizer(&t, p, (int)(sizeof p / sizeof p[0]), 1);
    RefTokenizer r;
    ref_init(&r, &t);
    char text[64];
    int want[80], got[80];
    for (int k = 0; k < 2000; k++) {
        size_t len = next_random() % 40;
        for (size_t i = 0; i < len; i++) text[i] = (next_random() & 1) ? 'a' : 'b';
        text[len] = '\0';
        int want_n = ref_encode(&r, text, want), got_n;
        ErrorText err;
        assert_int_equal(encode(&t, text, 1, 0, got, &got_n, &err), 0);
        if (got_n != want_n || memcmp(got, want, (size_t)got_n * sizeof *got) != 0)
            fail_msg("\"%s\": %d tokens, the reference %d", text, got_n, want_n);
    }
    free(r.sorted);
    tokenizer_free(&t);
}

/* A 100 kB prompt encodes (in well under a second) into tokens whose pieces spell the text. */
static void test_long_text_round_trip(void **state) {
    (void)state;
    static const char sentence[] = "Once upon a time, there was a little girl named Lily. She liked to play! ";
    size_t len = 100 * 1024;
    char *text = malloc(len + 1);
    assert_non_null(text);
    for (size_t i = 0; i < len; i++) text[i] = sentence[i % (sizeof sentence - 1)];
    text[len] = '\0';
    int *tokens = malloc(tokenizer_max_tokens(len) * sizeof *tokens);
    char *joined = malloc(len + 2);
    assert_true(tokens && joined);
    const Tokenizer *ts[2] = {&llama, &tok512};
    for (int k = 0; k < 2; k++) {
        int n;
        ErrorText err;
        assert_int_equal(encode(ts[k], text, 1, 0, tokens, &n, &err), 0);
        assert_int_equal(tokens[0], 1);
        size_t at = 0;
        for (int i = 1; i < n; i++) {
            const char *piece = ts[k]->vocab[tokens[i]];
            size_t pl = strlen(piece);
            assert_true(at + pl <= len + 1);
            memcpy(joined + at, piece, pl);
            at += pl;
        }
        /* the dummy prefix " " comes first */
        assert_int_equal(at, len + 1);
        assert_int_equal(joined[0], ' ');
        assert_memory_equal(joined + 1, text, len);
        /* BPE must have merged a lot: fewer tokens than a third of the bytes */
        assert_true((size_t)n < len / 3);
    }
    free(text);
    free(tokens);
    free(joined);
}

int main(int argc, char **argv) {
    if (argc != 2) {
        fprintf(stderr, "usage: %s MODELS_DIR\n", argv[0]);
        return 2;
    }
    models_dir = argv[1];
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_encode_empty),
        cmocka_unit_test(test_encode_meaning_of_life),
        cmocka_unit_test(test_encode_relativity),
        cmocka_unit_test(test_encode_brief_message),
        cmocka_unit_test(test_encode_translate),
        cmocka_unit_test(test_encode_byte_fallback_llama),
        cmocka_unit_test(test_encode_bos_eos_flags),
        cmocka_unit_test(test_decode_strips_space_after_bos),
        cmocka_unit_test(test_decode_byte_tokens),
        cmocka_unit_test(test_printable_piece),
        cmocka_unit_test(test_byte_fallback_small),
        cmocka_unit_test(test_merge_order_small),
        cmocka_unit_test(test_byte_fallback_beyond_vocab),
        cmocka_unit_test(test_no_space_token),
        cmocka_unit_test(test_differential_llama),
        cmocka_unit_test(test_differential_tok512),
        cmocka_unit_test(test_differential_equal_scores),
        cmocka_unit_test(test_long_text_round_trip),
    };
    return cmocka_run_group_tests_name("tokenizer", tests, load_tokenizers, free_tokenizers) == 0 ? 0 : 1;
}
