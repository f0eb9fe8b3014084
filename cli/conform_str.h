/* Growable strings for conform's messages and reports, and the ways it writes bytes:
 * for a terminal (escapes for control bytes) and for JSON. */
#ifndef CONFORM_STR_H
#define CONFORM_STR_H

#include <stddef.h>
#include <stdio.h>

#include "host/printf_like.h"

typedef struct {
    char *s;    /* always NUL-terminated once anything was added; NULL when empty */
    size_t len; /* bytes, which may include NULs added with str_bytes */
    size_t cap;
    int failed; /* an allocation failed: the string is incomplete */
} Str;

void str_free(Str *s);
void str_printf(Str *s, const char *fmt, ...) PRINTF_LIKE(2, 3);
void str_bytes(Str *s, const void *bytes, size_t n);
/* The text, "" when empty. */
const char *str_text(const Str *s);

/* Bytes for a terminal: printable ASCII, UTF-8 and newlines (when keep_newlines) as they
 * are, other control bytes as \xNN, a backslash as \\. */
void str_escaped(Str *s, const unsigned char *bytes, size_t n, int keep_newlines);
/* A JSON string literal, quotes included. */
void str_json(Str *s, const unsigned char *bytes, size_t n);
void str_json_c(Str *s, const char *text);

#endif
