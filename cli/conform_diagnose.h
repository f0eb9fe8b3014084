/* Named diagnoses: what a port author should look at, from a comparison's result (text
 * where text suffices, traces where they exist). docs/conform.md lists them. */
#ifndef CONFORM_DIAGNOSE_H
#define CONFORM_DIAGNOSE_H

#include "cli/conform_diff.h"

typedef struct {
    const char *name; /* a stable name, e.g. "byte-pieces-literal"; NULL when none applies */
    Str detail;       /* one line: the evidence and where to look */
    int sampled_at_prompt_end; /* text-differs: a sampled run going apart where the prompt ends,
                                  which a bad sampler or a bad prompt encoding both explain */
} Diagnosis;

/* The most specific diagnosis of a difference. bits: the comparison of two traces at a
 * trace level (NULL when ACTUAL is a plain capture); text: the comparison at text level
 * (NULL when not made). A result that is equal gets none. */
void diagnose(const DiffResult *bits, const DiffResult *text, const Side *expected, const Side *actual,
              Diagnosis *out);
void diagnosis_free(Diagnosis *d);

/* Every diagnosis name, in the order they are tried; NULL-terminated. */
extern const char *const DIAGNOSIS_NAMES[];

#endif
