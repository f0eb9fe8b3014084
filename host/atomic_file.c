#define _XOPEN_SOURCE 700 /* realpath, fchmod */
#include "host/atomic_file.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#if defined(__unix__) || defined(__APPLE__)
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>
#define HAVE_POSIX_FILES 1
#endif

#ifdef HAVE_POSIX_FILES
/* ---- removal of temporary files on a fatal signal ----
 * The open temporary files are listed here; the handler unlinks them (unlink is
 * async-signal-safe), restores the default action and raises the signal again, so that the
 * process still ends as the signal says. */
#define ATOMIC_FILES_MAX 8
static char *volatile live_temps[ATOMIC_FILES_MAX];
static const int cleanup_signals[] = {SIGINT, SIGTERM, SIGHUP, SIGPIPE};
#define N_CLEANUP_SIGNALS ((int)(sizeof cleanup_signals / sizeof cleanup_signals[0]))

static void remove_temps_and_die(int sig) {
    for (int i = 0; i < ATOMIC_FILES_MAX; i++)
        if (live_temps[i] != NULL) unlink(live_temps[i]);
    signal(sig, SIG_DFL);
    raise(sig);
}

/* Handlers go in once; a signal the program ignores (nohup, SIGPIPE set to SIG_IGN) stays
 * ignored. */
static void install_cleanup_handlers(void) {
    static int installed = 0;
    if (installed) return;
    installed = 1;
    for (int i = 0; i < N_CLEANUP_SIGNALS; i++) {
        struct sigaction old, act;
        if (sigaction(cleanup_signals[i], NULL, &old) != 0 || old.sa_handler == SIG_IGN) continue;
        memset(&act, 0, sizeof act);
        act.sa_handler = remove_temps_and_die;
        sigemptyset(&act.sa_mask);
        for (int j = 0; j < N_CLEANUP_SIGNALS; j++) sigaddset(&act.sa_mask, cleanup_signals[j]);
        sigaction(cleanup_signals[i], &act, NULL);
    }
}

/* The signals are blocked while the list changes, so the handler never sees half a change. */
static void set_live_temp(const char *old_path, char *new_path) {
    sigset_t all, saved;
    sigemptyset(&all);
    for (int i = 0; i < N_CLEANUP_SIGNALS; i++) sigaddset(&all, cleanup_signals[i]);
    sigprocmask(SIG_BLOCK, &all, &saved);
    for (int i = 0; i < ATOMIC_FILES_MAX; i++) {
        if (live_temps[i] == old_path) {
            live_temps[i] = new_path;
            break;
        }
    }
    sigprocmask(SIG_SETMASK, &saved, NULL);
}

static const char *file_kind(mode_t mode) {
    if (S_ISDIR(mode)) return "a directory";
    if (S_ISCHR(mode)) return "a character device";
    if (S_ISBLK(mode)) return "a block device";
    if (S_ISFIFO(mode)) return "a FIFO";
    if (S_ISSOCK(mode)) return "a socket";
    return "not a regular file";
}

/* The folder part of path ("." when it has none), malloc'ed. */
static char *folder_of(const char *path) {
    const char *slash = strrchr(path, '/');
    if (slash == NULL) return strdup(".");
    if (slash == path) return strdup("/");
    size_t n = (size_t)(slash - path);
    char *d = malloc(n + 1);
    if (d != NULL) {
        memcpy(d, path, n);
        d[n] = '\0';
    }
    return d;
}

/* Checks the target and settles its real path: a symbolic link is followed to the file it
 * names. 0, or -1 with a message. */
static int check_target(AtomicFile *f, const char *path, mode_t *mode, ErrorText *err) {
    struct stat st;
    *mode = 0;
    if (lstat(path, &st) == 0 && S_ISLNK(st.st_mode)) {
        char *real = realpath(path, NULL);
        if (real == NULL)
            return error_set(err, "%s: a symbolic link to %s: %s", path, errno == ENOENT ? "a missing file" : "a file that cannot be reached", strerror(errno));
        free(f->path);
        f->path = real;
    }
    if (stat(f->path, &st) == 0) {
        if (!S_ISREG(st.st_mode))
            return error_set(err, "%s: %s; only a regular file is ever replaced", path, file_kind(st.st_mode));
        f->target_exists = 1;
        f->target_dev = (unsigned long long)st.st_dev;
        f->target_ino = (unsigned long long)st.st_ino;
        *mode = st.st_mode & 07777;
        return 0;
    }
    if (errno != ENOENT) return error_set(err, "%s: cannot write: %s", path, strerror(errno));
    /* a missing file: its name must fit in its folder */
    char *folder = folder_of(f->path);
    if (folder == NULL) return error_set(err, "%s: out of memory", path);
    long name_max = pathconf(folder, _PC_NAME_MAX);
    const char *base = strrchr(f->path, '/');
    base = base != NULL ? base + 1 : f->path;
    free(folder);
    if (name_max > 0 && strlen(base) > (size_t)name_max)
        return error_set(err, "%s: cannot write: %s", path, strerror(ENAMETOOLONG));
    if (base[0] == '\0') return error_set(err, "%s: names a folder, not a file", path);
    return 0;
}

/* A new temporary file in the target's folder: exclusive (O_EXCL never follows a planted
 * symbolic link), an unpredictable name, the target's permissions (or the umask's). */
static int create_temp(AtomicFile *f, const char *path, mode_t mode, ErrorText *err) {
    char *folder = folder_of(f->path);
    if (folder == NULL) return error_set(err, "%s: out of memory", path);
    size_t n = strlen(folder) + 32;
    f->temp_path = malloc(n);
    if (f->temp_path == NULL) {
        free(folder);
        return error_set(err, "%s: out of memory", path);
    }
    snprintf(f->temp_path, n, "%s/.l2t-tmp-XXXXXX", folder);
    free(folder);
    install_cleanup_handlers();
    set_live_temp(NULL, f->temp_path); /* listed before it exists: no window without cleanup */
    int fd = mkstemp(f->temp_path);
    if (fd < 0) {
        int e = errno;
        set_live_temp(f->temp_path, NULL);
        free(f->temp_path);
        f->temp_path = NULL;
        return error_set(err, "%s: cannot create a file in its folder: %s", path, strerror(e));
    }
    if (mode == 0) {
        mode_t mask = umask(0);
        umask(mask);
        mode = 0666 & ~mask;
    }
    fchmod(fd, mode);
    f->file = fdopen(fd, "wb");
    if (f->file == NULL) {
        close(fd);
        return error_set(err, "%s: out of memory", path);
    }
    return 0;
}

int atomic_file_open(AtomicFile *f, const char *path, ErrorText *err) {
    memset(f, 0, sizeof *f);
    if (path[0] == '\0') return error_set(err, "\"\": an empty file name");
    f->path = strdup(path);
    if (f->path == NULL) return error_set(err, "%s: out of memory", path);
    mode_t mode;
    if (check_target(f, path, &mode, err) != 0 || create_temp(f, path, mode, err) != 0) {
        atomic_file_abandon(f);
        return -1;
    }
    return 0;
}
#else
/* Without POSIX files (bare-metal semihosting): a fixed temporary name beside the target. */
int atomic_file_open(AtomicFile *f, const char *path, ErrorText *err) {
    memset(f, 0, sizeof *f);
    if (path[0] == '\0') return error_set(err, "\"\": an empty file name");
    size_t n = strlen(path);
    f->path = malloc(n + 1);
    f->temp_path = malloc(n + 8);
    if (f->path == NULL || f->temp_path == NULL) {
        atomic_file_abandon(f);
        return error_set(err, "%s: out of memory", path);
    }
    memcpy(f->path, path, n + 1);
    snprintf(f->temp_path, n + 8, "%s.tmp", path);
    f->file = fopen(f->temp_path, "wb");
    if (f->file == NULL) {
        int e = errno;
        atomic_file_abandon(f);
        return error_set(err, "%s: cannot create: %s", path, strerror(e));
    }
    return 0;
}
#endif

int atomic_file_replaces(const AtomicFile *f, unsigned long long dev, unsigned long long ino) {
    return f->target_exists && f->target_dev == dev && f->target_ino == ino;
}

int atomic_file_commit(AtomicFile *f, ErrorText *err) {
    int failed = fflush(f->file) != 0 || ferror(f->file);
    int e = errno;
#ifdef HAVE_POSIX_FILES
    if (!failed && fsync(fileno(f->file)) != 0) { failed = 1; e = errno; }
#endif
    if (fclose(f->file) != 0 && !failed) { failed = 1; e = errno; }
    f->file = NULL;
#ifdef HAVE_POSIX_FILES
    /* the target may have changed since it was opened: still never replace a non-regular file */
    struct stat st;
    if (!failed && lstat(f->path, &st) == 0 && !S_ISREG(st.st_mode)) {
        error_set(err, "%s: became %s while it was written; only a regular file is ever replaced", f->path,
                  file_kind(st.st_mode));
        atomic_file_abandon(f);
        return -1;
    }
#endif
    if (!failed && rename(f->temp_path, f->path) != 0) { failed = 1; e = errno; }
    if (failed) {
        error_set(err, "%s: write failed: %s", f->path, strerror(e));
        atomic_file_abandon(f);
        return -1;
    }
#ifdef HAVE_POSIX_FILES
    set_live_temp(f->temp_path, NULL);
#endif
    free(f->path);
    free(f->temp_path);
    f->path = f->temp_path = NULL;
    return 0;
}

void atomic_file_abandon(AtomicFile *f) {
    if (f->file != NULL) fclose(f->file);
    if (f->temp_path != NULL) {
        remove(f->temp_path);
#ifdef HAVE_POSIX_FILES
        set_live_temp(f->temp_path, NULL);
#endif
    }
    free(f->path);
    free(f->temp_path);
    memset(f, 0, sizeof *f);
}
