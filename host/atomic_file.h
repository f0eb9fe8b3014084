/* Files that appear whole or not at all: written to a temporary file in the target's
 * folder (created exclusively, with an unpredictable name), then flushed, synced and
 * renamed over the target. An interrupted writer leaves the previous file untouched, and
 * the temporary file is removed on every error and on SIGINT, SIGTERM, SIGHUP and SIGPIPE.
 *
 * Only a regular file is ever replaced: a target that exists and is a directory, a device,
 * a FIFO or a socket is refused when the file is opened, as are an empty name, a missing or
 * unwritable folder and a name that is too long, so that every problem that can be known
 * before the work is reported before it. A symbolic link is followed: the file it names is
 * replaced and the link stays. */
#ifndef TRACE_ATOMIC_FILE_H
#define TRACE_ATOMIC_FILE_H

#include <stdio.h>

#include "host/errors.h"

typedef struct {
    FILE *file;      /* write here */
    char *path;      /* the target (the file a symbolic link names) */
    char *temp_path; /* where the bytes go until commit */
    int target_exists;                        /* the target existed when opened */
    unsigned long long target_dev, target_ino; /* and was this file */
} AtomicFile;

int atomic_file_open(AtomicFile *f, const char *path, ErrorText *err);
/* 1 when the target existed when opened and is the file with this device and inode:
 * committing would replace that file. */
int atomic_file_replaces(const AtomicFile *f, unsigned long long dev, unsigned long long ino);
/* Makes the file visible under its name; on a write error removes it and fails. */
int atomic_file_commit(AtomicFile *f, ErrorText *err);
/* Drops what was written; the target is left as it was. Safe to call twice. */
void atomic_file_abandon(AtomicFile *f);

#endif
