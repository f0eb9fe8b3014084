/* Reading and validating llama2.c legacy (version 0) checkpoints.
 *
 * Layout after the 28-byte header, all float32 little-endian:
 *   token_embedding_table, rms_att_weight, wq, wk, wv, wo, rms_ffn_weight, w1, w2, w3,
 *   rms_final_weight, freq_cis_real, freq_cis_imag (unused), wcls (only when unshared).
 * Every size is checked in 64-bit arithmetic before anything is allocated.
 *
 * On a little-endian POSIX host the file is mapped read-only and the weights are read in
 * place, as the original does: no copy, and the kernel shares the pages with the page cache.
 * A big-endian host (or one without mmap) reads the file into memory and swaps it there. */
#define _POSIX_C_SOURCE 200809L
#define _DEFAULT_SOURCE /* madvise, MADV_DONTNEED */
#include "host/checkpoint.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "host/byteorder.h"
#include "host/input_file.h"
#include "host/program_io.h"

#if (defined(__unix__) || defined(__APPLE__)) && !defined(__wasi__)
#include <signal.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#define CHECKPOINT_MMAP 1
#else
#define CHECKPOINT_MMAP 0
#endif

/* The magic of the newer llama2.c export formats (versions 1 and 2). */
#define AK42_MAGIC 0x616b3432u

/* a * b, or 0 with *overflow set when it does not fit in 64 bits. */
static uint64_t mul_checked(uint64_t a, uint64_t b, int *overflow) {
    if (a != 0 && b > UINT64_MAX / a) { *overflow = 1; return 0; }
    return a * b;
}

static uint64_t add_checked(uint64_t a, uint64_t b, int *overflow) {
    if (b > UINT64_MAX - a) { *overflow = 1; return 0; }
    return a + b;
}

/* Number of floats in the weights, freq_cis tables included, as the file holds them. */
static uint64_t weight_floats(const Config *p, int shared, int *overflow) {
    uint64_t dim = (uint64_t)p->dim, hidden = (uint64_t)p->hidden_dim, layers = (uint64_t)p->n_layers;
    uint64_t head_size = dim / (uint64_t)p->n_heads;
    uint64_t kv_dim = head_size * (uint64_t)p->n_kv_heads;
    uint64_t vocab = (uint64_t)p->vocab_size, seq = (uint64_t)p->seq_len;
    uint64_t per_layer = 0, total = 0;
    per_layer = add_checked(per_layer, mul_checked(dim, 2, overflow), overflow);            /* rms att, ffn */
    per_layer = add_checked(per_layer, mul_checked(dim, dim, overflow), overflow);          /* wq */
    per_layer = add_checked(per_layer, mul_checked(mul_checked(dim, kv_dim, overflow), 2, overflow), overflow); /* wk wv */
    per_layer = add_checked(per_layer, mul_checked(dim, dim, overflow), overflow);          /* wo */
    per_layer = add_checked(per_layer, mul_checked(mul_checked(dim, hidden, overflow), 3, overflow), overflow); /* w1 w2 w3 */
    total = mul_checked(vocab, dim, overflow);                                              /* embedding */
    total = add_checked(total, mul_checked(layers, per_layer, overflow), overflow);
    total = add_checked(total, dim, overflow);                                              /* rms_final */
    total = add_checked(total, mul_checked(seq, head_size, overflow), overflow);            /* freq_cis */
    if (!shared) total = add_checked(total, mul_checked(vocab, dim, overflow), overflow);   /* wcls */
    return total;
}

static uint64_t run_state_bytes(const Config *p, int *overflow) {
    uint64_t dim = (uint64_t)p->dim, hidden = (uint64_t)p->hidden_dim;
    uint64_t kv_dim = dim / (uint64_t)p->n_heads * (uint64_t)p->n_kv_heads;
    uint64_t floats = mul_checked(dim, 4, overflow);                                          /* x xb xb2 q */
    floats = add_checked(floats, mul_checked(hidden, 2, overflow), overflow);                 /* hb hb2 */
    floats = add_checked(floats, mul_checked((uint64_t)p->n_heads, (uint64_t)p->seq_len, overflow), overflow);
    floats = add_checked(floats, (uint64_t)p->vocab_size, overflow);
    floats = add_checked(floats, mul_checked(mul_checked(mul_checked((uint64_t)p->n_layers, (uint64_t)p->seq_len, overflow),
                                                         kv_dim, overflow), 2, overflow), overflow);
    return mul_checked(floats, sizeof(float), overflow);
}

int checkpoint_check_header(const unsigned char *bytes, size_t size, const char *name,
                            Config *config, int *shared_classifier, uint64_t *implied_size,
                            ErrorText *err) {
    if (size < CHECKPOINT_HEADER_BYTES)
        return error_set(err, "%s: file is %zu bytes, shorter than the %d-byte checkpoint header",
                         name, size, CHECKPOINT_HEADER_BYTES);
    if (le32_read(bytes) == AK42_MAGIC) {
        int32_t version = size >= 8 ? le32_read_int(bytes + 4) : -1;
        return error_set(err, "%s: llama2.c export version %d (\"ak42\" header) is not supported; "
                              "export with --version 0 (legacy format)", name, (int)version);
    }
    Config p;
    int32_t fields[7];
    for (int i = 0; i < 7; i++) fields[i] = le32_read_int(bytes + 4 * i);
    p.dim = fields[0]; p.hidden_dim = fields[1]; p.n_layers = fields[2]; p.n_heads = fields[3];
    p.n_kv_heads = fields[4]; p.vocab_size = fields[5]; p.seq_len = fields[6];

    static const char *const names[7] = {"dim", "hidden_dim", "n_layers", "n_heads", "n_kv_heads",
                                         "vocab_size", "seq_len"};
    for (int i = 0; i < 7; i++) {
        if (i == 5) continue;
        if (fields[i] <= 0)
            return error_set(err, "%s: header field %s is %d; it must be positive", name, names[i], (int)fields[i]);
    }
    if (p.vocab_size == 0)
        return error_set(err, "%s: header field vocab_size is 0; it must be nonzero", name);
    if (p.vocab_size == INT32_MIN) /* negative means an unshared classifier, but -INT32_MIN overflows */
        return error_set(err, "%s: header field vocab_size is %d; its magnitude must fit in 31 bits",
                         name, p.vocab_size);
    if (p.dim % p.n_heads != 0)
        return error_set(err, "%s: dim %d is not divisible by n_heads %d", name, p.dim, p.n_heads);
    if (p.n_kv_heads > p.n_heads || p.n_heads % p.n_kv_heads != 0)
        return error_set(err, "%s: n_heads %d is not a multiple of n_kv_heads %d", name, p.n_heads, p.n_kv_heads);
    if ((p.dim / p.n_heads) % 2 != 0)
        return error_set(err, "%s: head size %d (dim / n_heads) is odd; RoPE rotates pairs", name, p.dim / p.n_heads);
    /* forward() computes kv_dim as dim * n_kv_heads / n_heads in int, as the original does */
    if ((int64_t)p.dim * p.n_kv_heads > INT32_MAX)
        return error_set(err, "%s: dim %d times n_kv_heads %d overflows 32 bits", name, p.dim, p.n_kv_heads);

    int shared = p.vocab_size > 0;
    if (p.vocab_size < 0) p.vocab_size = -p.vocab_size;

    int overflow = 0;
    uint64_t floats = weight_floats(&p, shared, &overflow);
    uint64_t bytes_needed = add_checked(mul_checked(floats, sizeof(float), &overflow), CHECKPOINT_HEADER_BYTES, &overflow);
    if (overflow)
        return error_set(err, "%s: header sizes overflow 64 bits (dim %d, hidden_dim %d, n_layers %d, vocab_size %d, seq_len %d)",
                         name, p.dim, p.hidden_dim, p.n_layers, p.vocab_size, p.seq_len);
    uint64_t state = run_state_bytes(&p, &overflow);
    if (overflow || state > RUN_STATE_MAX_BYTES)
        return error_set(err, "%s: header asks for a run state of %s%llu bytes, more than the limit of %llu",
                         name, overflow ? "over " : "", overflow ? (unsigned long long)UINT64_MAX : (unsigned long long)state,
                         (unsigned long long)RUN_STATE_MAX_BYTES);
    *config = p;
    *shared_classifier = shared;
    *implied_size = bytes_needed;
    return 0;
}

void checkpoint_point_weights(TransformerWeights *w, const Config *p, int shared, float *ptr) {
    size_t dim = (size_t)p->dim, hidden = (size_t)p->hidden_dim, layers = (size_t)p->n_layers;
    size_t head_size = dim / (size_t)p->n_heads;
    size_t kv_dim = head_size * (size_t)p->n_kv_heads;
    w->token_embedding_table = ptr; ptr += (size_t)p->vocab_size * dim;
    w->rms_att_weight = ptr;        ptr += layers * dim;
    w->wq = ptr;                    ptr += layers * dim * dim;
    w->wk = ptr;                    ptr += layers * dim * kv_dim;
    w->wv = ptr;                    ptr += layers * dim * kv_dim;
    w->wo = ptr;                    ptr += layers * dim * dim;
    w->rms_ffn_weight = ptr;        ptr += layers * dim;
    w->w1 = ptr;                    ptr += layers * dim * hidden;
    w->w2 = ptr;                    ptr += layers * hidden * dim;
    w->w3 = ptr;                    ptr += layers * dim * hidden;
    w->rms_final_weight = ptr;      ptr += dim;
    ptr += (size_t)p->seq_len * head_size; /* freq_cis_real and freq_cis_imag, unused */
    w->wcls = shared ? w->token_embedding_table : ptr;
}

int transformer_init_from_image(Transformer *t, unsigned char *image, size_t size, const char *name,
                                ErrorText *warning, ErrorText *err) {
    Config p;
    int shared;
    uint64_t implied;
    error_clear(warning);
    if (checkpoint_check_header(image, size, name, &p, &shared, &implied, err) != 0) return -1;
    if ((uint64_t)size < implied)
        return error_set(err, "%s: file is %zu bytes but its header implies %llu; it is truncated",
                         name, size, (unsigned long long)implied);
    if ((uint64_t)size > implied)
        error_set(warning, "%s: ignoring %llu trailing bytes after the weights",
                  name, (unsigned long long)((uint64_t)size - implied));

    float *ptr = (float *)(void *)(image + CHECKPOINT_HEADER_BYTES);
    if (!host_is_little_endian()) {
        for (uint64_t i = 0; i < (implied - CHECKPOINT_HEADER_BYTES) / 4; i++) {
            float f = le32_read_float((unsigned char *)(ptr + i));
            ptr[i] = f;
        }
    }
    checkpoint_point_weights(&t->weights, &p, shared, ptr);
    t->config = p;
    t->shared_classifier = shared;
    if (t->math == NULL) t->math = &math_libm;
    return 0;
}

/* ----------------------------------------------------------------------------
 * the mapped checkpoint
 *
 * A mapped file that shrinks (another program truncates or rewrites it) turns every access
 * past its new end into SIGBUS. The weights are read throughout the run, so this cannot be
 * checked once at load: a program that wants a message instead of a crash calls
 * checkpoint_guard_sigbus(), and a SIGBUS inside a mapped checkpoint then prints one line
 * naming the file and exits with status 1. The mappings are kept in a small table the
 * handler reads; a checkpoint that finds the table full is read into memory instead. */

#if CHECKPOINT_MMAP
#define MAPPED_MAX 16

typedef struct {
    volatile uintptr_t start, end; /* 0, 0: a free slot */
    char line[2 * ERROR_TEXT_SIZE]; /* the message, "PROGRAM: PATH: ...\\n" */
    volatile size_t length;
    FileIdentity identity; /* of the file when it was mapped */
} MappedCheckpoint;

static MappedCheckpoint mapped[MAPPED_MAX];
static const char *guard_program; /* NULL: no handler installed */
static struct sigaction sigbus_before;

static void on_sigbus(int sig, siginfo_t *info, void *context) {
    (void)context;
    uintptr_t at = (uintptr_t)info->si_addr;
    for (int i = 0; i < MAPPED_MAX; i++) {
        if (at >= mapped[i].start && at < mapped[i].end) {
            ssize_t ignored = write(STDERR_FILENO, mapped[i].line, mapped[i].length);
            (void)ignored;
            _exit(EXIT_FAILURE);
        }
    }
    /* not a checkpoint's page: the previous action takes the signal (raised again, as one
     * sent by kill() would not repeat; a faulting access repeats anyway) */
    sigaction(sig, &sigbus_before, NULL);
    raise(sig);
}

int checkpoint_guard_sigbus(const char *program, ErrorText *err) {
    if (guard_program != NULL) return 0;
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_sigbus;
    sa.sa_flags = SA_SIGINFO;
    sigemptyset(&sa.sa_mask);
    if (sigaction(SIGBUS, &sa, &sigbus_before) != 0)
        return error_set(err, "cannot install the SIGBUS handler for mapped checkpoints: %s", strerror(errno));
    guard_program = program;
    return 0;
}

/* A free slot of the table for [start, start + bytes), its message made now (a signal
 * handler cannot format); -1 when the table is full. what names the file in the message. */
static int mapped_add(const void *start, size_t bytes, const char *path, const char *what,
                      const FileIdentity *identity) {
    for (int i = 0; i < MAPPED_MAX; i++) {
        if (mapped[i].start != 0) continue;
        char text[ERROR_TEXT_SIZE + 128];
        snprintf(text, sizeof text, "%s: %s shrank while the run was using it (a program truncated or "
                                    "rewrote it); stopping", path, what);
        mapped[i].length = 0;
        FILE *to = fmemopen(mapped[i].line, sizeof mapped[i].line, "w");
        if (to != NULL) {
            program_io_error_to(to, guard_program != NULL ? guard_program : "error", text);
            long n = ftell(to);
            fclose(to);
            if (n > 0) mapped[i].length = (size_t)n < sizeof mapped[i].line ? (size_t)n : sizeof mapped[i].line - 1;
        }
        if (mapped[i].length == 0 || mapped[i].line[mapped[i].length - 1] != '\n') {
            /* a name too long for the line: cut it, but still one line */
            mapped[i].length = mapped[i].length > 0 ? mapped[i].length : 1;
            mapped[i].line[mapped[i].length - 1] = '\n';
        }
        mapped[i].identity = *identity;
        mapped[i].end = (uintptr_t)start + bytes;
        mapped[i].start = (uintptr_t)start;
        return i;
    }
    return -1;
}

static FileIdentity identity_of(const struct stat *st) {
    FileIdentity id;
    id.dev = (unsigned long long)st->st_dev;
    id.ino = (unsigned long long)st->st_ino;
    id.size = (unsigned long long)st->st_size;
    id.mtime_sec = (long long)st->st_mtim.tv_sec;
    id.mtime_nsec = (long long)st->st_mtim.tv_nsec;
    id.ctime_sec = (long long)st->st_ctim.tv_sec;
    id.ctime_nsec = (long long)st->st_ctim.tv_nsec;
    return id;
}

int mapped_file_guard(const void *start, size_t bytes, const char *path, const char *what, int fd) {
    struct stat st;
    if (fstat(fd, &st) != 0) return -1;
    FileIdentity id = identity_of(&st);
    return mapped_add(start, bytes, path, what, &id) < 0 ? -1 : 0;
}

int checkpoint_file_identity(const Transformer *t, FileIdentity *identity) {
    for (int i = 0; i < MAPPED_MAX; i++) {
        if (t->file_map == NULL || mapped[i].start != (uintptr_t)t->file_map) continue;
        *identity = mapped[i].identity;
        return 0;
    }
    return -1;
}

void mapped_file_unguard(const void *start) {
    for (int i = 0; i < MAPPED_MAX; i++) {
        if (mapped[i].start != (uintptr_t)start) continue;
        mapped[i].start = 0;
        mapped[i].end = 0;
    }
}

/* Maps the first `bytes` bytes of f read-only; NULL with a message, or NULL without one
 * when the table of mappings is full (then the caller reads the file). The size is measured
 * again here: the file may have shrunk since its size was checked. */
static void *map_checkpoint(FILE *f, size_t bytes, const char *path, ErrorText *err) {
    int fd = fileno(f);
    struct stat st;
    if (fstat(fd, &st) != 0) {
        error_set(err, "%s: cannot read checkpoint: %s", path, strerror(errno));
        return NULL;
    }
    if ((uint64_t)st.st_size < (uint64_t)bytes) {
        error_set(err, "%s: checkpoint is shorter than when it was opened (it changed while being read)", path);
        return NULL;
    }
    void *map = mmap(NULL, bytes, PROT_READ, MAP_PRIVATE, fd, 0);
    if (map == MAP_FAILED) {
        error_set(err, "%s: cannot map checkpoint: %s", path, strerror(errno));
        return NULL;
    }
    FileIdentity id = identity_of(&st);
    if (mapped_add(map, bytes, path, "checkpoint", &id) < 0) { /* the table is full: a copy in memory instead */
        munmap(map, bytes);
        return NULL;
    }
    return map;
}

static void unmap_checkpoint(void *map, size_t bytes) {
    if (map == NULL) return;
    mapped_file_unguard(map);
    munmap(map, bytes);
}
#else
int checkpoint_guard_sigbus(const char *program, ErrorText *err) {
    (void)program, (void)err;
    return 0; /* nothing is mapped */
}

static void unmap_checkpoint(void *map, size_t bytes) { (void)map, (void)bytes; }

int mapped_file_guard(const void *start, size_t bytes, const char *path, const char *what, int fd) {
    (void)start, (void)bytes, (void)path, (void)what, (void)fd;
    return -1;
}
void mapped_file_unguard(const void *start) { (void)start; }
int checkpoint_file_identity(const Transformer *t, FileIdentity *identity) {
    (void)t, (void)identity;
    return -1;
}
#endif

void transformer_drop_pages(const Transformer *t, const void *from, size_t bytes) {
#if CHECKPOINT_MMAP && defined(MADV_DONTNEED)
    if (t->file_map == NULL) return;
    uintptr_t lo = (uintptr_t)from, hi = lo + bytes;
    uintptr_t map_lo = (uintptr_t)t->file_map, map_hi = map_lo + t->file_map_bytes;
    if (lo < map_lo || hi > map_hi) return;
    uintptr_t page = (uintptr_t)sysconf(_SC_PAGESIZE);
    lo = (lo + page - 1) / page * page; /* whole pages inside the range only */
    hi = hi / page * page;
    /* private and never written: the pages come back from the file if read again */
    if (hi > lo) madvise((void *)lo, hi - lo, MADV_DONTNEED);
#else
    (void)t, (void)from, (void)bytes;
#endif
}

int transformer_load(Transformer *t, const char *path, ErrorText *warning, ErrorText *err) {
    return transformer_load_watched(t, path, NULL, warning, err);
}

/* Reads n bytes at the file's position; 0, or -1 with a message that says why a short
 * read happened (the size was measured when the file was opened). */
static int read_exactly(FILE *f, void *to, size_t n, const char *path, ErrorText *err) {
    if (fread(to, 1, n, f) == n) return 0;
    if (ferror(f)) return error_set(err, "%s: cannot read checkpoint: %s", path, strerror(errno));
    return error_set(err, "%s: checkpoint is shorter than when it was opened (it changed while being read)", path);
}

/* Feeds the bytes after the weights to the watcher, without keeping them. */
static int consume_trailing(FILE *f, uint64_t n, const char *path, InputWatch *watch, ErrorText *err) {
    if (n > watch->trailing_max)
        return error_set(err, "%s: %llu trailing bytes after the weights; a trace hashes the whole file and "
                              "reads at most %llu of them", path, (unsigned long long)n,
                         (unsigned long long)watch->trailing_max);
    unsigned char chunk[4096];
    while (n > 0) {
        size_t part = n < sizeof chunk ? (size_t)n : sizeof chunk;
        if (read_exactly(f, chunk, part, path, err) != 0) return -1;
        watch->consume(watch->context, chunk, part);
        n -= part;
    }
    return 0;
}

int transformer_load_watched(Transformer *t, const char *path, InputWatch *watch, ErrorText *warning,
                             ErrorText *err) {
    memset(t, 0, sizeof *t);
    error_clear(warning);
    FILE *f = input_file_open(path, "checkpoint", watch, err);
    if (f == NULL) return -1;

    unsigned char header[CHECKPOINT_HEADER_BYTES];
    size_t got = fread(header, 1, sizeof header, f);
    if (ferror(f)) { /* an I/O error: not a short file */
        int e = errno;
        fclose(f);
        return error_set(err, "%s: cannot read checkpoint: %s", path, strerror(e));
    }
    Config p;
    int shared;
    uint64_t implied;
    if (checkpoint_check_header(header, got, path, &p, &shared, &implied, err) != 0) { fclose(f); return -1; }

    /* the actual size, so that a truncated file is reported before reading it all */
    if (fseek(f, 0, SEEK_END) != 0) { fclose(f); return error_set(err, "%s: cannot seek: %s", path, strerror(errno)); }
    long end = ftell(f);
    if (end < 0) { fclose(f); return error_set(err, "%s: cannot tell its size: %s", path, strerror(errno)); }
    uint64_t file_size = (uint64_t)end;
    if (file_size < implied) {
        fclose(f);
        return error_set(err, "%s: file is %llu bytes but its header implies %llu; it is truncated",
                         path, (unsigned long long)file_size, (unsigned long long)implied);
    }
    if (implied > SIZE_MAX) { fclose(f); return error_set(err, "%s: checkpoint of %llu bytes does not fit in memory", path, (unsigned long long)implied); }
    if (fseek(f, 0, SEEK_SET) != 0) {
        fclose(f);
        return error_set(err, "%s: cannot seek: %s", path, strerror(errno));
    }
    void *map = NULL;
    unsigned char *image = NULL, *copy = NULL;
    int failed = 0;
#if CHECKPOINT_MMAP
    if (host_is_little_endian()) {
        error_clear(err);
        map = map_checkpoint(f, (size_t)implied, path, err);
        if (map == NULL && err->text[0] != '\0') { fclose(f); return -1; }
        image = map;
        /* the trailing bytes, if they are to be consumed, are read after the weights */
        if (watch != NULL && watch->consume != NULL && file_size > implied &&
            fseek(f, (long)implied, SEEK_SET) != 0)
            failed = error_set(err, "%s: cannot seek: %s", path, strerror(errno));
    }
#endif
    if (image == NULL) { /* read into memory: to be byte-swapped there, or no mmap */
        image = copy = malloc((size_t)implied);
        if (image == NULL) { fclose(f); return error_set(err, "%s: out of memory for %llu bytes of weights", path, (unsigned long long)implied); }
        failed = read_exactly(f, image, (size_t)implied, path, err);
    }
    if (failed == 0 && watch != NULL && watch->consume != NULL) {
        watch->consume(watch->context, image, (size_t)implied); /* before any byte swapping */
        failed = consume_trailing(f, file_size - implied, path, watch, err);
    }
    fclose(f);
    t->file_data = copy;
    t->file_map = map;
    t->file_map_bytes = map != NULL ? (size_t)implied : 0;
    if (failed) { transformer_free(t); return -1; }
    /* The image holds only the implied bytes; report trailing ones against the real size. */
    if (transformer_init_from_image(t, image, (size_t)implied, path, warning, err) != 0) {
        transformer_free(t);
        return -1;
    }
    if (file_size > implied)
        error_set(warning, "%s: ignoring %llu trailing bytes after the weights",
                  path, (unsigned long long)(file_size - implied));
    if (transformer_alloc_state(t, err) != 0) { transformer_free(t); return -1; }
    return 0;
}

int transformer_alloc_state(Transformer *t, ErrorText *err) {
    const Config *p = &t->config;
    size_t kv_dim = (size_t)p->dim / (size_t)p->n_heads * (size_t)p->n_kv_heads;
    size_t cache = (size_t)p->n_layers * (size_t)p->seq_len * kv_dim;
    RunState *s = &t->state;
    s->x = calloc((size_t)p->dim, sizeof(float));
    s->xb = calloc((size_t)p->dim, sizeof(float));
    s->xb2 = calloc((size_t)p->dim, sizeof(float));
    s->hb = calloc((size_t)p->hidden_dim, sizeof(float));
    s->hb2 = calloc((size_t)p->hidden_dim, sizeof(float));
    s->q = calloc((size_t)p->dim, sizeof(float));
    s->key_cache = calloc(cache, sizeof(float));
    s->value_cache = calloc(cache, sizeof(float));
    s->att = calloc((size_t)p->n_heads * (size_t)p->seq_len, sizeof(float));
    s->logits = calloc((size_t)p->vocab_size, sizeof(float));
    if (!s->x || !s->xb || !s->xb2 || !s->hb || !s->hb2 || !s->q || !s->key_cache || !s->value_cache ||
        !s->att || !s->logits)
        return error_set(err, "out of memory for the run state (KV cache of %zu floats)", 2 * cache);
    return 0;
}

void transformer_free(Transformer *t) {
    RunState *s = &t->state;
    free(s->x); free(s->xb); free(s->xb2); free(s->hb); free(s->hb2); free(s->q);
    free(s->att); free(s->logits); free(s->key_cache); free(s->value_cache);
    free(t->file_data);
    unmap_checkpoint(t->file_map, t->file_map_bytes);
    memset(t, 0, sizeof *t);
}
