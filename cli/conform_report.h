/* Prints a conform diff result: for people, or as one JSON object for CI. */
#ifndef CONFORM_REPORT_H
#define CONFORM_REPORT_H

#include <stdio.h>

#include "cli/conform_diff.h"

void report_text(FILE *out, const DiffResult *r, const Side *expected, const Side *actual);
void report_json(FILE *out, const DiffResult *r, const Side *expected, const Side *actual);

/* "bits", "ulp 4", "abs 0.001", "tokens", "text" */
void level_description(Str *s, const CmpOptions *o);

#endif
