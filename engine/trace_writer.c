/* L2T trace writer; see trace_writer.h and docs/trace-format.md.
 *
 * Characters are written as numeric ASCII codes rather than character literals, because
 * cc65 translates literals to PETSCII on C64 targets. */
#include "engine/trace_writer.h"

#include "engine/float_bits.h"

#define A_SPACE 0x20
#define A_PERCENT 0x25
#define A_STAR 0x2A
#define A_COMMA 0x2C
#define A_MINUS 0x2D
#define A_ZERO 0x30
#define A_COLON 0x3A
#define A_EQUALS 0x3D
#define A_UPPER_A 0x41
#define A_UPPER_Z 0x5A
#define A_LOWER_A 0x61
#define A_LOWER_Z 0x7A
#define A_LF 0x0A

#define MASK32 0xFFFFFFFFUL

/* Record and key names, as ASCII codes; each list ends with 0. */
static const unsigned char K_MARKER[] = {0x4C, 0x32, 0x54, 0};                     /* L2T */
static const unsigned char K_TRACE[] = {0x54, 0x52, 0x41, 0x43, 0x45, 0};          /* TRACE */
static const unsigned char K_V[] = {0x56, 0};                                      /* V */
static const unsigned char K_MODEL[] = {0x4D, 0x4F, 0x44, 0x45, 0x4C, 0};          /* MODEL */
static const unsigned char K_TOKENIZER[] = {0x54, 0x4F, 0x4B, 0x45, 0x4E, 0x49, 0x5A, 0x45, 0x52, 0};
static const unsigned char K_SHA256[] = {0x53, 0x48, 0x41, 0x32, 0x35, 0x36, 0};   /* SHA256 */
static const unsigned char K_BYTES[] = {0x42, 0x59, 0x54, 0x45, 0x53, 0};          /* BYTES */
static const unsigned char K_CONFIG[] = {0x43, 0x4F, 0x4E, 0x46, 0x49, 0x47, 0};   /* CONFIG */
static const unsigned char K_DIM[] = {0x44, 0x49, 0x4D, 0};                        /* DIM */
static const unsigned char K_HIDDEN[] = {0x48, 0x49, 0x44, 0x44, 0x45, 0x4E, 0};   /* HIDDEN */
static const unsigned char K_LAYERS[] = {0x4C, 0x41, 0x59, 0x45, 0x52, 0x53, 0};   /* LAYERS */
static const unsigned char K_HEADS[] = {0x48, 0x45, 0x41, 0x44, 0x53, 0};          /* HEADS */
static const unsigned char K_KVHEADS[] = {0x4B, 0x56, 0x48, 0x45, 0x41, 0x44, 0x53, 0};
static const unsigned char K_VOCAB[] = {0x56, 0x4F, 0x43, 0x41, 0x42, 0};          /* VOCAB */
static const unsigned char K_SEQLEN[] = {0x53, 0x45, 0x51, 0x4C, 0x45, 0x4E, 0};   /* SEQLEN */
static const unsigned char K_SHARED[] = {0x53, 0x48, 0x41, 0x52, 0x45, 0x44, 0};   /* SHARED */
static const unsigned char K_SAMPLER[] = {0x53, 0x41, 0x4D, 0x50, 0x4C, 0x45, 0x52, 0};
static const unsigned char K_TEMP[] = {0x54, 0x45, 0x4D, 0x50, 0};                 /* TEMP */
static const unsigned char K_TOPP[] = {0x54, 0x4F, 0x50, 0x50, 0};                 /* TOPP */
static const unsigned char K_SEED[] = {0x53, 0x45, 0x45, 0x44, 0};                 /* SEED */
static const unsigned char K_STEPS[] = {0x53, 0x54, 0x45, 0x50, 0x53, 0};          /* STEPS */
static const unsigned char K_RUN[] = {0x52, 0x55, 0x4E, 0};                        /* RUN */
static const unsigned char K_MODE[] = {0x4D, 0x4F, 0x44, 0x45, 0};                 /* MODE */
static const unsigned char K_GENERATE[] = {0x47, 0x45, 0x4E, 0x45, 0x52, 0x41, 0x54, 0x45, 0};
static const unsigned char K_CHAT[] = {0x43, 0x48, 0x41, 0x54, 0};                 /* CHAT */
static const unsigned char K_MATH[] = {0x4D, 0x41, 0x54, 0x48, 0};                 /* MATH */
static const unsigned char K_LOGITS[] = {0x4C, 0x4F, 0x47, 0x49, 0x54, 0x53, 0};   /* LOGITS */
static const unsigned char K_FULL[] = {0x46, 0x55, 0x4C, 0x4C, 0};                 /* FULL */
static const unsigned char K_TOPK[] = {0x54, 0x4F, 0x50, 0x4B, 0};                 /* TOPK */
static const unsigned char K_DIGEST[] = {0x44, 0x49, 0x47, 0x45, 0x53, 0x54, 0};   /* DIGEST */
static const unsigned char K_K[] = {0x4B, 0};                                      /* K */
static const unsigned char K_PROMPT[] = {0x50, 0x52, 0x4F, 0x4D, 0x50, 0x54, 0};   /* PROMPT */
static const unsigned char K_SYSTEM[] = {0x53, 0x59, 0x53, 0x54, 0x45, 0x4D, 0};   /* SYSTEM */
static const unsigned char K_SET[] = {0x53, 0x45, 0x54, 0};                        /* SET */
static const unsigned char K_TEXT[] = {0x54, 0x45, 0x58, 0x54, 0};                 /* TEXT */
static const unsigned char K_PLATFORM[] = {0x50, 0x4C, 0x41, 0x54, 0x46, 0x4F, 0x52, 0x4D, 0};
static const unsigned char K_ID[] = {0x49, 0x44, 0};                               /* ID */
static const unsigned char K_USER[] = {0x55, 0x53, 0x45, 0x52, 0};                 /* USER */
static const unsigned char K_SYS[] = {0x53, 0x59, 0x53, 0};                        /* SYS */
static const unsigned char K_POS[] = {0x50, 0x4F, 0x53, 0};                        /* POS */
static const unsigned char K_LAYER[] = {0x4C, 0x41, 0x59, 0x45, 0x52, 0};          /* LAYER */
static const unsigned char K_L[] = {0x4C, 0};                                      /* L */
static const unsigned char K_Q[] = {0x51, 0};                                      /* Q */
static const unsigned char K_KEY[] = {0x4B, 0};                                    /* K (key) */
static const unsigned char K_ATT[] = {0x41, 0x54, 0x54, 0};                        /* ATT */
static const unsigned char K_FFN[] = {0x46, 0x46, 0x4E, 0};                        /* FFN */
static const unsigned char K_X[] = {0x58, 0};                                      /* X */
static const unsigned char K_STEP[] = {0x53, 0x54, 0x45, 0x50, 0};                 /* STEP */
static const unsigned char K_TOKEN[] = {0x54, 0x4F, 0x4B, 0x45, 0x4E, 0};          /* TOKEN */
static const unsigned char K_NEXT[] = {0x4E, 0x45, 0x58, 0x54, 0};                 /* NEXT */
static const unsigned char K_SRC[] = {0x53, 0x52, 0x43, 0};                        /* SRC */
static const unsigned char K_P[] = {0x50, 0};                                      /* P */
static const unsigned char K_S[] = {0x53, 0};                                      /* S */
static const unsigned char K_ARGMAX[] = {0x41, 0x52, 0x47, 0x4D, 0x41, 0x58, 0};   /* ARGMAX */
static const unsigned char K_CRC[] = {0x43, 0x52, 0x43, 0};                        /* CRC */
static const unsigned char K_PIECE[] = {0x50, 0x49, 0x45, 0x43, 0x45, 0};          /* PIECE */
static const unsigned char K_AT[] = {0x41, 0x54, 0};                               /* AT */
static const unsigned char K_I[] = {0x49, 0};                                      /* I */
static const unsigned char K_END[] = {0x45, 0x4E, 0x44, 0};                        /* END */

static const unsigned char HEX_DIGITS[] = {0x30, 0x31, 0x32, 0x33, 0x34, 0x35, 0x36, 0x37,
                                           0x38, 0x39, 0x41, 0x42, 0x43, 0x44, 0x45, 0x46};

#define LOGITS_PER_LINE 16

/* ---- bytes and lines ---- */

/* Fletcher-16 modulo 255 by one subtraction: the sums stay below 255 and a byte is at most
 * 255, so each new sum is below 510 (a division per byte was most of the C64's time spent
 * writing a full-logits trace). */
static void put_byte(TraceWriter *w, int ascii) {
    unsigned sum1 = w->sum1 + (unsigned)ascii;
    unsigned sum2;
    if (sum1 >= 255u) sum1 -= 255u;
    sum2 = w->sum2 + sum1;
    if (sum2 >= 255u) sum2 -= 255u;
    w->sum1 = sum1;
    w->sum2 = sum2;
    w->put(w->context, ascii);
}

static void put_word(TraceWriter *w, const unsigned char *word) {
    while (*word != 0) put_byte(w, *word++);
}

/* The low `digits` (at most 8) hex digits of value, most significant first; taken from its
 * bytes, as shifting a long by a variable count is a loop on a 6502. */
static void put_hex(TraceWriter *w, trace_u32 value, int digits) {
    unsigned char bytes[4];
    unsigned i;
    bytes[0] = (unsigned char)((value >> 24) & 0xFFu);
    bytes[1] = (unsigned char)((value >> 16) & 0xFFu);
    bytes[2] = (unsigned char)((value >> 8) & 0xFFu);
    bytes[3] = (unsigned char)(value & 0xFFu);
    for (i = 8u - (unsigned)digits; i < 8u; i++) {
        unsigned b = bytes[i / 2u];
        put_byte(w, HEX_DIGITS[i % 2u == 0 ? b >> 4 : b & 0xFu]);
    }
}

static void put_decimal(TraceWriter *w, long value) {
    unsigned char digits[12];
    int n = 0;
    unsigned long magnitude;
    if (value < 0) {
        put_byte(w, A_MINUS);
        magnitude = 0UL - (unsigned long)value;
    } else {
        magnitude = (unsigned long)value;
    }
    do {
        digits[n++] = (unsigned char)(A_ZERO + (int)(magnitude % 10UL));
        magnitude /= 10UL;
    } while (magnitude != 0);
    while (n > 0) put_byte(w, digits[--n]);
}

static void begin_line(TraceWriter *w, const unsigned char *record) {
    w->sum1 = 0;
    w->sum2 = 0;
    put_word(w, K_MARKER);
    put_byte(w, A_SPACE);
    put_word(w, record);
}

static void end_line(TraceWriter *w) {
    unsigned check = w->sum2 * 256u + w->sum1;
    w->put(w->context, A_SPACE);
    w->put(w->context, A_STAR);
    w->put(w->context, HEX_DIGITS[(check >> 12) & 0xFu]);
    w->put(w->context, HEX_DIGITS[(check >> 8) & 0xFu]);
    w->put(w->context, HEX_DIGITS[(check >> 4) & 0xFu]);
    w->put(w->context, HEX_DIGITS[check & 0xFu]);
    w->put(w->context, A_LF);
}

/* " KEY=" */
static void put_key(TraceWriter *w, const unsigned char *key) {
    put_byte(w, A_SPACE);
    put_word(w, key);
    put_byte(w, A_EQUALS);
}

static void field_long(TraceWriter *w, const unsigned char *key, long value) {
    put_key(w, key);
    put_decimal(w, value);
}

static void field_hex(TraceWriter *w, const unsigned char *key, trace_u32 value, int digits) {
    put_key(w, key);
    put_hex(w, value, digits);
}

static void field_word(TraceWriter *w, const unsigned char *key, const unsigned char *word) {
    put_key(w, key);
    put_word(w, word);
}

/* Text: bytes 0x21..0x5A except % and * as themselves, all others as %XX. */
static void field_text(TraceWriter *w, const unsigned char *key, const char *text) {
    const unsigned char *c = (const unsigned char *)text;
    put_key(w, key);
    if (c == 0) return;
    for (; *c != 0; c++) {
        if (*c > A_SPACE && *c <= A_UPPER_Z && *c != A_PERCENT && *c != A_STAR) {
            put_byte(w, *c);
        } else {
            put_byte(w, A_PERCENT);
            put_hex(w, (trace_u32)*c, 2);
        }
    }
}

/* A name given as a C string (in the compiler's character set), written as upper-case
 * ASCII letters; anything but a-z/A-Z/0-9 is dropped. Used for the math library name. */
static void field_name(TraceWriter *w, const unsigned char *key, const char *name) {
    static const char lower[] = "abcdefghijklmnopqrstuvwxyz";
    static const char upper[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
    static const char digits[] = "0123456789";
    const char *c;
    int i;
    put_key(w, key);
    for (c = name; *c != 0; c++) {
        for (i = 0; i < 26; i++)
            if (*c == lower[i] || *c == upper[i]) put_byte(w, A_UPPER_A + i);
        for (i = 0; i < 10; i++)
            if (*c == digits[i]) put_byte(w, A_ZERO + i);
    }
}

/* Hex digits given as a C string, written upper-case. */
static void field_hex_string(TraceWriter *w, const unsigned char *key, const char *hex) {
    static const char lower[] = "0123456789abcdef";
    static const char upper[] = "0123456789ABCDEF";
    const char *c;
    int i;
    put_key(w, key);
    for (c = hex; *c != 0; c++)
        for (i = 0; i < 16; i++)
            if (*c == lower[i] || *c == upper[i]) put_byte(w, HEX_DIGITS[i]);
}

/* ---- the argmax of the logits (engine/float_bits.h compares them) ---- */

long trace_argmax(const trace_u32 *logits, long n) {
    long i, max_i = 0;
    trace_u32 max_p = logits[0];
    for (i = 1; i < n; i++) {
        if (float_bits_greater(logits[i], max_p)) {
            max_i = i;
            max_p = logits[i];
        }
    }
    return max_i;
}

/* ---- CRC-32 (reflected, polynomial 0xEDB88320), four bits a step ---- */

/* CRC_NIBBLE[i]: four bit steps of the CRC applied to i, so that four steps of any crc are
 * (crc >> 4) ^ CRC_NIBBLE[crc & 15] (the CRC is linear). 64 bytes: a byte-wise table (1 KiB)
 * would not fit a 6502's memory. */
static const trace_u32 CRC_NIBBLE[16] = {
    0x00000000UL, 0x1DB71064UL, 0x3B6E20C8UL, 0x26D930ACUL, 0x76DC4190UL, 0x6B6B51F4UL,
    0x4DB26158UL, 0x5005713CUL, 0xEDB88320UL, 0xF00F9344UL, 0xD6D6A3E8UL, 0xCB61B38CUL,
    0x9B64C2B0UL, 0x86D3D2D4UL, 0xA00AE278UL, 0xBDBDF21CUL};

trace_u32 trace_digest_begin(void) { return MASK32; }

trace_u32 trace_digest_add(trace_u32 crc, trace_u32 bits) {
    int byte;
    for (byte = 0; byte < 4; byte++) {
        crc ^= bits & 0xFFUL;
        bits >>= 8;
        crc = (crc >> 4) ^ CRC_NIBBLE[(int)(crc & 0xFUL)];
        crc = (crc >> 4) ^ CRC_NIBBLE[(int)(crc & 0xFUL)];
    }
    return crc & MASK32;
}

trace_u32 trace_digest_end(trace_u32 crc) { return (crc ^ MASK32) & MASK32; }

/* ---- records ---- */

/* The K a TOPK record holds: the requested count within 1..TRACE_TOPK_MAX and the vocabulary. */
static long topk_count(int topk, long vocab_size) {
    long k = topk < 1 ? 1 : topk > TRACE_TOPK_MAX ? TRACE_TOPK_MAX : topk;
    return k < vocab_size ? k : vocab_size;
}

void trace_writer_init(TraceWriter *w, trace_put_fn put, void *context) {
    w->put = put;
    w->context = context;
    w->sum1 = 0;
    w->sum2 = 0;
    w->steps = 0;
}

void trace_write_header(TraceWriter *w, const TraceHeader *h) {
    static const char empty[] = "";
    const unsigned char *level = h->logits_level == TRACE_LOGITS_FULL   ? K_FULL
                                 : h->logits_level == TRACE_LOGITS_TOPK ? K_TOPK
                                                                        : K_DIGEST;
    begin_line(w, K_TRACE);
    field_long(w, K_V, 1);
    end_line(w);

    begin_line(w, K_MODEL);
    field_hex_string(w, K_SHA256, h->model_sha256);
    field_long(w, K_BYTES, (long)h->model_bytes);
    end_line(w);

    begin_line(w, K_TOKENIZER);
    field_hex_string(w, K_SHA256, h->tokenizer_sha256);
    field_long(w, K_BYTES, (long)h->tokenizer_bytes);
    end_line(w);

    begin_line(w, K_CONFIG);
    field_long(w, K_DIM, h->dim);
    field_long(w, K_HIDDEN, h->hidden_dim);
    field_long(w, K_LAYERS, h->n_layers);
    field_long(w, K_HEADS, h->n_heads);
    field_long(w, K_KVHEADS, h->n_kv_heads);
    field_long(w, K_VOCAB, h->vocab_size);
    field_long(w, K_SEQLEN, h->seq_len);
    field_long(w, K_SHARED, h->shared_classifier ? 1 : 0);
    end_line(w);

    begin_line(w, K_SAMPLER);
    field_hex(w, K_TEMP, h->temperature_bits, 8);
    field_hex(w, K_TOPP, h->topp_bits, 8);
    put_key(w, K_SEED);
    put_hex(w, h->seed_high, 8);
    put_hex(w, h->seed_low, 8);
    field_long(w, K_STEPS, h->steps);
    end_line(w);

    begin_line(w, K_RUN);
    field_word(w, K_MODE, h->chat ? K_CHAT : K_GENERATE);
    field_name(w, K_MATH, h->math);
    field_word(w, K_LOGITS, level);
    field_long(w, K_K, h->logits_level == TRACE_LOGITS_TOPK ? topk_count(h->topk, h->vocab_size) : 0L);
    field_long(w, K_LAYERS, h->layers ? 1 : 0);
    end_line(w);

    begin_line(w, K_PROMPT);
    field_long(w, K_SET, h->prompt != 0);
    field_text(w, K_TEXT, h->prompt != 0 ? h->prompt : empty);
    end_line(w);

    begin_line(w, K_SYSTEM);
    field_long(w, K_SET, h->system_prompt != 0);
    field_text(w, K_TEXT, h->system_prompt != 0 ? h->system_prompt : empty);
    end_line(w);

    begin_line(w, K_PLATFORM);
    field_text(w, K_ID, h->platform);
    end_line(w);
}

void trace_write_user(TraceWriter *w, long pos, int system, const char *text) {
    begin_line(w, K_USER);
    field_long(w, K_POS, pos);
    field_long(w, K_SYS, system ? 1 : 0);
    field_text(w, K_TEXT, text);
    end_line(w);
}

void trace_write_layer(TraceWriter *w, long pos, long layer, const TraceLayerDigests *d) {
    begin_line(w, K_LAYER);
    field_long(w, K_POS, pos);
    field_long(w, K_L, layer);
    field_hex(w, K_Q, d->q, 8);
    field_hex(w, K_KEY, d->k, 8);
    field_hex(w, K_V, d->v, 8);
    field_hex(w, K_ATT, d->att, 8);
    field_hex(w, K_FFN, d->ffn, 8);
    field_hex(w, K_X, d->x, 8);
    end_line(w);
}

/* Inserts index i into best[0..*count) kept in TOPK order, holding at most k entries. */
static void topk_insert(const trace_u32 *logits, long *best, int *count, int k, long i) {
    int at = *count;
    trace_u32 v = logits[i];
    /* an entry moves down while the new value is greater (NaN never is), or ties go by index */
    while (at > 0) {
        trace_u32 other = logits[best[at - 1]];
        int other_nan = float_bits_is_nan(other);
        int before = other_nan ? !float_bits_is_nan(v) : float_bits_greater(v, other);
        if (!before) break;
        at--;
    }
    if (at >= k) return;
    if (*count < k) (*count)++;
    {
        int j;
        for (j = *count - 1; j > at; j--) best[j] = best[j - 1];
    }
    best[at] = i;
}

void trace_write_step(TraceWriter *w, const TraceStep *s, const trace_u32 *logits, long vocab_size,
                      int level, int topk) {
    static const char empty[] = "";
    trace_u32 crc = trace_digest_begin();
    long i;
    for (i = 0; i < vocab_size; i++) crc = trace_digest_add(crc, logits[i]);

    begin_line(w, K_STEP);
    field_long(w, K_POS, s->pos);
    field_long(w, K_TOKEN, s->token);
    field_long(w, K_NEXT, s->next);
    field_word(w, K_SRC, s->source == TRACE_SOURCE_PROMPT ? K_P : K_S);
    field_long(w, K_ARGMAX, trace_argmax(logits, vocab_size));
    field_hex(w, K_CRC, trace_digest_end(crc), 8);
    field_text(w, K_PIECE, s->piece != 0 ? s->piece : empty);
    end_line(w);
    w->steps++;

    if (level == TRACE_LOGITS_FULL) {
        for (i = 0; i < vocab_size; i += LOGITS_PER_LINE) {
            long j, end = i + LOGITS_PER_LINE < vocab_size ? i + LOGITS_PER_LINE : vocab_size;
            begin_line(w, K_LOGITS);
            field_long(w, K_POS, s->pos);
            field_long(w, K_AT, i);
            put_key(w, K_V);
            for (j = i; j < end; j++) {
                if (j > i) put_byte(w, A_COMMA);
                put_hex(w, logits[j], 8);
            }
            end_line(w);
        }
    } else if (level == TRACE_LOGITS_TOPK) {
        long *best = w->topk_best;
        int count = 0, j;
        int k = (int)topk_count(topk, vocab_size);
        for (i = 0; i < vocab_size; i++) topk_insert(logits, best, &count, k, i);
        begin_line(w, K_TOPK);
        field_long(w, K_POS, s->pos);
        field_long(w, K_K, (long)count);
        put_key(w, K_I);
        for (j = 0; j < count; j++) {
            if (j > 0) put_byte(w, A_COMMA);
            put_decimal(w, best[j]);
            put_byte(w, A_COLON);
            put_hex(w, logits[best[j]], 8);
        }
        end_line(w);
    }
}

void trace_write_end(TraceWriter *w) {
    begin_line(w, K_END);
    field_long(w, K_STEPS, w->steps);
    end_line(w);
}
