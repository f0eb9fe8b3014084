/* The fast path's cache file: host/fast_cache.h has the format and the rules.
 *
 * The header is 4096 bytes so that the weights after it start on a page (the fast path's
 * vector loads want 64-byte alignment, a mapping gives a page): the magic "L2TFASTC", then
 * 64-bit words in the host's byte order, HEADER_WORDS of them, zeros to the end. A run
 * builds the header it expects for the checkpoint it loaded and compares it word by word
 * with the file's; the first word that differs says why the file is not used. */
#define _DEFAULT_SOURCE /* MAP_POPULATE */
#include "host/fast_cache.h"

#include <errno.h>
#include <string.h>

#include "host/atomic_file.h"
#include "host/checkpoint.h"

#define HEADER_BYTES 4096
#define MAGIC "L2TFASTC"
#define FORMAT_VERSION 1
#define BYTE_ORDER_MARK 0x0102030405060708ull

/* The header's words, after the magic. */
enum {
    W_VERSION, W_BYTE_ORDER,                                             /* the format */
    W_SIMD, W_ROWS, W_GROUP, W_BYTES,                                    /* the layout */
    W_DIM, W_HIDDEN, W_LAYERS, W_HEADS, W_KV_HEADS, W_VOCAB, W_SEQ_LEN, W_SHARED, /* the shape */
    W_DEV, W_INO, W_SIZE, W_MTIME, W_MTIME_NS, W_CTIME, W_CTIME_NS,      /* the checkpoint */
    W_CHECKSUM,
    HEADER_WORDS
};

uint64_t fast_cache_checksum(const void *bytes, size_t size) {
    const unsigned char *p = bytes;
    uint64_t a[4] = {0, 0, 0, 0}, b[4] = {0, 0, 0, 0};
    size_t words = size / 8, i = 0;
    for (; i + 4 <= words; i += 4) {
        for (int k = 0; k < 4; k++) {
            uint64_t w;
            memcpy(&w, p + 8 * (i + (size_t)k), 8);
            a[k] += w;
            b[k] += a[k];
        }
    }
    for (; i < words; i++) { /* the last whole words, into lane 0 */
        uint64_t w;
        memcpy(&w, p + 8 * i, 8);
        a[0] += w;
        b[0] += a[0];
    }
    uint64_t tail = 0;
    memcpy(&tail, p + 8 * words, size % 8);
    a[1] += tail + size; /* the length too: zero bytes at the end are not nothing */
    b[1] += a[1];
    uint64_t h = 0;
    for (int k = 0; k < 4; k++) h = (h ^ a[k]) * 0x100000001b3ull ^ b[k] * 0x9e3779b97f4a7c15ull;
    return h;
}

#if FAST_PATH && (defined(__unix__) || defined(__APPLE__))
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

/* The words a cache of t's weights laid out as layout must hold (the checksum left 0). */
static int expected_words(const Transformer *t, const FastLayout *layout, uint64_t words[HEADER_WORDS],
                          const char *path, ErrorText *err) {
    FileIdentity id;
    if (checkpoint_file_identity(t, &id) != 0)
        return error_set(err, "%s: a fast cache needs the checkpoint mapped from its file, and it is not", path);
    const Config *p = &t->config;
    memset(words, 0, HEADER_WORDS * sizeof words[0]);
    words[W_VERSION] = FORMAT_VERSION;
    words[W_BYTE_ORDER] = BYTE_ORDER_MARK;
    words[W_SIMD] = (uint64_t)layout->simd;
    words[W_ROWS] = (uint64_t)layout->rows;
    words[W_GROUP] = (uint64_t)layout->group_blocks;
    words[W_BYTES] = (uint64_t)layout->bytes;
    words[W_DIM] = (uint64_t)p->dim;
    words[W_HIDDEN] = (uint64_t)p->hidden_dim;
    words[W_LAYERS] = (uint64_t)p->n_layers;
    words[W_HEADS] = (uint64_t)p->n_heads;
    words[W_KV_HEADS] = (uint64_t)p->n_kv_heads;
    words[W_VOCAB] = (uint64_t)p->vocab_size;
    words[W_SEQ_LEN] = (uint64_t)p->seq_len;
    words[W_SHARED] = (uint64_t)t->shared_classifier;
    words[W_DEV] = id.dev;
    words[W_INO] = id.ino;
    words[W_SIZE] = id.size;
    words[W_MTIME] = (uint64_t)id.mtime_sec;
    words[W_MTIME_NS] = (uint64_t)id.mtime_nsec;
    words[W_CTIME] = (uint64_t)id.ctime_sec;
    words[W_CTIME_NS] = (uint64_t)id.ctime_nsec;
    return 0;
}

/* Why a cache whose header holds have[] is not the one expected; NULL when it is (the
 * checksum aside). */
static const char *mismatch(const uint64_t have[HEADER_WORDS], const uint64_t want[HEADER_WORDS]) {
    for (int i = 0; i < W_CHECKSUM; i++) {
        if (have[i] == want[i]) continue;
        if (i <= W_BYTE_ORDER) return "it is another version of the format";
        if (i <= W_BYTES) return "it was built for another instruction set or build of the fast path";
        if (i <= W_SHARED) return "it was built for a model of another shape";
        return "it was built for another checkpoint, or the checkpoint changed since";
    }
    return NULL;
}

/* Maps the cache at path when it holds t's weights for layout; NULL and a reason when it
 * does not exist or holds others (then it is rebuilt), NULL and err when it must not be
 * replaced. */
static void *map_cache(const char *path, const uint64_t want[HEADER_WORDS], size_t bytes, ErrorText *reason,
                       ErrorText *err) {
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        if (errno == ENOENT) return NULL; /* the first run: nothing to say */
        error_set(err, "%s: cannot open the fast cache: %s", path, strerror(errno));
        return NULL;
    }
    struct stat st;
    unsigned char header[HEADER_BYTES];
    if (fstat(fd, &st) != 0) {
        error_set(err, "%s: cannot read the fast cache: %s", path, strerror(errno));
        close(fd);
        return NULL;
    }
    if (!S_ISREG(st.st_mode)) {
        error_set(err, "%s: the fast cache must be a regular file", path);
        close(fd);
        return NULL;
    }
    ssize_t got = st.st_size >= (off_t)sizeof MAGIC - 1 ? pread(fd, header, sizeof header, 0) : 0;
    if (got < (ssize_t)sizeof MAGIC - 1 || memcmp(header, MAGIC, sizeof MAGIC - 1) != 0) {
        error_set(err, "%s: exists and is not a fast cache (it does not begin with \"%s\"); not replacing it", path,
                  MAGIC);
        close(fd);
        return NULL;
    }
    uint64_t have[HEADER_WORDS] = {0};
    if (got == (ssize_t)sizeof header) memcpy(have, header + 8, sizeof have);
    const char *why = got == (ssize_t)sizeof header ? mismatch(have, want) : "it is cut short";
    if (why == NULL && (uint64_t)st.st_size != HEADER_BYTES + (uint64_t)bytes) why = "it is cut short or too long";
    if (why != NULL) {
        error_set(reason, "%s: not used, %s; rebuilt", path, why);
        close(fd);
        return NULL;
    }
    size_t total = HEADER_BYTES + bytes;
    void *map = mmap(NULL, total, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0);
    if (map == MAP_FAILED) {
        error_set(err, "%s: cannot map the fast cache: %s", path, strerror(errno));
        close(fd);
        return NULL;
    }
    if (mapped_file_guard(map, total, path, "fast cache", fd) != 0) { /* no room to guard it: build instead */
        munmap(map, total);
        close(fd);
        error_set(reason, "%s: not used, too many files mapped; rebuilt", path);
        return NULL;
    }
    close(fd);
    if (fast_cache_checksum((const unsigned char *)map + HEADER_BYTES, bytes) != have[W_CHECKSUM]) {
        mapped_file_unguard(map);
        munmap(map, total);
        error_set(reason, "%s: not used, its weights do not match their checksum (the file is damaged); rebuilt",
                  path);
        return NULL;
    }
    return map;
}

/* Writes the header words and the weights to path, whole or not at all. */
static int write_cache(AtomicFile *file, uint64_t words[HEADER_WORDS], const void *weights, size_t bytes,
                       ErrorText *err) {
    static unsigned char header[HEADER_BYTES];
    memset(header, 0, sizeof header);
    words[W_CHECKSUM] = fast_cache_checksum(weights, bytes);
    memcpy(header, MAGIC, sizeof MAGIC - 1);
    memcpy(header + 8, words, HEADER_WORDS * sizeof words[0]);
    if (fwrite(header, 1, sizeof header, file->file) != sizeof header ||
        fwrite(weights, 1, bytes, file->file) != bytes) {
        error_set(err, "%s: cannot write the fast cache: %s", file->path, strerror(errno));
        atomic_file_abandon(file);
        return -1;
    }
    return atomic_file_commit(file, err);
}

int fast_cache_init(FastForward **out, FastCacheMapping *mapping, Transformer *t, int threads, FastSimd simd,
                    const char *path, FastCacheOutcome *outcome, ErrorText *reason, ErrorText *err) {
    *out = NULL;
    mapping->map = NULL;
    mapping->bytes = 0;
    error_clear(reason);
    FastLayout layout;
    uint64_t words[HEADER_WORDS];
    if (fast_forward_layout(t, simd, &layout, err) != 0) return -1;
    if (expected_words(t, &layout, words, path, err) != 0) return -1;

    error_clear(err);
    void *map = map_cache(path, words, layout.bytes, reason, err);
    if (map == NULL && err->text[0] != '\0') return -1;
    if (map != NULL) {
        if (fast_forward_init_mapped(out, t, threads, &layout, (unsigned char *)map + HEADER_BYTES, err) != 0) {
            mapped_file_unguard(map);
            munmap(map, HEADER_BYTES + layout.bytes);
            return -1;
        }
        mapping->map = map;
        mapping->bytes = HEADER_BYTES + layout.bytes;
        *outcome = FAST_CACHE_USED;
        return 0;
    }

    AtomicFile file; /* opened before the build: a folder that cannot take it is said first */
    if (atomic_file_open(&file, path, err) != 0) return -1;
    if (fast_forward_init(out, t, threads, layout.simd, err) != 0) {
        atomic_file_abandon(&file);
        return -1;
    }
    size_t bytes;
    const void *weights = fast_forward_weights(*out, &bytes);
    if (bytes != layout.bytes) {
        atomic_file_abandon(&file);
        return error_set(err, "%s: the fast path built %zu bytes of weights, its layout says %zu", path, bytes,
                         layout.bytes);
    }
    if (write_cache(&file, words, weights, bytes, err) != 0) {
        fast_forward_free(*out);
        *out = NULL;
        return -1;
    }
    *outcome = FAST_CACHE_WRITTEN;
    return 0;
}

void fast_cache_unmap(FastCacheMapping *mapping) {
    if (mapping->map == NULL) return;
    mapped_file_unguard(mapping->map);
    munmap(mapping->map, mapping->bytes);
    mapping->map = NULL;
    mapping->bytes = 0;
}

#else /* no fast path, or no mmap: the option refuses */

int fast_cache_init(FastForward **out, FastCacheMapping *mapping, Transformer *t, int threads, FastSimd simd,
                    const char *path, FastCacheOutcome *outcome, ErrorText *reason, ErrorText *err) {
    (void)t, (void)threads, (void)simd, (void)outcome;
    *out = NULL;
    mapping->map = NULL;
    mapping->bytes = 0;
    error_clear(reason);
    return error_set(err, "%s: a fast cache needs the fast path and mapped files, which this build has not", path);
}

void fast_cache_unmap(FastCacheMapping *mapping) { (void)mapping; }
#endif
