/* conform check: the golden suite against a port in one command (docs/conform.md). */
#ifndef CONFORM_CHECK_H
#define CONFORM_CHECK_H

#include <stdio.h>

#include "cli/conform_capture.h"
#include "cli/conform_diagnose.h"

/* Levels a scenario can reach, weakest first. */
enum { REACH_NONE, REACH_TEXT, REACH_TOKENS, REACH_BITS };

enum { CHECK_PASS, CHECK_FAIL, CHECK_SKIP, CHECK_ERROR };

/* One scenario's outcome, for the reports. */
typedef struct {
    char *name;
    int status;          /* CHECK_... */
    int reached;         /* REACH_...: the strictest level at which it is equal */
    int supported;       /* the strictest level the capture supports */
    int required;
    char *why;           /* skip or error reason; NULL otherwise */
    Diagnosis diagnosis;
    char *first;         /* first divergence, one line; NULL when none */
    char *capture;       /* the capture's path */
    double seconds;      /* the port's run time */
    /* the plot: per-step max ULP distance (traces) or the differing regions (text) */
    long n_steps;
    double *step_ulp;    /* -1 where unknown; HUGE_VAL when infinite */
    unsigned char *step_differs;
    long first_step, first_token_step;
    char *layer_op;      /* "layer 0, k" when known */
    long text_len;
    long n_regions;
    long *region_offset; /* expected offsets of the regions */
    long *region_len;
} CheckOutcome;

typedef struct {
    const char *port_name;
    const char *golden, *math;
    int required_declared; /* -1: per capture (bits with a trace, text without) */
    CheckOutcome *outcomes;
    int n;
    int passed, failed, skipped, errors;
    int exit_status;
} CheckRun;

const char *reach_name(int reached);

int cmd_check(int argc, char **argv, FILE *out, FILE *err);

void check_write_json(FILE *f, const CheckRun *run);
void check_write_junit(FILE *f, const CheckRun *run);
void check_write_html(FILE *f, const CheckRun *run);

/* From conform.c: the capture options shared with diff. */
int capture_option(int argc, char **argv, int *i, CaptureRule *rule, FILE *err);

#endif
