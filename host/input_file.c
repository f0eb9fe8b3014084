#define _POSIX_C_SOURCE 200809L
#include "host/input_file.h"

#include <errno.h>
#include <string.h>
#if defined(__unix__) || defined(__APPLE__)
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#define HAVE_POSIX_FILES 1
#endif

#ifdef HAVE_POSIX_FILES
static const char *not_regular(mode_t mode) {
    if (S_ISDIR(mode)) return strerror(EISDIR); /* what reading a folder says */
    if (S_ISFIFO(mode)) return "a FIFO or pipe, not a regular file";
    if (S_ISCHR(mode)) return "a character device, not a regular file";
    if (S_ISBLK(mode)) return "a block device, not a regular file";
    if (S_ISSOCK(mode)) return "a socket, not a regular file";
    return "not a regular file";
}

FILE *input_file_open(const char *path, const char *what, InputWatch *watch, ErrorText *err) {
    /* O_NONBLOCK: opening a FIFO that has no writer returns at once instead of waiting */
    int fd = open(path, O_RDONLY | O_NONBLOCK);
    if (fd < 0) {
        error_set(err, "%s: cannot open %s: %s", path, what, strerror(errno));
        return NULL;
    }
    struct stat st;
    if (fstat(fd, &st) != 0) {
        error_set(err, "%s: cannot read %s: %s", path, what, strerror(errno));
        close(fd);
        return NULL;
    }
    if (!S_ISREG(st.st_mode)) {
        error_set(err, "%s: cannot read %s: %s", path, what, not_regular(st.st_mode));
        close(fd);
        return NULL;
    }
    int flags = fcntl(fd, F_GETFL);
    if (flags != -1) fcntl(fd, F_SETFL, flags & ~O_NONBLOCK);
    FILE *f = fdopen(fd, "rb");
    if (f == NULL) {
        error_set(err, "%s: cannot open %s: %s", path, what, strerror(errno));
        close(fd);
        return NULL;
    }
    if (watch != NULL) {
        watch->device = (uint64_t)st.st_dev;
        watch->inode = (uint64_t)st.st_ino;
    }
    return f;
}
#else
FILE *input_file_open(const char *path, const char *what, InputWatch *watch, ErrorText *err) {
    FILE *f = fopen(path, "rb");
    if (f == NULL) error_set(err, "%s: cannot open %s: %s", path, what, strerror(errno));
    if (watch != NULL) watch->device = watch->inode = 0;
    return f;
}
#endif
