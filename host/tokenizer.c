/* BPE tokenizer, after llama2.c's run.c.
 *
 * File: int32 max_token_length, then per token: float32 score, int32 length, the bytes.
 * Lookups sort the vocabulary with a stable merge sort and search it with the classic
 * halving bsearch, so the result is the same on every libc. */
#include "host/tokenizer.h"

#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/byte_piece.h"
#include "host/byteorder.h"

/* Longest token string we accept: far above any real vocabulary, small enough for int math. */
#define TOKEN_LENGTH_LIMIT (1 << 20)

static int compare_tokens(const TokenIndex *a, const TokenIndex *b) { return strcmp(a->str, b->str); }

/* Stable merge sort of TokenIndex by string. */
static void sort_tokens(TokenIndex *items, TokenIndex *scratch, size_t n) {
    if (n < 2) return;
    size_t half = n / 2;
    sort_tokens(items, scratch, half);
    sort_tokens(items + half, scratch, n - half);
    size_t i = 0, j = half, k = 0;
    while (i < half && j < n) scratch[k++] = compare_tokens(&items[j], &items[i]) < 0 ? items[j++] : items[i++];
    while (i < half) scratch[k++] = items[i++];
    while (j < n) scratch[k++] = items[j++];
    memcpy(items, scratch, n * sizeof *items);
}

int str_lookup(const char *str, const TokenIndex *sorted_vocab, int vocab_size) {
    size_t lo = 0, hi = (size_t)vocab_size;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        int c = strcmp(str, sorted_vocab[mid].str);
        if (c < 0) hi = mid;
        else if (c > 0) lo = mid + 1;
        else return sorted_vocab[mid].id;
    }
    return -1;
}

void tokenizer_free(Tokenizer *t) {
    if (t->vocab != NULL)
        for (int i = 0; i < t->vocab_size; i++) free(t->vocab[i]);
    free(t->vocab);
    free(t->vocab_scores);
    free(t->sorted_vocab);
    free(t->merge_buffer);
    memset(t, 0, sizeof *t);
}

int tokenizer_init_from_image(Tokenizer *t, const unsigned char *image, size_t size, int vocab_size,
                              const char *name, ErrorText *err) {
    memset(t, 0, sizeof *t);
    for (int i = 0; i < 256; i++) {
        t->byte_pieces[i * 2] = (unsigned char)i;
        t->byte_pieces[i * 2 + 1] = '\0';
    }
    if (vocab_size <= 0) return error_set(err, "%s: vocab_size %d is not positive", name, vocab_size);
    if (size < 4) return error_set(err, "%s: file is %zu bytes, too short for the tokenizer header", name, size);
    int32_t max_len = le32_read_int(image);
    if (max_len < 0) return error_set(err, "%s: max_token_length is %d; it must not be negative", name, (int)max_len);
    t->max_token_length = (unsigned int)max_len;
    /* every token takes at least 8 bytes (score, length): a short file cannot make us
     * allocate for the vocabulary a model claims */
    if ((size - 4) / 8 < (size_t)vocab_size)
        return error_set(err, "%s: %zu bytes cannot hold %d tokens (the model's vocab_size); "
                              "tokenizer and model do not match", name, size, vocab_size);

    t->vocab_size = vocab_size;
    t->vocab = calloc((size_t)vocab_size, sizeof *t->vocab);
    t->vocab_scores = malloc((size_t)vocab_size * sizeof *t->vocab_scores);
    t->sorted_vocab = malloc((size_t)vocab_size * sizeof *t->sorted_vocab);
    if (!t->vocab || !t->vocab_scores || !t->sorted_vocab) {
        tokenizer_free(t);
        return error_set(err, "%s: out of memory for %d tokens", name, vocab_size);
    }
    size_t at = 4;
    for (int i = 0; i < vocab_size; i++) {
        if (size - at < 8) {
            tokenizer_free(t);
            return error_set(err, "%s: truncated at token %d of %d (the model's vocab_size); "
                                  "tokenizer and model do not match", name, i, vocab_size);
        }
        t->vocab_scores[i] = le32_read_float(image + at);
        int32_t len = le32_read_int(image + at + 4);
        at += 8;
        if (len < 0 || len > TOKEN_LENGTH_LIMIT) {
            tokenizer_free(t);
            return error_set(err, "%s: token %d has length %d, outside 0..%d", name, i, (int)len, TOKEN_LENGTH_LIMIT);
        }
        if (size - at < (size_t)len) {
            tokenizer_free(t);
            return error_set(err, "%s: truncated inside token %d (length %d)", name, i, (int)len);
        }
        t->vocab[i] = malloc((size_t)len + 1);
        if (t->vocab[i] == NULL) {
            tokenizer_free(t);
            return error_set(err, "%s: out of memory", name);
        }
        memcpy(t->vocab[i], image + at, (size_t)len);
        t->vocab[i][len] = '\0';
        at += (size_t)len;
        /* a NUL inside a token ends it, as the original's C strings do */
        size_t piece_len = strlen(t->vocab[i]);
        if (piece_len > t->longest_piece) t->longest_piece = piece_len;
    }
    if (at != size) {
        size_t extra = size - at;
        tokenizer_free(t);
        return error_set(err, "%s: %zu bytes left after %d tokens: the tokenizer has a larger vocabulary "
                              "than the model's vocab_size %d", name, extra, vocab_size, vocab_size);
    }
    TokenIndex *scratch = malloc((size_t)vocab_size * sizeof *scratch);
    t->merge_buffer = malloc(t->longest_piece * 2 + 1 + 4);
    if (scratch == NULL || t->merge_buffer == NULL) {
        free(scratch);
        tokenizer_free(t);
        return error_set(err, "%s: out of memory", name);
    }
    for (int i = 0; i < vocab_size; i++) {
        t->sorted_vocab[i].str = t->vocab[i];
        t->sorted_vocab[i].id = i;
    }
    sort_tokens(t->sorted_vocab, scratch, (size_t)vocab_size);
    free(scratch);
    return 0;
}

int tokenizer_load(Tokenizer *t, const char *path, int vocab_size, ErrorText *err) {
    return tokenizer_load_watched(t, path, vocab_size, NULL, err);
}

int tokenizer_load_watched(Tokenizer *t, const char *path, int vocab_size, InputWatch *watch, ErrorText *err) {
    memset(t, 0, sizeof *t);
    FILE *f = input_file_open(path, "tokenizer", watch, err);
    if (f == NULL) return -1;
    size_t cap = 1 << 16, size = 0;
    unsigned char *image = malloc(cap);
    int read_errno = 0;
    while (image != NULL) {
        size += fread(image + size, 1, cap - size, f);
        if (ferror(f)) { read_errno = errno; break; } /* a folder, an I/O error */
        if (size < cap) break;
        /* a tokenizer of the model's vocabulary cannot be larger than this (a division:
         * the product overflows a 32-bit size_t); nor can a buffer double past SIZE_MAX */
        if (cap / (8 + TOKEN_LENGTH_LIMIT) > (size_t)vocab_size || cap > SIZE_MAX / 2) break;
        unsigned char *bigger = realloc(image, cap * 2);
        if (bigger == NULL) { free(image); image = NULL; break; }
        image = bigger;
        cap *= 2;
    }
    int read_failed = ferror(f);
    fclose(f);
    if (image == NULL) return error_set(err, "%s: out of memory", path);
    if (read_failed) {
        free(image);
        return error_set(err, "%s: cannot read tokenizer: %s", path, strerror(read_errno));
    }
    if (watch != NULL && watch->consume != NULL) watch->consume(watch->context, image, size);
    int rc = tokenizer_init_from_image(t, image, size, vocab_size, path, err);
    free(image);
    return rc;
}

size_t tokenizer_max_tokens(size_t text_len) { return text_len + 3; /* BOS, dummy prefix, EOS */ }

/* A mergeable pair of neighbours in the linked list of tokens: left node, right node, the
 * versions both had when the pair was seen, and what they merge into. */
typedef struct {
    float score;
    int left, right;
    unsigned left_version, right_version;
    int id;
} MergeCandidate;

/* Heap order: the better score first; on equal scores the leftmost pair. Nodes keep their
 * order in the list, so the left node's index orders pairs as the original's scan does. */
static int candidate_before(const MergeCandidate *a, const MergeCandidate *b) {
    if (a->score > b->score) return 1;
    if (a->score < b->score) return 0;
    return a->left < b->left;
}

typedef struct {
    MergeCandidate *items;
    size_t count;
} MergeHeap;

static void heap_push(MergeHeap *h, MergeCandidate c) {
    size_t i = h->count++;
    while (i > 0) {
        size_t parent = (i - 1) / 2;
        if (!candidate_before(&c, &h->items[parent])) break;
        h->items[i] = h->items[parent];
        i = parent;
    }
    h->items[i] = c;
}

static MergeCandidate heap_pop(MergeHeap *h) {
    MergeCandidate top = h->items[0];
    MergeCandidate last = h->items[--h->count];
    size_t i = 0;
    for (;;) {
        size_t child = 2 * i + 1;
        if (child >= h->count) break;
        if (child + 1 < h->count && candidate_before(&h->items[child + 1], &h->items[child])) child++;
        if (!candidate_before(&h->items[child], &last)) break;
        h->items[i] = h->items[child];
        i = child;
    }
    if (h->count > 0) h->items[i] = last;
    return top;
}

typedef struct {
    int *token, *next, *prev;
    unsigned *version; /* changes whenever the node's token changes or the node goes away */
    MergeHeap heap;
} MergeState;

/* Pushes the pair (left, right) if their concatenation is a token the original would merge. */
static void consider_pair(const Tokenizer *t, MergeState *m, int left, int right) {
    char *pair = t->merge_buffer;
    const char *a = t->vocab[m->token[left]];
    size_t a_len = strlen(a);
    memcpy(pair, a, a_len);
    strcpy(pair + a_len, t->vocab[m->token[right]]);
    int id = str_lookup(pair, t->sorted_vocab, t->vocab_size);
    const float floor_score = -1e10f; /* the original's initial best_score */
    if (id == -1 || !(t->vocab_scores[id] > floor_score)) return;
    MergeCandidate c = {t->vocab_scores[id], left, right, m->version[left], m->version[right], id};
    heap_push(&m->heap, c);
}

static int merge_pairs(const Tokenizer *t, int *tokens, int *n_tokens, ErrorText *err) {
    int n = *n_tokens;
    if (n < 2) return 0;
    MergeState m;
    m.token = malloc((size_t)n * sizeof *m.token);
    m.next = malloc((size_t)n * sizeof *m.next);
    m.prev = malloc((size_t)n * sizeof *m.prev);
    m.version = malloc((size_t)n * sizeof *m.version);
    /* n - 1 initial pairs, then at most two new ones per merge (n - 1 merges) */
    m.heap.items = malloc((size_t)n * 3 * sizeof *m.heap.items);
    m.heap.count = 0;
    int rc = 0;
    if (!m.token || !m.next || !m.prev || !m.version || !m.heap.items) {
        rc = error_set(err, "out of memory merging %d tokens", n);
        goto done;
    }
    for (int i = 0; i < n; i++) {
        m.token[i] = tokens[i];
        m.next[i] = i + 1 < n ? i + 1 : -1;
        m.prev[i] = i - 1;
        m.version[i] = 0;
    }
    for (int i = 0; i + 1 < n; i++) consider_pair(t, &m, i, i + 1);
    while (m.heap.count > 0) {
        MergeCandidate c = heap_pop(&m.heap);
        /* stale: one of the nodes changed or went away since the pair was pushed */
        if (m.version[c.left] != c.left_version || m.version[c.right] != c.right_version ||
            m.next[c.left] != c.right)
            continue;
        int after = m.next[c.right];
        m.token[c.left] = c.id;
        m.version[c.left]++;
        m.version[c.right]++;
        m.next[c.left] = after;
        if (after != -1) m.prev[after] = c.left;
        if (m.prev[c.left] != -1) consider_pair(t, &m, m.prev[c.left], c.left);
        if (after != -1) consider_pair(t, &m, c.left, after);
    }
    /* node 0 is never the right side of a pair, so the list starts there */
    int count = 0;
    for (int i = 0; i != -1; i = m.next[i]) tokens[count++] = m.token[i];
    *n_tokens = count;
done:
    free(m.token);
    free(m.next);
    free(m.prev);
    free(m.version);
    free(m.heap.items);
    return rc;
}

int encode(const Tokenizer *t, const char *text, int bos, int eos, int *tokens, int *n_tokens, ErrorText *err) {
    char utf8[5]; /* one UTF-8 character, at most 4 bytes */
    size_t str_len = 0;
    *n_tokens = 0;
    /* token counts are ints: one token per byte at most, plus BOS, the prefix and EOS */
    if (strlen(text) > (size_t)INT_MAX - 3)
        return error_set(err, "a text of %zu bytes is too long to encode", strlen(text));
    if (bos) tokens[(*n_tokens)++] = TOKEN_BOS;

    /* add_dummy_prefix: a leading " " token, but only if text is not empty */
    if (text[0] != '\0') {
        int dummy_prefix = str_lookup(" ", t->sorted_vocab, t->vocab_size);
        if (dummy_prefix < 0) return error_set(err, "the tokenizer has no \" \" token for the dummy prefix");
        tokens[(*n_tokens)++] = dummy_prefix;
    }

    /* UTF-8 characters that are in the vocabulary become their token; others fall back to
     * one token per byte, id = byte + 3 (after <unk>, <s>, </s>). */
    for (const char *c = text; *c != '\0'; c++) {
        if ((*c & 0xC0) != 0x80) str_len = 0; /* not a continuation byte: a new character */
        utf8[str_len++] = *c;
        utf8[str_len] = '\0';
        if ((*(c + 1) & 0xC0) == 0x80 && str_len < 4) continue;
        int id = str_lookup(utf8, t->sorted_vocab, t->vocab_size);
        if (id != -1) {
            tokens[(*n_tokens)++] = id;
        } else {
            for (size_t i = 0; i < str_len; i++) {
                int byte_token = (unsigned char)utf8[i] + 3;
                if (byte_token >= t->vocab_size)
                    return error_set(err, "byte 0x%02X has no token (byte fallback id %d, vocab_size %d)",
                                     (unsigned char)utf8[i], byte_token, t->vocab_size);
                tokens[(*n_tokens)++] = byte_token;
            }
        }
        str_len = 0;
    }

    /* The original merges, until none is left, the pair with the best score (the leftmost
     * one on equal scores; only scores above -1e10), rescanning all pairs each time: quadratic
     * in the prompt length. merge_pairs reaches the same result with a heap. BOS takes part
     * in the merges: in a vocabulary without id 1 the original would read past its end. */
    if (bos && t->vocab_size <= TOKEN_BOS && *n_tokens > 1)
        return error_set(err, "BOS (id %d) is outside the vocabulary of %d token%s", TOKEN_BOS, t->vocab_size,
                         t->vocab_size == 1 ? "" : "s");
    if (merge_pairs(t, tokens, n_tokens, err) != 0) return -1;
    if (eos) tokens[(*n_tokens)++] = TOKEN_EOS;
    return 0;
}

const char *decode(const Tokenizer *t, int prev_token, int token) {
    const char *piece = t->vocab[token];
    /* following BOS, the sentencepiece decoder strips any leading whitespace */
    if (prev_token == TOKEN_BOS && piece[0] == ' ') piece++;
    unsigned char byte;
    if (byte_piece_parse((const unsigned char *)piece, &byte)) piece = (const char *)t->byte_pieces + byte * 2;
    return piece;
}

const char *printable_piece(const char *piece) {
    if (piece == NULL || piece[0] == '\0') return NULL;
    if (piece[1] == '\0') {
        unsigned char b = (unsigned char)piece[0];
        int printable = b >= 0x20 && b <= 0x7e;
        if (!(printable || byte_piece_is_space(b))) return NULL;
    }
    return piece;
}
