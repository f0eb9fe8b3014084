/* Helpers shared by the tests that run conform in-process (conform_main, built with
 * CONFORM_NO_MAIN): its output captured in temporary files, and assertions on the text. */
#ifndef TESTS_TESTUTIL_CONFORM_H
#define TESTS_TESTUTIL_CONFORM_H

#include <stdio.h>

int conform_main(int argc, char **argv, FILE *out, FILE *err);

typedef struct {
    int status;
    char *out, *err; /* what conform printed, NUL-terminated */
} Result;

/* conform with the arguments given (NULL-terminated). */
Result conform(const char *first, ...);
void result_free(Result *r);

/* All of a temporary stream, malloc'ed and NUL-terminated. */
char *read_stream(FILE *f);

/* The text holds this exact line; holds this; does not hold this (cmocka failures). */
void assert_line(const char *text, const char *line);
void assert_contains(const char *text, const char *part);
void assert_no(const char *text, const char *part);

#endif
