/* The text a run printed: from a trace (its PIECE fields) or from a plain capture of the
 * program's output, in ASCII or in PETSCII (docs/conform.md gives the mapping). */
#ifndef CONFORM_TEXT_H
#define CONFORM_TEXT_H

#include <stddef.h>

#include "host/trace_reader.h"
#include "cli/conform_str.h"

typedef struct {
    unsigned char *bytes;
    size_t len;
    long *step_start; /* from a trace: where each step's PIECE starts in bytes; NULL otherwise */
    long n_steps;
    int petscii;      /* a capture read as PETSCII */
    long unmapped;    /* PETSCII bytes with no ASCII equivalent (each became 0x1A) */
} RunText;

void run_text_free(RunText *t);

/* The PIECE fields concatenated. 0, or -1 when out of memory. */
int run_text_of_trace(const Trace *trace, RunText *out);

#define PETSCII_AUTO (-1)
/* A capture from bytes: CRLF becomes LF; PETSCII (petscii 1, or PETSCII_AUTO and it looks
 * like PETSCII) is mapped to ASCII; then one newline at the very end is dropped. */
int run_text_of_capture(const unsigned char *bytes, size_t n, int petscii, RunText *out);

/* Whether bytes look like PETSCII rather than ASCII/UTF-8 (docs/conform.md). */
int petscii_detect(const unsigned char *bytes, size_t n);
/* The ASCII byte for a PETSCII byte, or -1 when there is none. */
int petscii_to_ascii(unsigned char c);

typedef struct {
    int equal;
    size_t offset;      /* first differing byte (or the shorter length) */
    long line, column;  /* of offset in the expected text, from 1 */
    long exp_step;      /* the expected step whose PIECE holds offset; -1 when unknown */
    long act_step;
    Str exp_context, act_context; /* the text around offset, escaped */
} TextDiff;

void text_compare(const RunText *expected, const RunText *actual, TextDiff *out);
void text_diff_free(TextDiff *d);

#endif
