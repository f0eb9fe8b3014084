/* The text a run printed; see conform_text.h. */
#include "cli/conform_text.h"

#include <stdlib.h>
#include <string.h>

#define CONTEXT_BEFORE 20
#define CONTEXT_AFTER 40

void run_text_free(RunText *t) {
    free(t->bytes);
    free(t->step_start);
    memset(t, 0, sizeof *t);
}

int run_text_of_trace(const Trace *trace, RunText *out) {
    memset(out, 0, sizeof *out);
    size_t total = 0;
    for (long i = 0; i < trace->n_steps; i++) total += trace->steps[i].piece.len;
    out->bytes = malloc(total + 1);
    out->step_start = malloc(((size_t)trace->n_steps + 1) * sizeof *out->step_start);
    if (out->bytes == NULL || out->step_start == NULL) {
        run_text_free(out);
        return -1;
    }
    for (long i = 0; i < trace->n_steps; i++) {
        const TraceText *piece = &trace->steps[i].piece;
        out->step_start[i] = (long)out->len;
        if (piece->len > 0) memcpy(out->bytes + out->len, piece->bytes, piece->len);
        out->len += piece->len;
    }
    out->bytes[out->len] = 0;
    out->n_steps = trace->n_steps;
    return 0;
}

int petscii_to_ascii(unsigned char c) {
    if (c == 0x0D || c == 0x8D || c == 0x0A) return '\n';
    if (c >= 0x41 && c <= 0x5A) return c - 0x41 + 'a';
    if (c >= 0x61 && c <= 0x7A) return c - 0x61 + 'A';
    if (c >= 0xC1 && c <= 0xDA) return c - 0xC1 + 'A';
    if (c >= 0x20 && c <= 0x40) return c;
    switch (c) {
    case 0x5B: return '[';
    case 0x5C: return '\\'; /* the pound sign: the usual stand-in for the backslash */
    case 0x5D: return ']';
    case 0x5E: return '^';  /* up arrow */
    case 0x5F: return '_';  /* left arrow */
    case 0xA0: return ' ';  /* shifted space */
    default: return -1;
    }
}

/* Length of a valid UTF-8 sequence at b[0..n), 0 when there is none. */
static size_t utf8_length(const unsigned char *b, size_t n) {
    unsigned char c = b[0];
    size_t len = c < 0x80 ? 1 : c >= 0xC2 && c <= 0xDF ? 2 : c >= 0xE0 && c <= 0xEF ? 3 : c >= 0xF0 && c <= 0xF4 ? 4 : 0;
    if (len == 0 || len > n) return 0;
    for (size_t k = 1; k < len; k++)
        if ((b[k] & 0xC0) != 0x80) return 0;
    if (len == 3 && ((c == 0xE0 && b[1] < 0xA0) || (c == 0xED && b[1] >= 0xA0))) return 0;
    if (len == 4 && ((c == 0xF0 && b[1] < 0x90) || (c == 0xF4 && b[1] >= 0x90))) return 0;
    return len;
}

int petscii_detect(const unsigned char *b, size_t n) {
    int has_lf = 0, has_lone_cr = 0, shifted_letter_outside_utf8 = 0;
    for (size_t i = 0; i < n;) {
        if (b[i] == '\n') has_lf = 1;
        if (b[i] == '\r' && (i + 1 == n || b[i + 1] != '\n')) has_lone_cr = 1;
        size_t len = utf8_length(b + i, n - i);
        if (len == 0) {
            if (b[i] >= 0xC1 && b[i] <= 0xDA) shifted_letter_outside_utf8 = 1;
            len = 1;
        }
        i += len;
    }
    return shifted_letter_outside_utf8 || (has_lone_cr && !has_lf);
}

int run_text_of_capture(const unsigned char *bytes, size_t n, int petscii, RunText *out) {
    memset(out, 0, sizeof *out);
    out->bytes = malloc(n + 1);
    if (out->bytes == NULL) return -1;
    if (petscii == PETSCII_AUTO) petscii = petscii_detect(bytes, n);
    out->petscii = petscii;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = bytes[i];
        if (c == '\r' && i + 1 < n && bytes[i + 1] == '\n') continue; /* CRLF is LF */
        if (petscii) {
            int a = petscii_to_ascii(c);
            if (a < 0) {
                out->unmapped++;
                a = 0x1A;
            }
            c = (unsigned char)a;
        }
        out->bytes[out->len++] = c;
    }
    if (out->len > 0 && out->bytes[out->len - 1] == '\n') out->len--;
    out->bytes[out->len] = 0;
    return 0;
}

static long step_at(const RunText *t, size_t offset) {
    if (t->step_start == NULL || t->n_steps == 0) return -1;
    /* the last step starting at or before offset and holding bytes */
    long lo = 0, hi = t->n_steps - 1, found = -1;
    while (lo <= hi) {
        long mid = lo + (hi - lo) / 2;
        if ((size_t)t->step_start[mid] <= offset) {
            found = mid;
            lo = mid + 1;
        } else {
            hi = mid - 1;
        }
    }
    /* steps with empty pieces share a start; the one that printed the byte is the last */
    if (found >= 0 && offset >= t->len) return t->n_steps - 1;
    return found;
}

static void context(Str *s, const RunText *t, size_t offset) {
    size_t from = offset > CONTEXT_BEFORE ? offset - CONTEXT_BEFORE : 0;
    size_t to = offset + CONTEXT_AFTER < t->len ? offset + CONTEXT_AFTER : t->len;
    if (from > 0) str_printf(s, "...");
    if (offset > t->len) offset = t->len;
    str_escaped(s, t->bytes + from, offset - from, 0);
    str_printf(s, "[HERE]");
    str_escaped(s, t->bytes + offset, to > offset ? to - offset : 0, 0);
    if (to < t->len) str_printf(s, "...");
    else str_printf(s, "[END]");
    if (s->s == NULL) str_bytes(s, "", 0);
}

void text_compare(const RunText *e, const RunText *a, TextDiff *out) {
    memset(out, 0, sizeof *out);
    size_t n = e->len < a->len ? e->len : a->len, i = 0;
    while (i < n && e->bytes[i] == a->bytes[i]) i++;
    out->equal = i == n && e->len == a->len;
    out->offset = i;
    out->line = 1;
    out->column = 1;
    for (size_t k = 0; k < i; k++) {
        if (e->bytes[k] == '\n') {
            out->line++;
            out->column = 1;
        } else {
            out->column++;
        }
    }
    out->exp_step = step_at(e, i);
    out->act_step = step_at(a, i);
    if (!out->equal) {
        context(&out->exp_context, e, i);
        context(&out->act_context, a, i);
    }
}

void text_diff_free(TextDiff *d) {
    str_free(&d->exp_context);
    str_free(&d->act_context);
}
