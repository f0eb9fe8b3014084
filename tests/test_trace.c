/* Tests of the L2T trace reader (host/trace_reader.c) against the writer
 * (engine/trace_writer.c): round trips at every level, every class of malformed trace with
 * its exact message, noisy captures, cut-short captures, and inputs that must not crash. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "host/trace_reader.h"
#include "engine/trace_writer.h"
#include "tests/testutil_trace.h"

/* ---- a growable buffer the writer writes into ---- */

typedef struct {
    char *bytes;
    size_t len, cap;
} Buf;

static void buf_put(Buf *b, const void *data, size_t n) {
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap < 256 ? 256 : b->cap;
        while (cap < b->len + n + 1) cap *= 2;
        b->bytes = realloc(b->bytes, cap);
        assert_non_null(b->bytes);
        b->cap = cap;
    }
    memcpy(b->bytes + b->len, data, n);
    b->len += n;
    b->bytes[b->len] = '\0';
}

static void buf_puts(Buf *b, const char *s) { buf_put(b, s, strlen(s)); }

static void buf_printf(Buf *b, const char *fmt, ...) {
    char tmp[4096];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    assert_true(n >= 0 && (size_t)n < sizeof tmp);
    buf_put(b, tmp, (size_t)n);
}

static void put_to_buf(void *context, int ascii) {
    char c = (char)ascii;
    buf_put(context, &c, 1);
}

/* ---- traces written by the writer ---- */

#define VOCAB 40
#define LAYERS 3
#define STEPS 9

static const char MODEL_SHA[] = "b0a507e7ad0f626624f17112325e66691f9076d622e1d3274d103d00299f2696";
static const char TOKENIZER_SHA[] = "037CB335ABB25D1FA9E8ECAE30ED2A3A8ACE9302862EBCDC05D51A6BBB10C312";

/* every byte 1..255, NUL-terminated */
static char all_bytes[256];

static void init_all_bytes(void) {
    for (int i = 1; i < 256; i++) all_bytes[i - 1] = (char)i;
    all_bytes[255] = '\0';
}

static uint32_t logit_bits(long step, long i) {
    uint32_t x = (uint32_t)(step * 7919 + i * 104729 + 12345);
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    /* values between about -8 and 8, some exact specials */
    if (i == 5) return 0x80000000u;               /* -0 */
    if (i == 6) return 0x00000000u;               /* +0 */
    if (i == 7 && step == 3) return 0x7FC00000u;  /* NaN */
    if (i == 8 && step == 4) return 0xFF800000u;  /* -inf */
    return (x & 0x807FFFFFu) | ((uint32_t)(0x78 + (x >> 28) % 8) << 23);
}

static void fill_logits(long step, trace_u32 *out) {
    for (long i = 0; i < VOCAB; i++) out[i] = logit_bits(step, i);
}

static TraceLayerDigests layer_digests(long pos, long layer) {
    TraceLayerDigests d;
    d.q = 0x11110000UL + (trace_u32)(pos * 16 + layer);
    d.k = 0x22220000UL + (trace_u32)(pos * 16 + layer);
    d.v = 0x33330000UL + (trace_u32)(pos * 16 + layer);
    d.att = 0x44440000UL + (trace_u32)(pos * 16 + layer);
    d.ffn = 0x55550000UL + (trace_u32)(pos * 16 + layer);
    d.x = 0xABCD0000UL + (trace_u32)(pos * 16 + layer);
    return d;
}

static const char *piece_of(long step) {
    static const char *const pieces[] = {"", "Once", " upon", " a", "\n", "%*", "\xE2\x80\x94", " time", "."};
    if (step == 6) return all_bytes;
    return pieces[step % 9];
}

typedef struct {
    int level, topk, layers, chat;
    const char *prompt, *system_prompt, *platform;
} Shape;

static TraceHeader header_of(const Shape *s) {
    TraceHeader h = test_trace_header(LAYERS, VOCAB, s->level, s->topk, s->layers, s->prompt, s->platform);
    h.model_sha256 = MODEL_SHA; /* lower case: the reader takes either */
    h.temperature_bits = 0x3F333333UL;
    h.topp_bits = 0x3F666666UL;
    h.seed_high = 0x00000001UL;
    h.seed_low = 0xDEADBEEFUL;
    h.steps = 20;
    h.chat = s->chat;
    h.math = "libm";
    h.system_prompt = s->system_prompt;
    return h;
}

/* Writes a whole trace of STEPS steps (END included when `end`). */
static void write_trace(Buf *b, const Shape *s, int end) {
    TraceWriter w;
    TraceHeader h = header_of(s);
    trace_u32 logits[VOCAB];
    trace_writer_init(&w, put_to_buf, b);
    trace_write_header(&w, &h);
    for (long pos = 0; pos < STEPS; pos++) {
        if (s->chat && pos == 0) trace_write_user(&w, 0, 1, "You are kind.");
        if (s->chat && (pos == 0 || pos == 5)) trace_write_user(&w, pos, 0, pos == 0 ? "Hi" : all_bytes);
        if (s->layers)
            for (long l = 0; l < LAYERS; l++) {
                TraceLayerDigests d = layer_digests(pos, l);
                trace_write_layer(&w, pos, l, &d);
            }
        TraceStep step;
        step.pos = pos;
        step.token = pos == 0 ? 1 : 10 + pos;
        step.next = 11 + pos;
        step.source = pos < 2 ? TRACE_SOURCE_PROMPT : TRACE_SOURCE_SAMPLED;
        step.piece = piece_of(pos);
        fill_logits(pos, logits);
        trace_write_step(&w, &step, logits, VOCAB, s->level, s->topk);
    }
    if (end) trace_write_end(&w);
}

static Trace *read_ok(const char *name, const char *bytes, size_t n) {
    Trace *t = NULL;
    TraceError e;
    int rc = trace_read_buffer(name, bytes, n, &t, &e);
    if (rc != 0) fail_msg("unexpected error: %s", trace_error_text(&e));
    assert_non_null(t);
    return t;
}

/* The message of a trace that must not parse. */
static char *read_error(const char *bytes, size_t n, int *code) {
    Trace *t = NULL;
    TraceError e;
    int rc = trace_read_buffer("t", bytes, n, &t, &e);
    assert_int_equal(rc, -1);
    assert_null(t);
    assert_non_null(e.message);
    if (code != NULL) *code = e.code;
    return e.message;
}

static void assert_text(const TraceText *t, const char *expected) {
    size_t n = expected != NULL ? strlen(expected) : 0;
    assert_int_equal(t->len, n);
    if (n > 0) assert_memory_equal(t->bytes, expected, n);
    assert_int_equal(t->bytes[t->len], 0);
}

/* The TOPK reference: sort (value descending, index ascending, NaN last), first k. */
static const trace_u32 *sort_logits;
static int topk_order(const void *a, const void *b) {
    long x = *(const long *)a, y = *(const long *)b;
    uint32_t vx = (uint32_t)sort_logits[x], vy = (uint32_t)sort_logits[y];
    int nx = (vx & 0x7FFFFFFFu) > 0x7F800000u, ny = (vy & 0x7FFFFFFFu) > 0x7F800000u;
    if (nx != ny) return nx - ny;
    if (!nx) {
        float fx, fy;
        memcpy(&fx, &vx, 4);
        memcpy(&fy, &vy, 4);
        if (fx > fy) return -1;
        if (fx < fy) return 1;
    }
    return (x > y) - (x < y);
}

/* Every field of a trace read back equals what write_trace wrote. */
static void check_round_trip(const Trace *t, const Shape *s, int complete) {
    const TraceHeaderInfo *h = &t->h;
    assert_int_equal(h->version, 1);
    assert_string_equal(h->model_sha256, "B0A507E7AD0F626624F17112325E66691F9076D622E1D3274D103D00299F2696");
    assert_int_equal(h->model_bytes, 1056540);
    assert_string_equal(h->tokenizer_sha256, TOKENIZER_SHA);
    assert_int_equal(h->tokenizer_bytes, 6227);
    assert_int_equal(h->dim, 64);
    assert_int_equal(h->hidden_dim, 172);
    assert_int_equal(h->n_layers, LAYERS);
    assert_int_equal(h->n_heads, 8);
    assert_int_equal(h->n_kv_heads, 4);
    assert_int_equal(h->vocab_size, VOCAB);
    assert_int_equal(h->seq_len, 512);
    assert_int_equal(h->shared_classifier, 1);
    assert_int_equal(h->temperature_bits, 0x3F333333u);
    assert_int_equal(h->topp_bits, 0x3F666666u);
    assert_true(h->seed == 0x00000001DEADBEEFull);
    assert_int_equal(h->steps, 20);
    assert_int_equal(h->chat, s->chat);
    assert_string_equal(h->math, "LIBM");
    assert_int_equal(h->level, s->level);
    /* the header's K is the count the TOPK records hold: within 1..TRACE_TOPK_MAX and at most VOCAB */
    long k = 0;
    if (s->level == TRACE_LOGITS_TOPK) {
        k = s->topk < 1 ? 1 : s->topk > TRACE_TOPK_MAX ? TRACE_TOPK_MAX : s->topk;
        if (k > VOCAB) k = VOCAB;
    }
    assert_int_equal(h->topk, k);
    assert_int_equal(h->layers, s->layers);
    assert_int_equal(h->prompt_set, s->prompt != NULL);
    assert_text(&h->prompt, s->prompt);
    assert_int_equal(h->system_set, s->system_prompt != NULL);
    assert_text(&h->system_prompt, s->system_prompt);
    assert_text(&h->platform, s->platform);
    for (int r = 0; r < TRACE_HEADER_RECORDS; r++) assert_int_equal(h->line[r], r + 1);

    assert_int_equal(t->complete, complete);
    assert_int_equal(t->n_notes, complete ? 0 : 1);
    assert_int_equal(t->n_steps, STEPS);
    for (long pos = 0; pos < STEPS; pos++) {
        const TraceStepRecord *st = &t->steps[pos];
        trace_u32 logits[VOCAB];
        fill_logits(pos, logits);
        trace_u32 crc = trace_digest_begin();
        for (long i = 0; i < VOCAB; i++) crc = trace_digest_add(crc, logits[i]);
        assert_int_equal(st->pos, pos);
        assert_int_equal(st->token, pos == 0 ? 1 : 10 + pos);
        assert_int_equal(st->next, 11 + pos);
        assert_int_equal(st->source, pos < 2 ? 'P' : 'S');
        assert_int_equal(st->argmax, trace_argmax(logits, VOCAB));
        assert_int_equal(st->crc, (uint32_t)trace_digest_end(crc));
        assert_text(&st->piece, piece_of(pos));
        if (s->level == TRACE_LOGITS_FULL) {
            assert_int_equal(st->n_logits, VOCAB);
            for (long i = 0; i < VOCAB; i++) assert_int_equal(st->logits[i], (uint32_t)logits[i]);
        } else {
            assert_null(st->logits);
            assert_int_equal(st->n_logits, 0);
        }
        if (s->level == TRACE_LOGITS_TOPK) {
            long order[VOCAB];
            for (long i = 0; i < VOCAB; i++) order[i] = i;
            sort_logits = logits;
            qsort(order, VOCAB, sizeof order[0], topk_order);
            long kk = k < VOCAB ? k : VOCAB;
            assert_int_equal(st->n_topk, kk);
            for (long r = 0; r < kk; r++) {
                assert_int_equal(st->topk[r].index, order[r]);
                assert_int_equal(st->topk[r].bits, (uint32_t)logits[order[r]]);
            }
        } else {
            assert_null(st->topk);
        }
        assert_int_equal(st->n_layers, s->layers ? LAYERS : 0);
        for (long l = 0; l < st->n_layers; l++) {
            TraceLayerDigests d = layer_digests(pos, l);
            const TraceLayerRecord *r = &st->layers[l];
            assert_int_equal(r->layer, l);
            assert_int_equal(r->digest[0], (uint32_t)d.q);
            assert_int_equal(r->digest[1], (uint32_t)d.k);
            assert_int_equal(r->digest[2], (uint32_t)d.v);
            assert_int_equal(r->digest[3], (uint32_t)d.att);
            assert_int_equal(r->digest[4], (uint32_t)d.ffn);
            assert_int_equal(r->digest[5], (uint32_t)d.x);
        }
    }
    if (s->chat) {
        assert_int_equal(t->n_users, 3);
        assert_int_equal(t->users[0].pos, 0);
        assert_int_equal(t->users[0].system, 1);
        assert_text(&t->users[0].text, "You are kind.");
        assert_int_equal(t->users[1].pos, 0);
        assert_int_equal(t->users[1].system, 0);
        assert_text(&t->users[1].text, "Hi");
        assert_int_equal(t->users[2].pos, 5);
        assert_text(&t->users[2].text, all_bytes);
    } else {
        assert_int_equal(t->n_users, 0);
    }
}

static void round_trip(const Shape *s) {
    Buf b = {0};
    write_trace(&b, s, 1);
    Trace *t = read_ok("rt", b.bytes, b.len);
    check_round_trip(t, s, 1);
    assert_int_equal(t->trace_lines, t->lines);
    trace_free(t);
    free(b.bytes);
}

static void test_round_trip_full_layers(void **state) {
    (void)state;
    Shape s = {TRACE_LOGITS_FULL, 0, 1, 0, "Zoo", NULL, "HOST-TEST"};
    round_trip(&s);
}

static void test_round_trip_topk(void **state) {
    (void)state;
    Shape s = {TRACE_LOGITS_TOPK, 5, 0, 0, NULL, NULL, "P"};
    round_trip(&s);
    /* K above VOCAB: the writer writes VOCAB pairs with RUN K as asked */
    Shape wide = {TRACE_LOGITS_TOPK, 64, 1, 0, NULL, NULL, "P"};
    round_trip(&wide);
}

static void test_round_trip_digest(void **state) {
    (void)state;
    Shape s = {TRACE_LOGITS_DIGEST, 0, 0, 0, "", NULL, ""};
    round_trip(&s);
}

static void test_round_trip_chat_all_bytes(void **state) {
    (void)state;
    /* texts holding every byte 1..255 in the prompt, system prompt, platform, a PIECE and a USER line */
    Shape s = {TRACE_LOGITS_FULL, 0, 1, 1, all_bytes, all_bytes, all_bytes};
    round_trip(&s);
}

/* Byte 0 cannot pass through the writer (C strings), but %00 is valid text. */
static void test_text_with_nul_byte(void **state);

/* ---- hand-made traces for malformed input ---- */

/* Lines given without their check; `L2T ` and " *CHECK" are added. */
static void add_line(Buf *b, const char *content) {
    Buf line = {0};
    buf_puts(&line, "L2T ");
    buf_puts(&line, content);
    unsigned check = trace_line_check((const unsigned char *)line.bytes, line.len);
    buf_put(b, line.bytes, line.len);
    buf_printf(b, " *%04X\n", check);
    free(line.bytes);
}

static const char *const BASE[] = {
    "TRACE V=1",
    "MODEL SHA256=" "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA" " BYTES=100",
    "TOKENIZER SHA256=" "BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB" " BYTES=50",
    "CONFIG DIM=8 HIDDEN=16 LAYERS=2 HEADS=2 KVHEADS=2 VOCAB=4 SEQLEN=8 SHARED=1",
    "SAMPLER TEMP=00000000 TOPP=3F666666 SEED=0000000000000000 STEPS=3",
    "RUN MODE=GENERATE MATH=LIBM LOGITS=DIGEST K=0 LAYERS=0",
    "PROMPT SET=1 TEXT=AB",
    "SYSTEM SET=0 TEXT=",
    "PLATFORM ID=TEST",
    "STEP POS=0 TOKEN=1 NEXT=2 SRC=P ARGMAX=0 CRC=00000000 PIECE=A",
    "STEP POS=1 TOKEN=2 NEXT=3 SRC=S ARGMAX=1 CRC=00000000 PIECE=B",
    "STEP POS=2 TOKEN=3 NEXT=1 SRC=S ARGMAX=2 CRC=00000000 PIECE=",
    "END STEPS=3",
    NULL};

/* BASE with line `at` (from 1) replaced by `with` (NULL: removed); with `insert`, `with`
 * goes before line `at` instead. */
static void edited(Buf *b, int at, const char *with, int insert) {
    for (int i = 0; BASE[i] != NULL; i++) {
        if (i + 1 == at) {
            if (with != NULL) add_line(b, with);
            if (!insert) continue;
        }
        add_line(b, BASE[i]);
    }
}

static void expect_edit_error(int at, const char *with, int insert, const char *message) {
    Buf b = {0};
    edited(&b, at, with, insert);
    int code;
    char *m = read_error(b.bytes, b.len, &code);
    assert_string_equal(m, message);
    assert_int_equal(code, TRACE_ERROR_FORMAT);
    free(m);
    free(b.bytes);
}

static void expect_error_text(const char *text, const char *message) {
    char *m = read_error(text, strlen(text), NULL);
    assert_string_equal(m, message);
    free(m);
}

static void test_base_is_valid(void **state) {
    (void)state;
    Buf b = {0};
    edited(&b, 0, NULL, 0);
    Trace *t = read_ok("t", b.bytes, b.len);
    assert_int_equal(t->n_steps, 3);
    assert_int_equal(t->complete, 1);
    assert_int_equal(t->end_line, 13);
    assert_text(&t->steps[0].piece, "A");
    trace_free(t);
    free(b.bytes);
}

static void test_bad_checksum(void **state) {
    (void)state;
    Buf b = {0};
    edited(&b, 0, NULL, 0);
    /* change one byte of line 4 (VOCAB=4 -> VOCAB=5) and keep its check */
    char *p = strstr(b.bytes, "VOCAB=4");
    p[6] = '5';
    Buf line = {0};
    buf_puts(&line, "L2T CONFIG DIM=8 HIDDEN=16 LAYERS=2 HEADS=2 KVHEADS=2 VOCAB=5 SEQLEN=8 SHARED=1");
    unsigned good = trace_line_check((const unsigned char *)line.bytes, line.len);
    char *star = strchr(p, '*');
    char said[5];
    memcpy(said, star + 1, 4);
    said[4] = '\0';
    char expected[256];
    snprintf(expected, sizeof expected,
             "t: line 4: bad checksum: the line says *%s, its bytes give *%04X: it looks damaged in transmission", said,
             good);
    char *m = read_error(b.bytes, b.len, NULL);
    assert_string_equal(m, expected);
    free(m);
    free(line.bytes);
    free(b.bytes);
}

static void test_missing_check(void **state) {
    (void)state;
    expect_error_text("L2T TRACE V=1 *8A48\nL2T MODEL SHA256=00 BYTES=1\nL2T TOKENIZER\n",
                      "t: line 2: no check at the end of the line (a space, * and four hex digits): the line was cut "
                      "short or damaged in transmission");
}

static void test_unknown_record(void **state) {
    (void)state;
    expect_edit_error(11, "FOO POS=1", 0, "t: line 11: unknown record FOO");
    expect_edit_error(11, "Step POS=1", 0, "t: line 11: bad record name Step (upper-case letters)");
}

static void test_header_order(void **state) {
    (void)state;
    expect_edit_error(1, NULL, 0, "t: line 1: MODEL record before TRACE: a trace starts with the TRACE record");
    expect_edit_error(3, BASE[1], 0, "t: line 3: duplicate MODEL record (the first is at line 2)");
    expect_edit_error(2, BASE[2], 1,
                      "t: line 2: expected MODEL record, found TOKENIZER (the header is TRACE MODEL TOKENIZER CONFIG "
                      "SAMPLER RUN PROMPT SYSTEM PLATFORM, in that order)");
    expect_edit_error(5, NULL, 0,
                      "t: line 5: expected SAMPLER record, found RUN (the header is TRACE MODEL TOKENIZER CONFIG "
                      "SAMPLER RUN PROMPT SYSTEM PLATFORM, in that order)");
    expect_edit_error(9, NULL, 0, "t: line 9: missing PLATFORM record: STEP found before the header was complete");
    expect_edit_error(11, BASE[3], 1, "t: line 11: duplicate CONFIG record (the first is at line 4)");
    expect_error_text("L2T TRACE V=1 *8A48\n", "t: line 1: the trace ends inside the header: missing MODEL record");
}

static void test_unsupported_version(void **state) {
    (void)state;
    expect_edit_error(1, "TRACE V=2", 0, "t: line 1: unsupported trace version V=2 (this reader reads version 1)");
    expect_edit_error(1, "TRACE V=2 NEW=1", 0, "t: line 1: unsupported trace version V=2 (this reader reads version 1)");
}

static void test_field_syntax(void **state) {
    (void)state;
    expect_edit_error(10, "STEP POS0 TOKEN=1 NEXT=2 SRC=P ARGMAX=0 CRC=00000000 PIECE=A", 0,
                      "t: line 10: bad field syntax in STEP record: POS0 is not KEY=VALUE");
    expect_edit_error(10, "STEP POS=0  TOKEN=1 NEXT=2 SRC=P ARGMAX=0 CRC=00000000 PIECE=A", 0,
                      "t: line 10: bad field syntax in STEP record: an empty field (two spaces in a row, or a space at "
                      "the end)");
    expect_edit_error(10, "STEP POS=0 TOKEN=1 NEXT=2 SRC=P ARGMAX=0 CRC=00000000 PIECE=A EXTRA=1", 0,
                      "t: line 10: unknown field EXTRA in STEP record");
    expect_edit_error(10, "STEP POS=0 TOKEN=1 NEXT=2 SRC=P ARGMAX=0 CRC=00000000", 0,
                      "t: line 10: STEP record lacks field PIECE");
    expect_edit_error(10, "STEP POS=0 POS=0 TOKEN=1 NEXT=2 SRC=P ARGMAX=0 CRC=00000000 PIECE=A", 0,
                      "t: line 10: field POS given twice in STEP record");
    expect_edit_error(10, "STEP POS=0 TOKEN=1 NEXT=2 SRC=X ARGMAX=0 CRC=00000000 PIECE=A", 0,
                      "t: line 10: STEP SRC=X: expected P or S");
    expect_edit_error(6, "RUN MODE=GENERATE MATH=LIBM LOGITS=ALL K=0 LAYERS=0", 0,
                      "t: line 6: RUN LOGITS=ALL: expected DIGEST, TOPK or FULL");
    expect_edit_error(4, "CONFIG DIM=8 HIDDEN=16 LAYERS=2 HEADS=2 KVHEADS=2 VOCAB=4 SEQLEN=8 SHARED=2", 0,
                      "t: line 4: CONFIG SHARED=2: not 0 or 1");
    expect_edit_error(7, "PROMPT SET=0 TEXT=AB", 0, "t: line 7: PROMPT SET=0 but TEXT is not empty");
}

static void test_bad_numbers(void **state) {
    (void)state;
    expect_edit_error(10, "STEP POS=0 TOKEN=1 NEXT=2 SRC=P ARGMAX=0 CRC=0000G000 PIECE=A", 0,
                      "t: line 10: STEP CRC=0000G000: not 8 hex digits");
    expect_edit_error(10, "STEP POS=0 TOKEN=1 NEXT=2 SRC=P ARGMAX=0 CRC=000000 PIECE=A", 0,
                      "t: line 10: STEP CRC=000000: not 8 hex digits");
    expect_edit_error(10, "STEP POS=0x TOKEN=1 NEXT=2 SRC=P ARGMAX=0 CRC=00000000 PIECE=A", 0,
                      "t: line 10: STEP POS=0x: not a decimal number");
    expect_edit_error(10, "STEP POS= TOKEN=1 NEXT=2 SRC=P ARGMAX=0 CRC=00000000 PIECE=A", 0,
                      "t: line 10: STEP POS=: not a decimal number");
    expect_edit_error(10, "STEP POS=0 TOKEN=99999999999999999999 NEXT=2 SRC=P ARGMAX=0 CRC=00000000 PIECE=A", 0,
                      "t: line 10: STEP TOKEN=99999999999999999999: number too large");
    expect_edit_error(10, "STEP POS=0 TOKEN=4 NEXT=2 SRC=P ARGMAX=0 CRC=00000000 PIECE=A", 0,
                      "t: line 10: STEP TOKEN=4: out of range (0 to 3)");
    expect_edit_error(4, "CONFIG DIM=8 HIDDEN=16 LAYERS=2 HEADS=2 KVHEADS=2 VOCAB=0 SEQLEN=8 SHARED=1", 0,
                      "t: line 4: CONFIG VOCAB=0: out of range (must be at least 1)");
    expect_edit_error(5, "SAMPLER TEMP=00000000 TOPP=3F666666 SEED=00000000 STEPS=3", 0,
                      "t: line 5: SAMPLER SEED=00000000: not 16 hex digits");
    expect_edit_error(2, "MODEL SHA256=ABC BYTES=100", 0, "t: line 2: MODEL SHA256=ABC: not 64 hex digits");
    expect_edit_error(10, "STEP POS=0 TOKEN=1 NEXT=2 SRC=P ARGMAX=0 CRC=00000000 PIECE=%4", 0,
                      "t: line 10: STEP PIECE: bad %XX escape at byte 0 of %4");
    expect_edit_error(10, "STEP POS=0 TOKEN=1 NEXT=2 SRC=P ARGMAX=0 CRC=00000000 PIECE=a", 0,
                      "t: line 10: STEP PIECE: byte 0x61 at byte 0 is not allowed in text (bytes 0x21-0x5A except % "
                      "and *, others as %XX)");
}

static void test_positions(void **state) {
    (void)state;
    expect_edit_error(10, "STEP POS=1 TOKEN=1 NEXT=2 SRC=P ARGMAX=0 CRC=00000000 PIECE=A", 0,
                      "t: line 10: first STEP has POS=1: positions start at 0");
    expect_edit_error(11, "STEP POS=0 TOKEN=2 NEXT=3 SRC=S ARGMAX=1 CRC=00000000 PIECE=B", 0,
                      "t: line 11: STEP POS=0 after STEP POS=0: positions go backwards");
    expect_edit_error(11, NULL, 0, "t: line 11: STEP POS=2 after STEP POS=0: POS skips 1 (a STEP lost in transmission?)");
    expect_edit_error(13, "STEP POS=3 TOKEN=3 NEXT=1 SRC=S ARGMAX=2 CRC=00000000 PIECE=", 1,
                      "t: line 13: STEP POS=3: more STEP records than SAMPLER STEPS=3");
    expect_edit_error(13, "END STEPS=2", 0, "t: line 13: END STEPS=2, but the trace has 3 STEP records");
}

static void test_record_after_end(void **state) {
    (void)state;
    Buf b = {0};
    edited(&b, 0, NULL, 0);
    add_line(&b, "STEP POS=3 TOKEN=3 NEXT=1 SRC=S ARGMAX=2 CRC=00000000 PIECE=");
    char *m = read_error(b.bytes, b.len, NULL);
    assert_string_equal(m, "t: line 14: STEP record after END (line 13)");
    free(m);
    free(b.bytes);
}

static void test_layers_and_users(void **state) {
    (void)state;
    expect_edit_error(10, "LAYER POS=0 L=0 Q=00000000 K=00000000 V=00000000 ATT=00000000 FFN=00000000 X=00000000", 1,
                      "t: line 10: LAYER record, but RUN LAYERS=0");
    expect_edit_error(10, "USER POS=0 SYS=0 TEXT=HI", 1,
                      "t: line 10: USER record in a GENERATE trace (USER records are for chat mode)");
}

/* A trace at level FULL with VOCAB=4: four logits per step, CRC and ARGMAX right. */
static const uint32_t FOUR[4] = {0x3F800000u, 0x40000000u, 0x00000000u, 0xBF800000u};

static void full_header(Buf *b, const char *level, int k, int layers) {
    char run[128];
    for (int i = 0; i < 9; i++) {
        if (i == 5) {
            snprintf(run, sizeof run, "RUN MODE=GENERATE MATH=LIBM LOGITS=%s K=%d LAYERS=%d", level, k, layers);
            add_line(b, run);
        } else {
            add_line(b, BASE[i]);
        }
    }
}

static void step_line(Buf *b, int pos) {
    trace_u32 crc = trace_digest_begin();
    for (int i = 0; i < 4; i++) crc = trace_digest_add(crc, FOUR[i]);
    char line[160];
    snprintf(line, sizeof line, "STEP POS=%d TOKEN=1 NEXT=2 SRC=P ARGMAX=1 CRC=%08lX PIECE=A", pos,
             (unsigned long)trace_digest_end(crc));
    add_line(b, line);
}

static void test_logits_errors(void **state) {
    (void)state;
    Buf b = {0};
    int code;
    char *m;

    /* three of four logits, then the next STEP */
    full_header(&b, "FULL", 0, 0);
    step_line(&b, 0);
    add_line(&b, "LOGITS POS=0 AT=0 V=3F800000,40000000,00000000");
    step_line(&b, 1);
    m = read_error(b.bytes, b.len, &code);
    assert_string_equal(m, "t: line 12: STEP record, but POS=0 (STEP at line 10) has 3 of VOCAB=4 logits");
    free(m);

    /* five */
    b.len = 0;
    full_header(&b, "FULL", 0, 0);
    step_line(&b, 0);
    add_line(&b, "LOGITS POS=0 AT=0 V=3F800000,40000000,00000000,BF800000,00000000");
    m = read_error(b.bytes, b.len, NULL);
    assert_string_equal(m, "t: line 11: LOGITS POS=0: more than VOCAB=4 logits");
    free(m);

    /* LOGITS before any STEP, and for another position */
    b.len = 0;
    full_header(&b, "FULL", 0, 0);
    add_line(&b, "LOGITS POS=0 AT=0 V=3F800000,40000000,00000000,BF800000");
    m = read_error(b.bytes, b.len, NULL);
    assert_string_equal(m, "t: line 10: LOGITS POS=0 without its STEP record (LOGITS follows the STEP of its position)");
    free(m);
    b.len = 0;
    full_header(&b, "FULL", 0, 0);
    step_line(&b, 0);
    add_line(&b, "LOGITS POS=1 AT=0 V=3F800000,40000000,00000000,BF800000");
    m = read_error(b.bytes, b.len, NULL);
    assert_string_equal(m, "t: line 11: LOGITS POS=1 without its STEP record (the last STEP is POS=0, line 10)");
    free(m);

    /* a LOGITS line lost */
    b.len = 0;
    full_header(&b, "FULL", 0, 0);
    step_line(&b, 0);
    add_line(&b, "LOGITS POS=0 AT=2 V=00000000,BF800000");
    m = read_error(b.bytes, b.len, NULL);
    assert_string_equal(m, "t: line 11: LOGITS POS=0 AT=2: expected AT=0 (a LOGITS line lost in transmission?)");
    free(m);

    /* lower-case hex is fine; a bad value is not */
    b.len = 0;
    full_header(&b, "FULL", 0, 0);
    step_line(&b, 0);
    add_line(&b, "LOGITS POS=0 AT=0 V=3f800000,40000000");
    add_line(&b, "LOGITS POS=0 AT=2 V=00000000,BF80000X");
    m = read_error(b.bytes, b.len, NULL);
    assert_string_equal(m, "t: line 12: LOGITS POS=0: value 2 (BF80000X) is not 8 hex digits");
    free(m);

    /* logits that do not digest to the STEP's CRC */
    b.len = 0;
    full_header(&b, "FULL", 0, 0);
    step_line(&b, 0);
    add_line(&b, "LOGITS POS=0 AT=0 V=3F800000,40000000,00000000,BF800001");
    m = read_error(b.bytes, b.len, NULL);
    assert_non_null(strstr(m, "t: line 11: the logits of POS=0 digest to CRC="));
    assert_non_null(strstr(m, ", but its STEP (line 10) says CRC="));
    free(m);

    /* level inconsistent with RUN */
    b.len = 0;
    full_header(&b, "DIGEST", 0, 0);
    step_line(&b, 0);
    add_line(&b, "LOGITS POS=0 AT=0 V=3F800000,40000000,00000000,BF800000");
    m = read_error(b.bytes, b.len, NULL);
    assert_string_equal(m, "t: line 11: LOGITS record, but RUN LOGITS=DIGEST");
    free(m);
    b.len = 0;
    full_header(&b, "FULL", 0, 0);
    step_line(&b, 0);
    add_line(&b, "TOPK POS=0 K=1 I=1:40000000");
    m = read_error(b.bytes, b.len, NULL);
    assert_string_equal(m, "t: line 11: TOPK record, but RUN LOGITS=FULL");
    free(m);
    b.len = 0;
    full_header(&b, "FULL", 3, 0);
    m = read_error(b.bytes, b.len, NULL);
    assert_string_equal(m, "t: line 6: RUN K=3: must be 0 when LOGITS=FULL");
    free(m);
    free(b.bytes);
}

static void test_topk_errors(void **state) {
    (void)state;
    Buf b = {0};
    char *m;
    full_header(&b, "TOPK", 2, 0);
    step_line(&b, 0);
    add_line(&b, "TOPK POS=0 K=3 I=1:40000000,0:3F800000,2:00000000");
    m = read_error(b.bytes, b.len, NULL);
    assert_string_equal(m, "t: line 11: TOPK POS=0 K=3 does not match RUN K=2");
    free(m);

    b.len = 0;
    full_header(&b, "TOPK", 2, 0);
    step_line(&b, 0);
    add_line(&b, "TOPK POS=0 K=2 I=1:40000000");
    m = read_error(b.bytes, b.len, NULL);
    assert_string_equal(m, "t: line 11: TOPK POS=0 K=2 has 1 pairs");
    free(m);

    b.len = 0;
    full_header(&b, "TOPK", 2, 0);
    step_line(&b, 0);
    add_line(&b, "TOPK POS=0 K=2 I=0:3F800000,1:40000000");
    m = read_error(b.bytes, b.len, NULL);
    assert_string_equal(m, "t: line 11: TOPK POS=0: pair 2 (1:40000000) is out of order (largest first, equal values "
                           "by lower index, NaN last)");
    free(m);

    b.len = 0;
    full_header(&b, "TOPK", 2, 0);
    step_line(&b, 0);
    add_line(&b, "TOPK POS=0 K=2 I=1:40000000,1:40000000");
    m = read_error(b.bytes, b.len, NULL);
    assert_string_equal(m, "t: line 11: TOPK POS=0: index 1 appears twice");
    free(m);

    /* K above VOCAB: K is VOCAB */
    b.len = 0;
    full_header(&b, "TOPK", 8, 0);
    step_line(&b, 0);
    add_line(&b, "TOPK POS=0 K=8 I=1:40000000");
    m = read_error(b.bytes, b.len, NULL);
    assert_string_equal(m, "t: line 11: TOPK POS=0 K=8: expected K=4 (RUN K=8, VOCAB=4)");
    free(m);

    /* a STEP without its TOPK */
    b.len = 0;
    full_header(&b, "TOPK", 2, 0);
    step_line(&b, 0);
    add_line(&b, "END STEPS=1");
    m = read_error(b.bytes, b.len, NULL);
    assert_string_equal(m, "t: line 11: END record, but POS=0 (STEP at line 10) has no TOPK record");
    free(m);

    /* a good one */
    b.len = 0;
    full_header(&b, "TOPK", 2, 0);
    step_line(&b, 0);
    add_line(&b, "TOPK POS=0 K=2 I=1:40000000,0:3f800000");
    add_line(&b, "END STEPS=1");
    Trace *t = read_ok("t", b.bytes, b.len);
    assert_int_equal(t->steps[0].n_topk, 2);
    assert_int_equal(t->steps[0].topk[1].index, 0);
    assert_int_equal(t->steps[0].topk[1].bits, 0x3F800000u);
    trace_free(t);
    free(b.bytes);
}

static void test_layer_errors(void **state) {
    (void)state;
    Buf b = {0};
    char *m;
    static const char *const L0 = "LAYER POS=0 L=0 Q=00000001 K=00000002 V=00000003 ATT=00000004 FFN=00000005 X=00000006";
    static const char *const L1 = "LAYER POS=0 L=1 Q=00000001 K=00000002 V=00000003 ATT=00000004 FFN=00000005 X=00000006";
    full_header(&b, "DIGEST", 0, 1);
    add_line(&b, L1);
    m = read_error(b.bytes, b.len, NULL);
    assert_string_equal(m, "t: line 10: LAYER L=1 for POS=0: expected L=0 (a LAYER line lost in transmission?)");
    free(m);

    b.len = 0;
    full_header(&b, "DIGEST", 0, 1);
    add_line(&b, L0);
    step_line(&b, 0);
    m = read_error(b.bytes, b.len, NULL);
    assert_string_equal(m, "t: line 11: STEP POS=0 has 1 LAYER records before it, CONFIG LAYERS=2");
    free(m);

    b.len = 0;
    full_header(&b, "DIGEST", 0, 1);
    add_line(&b, "LAYER POS=1 L=0 Q=00000001 K=00000002 V=00000003 ATT=00000004 FFN=00000005 X=00000006");
    m = read_error(b.bytes, b.len, NULL);
    assert_string_equal(m, "t: line 10: LAYER POS=1: expected POS=0 (LAYER records come before the STEP of their position)");
    free(m);

    b.len = 0;
    full_header(&b, "DIGEST", 0, 1);
    add_line(&b, "LAYER POS=0 L=2 Q=00000001 K=00000002 V=00000003 ATT=00000004 FFN=00000005 X=00000006");
    m = read_error(b.bytes, b.len, NULL);
    assert_string_equal(m, "t: line 10: LAYER L=2: out of range (CONFIG LAYERS=2)");
    free(m);

    b.len = 0;
    full_header(&b, "DIGEST", 0, 1);
    add_line(&b, L0);
    add_line(&b, L1);
    step_line(&b, 0);
    add_line(&b, "END STEPS=1");
    Trace *t = read_ok("t", b.bytes, b.len);
    assert_int_equal(t->steps[0].n_layers, 2);
    assert_int_equal(t->steps[0].layers[1].digest[5], 6);
    trace_free(t);
    free(b.bytes);
}

static void test_no_trace_lines(void **state) {
    (void)state;
    int code;
    char *m = read_error("", 0, &code);
    assert_string_equal(m, "t: empty file: no trace lines");
    assert_int_equal(code, TRACE_ERROR_NO_TRACE);
    free(m);
    m = read_error("Zoo was a little\r\ngirl\nL2 T\n", 26, &code);
    assert_string_equal(m, "t: no trace lines: none of its 3 lines has the L2T marker");
    assert_int_equal(code, TRACE_ERROR_NO_TRACE);
    free(m);
}

/* ---- cut-short captures ---- */

static void test_missing_end(void **state) {
    (void)state;
    Buf b = {0};
    Shape s = {TRACE_LOGITS_FULL, 0, 1, 0, "Zoo", NULL, "X"};
    write_trace(&b, &s, 0);
    Trace *t = read_ok("cut", b.bytes, b.len);
    assert_int_equal(t->complete, 0);
    assert_int_equal(t->n_steps, STEPS);
    assert_int_equal(t->n_notes, 1);
    char expected[200];
    snprintf(expected, sizeof expected,
             "cut: line %ld: no END record: the trace was cut short after 9 complete steps; only those can be compared",
             t->lines);
    assert_string_equal(t->notes[0], expected);
    check_round_trip(t, &s, 0);
    trace_free(t);
    free(b.bytes);
}

static void test_cut_inside_a_step(void **state) {
    (void)state;
    Buf b = {0};
    Shape s = {TRACE_LOGITS_FULL, 0, 0, 0, "Zoo", NULL, "X"};
    write_trace(&b, &s, 1);
    /* cut in the middle of the second LOGITS line of the last step */
    char *last_step = strstr(b.bytes, "L2T STEP POS=8");
    char *second = strstr(strstr(last_step, "AT=16") , "V=") + 20;
    size_t n = (size_t)(second - b.bytes);
    long step_line_no = 1;
    for (char *c = b.bytes; c < last_step; c++) step_line_no += *c == '\n';
    Trace *t = read_ok("cut", b.bytes, n);
    assert_int_equal(t->complete, 0);
    assert_int_equal(t->n_steps, 8);
    assert_int_equal(t->n_notes, 3);
    assert_non_null(strstr(t->notes[0], "no check at the end of the line"));
    assert_non_null(strstr(t->notes[0], "(the last trace line: it is left out)"));
    char expected[200];
    snprintf(expected, sizeof expected, "cut: line %ld: the last STEP (POS=8) has 16 of 40 logits: it is left out",
             step_line_no);
    assert_string_equal(t->notes[1], expected);
    trace_free(t);
    free(b.bytes);
}

/* Every prefix of a trace reads as a cut-short trace or fails with a message: never a
 * crash, never a complete trace (but for the whole trace without its last LF). */
static void test_every_prefix(void **state) {
    (void)state;
    Buf b = {0};
    Shape s = {TRACE_LOGITS_TOPK, 3, 1, 1, "Hi", NULL, "X"};
    write_trace(&b, &s, 1);
    size_t header_end = 0;
    for (int lines = 0; lines < 9; header_end++) lines += b.bytes[header_end] == '\n';
    for (size_t n = 0; n + 1 < b.len; n++) {
        Trace *t = NULL;
        TraceError e;
        int rc = trace_read_buffer("p", b.bytes, n, &t, &e);
        /* a cut after the header is never an error */
        if (n >= header_end) assert_int_equal(rc, 0);
        if (rc == 0) {
            assert_int_equal(t->complete, 0);
            assert_true(t->n_notes >= 1);
            trace_free(t);
        } else {
            assert_non_null(e.message);
            assert_true(strncmp(e.message, "p: ", 3) == 0);
            trace_error_clear(&e);
        }
    }
    Trace *t = read_ok("p", b.bytes, b.len);
    assert_int_equal(t->complete, 1);
    trace_free(t);
    free(b.bytes);
}

/* Damaged bytes anywhere: an error or a trace, never a crash (a small fuzz). */
static void test_damage_never_crashes(void **state) {
    (void)state;
    Buf b = {0};
    Shape s = {TRACE_LOGITS_FULL, 0, 1, 1, "Hi", "Sys", "X"};
    write_trace(&b, &s, 1);
    char *copy = malloc(b.len);
    uint32_t r = 12345;
    for (int round = 0; round < 3000; round++) {
        memcpy(copy, b.bytes, b.len);
        for (int k = 0; k < 1 + round % 4; k++) {
            r = r * 1103515245u + 12345u;
            size_t at = (r >> 8) % b.len;
            r = r * 1103515245u + 12345u;
            copy[at] = (char)(r >> 16);
        }
        Trace *t = NULL;
        TraceError e;
        if (trace_read_buffer("f", copy, b.len, &t, &e) == 0) trace_free(t);
        else trace_error_clear(&e);
    }
    free(copy);
    free(b.bytes);
}

/* ---- noisy captures ---- */

static void check_same_trace(const Trace *a, const Trace *b) {
    assert_memory_equal(&a->h.seed, &b->h.seed, sizeof a->h.seed);
    assert_string_equal(a->h.model_sha256, b->h.model_sha256);
    assert_int_equal(a->h.vocab_size, b->h.vocab_size);
    assert_int_equal(a->complete, b->complete);
    assert_int_equal(a->n_steps, b->n_steps);
    assert_int_equal(a->n_users, b->n_users);
    for (long i = 0; i < a->n_steps; i++) {
        const TraceStepRecord *x = &a->steps[i], *y = &b->steps[i];
        assert_int_equal(x->token, y->token);
        assert_int_equal(x->next, y->next);
        assert_int_equal(x->crc, y->crc);
        assert_int_equal(x->argmax, y->argmax);
        assert_int_equal(x->piece.len, y->piece.len);
        assert_memory_equal(x->piece.bytes, y->piece.bytes, x->piece.len + 1);
        assert_int_equal(x->n_logits, y->n_logits);
        if (x->n_logits > 0) assert_memory_equal(x->logits, y->logits, (size_t)x->n_logits * sizeof *x->logits);
        assert_int_equal(x->n_topk, y->n_topk);
        for (long k = 0; k < x->n_topk; k++) {
            assert_int_equal(x->topk[k].index, y->topk[k].index);
            assert_int_equal(x->topk[k].bits, y->topk[k].bits);
        }
        assert_int_equal(x->n_layers, y->n_layers);
        for (long l = 0; l < x->n_layers; l++)
            assert_memory_equal(x->layers[l].digest, y->layers[l].digest, sizeof x->layers[l].digest);
    }
    for (long i = 0; i < a->n_users; i++) {
        assert_int_equal(a->users[i].pos, b->users[i].pos);
        assert_int_equal(a->users[i].text.len, b->users[i].text.len);
    }
}

/* Rewrites a clean trace as a machine's log would show it. */
static void make_noisy(const Buf *clean, Buf *noisy, int lower_hex) {
    const char *line = clean->bytes;
    int n = 0;
    buf_puts(noisy, "\x1B[0mVICE 3.7 starting\r\nREADY.\r\n\xFF\xFE\x00garbage L2 T\r\n");
    while (line < clean->bytes + clean->len) {
        const char *end = strchr(line, '\n');
        size_t len = (size_t)(end - line);
        n++;
        if (n % 3 == 0) buf_puts(noisy, "junk line without the marker \x01\x02\x7F\xC3\xA9\r\n");
        buf_printf(noisy, n % 2 ? "[%06d] uart0: " : "%d> ", n);
        if (lower_hex && strncmp(line, "L2T LOGITS", 10) == 0) {
            /* lower-case hex digits in the values, with a check over the bytes as sent */
            Buf l = {0};
            buf_put(&l, line, len > 6 ? len - 6 : 0); /* the line less its " *XXXX" check */
            for (size_t i = 0; i < l.len; i++)
                if (l.bytes[i] >= 'A' && l.bytes[i] <= 'F' && i > 20) l.bytes[i] = (char)(l.bytes[i] - 'A' + 'a');
            unsigned check = trace_line_check((const unsigned char *)l.bytes, l.len);
            buf_put(noisy, l.bytes, l.len);
            buf_printf(noisy, " *%04x", check);
            free(l.bytes);
        } else {
            buf_put(noisy, line, len);
        }
        buf_puts(noisy, n % 4 == 0 ? "   \r\n" : "\r\n");
        line = end + 1;
    }
    buf_puts(noisy, "\r\nREADY.\r\n");
}

static void test_noisy_capture(void **state) {
    (void)state;
    Shape shapes[] = {{TRACE_LOGITS_FULL, 0, 1, 0, "Zoo", NULL, "C64"}, {TRACE_LOGITS_TOPK, 4, 0, 1, "Hi", NULL, "C64"}};
    for (int i = 0; i < 2; i++) {
        Buf clean = {0}, noisy = {0};
        write_trace(&clean, &shapes[i], 1);
        make_noisy(&clean, &noisy, i == 0);
        Trace *a = read_ok("clean", clean.bytes, clean.len);
        Trace *b = read_ok("noisy", noisy.bytes, noisy.len);
        check_same_trace(a, b);
        assert_true(b->lines > b->trace_lines);
        /* the same bytes fed one at a time (CR and LF in separate chunks) */
        TraceParser *p = trace_parser_new("bytewise");
        for (size_t k = 0; k < noisy.len; k++) trace_parser_feed(p, noisy.bytes + k, 1);
        Trace *c;
        TraceError e;
        assert_int_equal(trace_parser_finish(p, &c, &e), 0);
        check_same_trace(a, c);
        assert_int_equal(c->lines, b->lines);
        trace_free(a);
        trace_free(b);
        trace_free(c);
        free(clean.bytes);
        free(noisy.bytes);
    }
}

static void test_noisy_line_numbers(void **state) {
    (void)state;
    /* line numbers count every line of the capture, CRLF and lone CR ending one line each */
    Buf b = {0};
    buf_puts(&b, "boot\r\nmore\rnoise\n");
    Buf t = {0};
    edited(&t, 11, "STEP POS=5 TOKEN=2 NEXT=3 SRC=S ARGMAX=1 CRC=00000000 PIECE=B", 0);
    buf_put(&b, t.bytes, t.len);
    char *m = read_error(b.bytes, b.len, NULL);
    assert_string_equal(m, "t: line 14: STEP POS=5 after STEP POS=0: POS skips 1 (a STEP lost in transmission?)");
    free(m);
    free(b.bytes);
    free(t.bytes);
}

static void test_text_with_nul_byte(void **state) {
    (void)state;
    Buf b = {0};
    edited(&b, 10, "STEP POS=0 TOKEN=1 NEXT=2 SRC=P ARGMAX=0 CRC=00000000 PIECE=%00%ff%25%2A", 0);
    Trace *t = read_ok("t", b.bytes, b.len);
    assert_int_equal(t->steps[0].piece.len, 4);
    assert_memory_equal(t->steps[0].piece.bytes, "\0\xFF%*", 4);
    trace_free(t);
    free(b.bytes);
}

static void test_long_lines_and_large_vocab(void **state) {
    (void)state;
    /* 32000 logits at FULL level on one line each of 16000 values: no limit on line length */
    enum { BIG = 32000 };
    Buf b = {0};
    for (int i = 0; i < 9; i++) {
        if (i == 3) add_line(&b, "CONFIG DIM=8 HIDDEN=16 LAYERS=2 HEADS=2 KVHEADS=2 VOCAB=32000 SEQLEN=8 SHARED=1");
        else if (i == 5) add_line(&b, "RUN MODE=GENERATE MATH=LIBM LOGITS=FULL K=0 LAYERS=0");
        else add_line(&b, BASE[i]);
    }
    trace_u32 *logits = malloc(BIG * sizeof *logits);
    trace_u32 crc = trace_digest_begin();
    for (long i = 0; i < BIG; i++) {
        logits[i] = (trace_u32)(0x3F000000u + (uint32_t)(i * 37 % 4096));
        crc = trace_digest_add(crc, logits[i]);
    }
    char line[160];
    snprintf(line, sizeof line, "STEP POS=0 TOKEN=1 NEXT=2 SRC=P ARGMAX=%ld CRC=%08lX PIECE=A",
             trace_argmax(logits, BIG), (unsigned long)trace_digest_end(crc));
    add_line(&b, line);
    for (int half = 0; half < 2; half++) {
        Buf l = {0};
        buf_printf(&l, "LOGITS POS=0 AT=%d V=", half * BIG / 2);
        for (long i = half * BIG / 2; i < (half + 1) * BIG / 2; i++)
            buf_printf(&l, "%s%08lX", i > half * BIG / 2 ? "," : "", (unsigned long)logits[i]);
        add_line(&b, l.bytes);
        free(l.bytes);
    }
    add_line(&b, "END STEPS=1");
    Trace *t = read_ok("big", b.bytes, b.len);
    assert_int_equal(t->steps[0].n_logits, BIG);
    assert_int_equal(t->steps[0].logits[31999], (uint32_t)logits[31999]);
    trace_free(t);
    free(logits);
    free(b.bytes);
}

int main(void) {
    init_all_bytes();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_round_trip_full_layers),
        cmocka_unit_test(test_round_trip_topk),
        cmocka_unit_test(test_round_trip_digest),
        cmocka_unit_test(test_round_trip_chat_all_bytes),
        cmocka_unit_test(test_text_with_nul_byte),
        cmocka_unit_test(test_base_is_valid),
        cmocka_unit_test(test_bad_checksum),
        cmocka_unit_test(test_missing_check),
        cmocka_unit_test(test_unknown_record),
        cmocka_unit_test(test_header_order),
        cmocka_unit_test(test_unsupported_version),
        cmocka_unit_test(test_field_syntax),
        cmocka_unit_test(test_bad_numbers),
        cmocka_unit_test(test_positions),
        cmocka_unit_test(test_record_after_end),
        cmocka_unit_test(test_layers_and_users),
        cmocka_unit_test(test_logits_errors),
        cmocka_unit_test(test_topk_errors),
        cmocka_unit_test(test_layer_errors),
        cmocka_unit_test(test_no_trace_lines),
        cmocka_unit_test(test_missing_end),
        cmocka_unit_test(test_cut_inside_a_step),
        cmocka_unit_test(test_every_prefix),
        cmocka_unit_test(test_damage_never_crashes),
        cmocka_unit_test(test_noisy_capture),
        cmocka_unit_test(test_noisy_line_numbers),
        cmocka_unit_test(test_long_lines_and_large_vocab),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
