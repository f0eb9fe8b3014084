/* L2T trace reader; see trace_reader.h and docs/trace-format.md.
 *
 * A line goes through: the marker (bytes before it are dropped), the check (a failed check
 * is held back: if no trace line follows it, it is the cut-off end of a capture, else
 * damage in the middle), the fields (KEY=VALUE, each record's exact set of keys), then the
 * record's place in the trace (header order, positions, levels). Every allocation is
 * checked; every failure ends in one error message. */
#include "host/trace_reader.h"

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/float_bits.h"
#include "host/ascii.h"
#include "engine/trace_writer.h"

#define QUOTE_BYTES 40 /* how much of a value an error message quotes */
#define QUOTE_SIZE (QUOTE_BYTES * 4 + 8)

typedef struct {
    const unsigned char *key;
    size_t key_len;
    const unsigned char *value;
    size_t value_len;
} Field;

struct TraceParser {
    Trace *t;
    unsigned char *line; /* the line being gathered */
    size_t len, cap;
    long line_no;  /* number of the line being gathered, from 1 */
    int after_cr;  /* the last byte was a CR: an LF right after it ends nothing */
    int failed;
    TraceError err;
    int header_next; /* TRACE_REC_... expected next; TRACE_HEADER_RECORDS when done */
    int ended;
    int step_open; /* the last STEP still takes LOGITS or TOPK */
    TraceLayerRecord *pending; /* LAYER records waiting for their STEP */
    long n_pending;
    size_t cap_pending;
    Field *fields;
    size_t n_fields, cap_fields;
    uint32_t *values; /* a LOGITS line's values */
    size_t cap_logits; /* of the open step's logits */
    size_t cap_values;
    char *damage;      /* message for a trace line that failed its check, held back */
    long damage_line;
    long last_trace_line;
    const char *record; /* the record being read, for messages */
    char quote[2][QUOTE_SIZE];
    int quote_next;
};

/* ---- names ---- */

static const char *const HEADER_NAMES[TRACE_HEADER_RECORDS] = {
    "TRACE", "MODEL", "TOKENIZER", "CONFIG", "SAMPLER", "RUN", "PROMPT", "SYSTEM", "PLATFORM"};
static const char *const OP_NAMES[TRACE_LAYER_OPS] = {"q", "k", "v", "att", "ffn", "x"};
static const char *const OP_KEYS[TRACE_LAYER_OPS] = {"Q", "K", "V", "ATT", "FFN", "X"};

const char *trace_level_name(int level) {
    return level == TRACE_READ_FULL ? "FULL" : level == TRACE_READ_TOPK ? "TOPK" : "DIGEST";
}

const char *trace_layer_op_name(int op) { return op >= 0 && op < TRACE_LAYER_OPS ? OP_NAMES[op] : "?"; }

const char *trace_header_record_name(int record) {
    return record >= 0 && record < TRACE_HEADER_RECORDS ? HEADER_NAMES[record] : "?";
}

unsigned trace_line_check(const unsigned char *bytes, size_t n) {
    unsigned sum1 = 0, sum2 = 0;
    for (size_t i = 0; i < n; i++) {
        sum1 = (sum1 + bytes[i]) % 255u;
        sum2 = (sum2 + sum1) % 255u;
    }
    return sum2 * 256u + sum1;
}

/* ---- messages ---- */

static char *vformat(const char *fmt, va_list ap) {
    va_list copy;
    va_copy(copy, ap);
    int n = vsnprintf(NULL, 0, fmt, copy);
    va_end(copy);
    if (n < 0) return NULL;
    char *s = malloc((size_t)n + 1);
    if (s != NULL) vsnprintf(s, (size_t)n + 1, fmt, ap);
    return s;
}

static char *format(const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    char *s = vformat(fmt, ap);
    va_end(ap);
    return s;
}

static void set_error(TraceError *err, int code, long line, char *message) {
    err->code = code;
    err->line = line;
    err->message = message;
}

/* Fails with "NAME: line N: <fmt>"; only the first failure counts. */
static void fail_at(TraceParser *p, int code, long line, const char *fmt, ...) {
    if (p->failed) return;
    p->failed = 1;
    va_list ap;
    va_start(ap, fmt);
    char *what = vformat(fmt, ap);
    va_end(ap);
    char *message = what == NULL ? NULL
                    : line > 0   ? format("%s: line %ld: %s", p->t->name, line, what)
                                 : format("%s: %s", p->t->name, what);
    free(what);
    set_error(&p->err, message == NULL ? TRACE_ERROR_MEMORY : code, line, message);
}

#define FAIL(p, line, ...) fail_at((p), TRACE_ERROR_FORMAT, (line), __VA_ARGS__)

static void out_of_memory(TraceParser *p) {
    if (p->failed) return;
    p->failed = 1;
    set_error(&p->err, TRACE_ERROR_MEMORY, 0, format("%s: out of memory", p->t->name));
}

/* Adds a note; returns -1 when out of memory. */
static int add_note(TraceParser *p, char *note) {
    if (note == NULL) return out_of_memory(p), -1;
    char **grown = realloc(p->t->notes, (size_t)(p->t->n_notes + 1) * sizeof *grown);
    if (grown == NULL) {
        free(note);
        return out_of_memory(p), -1;
    }
    p->t->notes = grown;
    p->t->notes[p->t->n_notes++] = note;
    return 0;
}

/* A value for a message: printable ASCII as itself, other bytes as \xNN, cut after
 * QUOTE_BYTES bytes. Two quotes can be in use at once. */
static const char *quote(TraceParser *p, const unsigned char *v, size_t n) {
    char *out = p->quote[p->quote_next];
    p->quote_next ^= 1;
    size_t o = 0;
    for (size_t i = 0; i < n && i < QUOTE_BYTES; i++) {
        if (v[i] >= 0x20 && v[i] < 0x7F && v[i] != '\\') out[o++] = (char)v[i];
        else o += (size_t)snprintf(out + o, QUOTE_SIZE - o, "\\x%02X", v[i]);
    }
    if (n > QUOTE_BYTES) {
        memcpy(out + o, "...", 3);
        o += 3;
    }
    out[o] = '\0';
    return out;
}

/* ---- memory ---- */

/* Makes room for `need` elements of `size` bytes in the array whose pointer is at
 * array_ptr (a T **), capacity *cap. The pointer is copied, not cast, so that no object is
 * read through another pointer type. */
static int grow(void *array_ptr, size_t *cap, size_t need, size_t size) {
    if (need <= *cap) return 0;
    size_t n = *cap < 8 ? 8 : *cap;
    while (n < need) {
        if (n > SIZE_MAX / 2) return -1;
        n *= 2;
    }
    if (n > SIZE_MAX / size) return -1;
    void *array;
    memcpy(&array, array_ptr, sizeof array);
    void *grown = realloc(array, n * size);
    if (grown == NULL) return -1;
    memcpy(array_ptr, &grown, sizeof grown);
    *cap = n;
    return 0;
}

static void free_step(TraceStepRecord *s) {
    free(s->piece.bytes);
    free(s->logits);
    free(s->topk);
    free(s->layers);
    memset(s, 0, sizeof *s);
}

void trace_free(Trace *t) {
    if (t == NULL) return;
    for (long i = 0; i < t->n_steps; i++) free_step(&t->steps[i]);
    for (long i = 0; i < t->n_users; i++) free(t->users[i].text.bytes);
    for (int i = 0; i < t->n_notes; i++) free(t->notes[i]);
    free(t->steps);
    free(t->users);
    free(t->notes);
    free(t->h.math);
    free(t->h.prompt.bytes);
    free(t->h.system_prompt.bytes);
    free(t->h.platform.bytes);
    free(t->name);
    free(t);
}

void trace_error_clear(TraceError *err) {
    free(err->message);
    err->message = NULL;
    err->code = TRACE_ERROR_NONE;
    err->line = 0;
}

const char *trace_error_text(const TraceError *err) {
    if (err->message != NULL) return err->message;
    return err->code == TRACE_ERROR_NONE ? "no error" : "out of memory";
}

/* ---- fields ---- */

static int is_upper(int c) { return c >= 'A' && c <= 'Z'; }

static int key_is(const Field *f, const char *key) {
    size_t n = strlen(key);
    return f->key_len == n && memcmp(f->key, key, n) == 0;
}

static const Field *find_field(const TraceParser *p, const char *key) {
    for (size_t i = 0; i < p->n_fields; i++)
        if (key_is(&p->fields[i], key)) return &p->fields[i];
    return NULL;
}

/* Every field's key is one of `keys` (NULL-terminated), none twice, and all but `optional`
 * are there. */
static int check_fields(TraceParser *p, long line, const char *const *keys, const char *optional) {
    for (size_t i = 0; i < p->n_fields; i++) {
        const Field *f = &p->fields[i];
        int known = 0;
        for (const char *const *k = keys; *k != NULL; k++)
            if (key_is(f, *k)) known = 1;
        if (!known) {
            FAIL(p, line, "unknown field %s in %s record", quote(p, f->key, f->key_len), p->record);
            return -1;
        }
        for (size_t j = 0; j < i; j++)
            if (p->fields[j].key_len == f->key_len && memcmp(p->fields[j].key, f->key, f->key_len) == 0) {
                FAIL(p, line, "field %s given twice in %s record", quote(p, f->key, f->key_len), p->record);
                return -1;
            }
    }
    for (const char *const *k = keys; *k != NULL; k++) {
        if (optional != NULL && strcmp(*k, optional) == 0) continue;
        if (find_field(p, *k) == NULL) {
            FAIL(p, line, "%s record lacks field %s", p->record, *k);
            return -1;
        }
    }
    return 0;
}

/* A decimal number within [min, max]. */
static int parse_decimal(TraceParser *p, long line, const char *key, long long min, long long max,
                         long long *out) {
    const Field *f = find_field(p, key);
    const unsigned char *v = f->value;
    size_t n = f->value_len, i = 0;
    int negative = 0;
    long long value = 0;
    if (n > 0 && v[0] == '-') {
        negative = 1;
        i = 1;
    }
    if (i == n) goto bad;
    for (; i < n; i++) {
        if (!ascii_is_digit(v[i])) goto bad;
        int d = v[i] - '0';
        if (value > (LLONG_MAX - d) / 10) {
            FAIL(p, line, "%s %s=%s: number too large", p->record, key, quote(p, v, n));
            return -1;
        }
        value = value * 10 + d;
    }
    if (negative) value = -value;
    if (value < min || value > max) {
        if (max == LLONG_MAX || max == LONG_MAX)
            FAIL(p, line, "%s %s=%lld: out of range (must be at least %lld)", p->record, key, value, min);
        else
            FAIL(p, line, "%s %s=%lld: out of range (%lld to %lld)", p->record, key, value, min, max);
        return -1;
    }
    *out = value;
    return 0;
bad:
    FAIL(p, line, "%s %s=%s: not a decimal number", p->record, key, quote(p, v, n));
    return -1;
}

static int parse_long(TraceParser *p, long line, const char *key, long min, long max, long *out) {
    long long v;
    if (parse_decimal(p, line, key, min, max, &v) != 0) return -1;
    *out = (long)v;
    return 0;
}

static int parse_flag(TraceParser *p, long line, const char *key, int *out) {
    const Field *f = find_field(p, key);
    if (f->value_len != 1 || (f->value[0] != '0' && f->value[0] != '1')) {
        FAIL(p, line, "%s %s=%s: not 0 or 1", p->record, key, quote(p, f->value, f->value_len));
        return -1;
    }
    *out = f->value[0] == '1';
    return 0;
}

/* `digits` hex digits (either case) into *out, or as upper-case text into text[digits+1]. */
static int hex_run(const unsigned char *v, size_t n, size_t digits, uint64_t *out, char *text) {
    if (n != digits) return -1;
    uint64_t value = 0;
    for (size_t i = 0; i < n; i++) {
        int d = ascii_hex_value(v[i]);
        if (d < 0) return -1;
        if (out != NULL) value = (value << 4) | (uint64_t)d;
        if (text != NULL) text[i] = "0123456789ABCDEF"[d];
    }
    if (out != NULL) *out = value;
    if (text != NULL) text[n] = '\0';
    return 0;
}

static int parse_hex(TraceParser *p, long line, const char *key, size_t digits, uint64_t *out, char *text) {
    const Field *f = find_field(p, key);
    if (hex_run(f->value, f->value_len, digits, out, text) != 0) {
        FAIL(p, line, "%s %s=%s: not %zu hex digits", p->record, key, quote(p, f->value, f->value_len), digits);
        return -1;
    }
    return 0;
}

static int parse_hex32(TraceParser *p, long line, const char *key, uint32_t *out) {
    uint64_t v;
    if (parse_hex(p, line, key, 8, &v, NULL) != 0) return -1;
    *out = (uint32_t)v;
    return 0;
}

/* One of `words` (NULL-terminated); *out is its index. */
static int parse_word(TraceParser *p, long line, const char *key, const char *const *words, int *out) {
    const Field *f = find_field(p, key);
    for (int i = 0; words[i] != NULL; i++) {
        if (strlen(words[i]) == f->value_len && memcmp(words[i], f->value, f->value_len) == 0) {
            *out = i;
            return 0;
        }
    }
    const char *list = words[2] == NULL ? "%s or %s" : "%s, %s or %s";
    char expected[64];
    snprintf(expected, sizeof expected, list, words[0], words[1], words[2]);
    FAIL(p, line, "%s %s=%s: expected %s", p->record, key, quote(p, f->value, f->value_len), expected);
    return -1;
}

/* Text: bytes 0x21..0x5A other than % and * as themselves, %XX for any byte. */
static int parse_text(TraceParser *p, long line, const char *key, TraceText *out) {
    const Field *f = find_field(p, key);
    const unsigned char *v = f->value;
    size_t n = f->value_len, o = 0;
    unsigned char *bytes = malloc(n + 1);
    if (bytes == NULL) return out_of_memory(p), -1;
    for (size_t i = 0; i < n; i++) {
        if (v[i] == '%') {
            int hi = i + 1 < n ? ascii_hex_value(v[i + 1]) : -1;
            int lo = i + 2 < n ? ascii_hex_value(v[i + 2]) : -1;
            if (hi < 0 || lo < 0) {
                free(bytes);
                FAIL(p, line, "%s %s: bad %%XX escape at byte %zu of %s", p->record, key, i, quote(p, v, n));
                return -1;
            }
            bytes[o++] = (unsigned char)(hi * 16 + lo);
            i += 2;
        } else if (v[i] > 0x20 && v[i] <= 0x5A && v[i] != '*') {
            bytes[o++] = v[i];
        } else {
            free(bytes);
            FAIL(p, line, "%s %s: byte 0x%02X at byte %zu is not allowed in text (bytes 0x21-0x5A except %% and *, "
                          "others as %%XX)",
                 p->record, key, v[i], i);
            return -1;
        }
    }
    bytes[o] = 0;
    out->bytes = bytes;
    out->len = o;
    return 0;
}

/* ---- header records ---- */

static const char *const LEVEL_WORDS[] = {"DIGEST", "TOPK", "FULL", NULL};

static int read_header_record(TraceParser *p, long line, int record) {
    TraceHeaderInfo *h = &p->t->h;
    static const char *const K_TRACE[] = {"V", NULL};
    static const char *const K_FILE[] = {"SHA256", "BYTES", NULL};
    static const char *const K_CONFIG[] = {"DIM", "HIDDEN", "LAYERS", "HEADS", "KVHEADS", "VOCAB", "SEQLEN", "SHARED", NULL};
    static const char *const K_SAMPLER[] = {"TEMP", "TOPP", "SEED", "STEPS", NULL};
    static const char *const K_RUN[] = {"MODE", "MATH", "LOGITS", "K", "LAYERS", NULL};
    static const char *const K_PROMPT[] = {"SET", "TEXT", NULL};
    static const char *const K_PLATFORM[] = {"ID", NULL};
    static const char *const MODES[] = {"GENERATE", "CHAT", NULL};

    switch (record) {
    case TRACE_REC_TRACE: {
        /* the version first: a later version may have other fields */
        const Field *v = find_field(p, "V");
        if (v != NULL && !(v->value_len == 1 && v->value[0] == '1')) {
            FAIL(p, line, "unsupported trace version V=%s (this reader reads version 1)",
                 quote(p, v->value, v->value_len));
            return -1;
        }
        if (check_fields(p, line, K_TRACE, NULL) != 0) return -1;
        h->version = 1;
        return 0;
    }
    case TRACE_REC_MODEL:
    case TRACE_REC_TOKENIZER: {
        char *sha = record == TRACE_REC_MODEL ? h->model_sha256 : h->tokenizer_sha256;
        long long *bytes = record == TRACE_REC_MODEL ? &h->model_bytes : &h->tokenizer_bytes;
        if (check_fields(p, line, K_FILE, NULL) != 0 || parse_hex(p, line, "SHA256", 64, NULL, sha) != 0 ||
            parse_decimal(p, line, "BYTES", 0, LLONG_MAX, bytes) != 0)
            return -1;
        return 0;
    }
    case TRACE_REC_CONFIG:
        if (check_fields(p, line, K_CONFIG, NULL) != 0 || parse_long(p, line, "DIM", 1, LONG_MAX, &h->dim) != 0 ||
            parse_long(p, line, "HIDDEN", 1, LONG_MAX, &h->hidden_dim) != 0 ||
            parse_long(p, line, "LAYERS", 1, LONG_MAX, &h->n_layers) != 0 ||
            parse_long(p, line, "HEADS", 1, LONG_MAX, &h->n_heads) != 0 ||
            parse_long(p, line, "KVHEADS", 1, LONG_MAX, &h->n_kv_heads) != 0 ||
            parse_long(p, line, "VOCAB", 1, LONG_MAX, &h->vocab_size) != 0 ||
            parse_long(p, line, "SEQLEN", 1, LONG_MAX, &h->seq_len) != 0 ||
            parse_flag(p, line, "SHARED", &h->shared_classifier) != 0)
            return -1;
        return 0;
    case TRACE_REC_SAMPLER:
        if (check_fields(p, line, K_SAMPLER, NULL) != 0 || parse_hex32(p, line, "TEMP", &h->temperature_bits) != 0 ||
            parse_hex32(p, line, "TOPP", &h->topp_bits) != 0 || parse_hex(p, line, "SEED", 16, &h->seed, NULL) != 0 ||
            parse_long(p, line, "STEPS", 0, LONG_MAX, &h->steps) != 0)
            return -1;
        return 0;
    case TRACE_REC_RUN: {
        int mode;
        if (check_fields(p, line, K_RUN, NULL) != 0 || parse_word(p, line, "MODE", MODES, &mode) != 0) return -1;
        const Field *math = find_field(p, "MATH");
        int name_ok = math->value_len > 0;
        for (size_t i = 0; i < math->value_len; i++)
            if (!is_upper(math->value[i]) && !ascii_is_digit(math->value[i])) name_ok = 0;
        if (!name_ok) {
            FAIL(p, line, "RUN MATH=%s: expected a name in upper-case letters and digits (LIBM, PORTABLE)",
                 quote(p, math->value, math->value_len));
            return -1;
        }
        if (parse_word(p, line, "LOGITS", LEVEL_WORDS, &h->level) != 0 ||
            parse_long(p, line, "K", 0, LONG_MAX, &h->topk) != 0 || parse_flag(p, line, "LAYERS", &h->layers) != 0)
            return -1;
        if (h->level == TRACE_READ_TOPK && h->topk < 1) {
            FAIL(p, line, "RUN K=%ld: must be at least 1 when LOGITS=TOPK", h->topk);
            return -1;
        }
        if (h->level != TRACE_READ_TOPK && h->topk != 0) {
            FAIL(p, line, "RUN K=%ld: must be 0 when LOGITS=%s", h->topk, trace_level_name(h->level));
            return -1;
        }
        h->math = malloc(math->value_len + 1);
        if (h->math == NULL) return out_of_memory(p), -1;
        memcpy(h->math, math->value, math->value_len);
        h->math[math->value_len] = '\0';
        h->chat = mode == 1;
        return 0;
    }
    case TRACE_REC_PROMPT:
    case TRACE_REC_SYSTEM: {
        int *set = record == TRACE_REC_PROMPT ? &h->prompt_set : &h->system_set;
        TraceText *text = record == TRACE_REC_PROMPT ? &h->prompt : &h->system_prompt;
        if (check_fields(p, line, K_PROMPT, NULL) != 0 || parse_flag(p, line, "SET", set) != 0 ||
            parse_text(p, line, "TEXT", text) != 0)
            return -1;
        if (!*set && text->len > 0) {
            FAIL(p, line, "%s SET=0 but TEXT is not empty", p->record);
            return -1;
        }
        return 0;
    }
    case TRACE_REC_PLATFORM:
        if (check_fields(p, line, K_PLATFORM, NULL) != 0 || parse_text(p, line, "ID", &h->platform) != 0) return -1;
        return 0;
    }
    return -1;
}

/* ---- steps ---- */

/* The last STEP takes no more LOGITS or TOPK: they must be complete. */
static int close_step(TraceParser *p, long line) {
    if (!p->step_open) return 0;
    p->step_open = 0;
    const TraceHeaderInfo *h = &p->t->h;
    const TraceStepRecord *s = &p->t->steps[p->t->n_steps - 1];
    if (h->level == TRACE_READ_FULL && s->n_logits != h->vocab_size) {
        FAIL(p, line, "%s record, but POS=%ld (STEP at line %ld) has %ld of VOCAB=%ld logits", p->record, s->pos,
             s->line, s->n_logits, h->vocab_size);
        return -1;
    }
    if (h->level == TRACE_READ_TOPK && s->topk == NULL) {
        FAIL(p, line, "%s record, but POS=%ld (STEP at line %ld) has no TOPK record", p->record, s->pos, s->line);
        return -1;
    }
    return 0;
}

/* The position the next STEP must have. */
static long next_pos(const TraceParser *p) { return p->t->n_steps; }

static int read_user(TraceParser *p, long line) {
    static const char *const KEYS[] = {"POS", "SYS", "TEXT", NULL};
    Trace *t = p->t;
    long pos;
    int system = 0;
    TraceText text;
    if (!t->h.chat) {
        FAIL(p, line, "USER record in a GENERATE trace (USER records are for chat mode)");
        return -1;
    }
    if (check_fields(p, line, KEYS, "SYS") != 0 || close_step(p, line) != 0 ||
        parse_long(p, line, "POS", 0, LONG_MAX, &pos) != 0)
        return -1;
    if (find_field(p, "SYS") != NULL && parse_flag(p, line, "SYS", &system) != 0) return -1;
    if (pos != next_pos(p)) {
        FAIL(p, line, "USER POS=%ld: expected POS=%ld, the position of the next STEP", pos, next_pos(p));
        return -1;
    }
    if (p->n_pending > 0) {
        FAIL(p, line, "USER record after LAYER records of POS=%ld (USER comes first)", pos);
        return -1;
    }
    if (parse_text(p, line, "TEXT", &text) != 0) return -1;
    if (grow(&t->users, &t->cap_users, (size_t)t->n_users + 1, sizeof *t->users) != 0) {
        free(text.bytes);
        return out_of_memory(p), -1;
    }
    TraceUserRecord *u = &t->users[t->n_users++];
    u->pos = pos;
    u->system = system;
    u->text = text;
    u->line = line;
    return 0;
}

static int read_layer(TraceParser *p, long line) {
    static const char *const KEYS[] = {"POS", "L", "Q", "K", "V", "ATT", "FFN", "X", NULL};
    const TraceHeaderInfo *h = &p->t->h;
    TraceLayerRecord r;
    long pos;
    if (!h->layers) {
        FAIL(p, line, "LAYER record, but RUN LAYERS=0");
        return -1;
    }
    if (check_fields(p, line, KEYS, NULL) != 0 || close_step(p, line) != 0 ||
        parse_long(p, line, "POS", 0, LONG_MAX, &pos) != 0 || parse_long(p, line, "L", 0, LONG_MAX, &r.layer) != 0)
        return -1;
    if (pos != next_pos(p)) {
        FAIL(p, line, "LAYER POS=%ld: expected POS=%ld (LAYER records come before the STEP of their position)", pos,
             next_pos(p));
        return -1;
    }
    if (r.layer >= h->n_layers) {
        FAIL(p, line, "LAYER L=%ld: out of range (CONFIG LAYERS=%ld)", r.layer, h->n_layers);
        return -1;
    }
    if (r.layer != p->n_pending) {
        if (r.layer > p->n_pending)
            FAIL(p, line, "LAYER L=%ld for POS=%ld: expected L=%ld (a LAYER line lost in transmission?)", r.layer, pos,
                 p->n_pending);
        else
            FAIL(p, line, "LAYER L=%ld for POS=%ld: expected L=%ld (layers go in order, each once)", r.layer, pos,
                 p->n_pending);
        return -1;
    }
    for (int op = 0; op < TRACE_LAYER_OPS; op++)
        if (parse_hex32(p, line, OP_KEYS[op], &r.digest[op]) != 0) return -1;
    r.line = line;
    if (grow(&p->pending, &p->cap_pending, (size_t)p->n_pending + 1, sizeof *p->pending) != 0)
        return out_of_memory(p), -1;
    p->pending[p->n_pending++] = r;
    return 0;
}

static int read_step(TraceParser *p, long line) {
    static const char *const KEYS[] = {"POS", "TOKEN", "NEXT", "SRC", "ARGMAX", "CRC", "PIECE", NULL};
    static const char *const SOURCES[] = {"P", "S", NULL};
    Trace *t = p->t;
    const TraceHeaderInfo *h = &t->h;
    TraceStepRecord s;
    int source;
    memset(&s, 0, sizeof s);
    long top = h->vocab_size - 1;
    if (check_fields(p, line, KEYS, NULL) != 0 || close_step(p, line) != 0 ||
        parse_long(p, line, "POS", 0, LONG_MAX, &s.pos) != 0)
        return -1;
    if (s.pos != next_pos(p)) {
        if (t->n_steps == 0) FAIL(p, line, "first STEP has POS=%ld: positions start at 0", s.pos);
        else if (s.pos < next_pos(p))
            FAIL(p, line, "STEP POS=%ld after STEP POS=%ld: positions go backwards", s.pos, next_pos(p) - 1);
        else
            FAIL(p, line, "STEP POS=%ld after STEP POS=%ld: POS skips %ld (a STEP lost in transmission?)", s.pos,
                 next_pos(p) - 1, next_pos(p));
        return -1;
    }
    if (t->n_steps >= h->steps) {
        FAIL(p, line, "STEP POS=%ld: more STEP records than SAMPLER STEPS=%ld", s.pos, h->steps);
        return -1;
    }
    if (h->layers && p->n_pending != h->n_layers) {
        FAIL(p, line, "STEP POS=%ld has %ld LAYER records before it, CONFIG LAYERS=%ld", s.pos, p->n_pending,
             h->n_layers);
        return -1;
    }
    /* the first input token is BOS (id 1) even in a one-token vocabulary, as in the original */
    if (parse_long(p, line, "TOKEN", 0, top < 1 ? 1 : top, &s.token) != 0 || parse_long(p, line, "NEXT", 0, top, &s.next) != 0 ||
        parse_word(p, line, "SRC", SOURCES, &source) != 0 || parse_long(p, line, "ARGMAX", 0, top, &s.argmax) != 0 ||
        parse_hex32(p, line, "CRC", &s.crc) != 0)
        return -1;
    if (parse_text(p, line, "PIECE", &s.piece) != 0) return -1;
    if (grow(&t->steps, &t->cap_steps, (size_t)t->n_steps + 1, sizeof *t->steps) != 0) {
        free(s.piece.bytes);
        return out_of_memory(p), -1;
    }
    s.source = source == 0 ? 'P' : 'S';
    s.line = line;
    if (p->n_pending > 0) {
        /* the pending array becomes the step's */
        s.layers = p->pending;
        s.n_layers = p->n_pending;
        p->pending = NULL;
        p->n_pending = 0;
        p->cap_pending = 0;
    }
    t->steps[t->n_steps++] = s;
    p->step_open = 1;
    p->cap_logits = 0;
    return 0;
}

/* The step a LOGITS or TOPK record belongs to, or NULL after failing. */
static TraceStepRecord *open_step_for(TraceParser *p, long line, long pos) {
    Trace *t = p->t;
    if (!p->step_open || t->steps[t->n_steps - 1].pos != pos) {
        if (t->n_steps == 0 || p->n_pending > 0)
            FAIL(p, line, "%s POS=%ld without its STEP record (%s follows the STEP of its position)", p->record, pos,
                 p->record);
        else
            FAIL(p, line, "%s POS=%ld without its STEP record (the last STEP is POS=%ld, line %ld)", p->record, pos,
                 t->steps[t->n_steps - 1].pos, t->steps[t->n_steps - 1].line);
        return NULL;
    }
    return &t->steps[t->n_steps - 1];
}

/* The start of a LOGITS or TOPK record: the RUN must have LOGITS=`level`, the fields must
 * be `keys`, POS and the count field `count_key` (AT or K) whole numbers; gives them in pos
 * and count and returns the step of POS, or NULL after failing. */
static TraceStepRecord *open_values_record(TraceParser *p, long line, int level, const char *const *keys,
                                           const char *count_key, long *pos, long *count) {
    const TraceHeaderInfo *h = &p->t->h;
    if (h->level != level) {
        FAIL(p, line, "%s record, but RUN LOGITS=%s", p->record, trace_level_name(h->level));
        return NULL;
    }
    if (check_fields(p, line, keys, NULL) != 0 || parse_long(p, line, "POS", 0, LONG_MAX, pos) != 0 ||
        parse_long(p, line, count_key, 0, LONG_MAX, count) != 0)
        return NULL;
    return open_step_for(p, line, *pos);
}

/* The index llama2.c's sample_argmax picks: the first maximum; NaN is never greater. */
static long argmax_bits(const uint32_t *v, long n) {
    long best = 0;
    for (long i = 1; i < n; i++)
        if (float_bits_greater(v[i], v[best])) best = i;
    return best;
}

static int read_logits(TraceParser *p, long line) {
    static const char *const KEYS[] = {"POS", "AT", "V", NULL};
    const TraceHeaderInfo *h = &p->t->h;
    long pos, at;
    TraceStepRecord *s = open_values_record(p, line, TRACE_READ_FULL, KEYS, "AT", &pos, &at);
    if (s == NULL) return -1;
    if (at != s->n_logits) {
        if (at > s->n_logits)
            FAIL(p, line, "LOGITS POS=%ld AT=%ld: expected AT=%ld (a LOGITS line lost in transmission?)", pos, at,
                 s->n_logits);
        else
            FAIL(p, line, "LOGITS POS=%ld AT=%ld: expected AT=%ld (values given twice)", pos, at, s->n_logits);
        return -1;
    }
    /* the values: 8 hex digits each, joined by commas */
    const Field *f = find_field(p, "V");
    size_t count = 0;
    size_t start = 0;
    for (size_t i = 0; i <= f->value_len; i++) {
        if (i < f->value_len && f->value[i] != ',') continue;
        uint64_t v;
        if (hex_run(f->value + start, i - start, 8, &v, NULL) != 0) {
            FAIL(p, line, "LOGITS POS=%ld: value %zu (%s) is not 8 hex digits", pos, count + 1,
                 quote(p, f->value + start, i - start));
            return -1;
        }
        if ((long)count >= h->vocab_size - s->n_logits) {
            FAIL(p, line, "LOGITS POS=%ld: more than VOCAB=%ld logits", pos, h->vocab_size);
            return -1;
        }
        if (grow(&p->values, &p->cap_values, count + 1, sizeof *p->values) != 0)
            return out_of_memory(p), -1;
        p->values[count++] = (uint32_t)v;
        start = i + 1;
    }
    size_t have = (size_t)s->n_logits;
    if (grow(&s->logits, &p->cap_logits, have + count, sizeof *s->logits) != 0)
        return out_of_memory(p), -1;
    memcpy(s->logits + have, p->values, count * sizeof *p->values);
    s->n_logits += (long)count;
    if (s->n_logits == h->vocab_size) {
        /* complete: the STEP's digest and argmax must be those of these logits */
        trace_u32 crc = trace_digest_begin();
        for (long i = 0; i < s->n_logits; i++) crc = trace_digest_add(crc, s->logits[i]);
        crc = trace_digest_end(crc);
        long argmax = argmax_bits(s->logits, s->n_logits);
        if ((uint32_t)crc != s->crc) {
            FAIL(p, line, "the logits of POS=%ld digest to CRC=%08lX, but its STEP (line %ld) says CRC=%08lX", pos,
                 (unsigned long)crc, s->line, (unsigned long)s->crc);
            return -1;
        }
        if (argmax != s->argmax) {
            FAIL(p, line, "the logits of POS=%ld have their maximum at %ld, but its STEP (line %ld) says ARGMAX=%ld",
                 pos, argmax, s->line, s->argmax);
            return -1;
        }
    }
    return 0;
}

int trace_topk_before(const TraceTopkPair *a, const TraceTopkPair *b) {
    int a_nan = float_bits_is_nan(a->bits), b_nan = float_bits_is_nan(b->bits);
    if (a_nan != b_nan) return b_nan;
    if (!a_nan) {
        unsigned long ka = float_bits_order_key(a->bits), kb = float_bits_order_key(b->bits);
        if (ka != kb) return ka > kb;
    }
    return a->index < b->index;
}

static int compare_index(const void *a, const void *b) {
    long x = ((const TraceTopkPair *)a)->index, y = ((const TraceTopkPair *)b)->index;
    return (x > y) - (x < y);
}

static int read_topk(TraceParser *p, long line) {
    static const char *const KEYS[] = {"POS", "K", "I", NULL};
    const TraceHeaderInfo *h = &p->t->h;
    long pos, k;
    TraceStepRecord *s = open_values_record(p, line, TRACE_READ_TOPK, KEYS, "K", &pos, &k);
    if (s == NULL) return -1;
    if (s->topk != NULL) {
        FAIL(p, line, "second TOPK record for POS=%ld", pos);
        return -1;
    }
    long expected = h->topk < h->vocab_size ? h->topk : h->vocab_size;
    if (k != expected) {
        if (expected == h->topk) FAIL(p, line, "TOPK POS=%ld K=%ld does not match RUN K=%ld", pos, k, h->topk);
        else
            FAIL(p, line, "TOPK POS=%ld K=%ld: expected K=%ld (RUN K=%ld, VOCAB=%ld)", pos, k, expected, h->topk,
                 h->vocab_size);
        return -1;
    }
    const Field *f = find_field(p, "I");
    TraceTopkPair *pairs = NULL;
    size_t n = 0, cap = 0, start = 0;
    for (size_t i = 0; i <= f->value_len && f->value_len > 0; i++) {
        if (i < f->value_len && f->value[i] != ',') continue;
        const unsigned char *item = f->value + start;
        size_t len = i - start, colon = 0, digits;
        while (colon < len && item[colon] != ':') colon++;
        long long index = 0;
        uint64_t bits;
        int ok = colon > 0 && colon < len && colon <= 18;
        for (digits = 0; ok && digits < colon; digits++) {
            if (!ascii_is_digit(item[digits])) ok = 0;
            else index = index * 10 + (item[digits] - '0');
        }
        if (ok && hex_run(item + colon + 1, len - colon - 1, 8, &bits, NULL) != 0) ok = 0;
        if (!ok) {
            free(pairs);
            FAIL(p, line, "TOPK POS=%ld: pair %zu (%s) is not INDEX:BITS (decimal index, 8 hex digits)", pos, n + 1,
                 quote(p, item, len));
            return -1;
        }
        if (index >= h->vocab_size) {
            free(pairs);
            FAIL(p, line, "TOPK POS=%ld: pair %zu has index %lld, out of range (VOCAB=%ld)", pos, n + 1, index,
                 h->vocab_size);
            return -1;
        }
        if ((long)n >= k) {
            free(pairs);
            FAIL(p, line, "TOPK POS=%ld K=%ld has more than %ld pairs", pos, k, k);
            return -1;
        }
        if (grow(&pairs, &cap, n + 1, sizeof *pairs) != 0) {
            free(pairs);
            return out_of_memory(p), -1;
        }
        pairs[n].index = (long)index;
        pairs[n].bits = (uint32_t)bits;
        if (n > 0 && trace_topk_before(&pairs[n], &pairs[n - 1])) {
            FAIL(p, line, "TOPK POS=%ld: pair %zu (%ld:%08lX) is out of order (largest first, equal values by lower "
                          "index, NaN last)",
                 pos, n + 1, (long)index, (unsigned long)pairs[n].bits);
            free(pairs);
            return -1;
        }
        n++;
        start = i + 1;
    }
    if ((long)n != k) {
        free(pairs);
        FAIL(p, line, "TOPK POS=%ld K=%ld has %zu pairs", pos, k, n);
        return -1;
    }
    /* each index once */
    TraceTopkPair *sorted = malloc(n * sizeof *sorted);
    if (sorted == NULL) {
        free(pairs);
        return out_of_memory(p), -1;
    }
    memcpy(sorted, pairs, n * sizeof *sorted);
    qsort(sorted, n, sizeof *sorted, compare_index);
    for (size_t i = 1; i < n; i++) {
        if (sorted[i].index == sorted[i - 1].index) {
            long dup = sorted[i].index;
            free(sorted);
            free(pairs);
            FAIL(p, line, "TOPK POS=%ld: index %ld appears twice", pos, dup);
            return -1;
        }
    }
    free(sorted);
    s->topk = pairs;
    s->n_topk = (long)n;
    return 0;
}

static int read_end(TraceParser *p, long line) {
    static const char *const KEYS[] = {"STEPS", NULL};
    long steps;
    if (check_fields(p, line, KEYS, NULL) != 0 || close_step(p, line) != 0 ||
        parse_long(p, line, "STEPS", 0, LONG_MAX, &steps) != 0)
        return -1;
    if (p->n_pending > 0) {
        FAIL(p, line, "END after LAYER records of POS=%ld without their STEP", next_pos(p));
        return -1;
    }
    if (steps != p->t->n_steps) {
        FAIL(p, line, "END STEPS=%ld, but the trace has %ld STEP records", steps, p->t->n_steps);
        return -1;
    }
    p->ended = 1;
    p->t->complete = 1;
    p->t->end_line = line;
    return 0;
}

/* ---- lines ---- */

static int header_index(const unsigned char *name, size_t n) {
    for (int i = 0; i < TRACE_HEADER_RECORDS; i++)
        if (strlen(HEADER_NAMES[i]) == n && memcmp(HEADER_NAMES[i], name, n) == 0) return i;
    return -1;
}

static const char *const BODY_NAMES[] = {"USER", "LAYER", "STEP", "LOGITS", "TOPK", "END", NULL};

static int body_index(const unsigned char *name, size_t n) {
    for (int i = 0; BODY_NAMES[i] != NULL; i++)
        if (strlen(BODY_NAMES[i]) == n && memcmp(BODY_NAMES[i], name, n) == 0) return i;
    return -1;
}

static void raise_damage(TraceParser *p) {
    if (p->damage == NULL) return;
    if (!p->failed) {
        p->failed = 1;
        set_error(&p->err, TRACE_ERROR_FORMAT, p->damage_line, p->damage);
    } else {
        free(p->damage);
    }
    p->damage = NULL;
}

/* A record's content (after "L2T ", before " *CHECK"). */
static void read_record(TraceParser *p, long line, const unsigned char *c, size_t n) {
    /* the record name */
    size_t name_len = 0;
    while (name_len < n && c[name_len] != ' ') name_len++;
    if (name_len == 0) {
        FAIL(p, line, "%s", n == 0 ? "empty record: no record name" : "bad field syntax: a space before the record name");
        return;
    }
    for (size_t i = 0; i < name_len; i++) {
        if (!is_upper(c[i])) {
            FAIL(p, line, "bad record name %s (upper-case letters)", quote(p, c, name_len));
            return;
        }
    }
    int header = header_index(c, name_len), body = body_index(c, name_len);
    if (header < 0 && body < 0) {
        FAIL(p, line, "unknown record %s", quote(p, c, name_len));
        return;
    }
    p->record = header >= 0 ? HEADER_NAMES[header] : BODY_NAMES[body];

    /* the fields */
    p->n_fields = 0;
    size_t i = name_len;
    while (i < n) {
        i++; /* the space */
        size_t start = i;
        while (i < n && c[i] != ' ') i++;
        const unsigned char *tok = c + start;
        size_t len = i - start, eq = 0;
        if (len == 0) {
            FAIL(p, line, "bad field syntax in %s record: an empty field (two spaces in a row, or a space at the end)",
                 p->record);
            return;
        }
        while (eq < len && tok[eq] != '=') eq++;
        int key_ok = eq > 0 && eq < len;
        for (size_t k = 0; k < eq && key_ok; k++)
            if (!is_upper(tok[k]) && !ascii_is_digit(tok[k])) key_ok = 0;
        if (!key_ok) {
            FAIL(p, line, "bad field syntax in %s record: %s is not KEY=VALUE", p->record, quote(p, tok, len));
            return;
        }
        if (grow(&p->fields, &p->cap_fields, p->n_fields + 1, sizeof *p->fields) != 0) {
            out_of_memory(p);
            return;
        }
        Field *f = &p->fields[p->n_fields++];
        f->key = tok;
        f->key_len = eq;
        f->value = tok + eq + 1;
        f->value_len = len - eq - 1;
    }

    /* the record's place */
    Trace *t = p->t;
    if (p->ended) {
        FAIL(p, line, "%s record after END (line %ld)", p->record, t->end_line);
        return;
    }
    if (header >= 0) {
        if (header < p->header_next) {
            FAIL(p, line, "duplicate %s record (the first is at line %ld)", p->record, t->h.line[header]);
            return;
        }
        if (header > p->header_next) {
            if (p->header_next == TRACE_REC_TRACE)
                FAIL(p, line, "%s record before TRACE: a trace starts with the TRACE record", p->record);
            else
                FAIL(p, line, "expected %s record, found %s (the header is TRACE MODEL TOKENIZER CONFIG SAMPLER RUN "
                              "PROMPT SYSTEM PLATFORM, in that order)",
                     HEADER_NAMES[p->header_next], p->record);
            return;
        }
        if (read_header_record(p, line, header) != 0) return;
        t->h.line[header] = line;
        p->header_next++;
        return;
    }
    if (p->header_next < TRACE_HEADER_RECORDS) {
        if (p->header_next == TRACE_REC_TRACE)
            FAIL(p, line, "%s record before TRACE: a trace starts with the TRACE record", p->record);
        else
            FAIL(p, line, "missing %s record: %s found before the header was complete", HEADER_NAMES[p->header_next],
                 p->record);
        return;
    }
    switch (body) {
    case 0: read_user(p, line); break;
    case 1: read_layer(p, line); break;
    case 2: read_step(p, line); break;
    case 3: read_logits(p, line); break;
    case 4: read_topk(p, line); break;
    default: read_end(p, line); break;
    }
}

/* One line, without its end. */
static void read_line(TraceParser *p, long line, const unsigned char *bytes, size_t n) {
    /* trailing spaces (and stray CRs) are ignored */
    while (n > 0 && (bytes[n - 1] == ' ' || bytes[n - 1] == '\r')) n--;
    size_t at = 0;
    while (at + 4 <= n && memcmp(bytes + at, "L2T ", 4) != 0) at++;
    if (at + 4 > n) return; /* not a trace line */
    const unsigned char *rec = bytes + at;
    size_t len = n - at;
    p->t->trace_lines++;
    p->last_trace_line = line;

    /* the check: " *" and four hex digits at the end */
    char *damage = NULL;
    int bad = 0;
    int ok = len >= 10 && rec[len - 6] == ' ' && rec[len - 5] == '*';
    uint64_t said = 0;
    if (ok && hex_run(rec + len - 4, 4, 4, &said, NULL) != 0) ok = 0;
    if (!ok) {
        bad = 1;
        damage = format("%s: line %ld: no check at the end of the line (a space, * and four hex digits): the line "
                        "was cut short or damaged in transmission",
                        p->t->name, line);
    } else {
        unsigned computed = trace_line_check(rec, len - 6);
#ifdef TRACE_READER_FUZZING
        /* fuzz builds: any four hex digits pass, so that mutations reach the records */
        computed = (unsigned)said;
#endif
        if (computed != (unsigned)said) {
            bad = 1;
            damage = format("%s: line %ld: bad checksum: the line says *%.4s, its bytes give *%04X: it looks damaged "
                            "in transmission",
                            p->t->name, line, (const char *)rec + len - 4, computed);
        }
    }
    if (bad) {
        if (damage == NULL) {
            out_of_memory(p);
            return;
        }
        /* held back until we know whether a trace line follows */
        raise_damage(p);
        if (p->failed) {
            free(damage);
            return;
        }
        p->damage = damage;
        p->damage_line = line;
        if (p->ended) raise_damage(p);
        return;
    }
    raise_damage(p);
    if (p->failed) return;
    read_record(p, line, rec + 4, len - 10);
}

TraceParser *trace_parser_new(const char *name) {
    TraceParser *p = calloc(1, sizeof *p);
    if (p == NULL) return NULL;
    p->t = calloc(1, sizeof *p->t);
    if (p->t != NULL) p->t->name = format("%s", name);
    if (p->t == NULL || p->t->name == NULL) {
        if (p->t != NULL) free(p->t);
        free(p);
        return NULL;
    }
    p->line_no = 1;
    return p;
}

static void end_of_line(TraceParser *p) {
    if (!p->failed) read_line(p, p->line_no, p->line, p->len);
    p->len = 0;
    p->line_no++;
}

void trace_parser_feed(TraceParser *p, const void *data, size_t n) {
    const unsigned char *bytes = data;
    for (size_t i = 0; i < n && !p->failed; i++) {
        unsigned char c = bytes[i];
        if (c == '\n' && p->after_cr) {
            p->after_cr = 0;
            continue;
        }
        p->after_cr = c == '\r';
        if (c == '\n' || c == '\r') {
            end_of_line(p);
            continue;
        }
        if (p->len == p->cap && grow(&p->line, &p->cap, p->len + 1, 1) != 0) {
            out_of_memory(p);
            return;
        }
        p->line[p->len++] = c;
    }
}

static void free_parser(TraceParser *p) {
    free(p->line);
    free(p->pending);
    free(p->fields);
    free(p->values);
    free(p->damage);
    free(p);
}

int trace_parser_finish(TraceParser *p, Trace **out, TraceError *err) {
    Trace *t = p->t;
    *out = NULL;
    if (!p->failed && p->len > 0) end_of_line(p); /* a last line without an end */
    long lines = p->line_no - 1;
    t->lines = lines;
    if (!p->failed && p->damage != NULL) {
        if (p->ended) {
            raise_damage(p);
        } else {
            /* the last trace line: where the capture was cut */
            char *note = format("%s (the last trace line: it is left out)", p->damage);
            free(p->damage);
            p->damage = NULL;
            add_note(p, note);
        }
    }
    if (!p->failed && t->trace_lines == 0) {
        if (lines == 0) fail_at(p, TRACE_ERROR_NO_TRACE, 0, "empty file: no trace lines");
        else
            fail_at(p, TRACE_ERROR_NO_TRACE, 0, "no trace lines: none of its %ld lines has the L2T marker", lines);
    }
    if (!p->failed && p->header_next < TRACE_HEADER_RECORDS) {
        FAIL(p, lines, "the trace ends inside the header: missing %s record", HEADER_NAMES[p->header_next]);
    }
    if (!p->failed && !p->ended) {
        /* cut short: keep the complete steps */
        if (p->step_open) {
            TraceStepRecord *s = &t->steps[t->n_steps - 1];
            int partial = (t->h.level == TRACE_READ_FULL && s->n_logits != t->h.vocab_size) ||
                          (t->h.level == TRACE_READ_TOPK && s->topk == NULL);
            if (partial) {
                char *note = t->h.level == TRACE_READ_FULL
                                 ? format("%s: line %ld: the last STEP (POS=%ld) has %ld of %ld logits: it is left out",
                                          t->name, s->line, s->pos, s->n_logits, t->h.vocab_size)
                                 : format("%s: line %ld: the last STEP (POS=%ld) has no TOPK record: it is left out",
                                          t->name, s->line, s->pos);
                free_step(s);
                t->n_steps--;
                add_note(p, note);
            }
        }
        if (!p->failed && p->n_pending > 0)
            add_note(p, format("%s: line %ld: %ld LAYER records of POS=%ld have no STEP: they are left out", t->name,
                               p->pending[0].line, p->n_pending, next_pos(p)));
        if (!p->failed)
            add_note(p, format("%s: line %ld: no END record: the trace was cut short after %ld complete steps; only "
                               "those can be compared",
                               t->name, lines, t->n_steps));
    }
    if (p->failed) {
        *err = p->err;
        p->err.message = NULL;
        trace_free(t);
        free_parser(p);
        return -1;
    }
    err->code = TRACE_ERROR_NONE;
    err->line = 0;
    err->message = NULL;
    *out = t;
    free_parser(p);
    return 0;
}

int trace_read_buffer(const char *name, const void *data, size_t n, Trace **out, TraceError *err) {
    TraceParser *p = trace_parser_new(name);
    *out = NULL;
    if (p == NULL) {
        set_error(err, TRACE_ERROR_MEMORY, 0, NULL);
        return -1;
    }
    trace_parser_feed(p, data, n);
    return trace_parser_finish(p, out, err);
}

static unsigned long long read_limit = TRACE_READ_LIMIT_DEFAULT;

void trace_read_set_limit(unsigned long long bytes) { read_limit = bytes; }

unsigned long long trace_read_limit(void) { return read_limit; }

int trace_read_file(const char *path, Trace **out, TraceError *err) {
    int use_stdin = strcmp(path, "-") == 0;
    *out = NULL;
    FILE *f = use_stdin ? stdin : fopen(path, "rb");
    if (f == NULL) {
        set_error(err, TRACE_ERROR_IO, 0, format("%s: cannot open: %s", path, strerror(errno)));
        return -1;
    }
    TraceParser *p = trace_parser_new(use_stdin ? "(standard input)" : path);
    if (p == NULL) {
        if (!use_stdin) fclose(f);
        set_error(err, TRACE_ERROR_MEMORY, 0, NULL);
        return -1;
    }
    unsigned char chunk[4096]; /* small: some targets' stacks are (wasm32's is 64 KiB) */
    size_t n;
    unsigned long long total = 0;
    int too_long = 0;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) {
        if (n > read_limit - total) {
            too_long = 1;
            break;
        }
        total += n;
        trace_parser_feed(p, chunk, n);
    }
    int read_error = ferror(f);
    int e = errno;
    if (!use_stdin) fclose(f);
    if (read_error || too_long) {
        Trace *t;
        TraceError ignored;
        trace_parser_finish(p, &t, &ignored);
        trace_free(t);
        trace_error_clear(&ignored);
        const char *name = use_stdin ? "(standard input)" : path;
        if (too_long)
            set_error(err, TRACE_ERROR_IO, 0, format("%s: more than %llu bytes, the input limit (--max-input)", name, read_limit));
        else set_error(err, TRACE_ERROR_IO, 0, format("%s: read error: %s", name, strerror(e)));
        return -1;
    }
    return trace_parser_finish(p, out, err);
}
