/* Opening the files a host run reads whole (checkpoints, tokenizers), and what the loader
 * tells its caller about them.
 *
 * Only a regular file is read: a FIFO would block or never end, a device (/dev/zero) would
 * be read until a size limit, a directory does not read at all. The file is opened without
 * blocking (a FIFO with no writer) and checked with fstat before a byte is read. */
#ifndef ENGINE_INPUT_FILE_H
#define ENGINE_INPUT_FILE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "host/errors.h"

/* Optional: what the caller wants to know of a file a loader reads. */
typedef struct {
    /* Called with every byte of the file, in order, as the loader read it (before any byte
     * swapping), so that a hash names the bytes the run used. NULL: not wanted. */
    void (*consume)(void *context, const void *bytes, size_t n);
    void *context;
    /* With consume: bytes after a checkpoint's weights are read only to be consumed; more
     * than this many is refused rather than read. */
    uint64_t trailing_max;
    /* Filled by the loader: the file's identity, to refuse writing over it. */
    uint64_t device, inode;
} InputWatch;

/* fopen(path, "rb") of a regular file; what names the file in messages ("checkpoint",
 * "tokenizer"). The identity goes to watch when it is not NULL. NULL with a message:
 * "PATH: cannot open WHAT: REASON" or "PATH: cannot read WHAT: REASON". */
FILE *input_file_open(const char *path, const char *what, InputWatch *watch, ErrorText *err);

#endif
