/* Where the story is inside a plain capture of a port's output (docs/conform.md, "Captures
 * as ports print them"): the banner before it, `<s>` markers, the tok/s or timing trailer
 * after it (with or without a newline before), and the options that override the rule. */
#ifndef CONFORM_CAPTURE_H
#define CONFORM_CAPTURE_H

#include <stddef.h>

#include "cli/conform_text.h"

#define CAPTURE_MAX_STRIP 16

typedef struct {
    long skip_lines;          /* --skip-lines N: the story starts after N lines; -1 when not given */
    const char *start_after;  /* --start-after TEXT: the story starts after its first occurrence */
    const char *end_before;   /* --end-before TEXT: the story ends before its last occurrence */
    const char *strip[CAPTURE_MAX_STRIP]; /* --strip REGEX: lines matching it are removed */
    int n_strip;
    int raw;                  /* --raw-capture: the whole capture is the story */
    int chat;                 /* the run is in chat mode: the chat loop's prompts are not story */
} CaptureRule;

void capture_rule_init(CaptureRule *r);

typedef struct {
    Str preamble;         /* the bytes before the story (after CRLF/PETSCII mapping) */
    Str trailer;          /* the bytes after it */
    long stripped_lines;  /* lines removed by --strip or as <s> markers */
    size_t stripped_bytes;
    long chat_prompts;    /* chat mode: "User: ", "Assistant: " and the like removed */
    const char *start_rule; /* how the start was found, for the report */
    const char *end_rule;
    int start_not_found;  /* --start-after TEXT is not in the capture */
} CaptureCut;

void capture_cut_free(CaptureCut *c);

/* Cuts the story out of text (a capture as run_text_of_capture reads it) in place; a
 * newline left at the end of the story once a trailer is cut is dropped too. expected is the other side's text, used
 * to find where the story starts; NULL when unknown. 0, -1 when out of memory, -2 when a
 * --strip pattern is not a valid regular expression (message in error). */
int capture_find_story(RunText *text, const RunText *expected, const CaptureRule *rule, CaptureCut *cut,
                       Str *error);

#endif
