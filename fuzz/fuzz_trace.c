/* Fuzz target: the L2T trace reader (host/trace_reader.h).
 *
 * The input is a capture: trace lines, noise, any line ends. It is read twice, whole with
 * trace_read_buffer() and in small chunks of varying size through the incremental parser;
 * both must give the same verdict, the same error (code, line, message) or the same trace.
 * A trace that reads must hold what the header promises: NUL-terminated texts, arrays that
 * exist when their counts are positive, and every field of every record readable (the walk
 * touches them all, so the sanitizers see any bad pointer). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "host/trace_reader.h"

static void fail(const char *what) {
    fprintf(stderr, "fuzz_trace: %s\n", what);
    abort();
}

static void check_text(const TraceText *t) {
    if (t->bytes == NULL) {
        if (t->len != 0) fail("a text without bytes has a length");
        return;
    }
    if (t->bytes[t->len] != 0) fail("a text is not NUL-terminated");
}

static int same_text(const TraceText *a, const TraceText *b) {
    if (a->len != b->len) return 0;
    if (a->len == 0) return 1;
    return memcmp(a->bytes, b->bytes, a->len) == 0;
}

static void check_trace(const Trace *t) {
    if (t->n_steps < 0 || t->n_users < 0 || t->n_notes < 0) fail("negative count");
    if (t->n_steps > 0 && t->steps == NULL) fail("steps missing");
    if (t->n_users > 0 && t->users == NULL) fail("users missing");
    if (t->n_notes > 0 && t->notes == NULL) fail("notes missing");
    if (t->h.math != NULL) (void)strlen(t->h.math);
    if (strlen(t->h.model_sha256) > 64 || strlen(t->h.tokenizer_sha256) > 64) fail("hash too long");
    check_text(&t->h.prompt);
    check_text(&t->h.system_prompt);
    check_text(&t->h.platform);
    for (int i = 0; i < t->n_notes; i++) {
        if (t->notes[i] == NULL) fail("NULL note");
        (void)strlen(t->notes[i]);
    }
    for (long i = 0; i < t->n_users; i++) check_text(&t->users[i].text);
    for (long i = 0; i < t->n_steps; i++) {
        const TraceStepRecord *s = &t->steps[i];
        check_text(&s->piece);
        if (s->n_logits < 0 || s->n_topk < 0 || s->n_layers < 0) fail("negative record count");
        if (s->n_logits > 0 && s->logits == NULL) fail("logits missing");
        if (s->n_topk > 0 && s->topk == NULL) fail("top-k pairs missing");
        if (s->n_layers > 0 && s->layers == NULL) fail("layer records missing");
        volatile uint32_t sink = 0;
        for (long k = 0; k < s->n_logits; k++) sink ^= s->logits[k];
        for (long k = 0; k < s->n_topk; k++) sink ^= s->topk[k].bits ^ (uint32_t)s->topk[k].index;
        for (long k = 0; k < s->n_layers; k++)
            for (int op = 0; op < TRACE_LAYER_OPS; op++) sink ^= s->layers[k].digest[op];
        (void)sink;
    }
}

static void compare_traces(const Trace *a, const Trace *b) {
    if (a->n_steps != b->n_steps || a->n_users != b->n_users || a->n_notes != b->n_notes ||
        a->complete != b->complete || a->end_line != b->end_line || a->lines != b->lines ||
        a->trace_lines != b->trace_lines)
        fail("chunked reading gives another trace (counts)");
    const TraceHeaderInfo *x = &a->h, *y = &b->h;
    if (x->version != y->version || strcmp(x->model_sha256, y->model_sha256) != 0 ||
        x->model_bytes != y->model_bytes || strcmp(x->tokenizer_sha256, y->tokenizer_sha256) != 0 ||
        x->tokenizer_bytes != y->tokenizer_bytes || x->dim != y->dim || x->hidden_dim != y->hidden_dim ||
        x->n_layers != y->n_layers || x->n_heads != y->n_heads || x->n_kv_heads != y->n_kv_heads ||
        x->vocab_size != y->vocab_size || x->seq_len != y->seq_len || x->shared_classifier != y->shared_classifier ||
        x->temperature_bits != y->temperature_bits || x->topp_bits != y->topp_bits || x->seed != y->seed ||
        x->steps != y->steps || x->chat != y->chat || x->level != y->level || x->topk != y->topk ||
        x->layers != y->layers || x->prompt_set != y->prompt_set || x->system_set != y->system_set ||
        !same_text(&x->prompt, &y->prompt) || !same_text(&x->system_prompt, &y->system_prompt) ||
        !same_text(&x->platform, &y->platform) || (x->math == NULL) != (y->math == NULL) ||
        (x->math != NULL && strcmp(x->math, y->math) != 0) || memcmp(x->line, y->line, sizeof x->line) != 0)
        fail("chunked reading gives another header");
    for (int i = 0; i < a->n_notes; i++)
        if (strcmp(a->notes[i], b->notes[i]) != 0) fail("chunked reading gives other notes");
    for (long i = 0; i < a->n_users; i++) {
        const TraceUserRecord *u = &a->users[i], *v = &b->users[i];
        if (u->pos != v->pos || u->system != v->system || u->line != v->line || !same_text(&u->text, &v->text))
            fail("chunked reading gives other USER records");
    }
    for (long i = 0; i < a->n_steps; i++) {
        const TraceStepRecord *s = &a->steps[i], *t = &b->steps[i];
        if (s->pos != t->pos || s->token != t->token || s->next != t->next || s->source != t->source ||
            s->argmax != t->argmax || s->crc != t->crc || s->line != t->line || !same_text(&s->piece, &t->piece) ||
            s->n_logits != t->n_logits || s->n_topk != t->n_topk || s->n_layers != t->n_layers)
            fail("chunked reading gives another STEP");
        if (s->n_logits > 0 && memcmp(s->logits, t->logits, (size_t)s->n_logits * sizeof *s->logits) != 0)
            fail("chunked reading gives other logits");
        for (long k = 0; k < s->n_topk; k++)
            if (s->topk[k].index != t->topk[k].index || s->topk[k].bits != t->topk[k].bits)
                fail("chunked reading gives other top-k pairs");
        for (long k = 0; k < s->n_layers; k++)
            if (s->layers[k].layer != t->layers[k].layer || s->layers[k].line != t->layers[k].line ||
                memcmp(s->layers[k].digest, t->layers[k].digest, sizeof s->layers[k].digest) != 0)
                fail("chunked reading gives other LAYER records");
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    Trace *whole = NULL, *chunked = NULL;
    TraceError e1, e2;
    memset(&e1, 0, sizeof e1);
    memset(&e2, 0, sizeof e2);
    int r1 = trace_read_buffer("fuzz", data, size, &whole, &e1);

    TraceParser *p = trace_parser_new("fuzz");
    if (p == NULL) fail("out of memory");
    static const size_t pieces[] = {1, 7, 2, 64, 3, 1000, 5};
    size_t at = 0;
    for (unsigned k = 0; at < size; k++) {
        size_t n = pieces[(k + (size > 0 ? data[0] : 0)) % (sizeof pieces / sizeof pieces[0])];
        if (n > size - at) n = size - at;
        trace_parser_feed(p, data + at, n);
        at += n;
    }
    int r2 = trace_parser_finish(p, &chunked, &e2);

    if (r1 != r2) fail("chunked and whole reading disagree on the verdict");
    if (r1 == 0) {
        if (whole == NULL || chunked == NULL) fail("success without a trace");
        check_trace(whole);
        compare_traces(whole, chunked);
    } else {
        if (whole != NULL || chunked != NULL) fail("failure with a trace");
        if (e1.code != e2.code || e1.line != e2.line || strcmp(trace_error_text(&e1), trace_error_text(&e2)) != 0)
            fail("chunked and whole reading give other errors");
        if (e1.code == TRACE_ERROR_NONE) fail("failure without an error code");
        if (trace_error_text(&e1)[0] == '\0') fail("failure without a message");
        if (strchr(trace_error_text(&e1), '\n') != NULL) fail("an error message of more than one line");
    }
    trace_free(whole);
    trace_free(chunked);
    trace_error_clear(&e1);
    trace_error_clear(&e2);
    return 0;
}
