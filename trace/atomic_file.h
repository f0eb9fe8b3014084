/* Files that appear whole or not at all: written to a temporary name in the same folder,
 * then flushed, synced and renamed over the target. An interrupted writer leaves the
 * previous file untouched. */
#ifndef TRACE_ATOMIC_FILE_H
#define TRACE_ATOMIC_FILE_H

#include <stdio.h>

#include "../engine/errors.h"

typedef struct {
    FILE *file;      /* write here */
    char *path;      /* the target */
    char *temp_path; /* where the bytes go until commit */
} AtomicFile;

int atomic_file_open(AtomicFile *f, const char *path, ErrorText *err);
/* Makes the file visible under its name; on a write error removes it and fails. */
int atomic_file_commit(AtomicFile *f, ErrorText *err);
/* Drops what was written; the target is left as it was. Safe to call twice. */
void atomic_file_abandon(AtomicFile *f);

#endif
