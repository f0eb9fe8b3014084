#define _POSIX_C_SOURCE 200809L
#include "atomic_file.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#if defined(__unix__) || defined(__APPLE__)
#include <unistd.h>
#define HAVE_POSIX_FILES 1
#endif

int atomic_file_open(AtomicFile *f, const char *path, ErrorText *err) {
    memset(f, 0, sizeof *f);
    size_t n = strlen(path);
    f->path = malloc(n + 1);
    f->temp_path = malloc(n + 32);
    if (f->path == NULL || f->temp_path == NULL) {
        atomic_file_abandon(f);
        return error_set(err, "%s: out of memory", path);
    }
    memcpy(f->path, path, n + 1);
#ifdef HAVE_POSIX_FILES
    snprintf(f->temp_path, n + 32, "%s.tmp%ld", path, (long)getpid());
#else
    snprintf(f->temp_path, n + 32, "%s.tmp", path);
#endif
    f->file = fopen(f->temp_path, "wb");
    if (f->file == NULL) {
        int e = errno;
        atomic_file_abandon(f);
        return error_set(err, "%s: cannot create: %s", path, strerror(e));
    }
    return 0;
}

int atomic_file_commit(AtomicFile *f, ErrorText *err) {
    int failed = fflush(f->file) != 0 || ferror(f->file);
    int e = errno;
#ifdef HAVE_POSIX_FILES
    if (!failed && fsync(fileno(f->file)) != 0) { failed = 1; e = errno; }
#endif
    if (fclose(f->file) != 0 && !failed) { failed = 1; e = errno; }
    f->file = NULL;
    if (!failed && rename(f->temp_path, f->path) != 0) { failed = 1; e = errno; }
    if (failed) {
        error_set(err, "%s: write failed: %s", f->path, strerror(e));
        atomic_file_abandon(f);
        return -1;
    }
    free(f->path);
    free(f->temp_path);
    f->path = f->temp_path = NULL;
    return 0;
}

void atomic_file_abandon(AtomicFile *f) {
    if (f->file != NULL) fclose(f->file);
    if (f->temp_path != NULL) remove(f->temp_path);
    free(f->path);
    free(f->temp_path);
    memset(f, 0, sizeof *f);
}
