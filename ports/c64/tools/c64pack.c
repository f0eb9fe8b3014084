/* c64pack: writes the model image the 6502 program reads (ports/c64/common/image.h) from a
 * llama2.c checkpoint and its tokenizer.
 *
 *   c64pack MODEL TOKENIZER OUT [--reu-kb N]
 *
 * The image is the REU image of a C64 and the weight file under sim65. --reu-kb (default
 * 2048) is the REU size in KiB: the file is padded to exactly that size, as VICE loads an
 * REU image only when its size equals the REU's, and the KV area gets the positions that
 * fit after the tokenizer (all seq_len of them if they fit). --reu-kb 0 writes no padding
 * and sizes the KV area for seq_len positions (for sim65, whose KV cache is in files).
 * The file is written atomically: whole or not at all. The tokenizer goes in a compact
 * form (pieces, scores and the sorted index) that the 6502 program searches in place. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "host/program_io.h"
#include "host/checkpoint.h"
#include "engine/weights.h"
#include "host/atomic_file.h"
#include "host/sha256.h"
#include "ports/c64/common/image.h"

/* The 6502 program keeps sizes in 16-bit ints. */
#define INT16_LIMIT 32767

/* The image being written: dropped by die(), so that no temporary file is left. */
static AtomicFile *image_out = NULL;

static void die(const char *fmt, const char *a, const char *b) {
    char text[ERROR_TEXT_SIZE + 64];
    snprintf(text, sizeof text, fmt, a, b);
    if (image_out != NULL) atomic_file_abandon(image_out);
    program_io_error("c64pack", text);
    exit(EXIT_FAILURE);
}

/* A file as the program read it: hashed from the bytes used, not by reading the path again. */
typedef struct {
    Sha256 hash;
    uint64_t bytes;
    InputWatch watch;
} HashedInput;

static void hash_bytes(void *context, const void *bytes, size_t n) {
    HashedInput *h = context;
    sha256_update(&h->hash, bytes, n);
    h->bytes += n;
}

static void hashed_input_init(HashedInput *h) {
    memset(h, 0, sizeof *h);
    sha256_init(&h->hash);
    h->watch.consume = hash_bytes;
    h->watch.context = h;
    h->watch.trailing_max = (unsigned long long)16 << 20; /* hashed; more is refused, not read */
}

static void hashed_input_hex(HashedInput *h, char hex[65]) {
    unsigned char digest[32];
    sha256_final(&h->hash, digest);
    for (int i = 0; i < 32; i++) snprintf(hex + 2 * i, 3, "%02x", digest[i]);
}

/* The whole tokenizer file (a regular file), its bytes hashed. */
static unsigned char *read_tokenizer(const char *path, HashedInput *h) {
    ErrorText err;
    FILE *f = input_file_open(path, "tokenizer", &h->watch, &err);
    if (f == NULL) die("%s%s", err.text, "");
    size_t cap = 1 << 16, n = 0;
    unsigned char *bytes = malloc(cap + 1);
    size_t got;
    while (bytes != NULL && (got = fread(bytes + n, 1, cap - n, f)) > 0) {
        n += got;
        if (n == cap) {
            unsigned char *bigger = cap <= ((size_t)64 << 20) ? realloc(bytes, cap * 2 + 1) : NULL;
            if (bigger == NULL) die("%s: out of memory or larger than 128 MiB%s", path, "");
            bytes = bigger;
            cap *= 2;
        }
    }
    if (bytes == NULL) die("%s: out of memory%s", path, "");
    if (ferror(f)) die("%s: cannot read: %s", path, strerror(errno));
    fclose(f);
    hash_bytes(h, bytes, n);
    return bytes;
}

static void put32(unsigned char *p, uint32_t v) {
    p[0] = (unsigned char)(v & 0xFF);
    p[1] = (unsigned char)((v >> 8) & 0xFF);
    p[2] = (unsigned char)((v >> 16) & 0xFF);
    p[3] = (unsigned char)((v >> 24) & 0xFF);
}

static uint64_t round_up_page(uint64_t n) { return (n + IMAGE_PAGE - 1) / IMAGE_PAGE * IMAGE_PAGE; }

typedef struct {
    FILE *f;
    uint64_t at; /* bytes written */
} Out;

static void out_bytes(Out *o, const void *data, size_t n) {
    if (n != 0 && fwrite(data, 1, n, o->f) != n) die("write error: %s%s", strerror(errno), "");
    o->at += n;
}

static void out_floats(Out *o, const float *v, size_t n) {
    unsigned char b[4];
    for (size_t i = 0; i < n; i++) {
        uint32_t u;
        memcpy(&u, &v[i], 4);
        put32(b, u);
        out_bytes(o, b, 4);
    }
}

static void out_pad_to(Out *o, uint64_t at) {
    static const unsigned char zeros[IMAGE_PAGE];
    while (o->at < at) {
        uint64_t n = at - o->at;
        out_bytes(o, zeros, n < sizeof zeros ? (size_t)n : sizeof zeros);
    }
}

/* Rows 0..rows-1 of matrix (rows, n) of layer l, in order. */
static void out_rows(Out *o, const float *matrix, size_t layer, size_t rows, size_t n) {
    out_floats(o, matrix + layer * rows * n, rows * n);
}

/* The compact tokenizer section (image.h) of a tokenizer file of vocab tokens. */
typedef struct {
    const unsigned char *piece; /* up to the first NUL */
    size_t length;
    int id;
} Piece;

static int compare_pieces(const void *a, const void *b) {
    const Piece *x = a, *y = b;
    int c = strcmp((const char *)x->piece, (const char *)y->piece);
    if (c != 0) return c;
    return (x->id > y->id) - (x->id < y->id); /* equal pieces in id order, as a stable sort */
}

static unsigned char *compact_tokenizer(const unsigned char *file, size_t size, size_t vocab, size_t *out_size,
                                        size_t *piece_max, const char *name) {
    Piece *pieces = calloc(vocab, sizeof *pieces);
    unsigned char *copy = malloc(size + 1); /* pieces as NUL-terminated strings */
    uint32_t *scores = calloc(vocab, sizeof *scores);
    if (pieces == NULL || copy == NULL || scores == NULL) die("out of memory%s%s", "", "");
    size_t at = 4, records = 0;
    *piece_max = 0;
    for (size_t i = 0; i < vocab; i++) {
        if (size - at < 8) die("%s: truncated (fewer tokens than the model's vocabulary)%s", name, "");
        scores[i] = (uint32_t)file[at] | (uint32_t)file[at + 1] << 8 | (uint32_t)file[at + 2] << 16 |
                    (uint32_t)file[at + 3] << 24;
        uint32_t len = (uint32_t)file[at + 4] | (uint32_t)file[at + 5] << 8 | (uint32_t)file[at + 6] << 16 |
                       (uint32_t)file[at + 7] << 24;
        at += 8;
        if (len > size - at) die("%s: truncated inside a token%s", name, "");
        /* the copy puts a NUL where the next record's score starts: restored below */
        memcpy(copy + at, file + at, len);
        copy[at + len] = '\0';
        pieces[i].piece = copy + at;
        pieces[i].length = strlen((const char *)copy + at);
        pieces[i].id = (int)i;
        if (pieces[i].length > *piece_max) *piece_max = pieces[i].length;
        records += 5 + pieces[i].length;
        at += len;
    }
    if (at != size) die("%s: bytes left after the model's vocabulary: tokenizer and model do not match%s", name, "");
    if (*piece_max > IMAGE_PIECE_LIMIT) die("%s: a piece is longer than the 6502 program's limit%s", name, "");
    size_t total = vocab * 4 + vocab * 2 + records;
    unsigned char *out = malloc(total);
    if (out == NULL) die("out of memory%s%s", "", "");
    size_t record_at = vocab * 6;
    for (size_t i = 0; i < vocab; i++) {
        put32(out + 4 * i, (uint32_t)record_at);
        put32(out + record_at, scores[i]);
        out[record_at + 4] = (unsigned char)pieces[i].length;
        memcpy(out + record_at + 5, pieces[i].piece, pieces[i].length);
        record_at += 5 + pieces[i].length;
    }
    qsort(pieces, vocab, sizeof *pieces, compare_pieces);
    for (size_t i = 0; i < vocab; i++) {
        out[vocab * 4 + 2 * i] = (unsigned char)(pieces[i].id & 0xFF);
        out[vocab * 4 + 2 * i + 1] = (unsigned char)(pieces[i].id >> 8);
    }
    free(pieces);
    free(copy);
    free(scores);
    *out_size = total;
    return out;
}

static void hex_to_bytes(const char *hex, unsigned char *out) {
    for (int i = 0; i < 32; i++) {
        unsigned v = 0;
        sscanf(hex + 2 * i, "%2x", &v);
        out[i] = (unsigned char)v;
    }
}

int main(int argc, char **argv) {
    program_io_start();
    long reu_kb = 2048;
    const char *paths[3];
    int npaths = 0;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--reu-kb") == 0 && i + 1 < argc) {
            char *end;
            reu_kb = strtol(argv[++i], &end, 10);
            if (*end != '\0' || reu_kb < 0 || reu_kb > 16384) die("--reu-kb %s: expected 0..16384%s", argv[i], "");
        } else if (npaths < 3) {
            paths[npaths++] = argv[i];
        } else {
            npaths = 4;
        }
    }
    if (npaths != 3) {
        fprintf(stderr, "usage: c64pack MODEL TOKENIZER OUT [--reu-kb N]\n");
        return 2;
    }
    const char *model_path = paths[0], *tokenizer_path = paths[1], *out_path = paths[2];

    /* the output first: every problem with its name is reported before the work */
    AtomicFile af;
    ErrorText err, warning;
    if (atomic_file_open(&af, out_path, &err) != 0) die("%s%s", err.text, "");
    image_out = &af;

    Transformer t;
    HashedInput model_input, tokenizer_input;
    hashed_input_init(&model_input);
    hashed_input_init(&tokenizer_input);
    if (transformer_load_watched(&t, model_path, &model_input.watch, &warning, &err) != 0) die("%s%s", err.text, "");
    if (atomic_file_replaces(&af, model_input.watch.device, model_input.watch.inode))
        die("%s: is the model %s; the image never replaces an input", out_path, model_path);
    const Config *p = &t.config;
    size_t dim = (size_t)p->dim, hidden = (size_t)p->hidden_dim, layers = (size_t)p->n_layers;
    size_t kv_dim = dim / (size_t)p->n_heads * (size_t)p->n_kv_heads, vocab = (size_t)p->vocab_size;
    if (p->dim > INT16_LIMIT || p->hidden_dim > INT16_LIMIT || p->vocab_size > INT16_LIMIT ||
        p->seq_len > INT16_LIMIT || p->n_layers > INT16_LIMIT)
        die("%s: sizes beyond 32767 do not fit the 6502 program's ints%s", model_path, "");

    char model_hex[65], tokenizer_hex[65];
    unsigned char *tokenizer = read_tokenizer(tokenizer_path, &tokenizer_input);
    if (atomic_file_replaces(&af, tokenizer_input.watch.device, tokenizer_input.watch.inode))
        die("%s: is the tokenizer %s; the image never replaces an input", out_path, tokenizer_path);
    uint64_t model_bytes = model_input.bytes, tokenizer_bytes = tokenizer_input.bytes;
    hashed_input_hex(&model_input, model_hex);
    hashed_input_hex(&tokenizer_input, tokenizer_hex);
    size_t compact_bytes, piece_max;
    unsigned char *compact = compact_tokenizer(tokenizer, tokenizer_bytes, vocab, &compact_bytes, &piece_max,
                                               tokenizer_path);

    /* the sections */
    uint64_t tokenizer_at = IMAGE_PAGE;
    uint64_t embedding_at = round_up_page(tokenizer_at + compact_bytes);
    uint64_t stream_at = round_up_page(embedding_at + vocab * dim * 4);
    uint64_t per_layer = dim + dim * dim + 2 * kv_dim * dim + dim * dim + dim + 3 * hidden * dim;
    uint64_t stream_bytes = (layers * per_layer + dim + vocab * dim) * 4;
    uint64_t kv_at = round_up_page(stream_at + stream_bytes);
    uint64_t kv_row_pair = layers * 2 * kv_dim * 4; /* one position, every layer, keys and values */
    uint64_t scratch_bytes = round_up_page(vocab * 4);
    uint64_t reu_bytes = (uint64_t)reu_kb * 1024;
    uint64_t kv_positions = (uint64_t)p->seq_len;
    if (reu_bytes != 0) {
        if (reu_bytes < kv_at + kv_row_pair + scratch_bytes) {
            char need[32], have[32];
            snprintf(need, sizeof need, "%llu",
                     (unsigned long long)((kv_at + kv_row_pair + scratch_bytes + 1023) / 1024));
            snprintf(have, sizeof have, "%ld", reu_kb);
            die("the image needs an REU of at least %s KiB; --reu-kb is %s", need, have);
        }
        if ((reu_bytes - kv_at - scratch_bytes) / kv_row_pair < kv_positions)
            kv_positions = (reu_bytes - kv_at - scratch_bytes) / kv_row_pair;
    }
    uint64_t scratch_at = round_up_page(kv_at + kv_positions * kv_row_pair);
    uint64_t end = scratch_at + scratch_bytes;
    uint64_t file_bytes = reu_bytes != 0 ? reu_bytes : kv_at;

    unsigned char header[IMAGE_PAGE];
    memset(header, 0, sizeof header);
    header[0] = IMAGE_MAGIC0; header[1] = IMAGE_MAGIC1; header[2] = IMAGE_MAGIC2; header[3] = IMAGE_MAGIC3;
    put32(header + IMAGE_AT_VERSION, IMAGE_VERSION);
    put32(header + IMAGE_AT_DIM, (uint32_t)p->dim);
    put32(header + IMAGE_AT_HIDDEN, (uint32_t)p->hidden_dim);
    put32(header + IMAGE_AT_LAYERS, (uint32_t)p->n_layers);
    put32(header + IMAGE_AT_HEADS, (uint32_t)p->n_heads);
    put32(header + IMAGE_AT_KV_HEADS, (uint32_t)p->n_kv_heads);
    put32(header + IMAGE_AT_VOCAB, (uint32_t)p->vocab_size);
    put32(header + IMAGE_AT_SEQ_LEN, (uint32_t)p->seq_len);
    put32(header + IMAGE_AT_SHARED, (uint32_t)t.shared_classifier);
    put32(header + IMAGE_AT_MODEL_BYTES, (uint32_t)model_bytes);
    put32(header + IMAGE_AT_TOKENIZER_BYTES, (uint32_t)tokenizer_bytes);
    hex_to_bytes(model_hex, header + IMAGE_AT_MODEL_SHA256);
    hex_to_bytes(tokenizer_hex, header + IMAGE_AT_TOKENIZER_SHA256);
    put32(header + IMAGE_AT_EMBEDDING, (uint32_t)embedding_at);
    put32(header + IMAGE_AT_STREAM, (uint32_t)stream_at);
    put32(header + IMAGE_AT_STREAM_BYTES, (uint32_t)stream_bytes);
    put32(header + IMAGE_AT_TOKENIZER, (uint32_t)tokenizer_at);
    put32(header + IMAGE_AT_KV, (uint32_t)kv_at);
    put32(header + IMAGE_AT_KV_POSITIONS, (uint32_t)kv_positions);
    put32(header + IMAGE_AT_END, (uint32_t)end);
    put32(header + IMAGE_AT_FILE_BYTES, (uint32_t)file_bytes);
    put32(header + IMAGE_AT_TOKENIZER_SECTION, (uint32_t)compact_bytes);
    put32(header + IMAGE_AT_PIECE_MAX, (uint32_t)piece_max);
    put32(header + IMAGE_AT_SCRATCH, (uint32_t)scratch_at);

    Out o = {af.file, 0};
    const TransformerWeights *w = &t.weights;
    out_bytes(&o, header, sizeof header);
    out_bytes(&o, compact, compact_bytes);
    out_pad_to(&o, embedding_at);
    out_floats(&o, w->token_embedding_table, vocab * dim);
    out_pad_to(&o, stream_at);
    /* the stream, in engine/weights.h's order */
    for (size_t l = 0; l < layers; l++) {
        out_rows(&o, w->rms_att_weight, l, 1, dim);
        out_rows(&o, w->wq, l, dim, dim);
        out_rows(&o, w->wk, l, kv_dim, dim);
        out_rows(&o, w->wv, l, kv_dim, dim);
        out_rows(&o, w->wo, l, dim, dim);
        out_rows(&o, w->rms_ffn_weight, l, 1, dim);
        out_rows(&o, w->w1, l, hidden, dim);
        out_rows(&o, w->w3, l, hidden, dim);
        out_rows(&o, w->w2, l, dim, hidden);
    }
    out_floats(&o, w->rms_final_weight, dim);
    out_floats(&o, w->wcls, vocab * dim);
    if (o.at != stream_at + stream_bytes) die("internal error: the stream has an unexpected size%s%s", "", "");
    out_pad_to(&o, file_bytes);
    image_out = NULL; /* commit removes the temporary file itself when it fails */
    if (atomic_file_commit(&af, &err) != 0) die("%s%s", err.text, "");

    printf("c64pack: %s: %llu bytes (tokenizer at %llu, embedding at %llu, stream at %llu (%llu bytes), "
           "KV cache at %llu for %llu positions, logits scratch at %llu, end %llu)\n",
           out_path, (unsigned long long)file_bytes, (unsigned long long)tokenizer_at,
           (unsigned long long)embedding_at, (unsigned long long)stream_at, (unsigned long long)stream_bytes,
           (unsigned long long)kv_at, (unsigned long long)kv_positions, (unsigned long long)scratch_at,
           (unsigned long long)end);
    free(tokenizer);
    free(compact);
    transformer_free(&t);
    return program_io_stdout_ok("c64pack") ? 0 : EXIT_FAILURE;
}
