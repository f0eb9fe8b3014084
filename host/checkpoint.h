/* The checkpoint loader (host/checkpoint.c): llama2.c checkpoint files checked, mapped or
 * read, and the run state allocated, for hosts and the Pico; the 6502 reads its own model
 * image instead (ports/c64/common/model.c). */
#ifndef HOST_CHECKPOINT_H
#define HOST_CHECKPOINT_H

#include <stddef.h>
#include <stdint.h>

#include "engine/transformer.h"
#include "host/errors.h"
#include "host/input_file.h"

/* Largest run state (KV cache and buffers) a checkpoint may ask for. */
#define RUN_STATE_MAX_BYTES ((uint64_t)4 << 30)

/* Checks a header and computes the file size it implies.
 * name is the file name used in messages. Returns 0 or -1 with a message. */
int checkpoint_check_header(const unsigned char *bytes, size_t size, const char *name,
                            Config *config, int *shared_classifier, uint64_t *implied_size,
                            ErrorText *err);

/* Points w's tensors into checkpoint weights laid out for p, ptr being the first float
 * after the header (llama2.c's memory_map_weights); with shared, wcls is the embedding
 * table. The layout follows p alone, so a caller can read the weights as another shape. */
void checkpoint_point_weights(TransformerWeights *w, const Config *p, int shared, float *ptr);

/* Points the weights into a checkpoint image held in memory. The image must be 4-byte aligned
 * and stay alive; on a big-endian host it is byte-swapped in place. warning gets a message
 * for trailing bytes (and is empty otherwise). */
int transformer_init_from_image(Transformer *t, unsigned char *image, size_t size, const char *name,
                                ErrorText *warning, ErrorText *err);

/* Maps a checkpoint file (or reads it into memory where it cannot be used in place) and
 * initialises t, run state included. */
int transformer_load(Transformer *t, const char *path, ErrorText *warning, ErrorText *err);
/* The same, telling watch (host/input_file.h) the file's identity and every byte read;
 * the checkpoint must be a regular file. */
int transformer_load_watched(Transformer *t, const char *path, InputWatch *watch, ErrorText *warning,
                             ErrorText *err);

/* A program calls this once, before loading, to turn a SIGBUS in a mapped checkpoint (the
 * file shrank under the mapping) into the one-line message "PROGRAM: PATH: checkpoint
 * shrank while the run was using it ..." and exit status 1, instead of a crash. */
int checkpoint_guard_sigbus(const char *program, ErrorText *err);

/* A file's identity when it was opened: a change to its bytes changes its ctime. */
typedef struct {
    unsigned long long dev, ino, size;
    long long mtime_sec, mtime_nsec, ctime_sec, ctime_nsec;
} FileIdentity;

/* The identity of t's checkpoint file when it was mapped; -1 when t's weights are not a
 * mapped file (read into memory, or an image). */
int checkpoint_file_identity(const Transformer *t, FileIdentity *identity);

/* Puts another read-only mapping of the open file fd under the SIGBUS guard, its message
 * "PROGRAM: PATH: WHAT shrank while the run was using it ..."; -1 when it cannot (no mmap
 * here, the table is full): the caller then must not map the file. */
int mapped_file_guard(const void *start, size_t bytes, const char *path, const char *what, int fd);
void mapped_file_unguard(const void *start);

/* Tells the system that the whole pages of the checkpoint in [from, from + bytes) will not
 * be read again soon (the fast path copied them): mapped pages leave the process's memory
 * and come back from the file if read. Does nothing for a checkpoint held in memory. */
void transformer_drop_pages(const Transformer *t, const void *from, size_t bytes);

/* Allocates the run state (KV cache and buffers); 0 or -1 with a message. */
int transformer_alloc_state(Transformer *t, ErrorText *err);
void transformer_free(Transformer *t);

#endif
