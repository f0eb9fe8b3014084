/* The fast path's cache file (run --fast --fast-cache FILE): the interleaved weights that
 * --fast builds at start-up, kept between runs so that a later run maps them instead of
 * building them again, as the original run.c maps its checkpoint.
 *
 * The file is a 4096-byte header, then the weights exactly as fast_forward_weights gives
 * them. The header names the format (magic "L2TFASTC", a version, the byte order), the
 * layout (FastLayout: instruction set, rows a block, blocks a group, bytes), the model's
 * shape and the checkpoint it was built from (device, inode, size, modification and change
 * times), and a checksum of the weights. A run uses the file only when all of them match the
 * checkpoint just loaded and the checksum of the mapped weights is right; otherwise it builds
 * the weights and writes the file anew (whole or not at all: host/atomic_file.h). A file
 * that exists and does not begin with the magic is never replaced: it may be the user's
 * (the checkpoint itself, given by mistake). */
#ifndef HOST_FAST_CACHE_H
#define HOST_FAST_CACHE_H

#include <stddef.h>
#include <stdint.h>

#include "engine/transformer.h"
#include "host/errors.h"
#include "host/forward_fast.h"

/* What fast_cache_init did with the file. */
typedef enum {
    FAST_CACHE_USED,   /* mapped: nothing was built */
    FAST_CACHE_WRITTEN /* built, and written to the file (reason says why it was not used) */
} FastCacheOutcome;

/* The cache file's mapping, when a run reads its weights from it. */
typedef struct {
    void *map;
    size_t bytes;
} FastCacheMapping;

/* fast_forward_init (host/forward_fast.h) with the cache file at path: maps its weights
 * when they are this checkpoint's for this build, else builds them and writes the file.
 * reason gets why an existing file was not used ("built for another checkpoint", ...), or
 * is empty. Returns 0, or -1 with a message in err ("PATH: ...": the file is not a cache,
 * cannot be written, ...); on -1 the file at path is as it was. */
int fast_cache_init(FastForward **out, FastCacheMapping *mapping, Transformer *t, int threads, FastSimd simd,
                    const char *path, FastCacheOutcome *outcome, ErrorText *reason, ErrorText *err);

/* Unmaps what fast_cache_init mapped, after fast_forward_free of the FastForward it made;
 * nothing when it mapped nothing. */
void fast_cache_unmap(FastCacheMapping *mapping);

/* The checksum a cache file's header keeps of its weights (bytes of them, any length): two
 * running sums of the 64-bit words in four lanes (Fletcher's scheme), which a changed, lost
 * or reordered word changes. For the tests. */
uint64_t fast_cache_checksum(const void *bytes, size_t size);

#endif
