/* Growable strings; see conform_str.h. */
#include "cli/conform_str.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

void str_free(Str *s) {
    free(s->s);
    s->s = NULL;
    s->len = s->cap = 0;
    s->failed = 0;
}

static int reserve(Str *s, size_t more) {
    if (s->failed) return -1;
    if (more > SIZE_MAX - s->len - 1) {
        s->failed = 1;
        return -1;
    }
    size_t need = s->len + more + 1;
    if (need <= s->cap) return 0;
    size_t cap = s->cap < 64 ? 64 : s->cap;
    while (cap < need) cap = cap > SIZE_MAX / 2 ? need : cap * 2;
    char *grown = realloc(s->s, cap);
    if (grown == NULL) {
        s->failed = 1;
        return -1;
    }
    s->s = grown;
    s->cap = cap;
    return 0;
}

void str_bytes(Str *s, const void *bytes, size_t n) {
    if (reserve(s, n) != 0) return;
    if (n > 0) memcpy(s->s + s->len, bytes, n);
    s->len += n;
    s->s[s->len] = '\0';
}

void str_printf(Str *s, const char *fmt, ...) {
    va_list ap, copy;
    va_start(ap, fmt);
    va_copy(copy, ap);
    int n = vsnprintf(NULL, 0, fmt, copy);
    va_end(copy);
    if (n >= 0 && reserve(s, (size_t)n) == 0) {
        vsnprintf(s->s + s->len, (size_t)n + 1, fmt, ap);
        s->len += (size_t)n;
    }
    va_end(ap);
}

const char *str_text(const Str *s) { return s->s != NULL ? s->s : ""; }

void str_escaped(Str *s, const unsigned char *bytes, size_t n, int keep_newlines) {
    for (size_t i = 0; i < n; i++) {
        unsigned char c = bytes[i];
        if (c == '\\') str_bytes(s, "\\\\", 2);
        else if ((c == '\n' && keep_newlines) || (c >= 0x20 && c != 0x7F)) str_bytes(s, &c, 1);
        else if (c == '\n') str_bytes(s, "\\n", 2);
        else if (c == '\r') str_bytes(s, "\\r", 2);
        else if (c == '\t') str_bytes(s, "\\t", 2);
        else str_printf(s, "\\x%02X", c);
    }
}

void str_json(Str *s, const unsigned char *bytes, size_t n) {
    str_bytes(s, "\"", 1);
    for (size_t i = 0; i < n; i++) {
        unsigned char c = bytes[i];
        if (c == '"' || c == '\\') {
            str_bytes(s, "\\", 1);
            str_bytes(s, &c, 1);
        } else if (c == '\n') str_bytes(s, "\\n", 2);
        else if (c == '\r') str_bytes(s, "\\r", 2);
        else if (c == '\t') str_bytes(s, "\\t", 2);
        else if (c < 0x20 || c == 0x7F) str_printf(s, "\\u%04x", c);
        else if (c < 0x80) str_bytes(s, &c, 1);
        else {
            /* bytes that are not valid UTF-8 become U+FFFD so the output stays valid JSON */
            size_t len = c >= 0xF0 && c <= 0xF4 ? 4 : c >= 0xE0 ? 3 : c >= 0xC2 && c <= 0xDF ? 2 : 0;
            int valid = len > 0 && c <= 0xF4 && i + len <= n;
            for (size_t k = 1; valid && k < len; k++)
                if ((bytes[i + k] & 0xC0) != 0x80) valid = 0;
            if (valid && len == 3) {
                unsigned char c1 = bytes[i + 1];
                if ((c == 0xE0 && c1 < 0xA0) || (c == 0xED && c1 >= 0xA0)) valid = 0;
            }
            if (valid && len == 4) {
                unsigned char c1 = bytes[i + 1];
                if ((c == 0xF0 && c1 < 0x90) || (c == 0xF4 && c1 >= 0x90)) valid = 0;
            }
            if (valid) {
                str_bytes(s, bytes + i, len);
                i += len - 1;
            } else {
                str_bytes(s, "\\ufffd", 6);
            }
        }
    }
    str_bytes(s, "\"", 1);
}

void str_json_c(Str *s, const char *text) { str_json(s, (const unsigned char *)text, strlen(text)); }
