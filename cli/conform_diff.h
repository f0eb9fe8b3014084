/* conform diff: compares two runs (traces, or a trace and a plain text capture) at a chosen
 * strictness and finds the first divergence. conform_report.c prints the result. */
#ifndef CONFORM_DIFF_H
#define CONFORM_DIFF_H

#include <stdint.h>

#include "host/trace_reader.h"
#include "cli/conform_str.h"
#include "cli/conform_align.h"
#include "cli/conform_capture.h"
#include "cli/conform_text.h"

enum { CMP_BITS, CMP_ULP, CMP_ABS, CMP_TOKENS, CMP_TEXT };

typedef struct {
    int level;         /* CMP_... */
    uint64_t ulp;      /* CMP_ULP: allowed distance */
    double abs_tol;    /* CMP_ABS: allowed absolute error */
    int allow_truncated; /* a cut-short trace whose steps all match passes */
    int petscii;       /* plain captures: 1, 0 or PETSCII_AUTO */
} CmpOptions;

/* One side of the comparison: a trace, or a plain capture (trace NULL). */
typedef struct {
    const char *name;
    Trace *trace;
    RunText text; /* filled at text level */
    CaptureCut cut; /* a plain capture: what was left out around the story */
} Side;

/* Frees what a side holds (its trace, text and cut). */
void side_free(Side *s);

enum { VERDICT_EQUAL, VERDICT_DIFFERENT, VERDICT_TRUNCATED, VERDICT_SCENARIO, VERDICT_ERROR };

/* A difference between the headers. */
typedef struct {
    char *field; /* e.g. "MODEL SHA256" */
    char *expected, *actual;
} HeaderDiff;

#define ULP_INFINITE UINT64_MAX
enum { KL_NONE, KL_OK, KL_TOPK_ONLY, KL_NONFINITE };

/* Logit statistics at one step. */
typedef struct {
    int basis;          /* TRACE_READ_FULL, _TOPK or _DIGEST: what was compared */
    long compared;      /* logits compared (known on both sides) */
    long unequal;       /* of those, not bit-identical */
    long beyond;        /* of those, beyond the tolerance (ulp/abs levels) */
    long topk_only;     /* TOPK: indices in one top-K list only */
    uint64_t max_ulp;   /* ULP_INFINITE when a NaN differs */
    long max_ulp_index;
    uint32_t max_ulp_expected, max_ulp_actual;
    double mean_ulp;    /* over the compared logits; meaningless when mean_infinite */
    int mean_infinite;
    double max_abs;     /* NaN when a NaN differs */
    long max_abs_index;
    int max_abs_unequal; /* the logit at max_abs_index differs in its bits */
    int kl_status;      /* KL_... */
    double kl;          /* KL(expected || actual) in nats, softmax in double */
    int topk_lists_differ; /* TOPK: the pairs present are not identical */
} LogitStats;

typedef struct {
    long step, pos;
    int missing;        /* 0; 1: no such step in ACTUAL; 2: none in EXPECTED */
    long exp_token, act_token, exp_next, act_next;
    char exp_src, act_src;
    long exp_argmax, act_argmax;
    uint32_t exp_crc, act_crc;
    int tokens_differ, digest_differs, logits_differ, piece_differs;
    const TraceText *exp_piece, *act_piece; /* the PIECE fields (owned by the traces) */
    int have_stats;
    LogitStats stats;
    int both_layers;    /* both traces carry LAYER records */
    int layer_differs;
    long layer;
    int op;             /* TRACE_LAYER ops: q k v att ffn x */
    uint32_t layer_expected, layer_actual;
} StepDiff;

typedef struct {
    int verdict, exit_status;
    char *error;          /* VERDICT_ERROR: why */
    CmpOptions options;
    int basis;            /* logits level both traces have */
    HeaderDiff *scenario; /* differences that make it another run */
    int n_scenario;
    HeaderDiff *info;     /* differences reported for information */
    int n_info;
    char **notes;         /* from the readers and the comparison */
    int n_notes;
    long exp_steps, act_steps, compared, steps_differ;
    int exp_complete, act_complete;
    int tokens_match;     /* over the compared steps, and the same count */
    long first_token_step;  /* -1 when none */
    long first_layer_step;  /* -1 when none or no layers */
    int have_first;
    StepDiff first;       /* the first divergent step */
    uint64_t worst_ulp;   /* over all compared steps (FULL or TOPK basis) */
    uint64_t *step_ulp;   /* max ULP distance per compared step (NULL without logits) */
    unsigned char *step_differs; /* per compared step: 1 when it differs at the level */
    long worst_ulp_step;
    /* text level */
    int text_compared;
    TextDiff text;
    TextRegions regions;  /* every differing region */
    long exp_text_len, act_text_len;
    int exp_plain, act_plain, exp_petscii, act_petscii;
    long act_unmapped, exp_unmapped;
    /* set by the caller after diagnose() (conform_diagnose.h), for the reports; not owned */
    const char *diagnosis_name, *diagnosis_detail;
} DiffResult;

void diff_run(Side *expected, Side *actual, const CmpOptions *options, DiffResult *out);
void diff_result_free(DiffResult *r);

/* The scenario differences between two headers (and info differences). */
void diff_headers(const Trace *e, const Trace *a, DiffResult *r);

/* ULP distance on the ordered-integer line of binary32: -0 and +0 are 0 apart; a NaN on
 * either side (unless both bit patterns are equal) gives ULP_INFINITE. */
uint64_t ulp_distance(uint32_t a, uint32_t b);
/* The binary32 value of a bit pattern, as a double. */
double bits_value(uint32_t bits);

#endif
