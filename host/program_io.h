/* What every program of the project does with its standard streams (hosts only; header
 * only, so that each program includes it without another source to link):
 *   - program_io_start(): a standard stream that is closed at start-up (`>&-`) gets
 *     /dev/null, so that the next file opened (a trace) cannot take descriptor 1 or 2 and
 *     receive the story or the messages;
 *   - program_io_error(): one line on standard error, with every control character of the
 *     text escaped (a file name holding a newline cannot split a message in two);
 *   - program_io_stdout_ok(): whether everything written to standard output reached it
 *     (./run > /dev/full must not exit 0), with the one-line error when it did not. */
#ifndef ENGINE_PROGRAM_IO_H
#define ENGINE_PROGRAM_IO_H

#include <errno.h>
#include <stdio.h>
#include <string.h>
#if defined(__unix__) || defined(__APPLE__)
#include <fcntl.h>
#include <unistd.h>
#define PROGRAM_IO_POSIX 1
#endif

static inline void program_io_start(void) {
#ifdef PROGRAM_IO_POSIX
    for (int fd = 0; fd <= 2; fd++) {
        if (fcntl(fd, F_GETFD) != -1 || errno != EBADF) continue;
        /* the lowest free descriptor: fd itself, as the ones below it are open */
        int got = open("/dev/null", fd == 0 ? O_RDONLY : O_WRONLY);
        if (got != fd && got >= 0) close(got);
    }
#endif
}

/* "PROGRAM: TEXT\n" with \n, \r, \t written so and other control bytes as \xHH. */
static inline void program_io_error_to(FILE *to, const char *program, const char *text) {
    fprintf(to, "%s: ", program);
    for (const unsigned char *p = (const unsigned char *)text; *p != '\0'; p++) {
        if (*p >= 0x20 && *p != 0x7F) putc(*p, to);
        else if (*p == '\n') fputs("\\n", to);
        else if (*p == '\r') fputs("\\r", to);
        else if (*p == '\t') fputs("\\t", to);
        else fprintf(to, "\\x%02X", *p);
    }
    putc('\n', to);
}

static inline void program_io_error(const char *program, const char *text) {
    program_io_error_to(stderr, program, text);
}

/* 1 when standard output took everything; else 0 after the one-line error. */
static inline int program_io_stdout_ok(const char *program) {
    errno = 0;
    int flushed = fflush(stdout) == 0;
    int e = errno;
    if (flushed && !ferror(stdout)) return 1;
    char text[160];
    snprintf(text, sizeof text, "cannot write standard output: %s", flushed || e == 0 ? "write error" : strerror(e));
    program_io_error(program, text);
    return 0;
}

#endif
