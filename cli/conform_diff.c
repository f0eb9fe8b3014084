/* conform diff's comparison; see conform_diff.h. */
#include "cli/conform_diff.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/float_bits.h"

/* ---- floats as bit patterns ---- */

/* the ordered-integer line: +x at its bit pattern, -x at minus its magnitude; -0 = +0 = 0 */
static int64_t ordered(uint32_t b) {
    return (b & 0x80000000u) ? -(int64_t)(b & 0x7FFFFFFFu) : (int64_t)b;
}

uint64_t ulp_distance(uint32_t a, uint32_t b) {
    if (a == b) return 0;
    if (float_bits_is_nan(a) || float_bits_is_nan(b)) return ULP_INFINITE;
    int64_t x = ordered(a), y = ordered(b);
    return x > y ? (uint64_t)(x - y) : (uint64_t)(y - x);
}

double bits_value(uint32_t bits) {
    float f;
    memcpy(&f, &bits, sizeof f);
    return (double)f;
}

/* ---- strings ---- */

static char *format(const char *fmt, ...) {
    va_list ap, copy;
    va_start(ap, fmt);
    va_copy(copy, ap);
    int n = vsnprintf(NULL, 0, fmt, copy);
    va_end(copy);
    char *out = n < 0 ? NULL : malloc((size_t)n + 1);
    if (out != NULL) vsnprintf(out, (size_t)n + 1, fmt, ap);
    va_end(ap);
    return out;
}

static char *text_value(int set, const TraceText *t) {
    if (!set) return format("(not set)");
    Str s = {0};
    str_bytes(&s, "\"", 1);
    str_escaped(&s, t->bytes, t->len, 0);
    str_bytes(&s, "\"", 1);
    return s.s;
}

static void add_diff(HeaderDiff **list, int *n, const char *field, char *expected, char *actual) {
    HeaderDiff *grown = realloc(*list, (size_t)(*n + 1) * sizeof *grown);
    if (grown == NULL) {
        free(expected);
        free(actual);
        return;
    }
    *list = grown;
    grown[*n].field = format("%s", field);
    grown[*n].expected = expected;
    grown[*n].actual = actual;
    (*n)++;
}

static void add_note(DiffResult *r, char *note) {
    if (note == NULL) return;
    char **grown = realloc(r->notes, (size_t)(r->n_notes + 1) * sizeof *grown);
    if (grown == NULL) {
        free(note);
        return;
    }
    r->notes = grown;
    r->notes[r->n_notes++] = note;
}

void diff_result_free(DiffResult *r) {
    for (int i = 0; i < r->n_scenario; i++) {
        free(r->scenario[i].field);
        free(r->scenario[i].expected);
        free(r->scenario[i].actual);
    }
    for (int i = 0; i < r->n_info; i++) {
        free(r->info[i].field);
        free(r->info[i].expected);
        free(r->info[i].actual);
    }
    for (int i = 0; i < r->n_notes; i++) free(r->notes[i]);
    free(r->scenario);
    free(r->info);
    free(r->notes);
    free(r->error);
    text_diff_free(&r->text);
    text_regions_free(&r->regions);
    free(r->step_ulp);
    free(r->step_differs);
    memset(r, 0, sizeof *r);
}

/* ---- headers ---- */

#define SCENARIO(field, ...)                                                                                 \
    add_diff(&r->scenario, &r->n_scenario, field, format(__VA_ARGS__), NULL)

static void diff_long(DiffResult *r, int info, const char *field, long long e, long long a) {
    if (e == a) return;
    if (info) add_diff(&r->info, &r->n_info, field, format("%lld", e), format("%lld", a));
    else add_diff(&r->scenario, &r->n_scenario, field, format("%lld", e), format("%lld", a));
}

static void diff_string(DiffResult *r, int info, const char *field, const char *e, const char *a) {
    if (strcmp(e, a) == 0) return;
    if (info) add_diff(&r->info, &r->n_info, field, format("%s", e), format("%s", a));
    else add_diff(&r->scenario, &r->n_scenario, field, format("%s", e), format("%s", a));
}

static void diff_float(DiffResult *r, int info, const char *field, uint32_t e, uint32_t a) {
    if (e == a) return;
    HeaderDiff **list = info ? &r->info : &r->scenario;
    int *n = info ? &r->n_info : &r->n_scenario;
    add_diff(list, n, field, format("%.9g (%08lX)", bits_value(e), (unsigned long)e),
             format("%.9g (%08lX)", bits_value(a), (unsigned long)a));
}

/* The sampler draws from the whole distribution when top-p is at most 0 or at least 1 (the
 * original's test): every such value (and -0) does the same. A NaN is not off. */
static int topp_is_off(uint32_t bits) {
    double p = bits_value(bits);
    return p <= 0 || p >= 1;
}

static int text_equal(int set_e, const TraceText *e, int set_a, const TraceText *a) {
    return set_e == set_a && e->len == a->len && (e->len == 0 || memcmp(e->bytes, a->bytes, e->len) == 0);
}

static void diff_text(DiffResult *r, int info, const char *field, int set_e, const TraceText *e, int set_a,
                      const TraceText *a) {
    if (text_equal(set_e, e, set_a, a)) return;
    if (info) add_diff(&r->info, &r->n_info, field, text_value(set_e, e), text_value(set_a, a));
    else add_diff(&r->scenario, &r->n_scenario, field, text_value(set_e, e), text_value(set_a, a));
}

void diff_headers(const Trace *te, const Trace *ta, DiffResult *r) {
    const TraceHeaderInfo *e = &te->h, *a = &ta->h;
    diff_string(r, 0, "MODEL SHA256", e->model_sha256, a->model_sha256);
    diff_long(r, 0, "MODEL BYTES", e->model_bytes, a->model_bytes);
    diff_string(r, 0, "TOKENIZER SHA256", e->tokenizer_sha256, a->tokenizer_sha256);
    diff_long(r, 0, "TOKENIZER BYTES", e->tokenizer_bytes, a->tokenizer_bytes);
    diff_long(r, 0, "CONFIG DIM", e->dim, a->dim);
    diff_long(r, 0, "CONFIG HIDDEN", e->hidden_dim, a->hidden_dim);
    diff_long(r, 0, "CONFIG LAYERS", e->n_layers, a->n_layers);
    diff_long(r, 0, "CONFIG HEADS", e->n_heads, a->n_heads);
    diff_long(r, 0, "CONFIG KVHEADS", e->n_kv_heads, a->n_kv_heads);
    diff_long(r, 0, "CONFIG VOCAB", e->vocab_size, a->vocab_size);
    diff_long(r, 0, "CONFIG SEQLEN", e->seq_len, a->seq_len);
    diff_long(r, 0, "CONFIG SHARED", e->shared_classifier, a->shared_classifier);
    /* sampling inputs are compared by what they do (docs/conform.md): values the sampler
     * treats alike are reported as information, not as another scenario */
    int greedy = (e->temperature_bits & 0x7FFFFFFFu) == 0 && (a->temperature_bits & 0x7FFFFFFFu) == 0;
    diff_float(r, greedy, "SAMPLER TEMP", e->temperature_bits, a->temperature_bits);
    /* greedy decoding (temperature 0, either sign) never uses top-p or the seed */
    diff_float(r, greedy || (topp_is_off(e->topp_bits) && topp_is_off(a->topp_bits)), "SAMPLER TOPP",
               e->topp_bits, a->topp_bits);
    if (e->seed != a->seed) {
        HeaderDiff **list = greedy ? &r->info : &r->scenario;
        int *n = greedy ? &r->n_info : &r->n_scenario;
        add_diff(list, n, "SAMPLER SEED", format("%016llX", (unsigned long long)e->seed),
                 format("%016llX", (unsigned long long)a->seed));
    }
    diff_long(r, 0, "SAMPLER STEPS", e->steps, a->steps);
    diff_string(r, 0, "RUN MODE", e->chat ? "CHAT" : "GENERATE", a->chat ? "CHAT" : "GENERATE");
    diff_text(r, 0, "PROMPT", e->prompt_set, &e->prompt, a->prompt_set, &a->prompt);
    diff_text(r, 0, "SYSTEM", e->system_set, &e->system_prompt, a->system_set, &a->system_prompt);
    /* what a user typed in chat mode is an input too */
    for (long i = 0; i < te->n_users && i < ta->n_users; i++) {
        const TraceUserRecord *ue = &te->users[i], *ua = &ta->users[i];
        if (ue->pos != ua->pos) break; /* the runs went apart before: the steps will tell */
        if (ue->system != ua->system || !text_equal(1, &ue->text, 1, &ua->text)) {
            char field[64];
            snprintf(field, sizeof field, "USER at POS=%ld", ue->pos);
            add_diff(&r->scenario, &r->n_scenario, field, text_value(1, &ue->text), text_value(1, &ua->text));
        }
    }
    diff_text(r, 1, "PLATFORM", 1, &e->platform, 1, &a->platform);
    diff_string(r, 1, "RUN MATH", e->math, a->math);
    if (e->level != a->level || e->topk != a->topk) {
        add_diff(&r->info, &r->n_info, "RUN LOGITS",
                 e->level == TRACE_READ_TOPK ? format("TOPK K=%ld", e->topk) : format("%s", trace_level_name(e->level)),
                 a->level == TRACE_READ_TOPK ? format("TOPK K=%ld", a->topk) : format("%s", trace_level_name(a->level)));
    }
    diff_long(r, 1, "RUN LAYERS", e->layers, a->layers);
}

/* ---- logits ---- */

static int compare_topk(const void *p, const void *q) {
    const TraceTopkPair *x = p, *y = q;
    if (trace_topk_before(x, y)) return -1;
    if (trace_topk_before(y, x)) return 1;
    return 0;
}

/* Full logits in TOPK order; NULL when out of memory. */
static TraceTopkPair *sorted_logits(const uint32_t *logits, long n) {
    TraceTopkPair *all = malloc((size_t)n * sizeof *all);
    if (all == NULL) return NULL;
    for (long i = 0; i < n; i++) {
        all[i].index = i;
        all[i].bits = logits[i];
    }
    qsort(all, (size_t)n, sizeof *all, compare_topk);
    return all;
}

static int compare_index(const void *p, const void *q) {
    long x = ((const TraceTopkPair *)p)->index, y = ((const TraceTopkPair *)q)->index;
    return (x > y) - (x < y);
}

/* What one side knows of a step's logits. */
typedef struct {
    const uint32_t *full;       /* FULL: every value */
    const TraceTopkPair *list;  /* its top-K in TOPK order (given, or derived from full) */
    long k;
    TraceTopkPair *by_index;    /* the list sorted by index, for look-ups */
    TraceTopkPair *owned;       /* a derived list */
} View;

static int list_has(const View *v, long index, uint32_t *bits) {
    TraceTopkPair key = {index, 0};
    const TraceTopkPair *found = bsearch(&key, v->by_index, (size_t)v->k, sizeof key, compare_index);
    if (found != NULL && bits != NULL) *bits = found->bits;
    return found != NULL;
}

static int view_get(const View *v, long index, uint32_t *bits) {
    if (v->full != NULL) {
        *bits = v->full[index];
        return 1;
    }
    return list_has(v, index, bits);
}

static void stats_begin(LogitStats *st, int basis) {
    memset(st, 0, sizeof *st);
    st->basis = basis;
    st->max_ulp_index = -1;
    st->max_abs_index = -1;
    st->kl_status = basis == TRACE_READ_FULL ? KL_OK : basis == TRACE_READ_TOPK ? KL_TOPK_ONLY : KL_NONE;
}

static int beyond_tolerance(const CmpOptions *o, uint32_t e, uint32_t a, uint64_t ulp) {
    if (e == a) return 0;
    if (o->level == CMP_ABS) {
        if (float_bits_is_nan(e) || float_bits_is_nan(a)) return 1;
        double d = fabs(bits_value(e) - bits_value(a));
        return !(d <= o->abs_tol);
    }
    if (o->level == CMP_ULP) return ulp == ULP_INFINITE || ulp > o->ulp;
    return 1;
}

/* One logit known on both sides. */
static void stats_add(LogitStats *st, const CmpOptions *o, long index, uint32_t e, uint32_t a, double *ulp_sum) {
    uint64_t u = ulp_distance(e, a);
    st->compared++;
    if (e != a) st->unequal++;
    if (beyond_tolerance(o, e, a, u)) st->beyond++;
    /* the largest distance, a bit difference before none (-0 and +0 are 0 apart), then the
     * lowest index */
    int unequal = e != a, best_unequal = st->max_ulp_expected != st->max_ulp_actual;
    if (st->max_ulp_index < 0 || u > st->max_ulp || (u == st->max_ulp && unequal > best_unequal) ||
        (u == st->max_ulp && unequal == best_unequal && index < st->max_ulp_index)) {
        st->max_ulp = u;
        st->max_ulp_index = index;
        st->max_ulp_expected = e;
        st->max_ulp_actual = a;
    }
    if (u == ULP_INFINITE) st->mean_infinite = 1;
    else *ulp_sum += (double)u;
    double d;
    if (e == a) d = 0;
    else if (float_bits_is_nan(e) || float_bits_is_nan(a)) d = NAN;
    else d = fabs(bits_value(e) - bits_value(a));
    if (st->max_abs_index < 0 || (!isnan(st->max_abs) && (isnan(d) || d > st->max_abs)) ||
        (d == st->max_abs && unequal && !st->max_abs_unequal) ||
        (d == st->max_abs && unequal == st->max_abs_unequal && index < st->max_abs_index)) {
        st->max_abs_unequal = unequal;
        st->max_abs = d;
        st->max_abs_index = index;
    }
}

static void stats_end(LogitStats *st, double ulp_sum) {
    st->mean_ulp = st->compared > 0 ? ulp_sum / (double)st->compared : 0;
}

/* KL(P || Q) of the softmaxes of two logit vectors, in double.
 *
 * With d_i = x_i - y_i (exact in double), log p_i - log q_i = d_i + log sum_j p_j e^(-d_j),
 * so KL = sum_i p_i (d_i + expm1(-d_i)) + (log1p(s) - s) with s = sum_j p_j expm1(-d_j).
 * Every term is of the order of d^2: a one-ULP change of one logit gives a tiny KL rather
 * than the rounding noise of the direct formula. The direct formula is the fallback when a
 * difference is too large for exp. */
static void kl_divergence(const uint32_t *e, const uint32_t *a, long n, LogitStats *st) {
    double max_e = -INFINITY, max_a = -INFINITY;
    for (long i = 0; i < n; i++) {
        double x = bits_value(e[i]), y = bits_value(a[i]);
        if (!isfinite(x) || !isfinite(y)) {
            st->kl_status = KL_NONFINITE;
            return;
        }
        if (x > max_e) max_e = x;
        if (y > max_a) max_a = y;
    }
    double sum_e = 0, sum_a = 0;
    for (long i = 0; i < n; i++) {
        sum_e += exp(bits_value(e[i]) - max_e);
        sum_a += exp(bits_value(a[i]) - max_a);
    }
    double log_e = log(sum_e), log_a = log(sum_a);
    double quadratic = 0, s = 0;
    for (long i = 0; i < n; i++) {
        double p = exp(bits_value(e[i]) - max_e - log_e);
        double d = bits_value(e[i]) - bits_value(a[i]);
        double m = expm1(-d);
        quadratic += p * (d + m);
        s += p * m;
    }
    double kl = quadratic + (log1p(s) - s);
    if (!isfinite(kl)) {
        kl = 0;
        for (long i = 0; i < n; i++) {
            double lp = bits_value(e[i]) - max_e - log_e;
            double lq = bits_value(a[i]) - max_a - log_a;
            kl += exp(lp) * (lp - lq);
        }
    }
    st->kl = kl < 0 ? 0 : kl; /* rounding can leave -1e-20 for equal distributions */
    st->kl_status = KL_OK;
}

/* Logit statistics of a step at the basis both traces have. 0, or -1 when out of memory. */
static int step_stats(const Trace *te, const Trace *ta, long i, int basis, const CmpOptions *o, LogitStats *st) {
    const TraceStepRecord *se = &te->steps[i], *sa = &ta->steps[i];
    long vocab = te->h.vocab_size;
    double ulp_sum = 0;
    stats_begin(st, basis);
    if (basis == TRACE_READ_DIGEST) return 0;
    if (basis == TRACE_READ_FULL) {
        for (long j = 0; j < vocab; j++) stats_add(st, o, j, se->logits[j], sa->logits[j], &ulp_sum);
        stats_end(st, ulp_sum);
        return 0;
    }
    /* TOPK: each side's list (a FULL side's own top-K, K as the other side's) */
    View v[2];
    const TraceStepRecord *s[2] = {se, sa};
    const Trace *t[2] = {te, ta};
    int failed = 0;
    memset(v, 0, sizeof v);
    for (int side = 0; side < 2 && !failed; side++) {
        if (t[side]->h.level == TRACE_READ_FULL) {
            v[side].full = s[side]->logits;
            v[side].owned = sorted_logits(s[side]->logits, vocab);
            v[side].list = v[side].owned;
            v[side].k = s[1 - side]->n_topk;
        } else {
            v[side].list = s[side]->topk;
            v[side].k = s[side]->n_topk;
        }
        v[side].by_index = malloc((size_t)(v[side].k > 0 ? v[side].k : 1) * sizeof *v[side].by_index);
        if (v[side].list == NULL || v[side].by_index == NULL) {
            failed = 1;
            break;
        }
        memcpy(v[side].by_index, v[side].list, (size_t)v[side].k * sizeof *v[side].by_index);
        qsort(v[side].by_index, (size_t)v[side].k, sizeof *v[side].by_index, compare_index);
    }
    if (!failed) {
        /* the pairs present, rank by rank */
        long common = v[0].k < v[1].k ? v[0].k : v[1].k;
        for (long r = 0; r < common; r++)
            if (v[0].list[r].index != v[1].list[r].index || v[0].list[r].bits != v[1].list[r].bits)
                st->topk_lists_differ = 1;
        /* values by index, over both lists */
        for (int side = 0; side < 2; side++) {
            const View *mine = &v[side], *other = &v[1 - side];
            for (long r = 0; r < mine->k; r++) {
                long index = mine->list[r].index;
                uint32_t x = mine->list[r].bits, y;
                if (side == 1 && list_has(&v[0], index, NULL)) continue; /* seen from side 0 */
                if (view_get(other, index, &y)) {
                    if (side == 0) stats_add(st, o, index, x, y, &ulp_sum);
                    else stats_add(st, o, index, y, x, &ulp_sum);
                    continue;
                }
                /* the other side only says that its value is at most its smallest listed one */
                st->topk_only++;
                if (other->k == 0) continue;
                uint32_t bound = other->list[other->k - 1].bits;
                if (float_bits_is_nan(x) || float_bits_is_nan(bound)) continue;
                if (o->level == CMP_ULP && ordered(x) > ordered(bound) &&
                    (uint64_t)(ordered(x) - ordered(bound)) > o->ulp)
                    st->beyond++;
                if (o->level == CMP_ABS && bits_value(x) - bits_value(bound) > o->abs_tol) st->beyond++;
            }
        }
        stats_end(st, ulp_sum);
    }
    for (int side = 0; side < 2; side++) {
        free(v[side].owned);
        free(v[side].by_index);
    }
    return failed ? -1 : 0;
}

/* ---- steps ---- */

static int piece_equal(const TraceStepRecord *e, const TraceStepRecord *a) {
    return e->piece.len == a->piece.len && (e->piece.len == 0 || memcmp(e->piece.bytes, a->piece.bytes, e->piece.len) == 0);
}

/* Compares step i; returns whether it differs at the level. */
static int compare_step(const Trace *te, const Trace *ta, long i, int basis, const CmpOptions *o, StepDiff *d) {
    const TraceStepRecord *se = &te->steps[i], *sa = &ta->steps[i];
    memset(d, 0, sizeof *d);
    d->step = i;
    d->pos = se->pos;
    d->exp_token = se->token;
    d->act_token = sa->token;
    d->exp_next = se->next;
    d->act_next = sa->next;
    d->exp_src = se->source;
    d->act_src = sa->source;
    d->exp_argmax = se->argmax;
    d->act_argmax = sa->argmax;
    d->exp_crc = se->crc;
    d->act_crc = sa->crc;
    d->tokens_differ = se->token != sa->token || se->next != sa->next;
    d->digest_differs = se->crc != sa->crc || se->argmax != sa->argmax;
    d->piece_differs = !piece_equal(se, sa) || se->source != sa->source;
    d->exp_piece = &se->piece;
    d->act_piece = &sa->piece;
    if (basis != TRACE_READ_DIGEST) {
        if (step_stats(te, ta, i, basis, o, &d->stats) == 0) d->have_stats = 1;
    } else {
        stats_begin(&d->stats, basis);
    }
    d->both_layers = te->h.layers && ta->h.layers;
    if (d->both_layers) {
        long n = se->n_layers < sa->n_layers ? se->n_layers : sa->n_layers;
        for (long l = 0; l < n && !d->layer_differs; l++) {
            for (int op = 0; op < TRACE_LAYER_OPS; op++) {
                if (se->layers[l].digest[op] != sa->layers[l].digest[op]) {
                    d->layer_differs = 1;
                    d->layer = l;
                    d->op = op;
                    d->layer_expected = se->layers[l].digest[op];
                    d->layer_actual = sa->layers[l].digest[op];
                    break;
                }
            }
        }
    }
    switch (o->level) {
    case CMP_BITS:
        d->logits_differ = basis == TRACE_READ_FULL ? d->stats.unequal > 0
                           : basis == TRACE_READ_TOPK ? d->stats.topk_lists_differ
                                                      : 0;
        return d->tokens_differ || d->digest_differs || d->piece_differs || d->logits_differ || d->layer_differs;
    case CMP_ULP:
    case CMP_ABS:
        d->logits_differ = d->stats.beyond > 0;
        return d->tokens_differ || d->logits_differ || d->piece_differs;
    case CMP_TOKENS: return d->tokens_differ || d->piece_differs; /* what was printed counts at every level */
    default: return !piece_equal(se, sa);
    }
}

static void set_error(DiffResult *r, char *message) {
    r->verdict = VERDICT_ERROR;
    r->exit_status = 2;
    r->error = message != NULL ? message : format("out of memory");
}

/* Two traces: the step named for a text difference is the first whose PIECE differs (the
 * step that printed the differing byte, also when steps before it printed nothing). */
static void name_printing_steps(const Trace *te, const Trace *ta, TextDiff *t) {
    if (t->equal) return;
    long common = te->n_steps < ta->n_steps ? te->n_steps : ta->n_steps;
    for (long i = 0; i < common; i++) {
        if (!piece_equal(&te->steps[i], &ta->steps[i])) {
            t->exp_step = i;
            t->act_step = i;
            return;
        }
    }
}

static int min_level(int x, int y) { return x < y ? x : y; }

void diff_run(Side *se, Side *sa, const CmpOptions *o, DiffResult *r) {
    memset(r, 0, sizeof *r);
    r->options = *o;
    r->first_token_step = -1;
    r->first_layer_step = -1;
    r->worst_ulp_step = -1;
    r->tokens_match = 1;
    r->exp_plain = se->trace == NULL;
    r->act_plain = sa->trace == NULL;
    Trace *te = se->trace, *ta = sa->trace;

    if ((r->exp_plain || r->act_plain) && o->level != CMP_TEXT) {
        set_error(r, format("%s has no trace lines: a plain text capture can only be compared with --level text",
                            r->exp_plain ? se->name : sa->name));
        return;
    }
    for (int side = 0; side < 2; side++) {
        const Trace *t = side == 0 ? te : ta;
        if (t == NULL) continue;
        for (int i = 0; i < t->n_notes; i++) add_note(r, format("%s", t->notes[i]));
    }
    if (te != NULL && ta != NULL) {
        diff_headers(te, ta, r);
        if (r->n_scenario > 0) {
            r->verdict = VERDICT_SCENARIO;
            r->exit_status = 1;
            return;
        }
        r->basis = min_level(te->h.level, ta->h.level);
        if ((o->level == CMP_ULP || o->level == CMP_ABS) && r->basis == TRACE_READ_DIGEST) {
            const Trace *t = te->h.level == TRACE_READ_DIGEST ? te : ta;
            set_error(r, format("--level %s needs logits in both traces (LOGITS=FULL or TOPK), but %s has LOGITS=DIGEST: "
                                "compare with --level bits (CRC and ARGMAX) or tokens",
                                o->level == CMP_ULP ? "ulp" : "abs", t->name));
            return;
        }
        r->exp_steps = te->n_steps;
        r->act_steps = ta->n_steps;
        r->exp_complete = te->complete;
        r->act_complete = ta->complete;
        long common = te->n_steps < ta->n_steps ? te->n_steps : ta->n_steps;
        r->step_ulp = calloc((size_t)common + 1, sizeof *r->step_ulp);
        r->step_differs = calloc((size_t)common + 1, 1);
        for (long i = 0; i < common; i++) {
            StepDiff d;
            int differs = compare_step(te, ta, i, r->basis, o, &d);
            r->compared++;
            if (r->step_ulp != NULL && d.have_stats && d.stats.compared > 0) r->step_ulp[i] = d.stats.max_ulp;
            if (r->step_differs != NULL) r->step_differs[i] = (unsigned char)differs;
            if (d.tokens_differ && r->first_token_step < 0) r->first_token_step = i;
            if (d.layer_differs && r->first_layer_step < 0) r->first_layer_step = i;
            if (d.have_stats && d.stats.compared > 0 &&
                (r->worst_ulp_step < 0 || d.stats.max_ulp > r->worst_ulp)) {
                r->worst_ulp = d.stats.max_ulp;
                r->worst_ulp_step = i;
            }
            if (!differs) continue;
            r->steps_differ++;
            if (!r->have_first) {
                r->have_first = 1;
                r->first = d;
                if (r->basis == TRACE_READ_FULL)
                    kl_divergence(te->steps[i].logits, ta->steps[i].logits, te->h.vocab_size, &r->first.stats);
            }
        }
        if (r->first_token_step >= 0) r->tokens_match = 0;
        if (te->n_steps != ta->n_steps) {
            int shorter_cut = te->n_steps < ta->n_steps ? !te->complete : !ta->complete;
            if (!shorter_cut) {
                r->tokens_match = 0;
                r->steps_differ += labs(te->n_steps - ta->n_steps);
                if (!r->have_first) {
                    r->have_first = 1;
                    memset(&r->first, 0, sizeof r->first);
                    r->first.step = common;
                    r->first.pos = common;
                    r->first.missing = te->n_steps < ta->n_steps ? 2 : 1;
                    stats_begin(&r->first.stats, TRACE_READ_DIGEST);
                    r->first.stats.kl_status = KL_NONE;
                }
            }
        }
    }

    if (o->level == CMP_TEXT) {
        if ((te != NULL && run_text_of_trace(te, &se->text) != 0) ||
            (ta != NULL && run_text_of_trace(ta, &sa->text) != 0)) {
            set_error(r, NULL);
            return;
        }
        text_compare(&se->text, &sa->text, &r->text);
        text_align(se->text.bytes, se->text.len, sa->text.bytes, sa->text.len, &r->regions);
        if (te != NULL && ta != NULL) name_printing_steps(te, ta, &r->text);
        r->text_compared = 1;
        r->exp_text_len = (long)se->text.len;
        r->act_text_len = (long)sa->text.len;
        r->exp_petscii = se->text.petscii;
        r->act_petscii = sa->text.petscii;
        r->exp_unmapped = se->text.unmapped;
        r->act_unmapped = sa->text.unmapped;
        int exp_cut = te != NULL && !te->complete, act_cut = ta != NULL && !ta->complete;
        if (r->text.equal) {
            r->verdict = exp_cut || act_cut ? VERDICT_TRUNCATED : VERDICT_EQUAL;
        } else if ((act_cut && r->text.offset == sa->text.len) || (exp_cut && r->text.offset == se->text.len)) {
            r->verdict = VERDICT_TRUNCATED; /* the cut-short text is a beginning of the other */
        } else {
            r->verdict = VERDICT_DIFFERENT;
        }
    } else if (r->steps_differ > 0) {
        r->verdict = VERDICT_DIFFERENT;
    } else if (!te->complete || !ta->complete) {
        r->verdict = VERDICT_TRUNCATED;
    } else {
        r->verdict = VERDICT_EQUAL;
    }
    r->exit_status = r->verdict == VERDICT_EQUAL ? 0 : r->verdict == VERDICT_TRUNCATED && o->allow_truncated ? 0 : 1;
}

void side_free(Side *s) {
    trace_free(s->trace);
    run_text_free(&s->text);
    capture_cut_free(&s->cut);
}
