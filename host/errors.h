/* One-line error and warning texts returned by the host code (checkpoint loader, tokenizer,
 * fast path, trace recorder ...). It never prints or exits: the program decides what to do.
 * The core (engine/) reports no errors: the 6502 program has no room for these texts. */
#ifndef HOST_ERRORS_H
#define HOST_ERRORS_H

#include "host/printf_like.h"

#define ERROR_TEXT_SIZE 512

typedef struct {
    char text[ERROR_TEXT_SIZE]; /* empty string when there is nothing to report */
} ErrorText;

void error_clear(ErrorText *e);
/* Formats a message; returns -1 so callers can write `return error_set(...)`. */
int error_set(ErrorText *e, const char *fmt, ...) PRINTF_LIKE(2, 3);

#endif
