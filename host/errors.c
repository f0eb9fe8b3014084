#include "host/errors.h"

#include <stdarg.h>
#include <stdio.h>

void error_clear(ErrorText *e) { e->text[0] = '\0'; }

int error_set(ErrorText *e, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(e->text, sizeof e->text, fmt, ap);
    va_end(ap);
    return -1;
}
