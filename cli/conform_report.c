/* Prints conform diff results; see conform_report.h. */
#include "cli/conform_report.h"

#include <math.h>
#include <string.h>

static const char *const LEVEL_NAMES[] = {"bits", "ulp", "abs", "tokens", "text"};

void level_description(Str *s, const CmpOptions *o) {
    if (o->level == CMP_ULP) str_printf(s, "ulp %llu", (unsigned long long)o->ulp);
    else if (o->level == CMP_ABS) str_printf(s, "abs %g", o->abs_tol);
    else str_printf(s, "%s", LEVEL_NAMES[o->level]);
}

static const char *verdict_word(int verdict) {
    switch (verdict) {
    case VERDICT_EQUAL: return "EQUAL";
    case VERDICT_DIFFERENT: return "DIFFERENT";
    case VERDICT_TRUNCATED: return "TRUNCATED";
    case VERDICT_SCENARIO: return "DIFFERENT SCENARIO";
    default: return "ERROR";
    }
}

static const char *verdict_json(int verdict) {
    switch (verdict) {
    case VERDICT_EQUAL: return "equal";
    case VERDICT_DIFFERENT: return "different";
    case VERDICT_TRUNCATED: return "truncated";
    case VERDICT_SCENARIO: return "different-scenario";
    default: return "error";
    }
}

static void side_summary(Str *s, const Side *side) {
    if (side->trace == NULL) {
        str_printf(s, "%s (plain text capture%s)", side->name, side->text.petscii ? ", PETSCII" : "");
        return;
    }
    const Trace *t = side->trace;
    str_printf(s, "%s (%ld steps, %s, LOGITS=%s", side->name, t->n_steps, t->complete ? "complete" : "no END: cut short",
               trace_level_name(t->h.level));
    if (t->h.level == TRACE_READ_TOPK) str_printf(s, " K=%ld", t->h.topk);
    str_printf(s, "%s)", t->h.layers ? ", LAYERS" : "");
}

static void print_value(Str *s, uint32_t bits) { str_printf(s, "%08lX (%.9g)", (unsigned long)bits, bits_value(bits)); }

static void ulp_text(Str *s, uint64_t u) {
    if (u == ULP_INFINITE) str_printf(s, "infinite (a NaN)");
    else str_printf(s, "%llu", (unsigned long long)u);
}

static void first_divergence_text(Str *s, const DiffResult *r) {
    const StepDiff *d = &r->first;
    if (d->missing) {
        str_printf(s, "first divergence: step %ld (POS %ld): only %s has it (EXPECTED has %ld steps, ACTUAL %ld)\n",
                   d->step, d->pos, d->missing == 1 ? "EXPECTED" : "ACTUAL", r->exp_steps, r->act_steps);
        return;
    }
    str_printf(s, "first divergence: step %ld (POS %ld)\n", d->step, d->pos);
    str_printf(s, "  tokens: expected %ld -> %ld, actual %ld -> %ld (%s)\n", d->exp_token, d->exp_next, d->act_token,
               d->act_next,
               !d->tokens_differ              ? "the same"
               : d->exp_token != d->act_token ? "TOKEN differs"
                                              : "NEXT differs");
    str_printf(s, "  digest: expected CRC %08lX ARGMAX %ld, actual CRC %08lX ARGMAX %ld%s\n", (unsigned long)d->exp_crc,
               d->exp_argmax, (unsigned long)d->act_crc, d->act_argmax, d->digest_differs ? "" : " (the same)");
    if (d->piece_differs && d->exp_piece != NULL && d->act_piece != NULL) {
        if (d->exp_src != d->act_src)
            str_printf(s, "  SRC differs: expected %c, actual %c\n", d->exp_src, d->act_src);
        if (d->exp_piece->len != d->act_piece->len ||
            (d->exp_piece->len > 0 && memcmp(d->exp_piece->bytes, d->act_piece->bytes, d->exp_piece->len) != 0)) {
            str_printf(s, "  PIECE differs: expected \"");
            str_escaped(s, d->exp_piece->bytes, d->exp_piece->len, 0);
            str_printf(s, "\", actual \"");
            str_escaped(s, d->act_piece->bytes, d->act_piece->len, 0);
            str_printf(s, "\"\n");
        }
    }
    const LogitStats *st = &d->stats;
    if (!d->have_stats || st->basis == TRACE_READ_DIGEST) {
        str_printf(s, "  logits: not in both traces (LOGITS=DIGEST): no ULP or KL statistics\n");
    } else if (st->compared == 0) {
        str_printf(s, "  logits: no index is in both top-K lists\n");
    } else {
        const char *over = st->basis == TRACE_READ_FULL ? "logits" : "logits in both top-K lists";
        str_printf(s, "  largest ULP distance: logit %ld, expected ", st->max_ulp_index);
        print_value(s, st->max_ulp_expected);
        str_printf(s, ", actual ");
        print_value(s, st->max_ulp_actual);
        str_printf(s, ": ");
        ulp_text(s, st->max_ulp);
        str_printf(s, " ULP\n");
        str_printf(s, "  ULP distance over %ld %s: max ", st->compared, over);
        ulp_text(s, st->max_ulp);
        if (st->mean_infinite) str_printf(s, ", mean infinite");
        else str_printf(s, ", mean %.6g", st->mean_ulp);
        str_printf(s, "; %ld differ", st->unequal);
        if (r->options.level == CMP_ULP || r->options.level == CMP_ABS) str_printf(s, ", %ld beyond the tolerance", st->beyond);
        str_printf(s, "\n");
        if (st->basis == TRACE_READ_TOPK && st->topk_only > 0)
            str_printf(s, "  top-K lists: %ld indices are in one list only\n", st->topk_only);
        if (isnan(st->max_abs)) str_printf(s, "  max absolute error: NaN (logit %ld)\n", st->max_abs_index);
        else str_printf(s, "  max absolute error: %.9g (logit %ld)\n", st->max_abs, st->max_abs_index);
    }
    switch (st->kl_status) {
    case KL_OK: str_printf(s, "  KL divergence (expected || actual): %.6g nats\n", st->kl); break;
    case KL_TOPK_ONLY: str_printf(s, "  KL divergence: unavailable at TOPK level (needs every logit)\n"); break;
    case KL_NONFINITE: str_printf(s, "  KL divergence: unavailable (a logit is NaN or infinite)\n"); break;
    default: break;
    }
    if (d->both_layers) {
        if (d->layer_differs)
            str_printf(s, "  layers: first LAYER digest that differs: layer %ld, %s (expected %08lX, actual %08lX)\n",
                       d->layer, trace_layer_op_name(d->op), (unsigned long)d->layer_expected,
                       (unsigned long)d->layer_actual);
        else
            str_printf(s, "  layers: every LAYER digest is the same at this step\n");
    }
}

/* "ACTUAL stops at POS 1 (cut short)" */
static const char *cut_short_where(const DiffResult *r) {
    static char text[160];
    int actual_short = r->act_steps < r->exp_steps;
    snprintf(text, sizeof text, "%s stops at POS %ld (%s)", actual_short ? "ACTUAL" : "EXPECTED",
             actual_short ? r->act_steps : r->exp_steps,
             (actual_short ? !r->act_complete : !r->exp_complete) ? "cut short: no END" : "END");
    return text;
}

/* What a plain capture's reading left out around the story. */
static void capture_cut_text(Str *s, const Side *side) {
    const CaptureCut *c = &side->cut;
    if (side->trace != NULL || c->start_rule == NULL) return;
    str_printf(s, "capture: %s: story from %s, to %s", side->name, c->start_rule, c->end_rule);
    if (c->stripped_lines > 0)
        str_printf(s, "; %ld line%s (%zu bytes) stripped", c->stripped_lines, c->stripped_lines == 1 ? "" : "s",
                   c->stripped_bytes);
    if (c->chat_prompts > 0) str_printf(s, "; %ld chat prompt%s removed", c->chat_prompts, c->chat_prompts == 1 ? "" : "s");
    str_printf(s, "\n");
    if (c->start_not_found) str_printf(s, "capture: %s: the --start-after text is not in it; compared from the start\n", side->name);
    if (c->preamble.len > 0) {
        str_printf(s, "capture: ignored preamble (%zu bytes): \"", c->preamble.len);
        str_escaped(s, (const unsigned char *)c->preamble.s, c->preamble.len > 200 ? 200 : c->preamble.len, 0);
        str_printf(s, "\"%s\n", c->preamble.len > 200 ? "..." : "");
    }
    if (c->trailer.len > 0) {
        str_printf(s, "capture: ignored trailer (%zu bytes): \"", c->trailer.len);
        str_escaped(s, (const unsigned char *)c->trailer.s, c->trailer.len > 200 ? 200 : c->trailer.len, 0);
        str_printf(s, "\"%s\n", c->trailer.len > 200 ? "..." : "");
    }
}

#define REGIONS_SHOWN 12

/* Every differing region: where, and both sides' bytes. */
static void regions_text(Str *s, const DiffResult *r, const Side *e, const Side *a) {
    const TextRegions *g = &r->regions;
    if (g->n == 0) return;
    str_printf(s, "  %ld differing region%s; %zu of %ld bytes of EXPECTED are outside them%s\n", g->n,
               g->n == 1 ? "" : "s", g->same_bytes, r->exp_text_len,
               g->for_good ? "; the texts diverge for good from the last region on" : "; the texts end the same");
    for (long i = 0; i < g->n && i < REGIONS_SHOWN; i++) {
        const TextRegion *x = &g->regions[i];
        size_t shown_e = x->exp_len > 40 ? 40 : x->exp_len, shown_a = x->act_len > 40 ? 40 : x->act_len;
        str_printf(s, "  region %ld: expected bytes %zu-%zu \"", i + 1, x->exp_offset, x->exp_offset + x->exp_len);
        str_escaped(s, e->text.bytes + x->exp_offset, shown_e, 0);
        str_printf(s, "\"%s, actual bytes %zu-%zu \"", shown_e < x->exp_len ? "..." : "", x->act_offset,
                   x->act_offset + x->act_len);
        str_escaped(s, a->text.bytes + x->act_offset, shown_a, 0);
        str_printf(s, "\"%s\n", shown_a < x->act_len ? "..." : "");
    }
    if (g->n > REGIONS_SHOWN) str_printf(s, "  ... and %ld more regions\n", g->n - REGIONS_SHOWN);
}

void report_text(FILE *out, const DiffResult *r, const Side *e, const Side *a) {
    Str s = {0};
    str_printf(&s, "expected: ");
    side_summary(&s, e);
    str_printf(&s, "\nactual:   ");
    side_summary(&s, a);
    str_printf(&s, "\nlevel:    ");
    level_description(&s, &r->options);
    if (!r->text_compared && r->options.level != CMP_TOKENS && r->verdict != VERDICT_SCENARIO &&
        r->verdict != VERDICT_ERROR)
        str_printf(&s, " (logits compared at %s)", trace_level_name(r->basis));
    str_printf(&s, "\n");
    for (int i = 0; i < r->n_info; i++)
        str_printf(&s, "info: %s differs: expected %s, actual %s\n", r->info[i].field, r->info[i].expected,
                   r->info[i].actual);
    for (int i = 0; i < r->n_notes; i++) str_printf(&s, "note: %s\n", r->notes[i]);

    if (r->verdict == VERDICT_ERROR) {
        str_printf(&s, "verdict: ERROR: %s\n", r->error);
    } else if (r->verdict == VERDICT_SCENARIO) {
        str_printf(&s, "verdict: DIFFERENT SCENARIO: the traces record different runs; no step was compared\n");
        for (int i = 0; i < r->n_scenario; i++)
            str_printf(&s, "  %s: expected %s, actual %s\n", r->scenario[i].field, r->scenario[i].expected,
                       r->scenario[i].actual);
    } else if (r->text_compared) {
        if (e->text.petscii || a->text.petscii) {
            long unmapped = e->text.petscii ? e->text.unmapped : a->text.unmapped;
            str_printf(&s, "note: %s was read as PETSCII", e->text.petscii ? e->name : a->name);
            if (unmapped > 0) str_printf(&s, "; %ld bytes have no ASCII equivalent (shown as \\x1A)", unmapped);
            str_printf(&s, "\n");
        }
        capture_cut_text(&s, e);
        capture_cut_text(&s, a);
        str_printf(&s, "verdict: %s", verdict_word(r->verdict));
        if (r->verdict == VERDICT_EQUAL) str_printf(&s, ": the texts are the same (%ld bytes)\n", r->exp_text_len);
        else if (r->verdict == VERDICT_DIFFERENT && r->text.offset == (size_t)r->exp_text_len)
            str_printf(&s, ": EXPECTED is a prefix of ACTUAL (+%ld bytes)\n", r->act_text_len - r->exp_text_len);
        else if (r->verdict == VERDICT_DIFFERENT && r->text.offset == (size_t)r->act_text_len)
            str_printf(&s, ": ACTUAL is a prefix of EXPECTED (%ld bytes missing)\n", r->exp_text_len - r->act_text_len);
        else if (r->verdict == VERDICT_TRUNCATED && r->text.equal)
            str_printf(&s, ": the texts are the same (%ld bytes), but a trace was cut short\n", r->exp_text_len);
        else if (r->verdict == VERDICT_TRUNCATED)
            str_printf(&s, ": the cut-short text (%ld bytes) is the beginning of the other (%ld bytes)\n",
                       r->exp_text_len < r->act_text_len ? r->exp_text_len : r->act_text_len,
                       r->exp_text_len < r->act_text_len ? r->act_text_len : r->exp_text_len);
        else
            str_printf(&s, ": the texts differ from byte %zu (line %ld, column %ld); expected %ld bytes, actual %ld\n",
                       r->text.offset, r->text.line, r->text.column, r->exp_text_len, r->act_text_len);
        if (!r->text.equal && r->verdict == VERDICT_DIFFERENT) {
            if (r->text.exp_step >= 0) str_printf(&s, "  in EXPECTED step %ld\n", r->text.exp_step);
            if (r->text.act_step >= 0) str_printf(&s, "  in ACTUAL step %ld\n", r->text.act_step);
            str_printf(&s, "  expected: %s\n  actual:   %s\n", str_text(&r->text.exp_context), str_text(&r->text.act_context));
            regions_text(&s, r, e, a);
        }
        if (e->trace != NULL && a->trace != NULL) {
            if (r->tokens_match) str_printf(&s, "summary: tokens match at all %ld compared steps\n", r->compared);
            else if (r->first_token_step >= 0)
                str_printf(&s, "summary: tokens first differ at step %ld\n", r->first_token_step);
            else str_printf(&s, "summary: the traces have %ld and %ld steps\n", r->exp_steps, r->act_steps);
        }
    } else {
        Str level = {0};
        level_description(&level, &r->options);
        str_printf(&s, "verdict: %s", verdict_word(r->verdict));
        if (r->verdict == VERDICT_EQUAL)
            str_printf(&s, ": all %ld steps are the same at level %s\n", r->compared, str_text(&level));
        else if (r->verdict == VERDICT_TRUNCATED)
            str_printf(&s, ": the %ld steps present in both are the same at level %s, but %s was cut short%s\n",
                       r->compared, str_text(&level),
                       !r->exp_complete && !r->act_complete ? "each trace"
                       : !r->act_complete                   ? "ACTUAL"
                                                            : "EXPECTED",
                       r->options.allow_truncated ? " (accepted: --allow-truncated)" : "");
        else if (r->exp_steps != r->act_steps && (!r->exp_complete || !r->act_complete))
            str_printf(&s, ": %ld of %ld compared steps differ at level %s (%ld step%s compared of %ld expected; %s)\n",
                       r->steps_differ, r->compared, str_text(&level), r->compared, r->compared == 1 ? "" : "s",
                       r->exp_steps, cut_short_where(r));
        else
            str_printf(&s, ": %ld of %ld steps differ at level %s\n", r->steps_differ,
                       r->exp_steps > r->act_steps ? r->exp_steps : r->act_steps, str_text(&level));
        str_free(&level);
        if (r->have_first) first_divergence_text(&s, r);
        str_printf(&s, "summary: %ld steps compared, %ld differ; ", r->compared, r->steps_differ);
        if (r->tokens_match) str_printf(&s, "tokens match at every compared step");
        else if (r->first_token_step >= 0) str_printf(&s, "tokens first differ at step %ld", r->first_token_step);
        else str_printf(&s, "tokens match, but the step counts differ");
        if (r->worst_ulp_step >= 0) {
            str_printf(&s, "; max ULP distance ");
            ulp_text(&s, r->worst_ulp);
            str_printf(&s, " (step %ld)", r->worst_ulp_step);
        }
        if (r->first_layer_step >= 0) str_printf(&s, "; first LAYER difference at step %ld", r->first_layer_step);
        str_printf(&s, "\n");
    }
    if (s.failed) fputs("conform: out of memory while writing the report\n", out);
    else fputs(str_text(&s), out);
    str_free(&s);
}

/* ---- JSON ---- */

static void json_double(Str *s, double v) {
    if (isfinite(v)) str_printf(s, "%.17g", v);
    else str_printf(s, "null");
}

static void json_key(Str *s, const char *key) {
    str_json_c(s, key);
    str_bytes(s, ":", 1);
}

static void json_side(Str *s, const Side *side) {
    str_bytes(s, "{", 1);
    json_key(s, "name");
    str_json_c(s, side->name);
    if (side->trace == NULL) {
        str_printf(s, ",\"plain_text\":true,\"petscii\":%s}", side->text.petscii ? "true" : "false");
        return;
    }
    const Trace *t = side->trace;
    str_printf(s, ",\"plain_text\":false,\"steps\":%ld,\"complete\":%s,\"logits\":\"%s\",\"k\":%ld,\"layers\":%s,", t->n_steps,
               t->complete ? "true" : "false", trace_level_name(t->h.level), t->h.topk, t->h.layers ? "true" : "false");
    json_key(s, "platform");
    str_json(s, t->h.platform.bytes, t->h.platform.len);
    str_bytes(s, ",", 1);
    json_key(s, "math");
    str_json_c(s, t->h.math);
    str_bytes(s, "}", 1);
}

static void json_diffs(Str *s, const char *key, const HeaderDiff *d, int n) {
    json_key(s, key);
    str_bytes(s, "[", 1);
    for (int i = 0; i < n; i++) {
        if (i > 0) str_bytes(s, ",", 1);
        str_bytes(s, "{\"field\":", 9);
        str_json_c(s, d[i].field);
        str_bytes(s, ",\"expected\":", 12);
        str_json_c(s, d[i].expected);
        str_bytes(s, ",\"actual\":", 10);
        str_json_c(s, d[i].actual);
        str_bytes(s, "}", 1);
    }
    str_bytes(s, "]", 1);
}

static void json_ulp(Str *s, uint64_t u) {
    if (u == ULP_INFINITE) str_printf(s, "null");
    else str_printf(s, "%llu", (unsigned long long)u);
}

static void json_first(Str *s, const DiffResult *r) {
    const StepDiff *d = &r->first;
    const LogitStats *st = &d->stats;
    str_printf(s, "{\"step\":%ld,\"pos\":%ld", d->step, d->pos);
    if (d->missing) {
        str_printf(s, ",\"missing_in\":\"%s\"}", d->missing == 1 ? "actual" : "expected");
        return;
    }
    str_printf(s,
               ",\"expected_token\":%ld,\"actual_token\":%ld,\"expected_next\":%ld,\"actual_next\":%ld,"
               "\"tokens_differ\":%s,\"expected_crc\":\"%08lX\",\"actual_crc\":\"%08lX\",\"expected_argmax\":%ld,"
               "\"actual_argmax\":%ld,\"logits_basis\":\"%s\"",
               d->exp_token, d->act_token, d->exp_next, d->act_next, d->tokens_differ ? "true" : "false",
               (unsigned long)d->exp_crc, (unsigned long)d->act_crc, d->exp_argmax, d->act_argmax,
               trace_level_name(st->basis));
    if (d->have_stats && st->basis != TRACE_READ_DIGEST && st->compared > 0) {
        str_printf(s, ",\"logits_compared\":%ld,\"logits_differ\":%ld,\"logits_beyond_tolerance\":%ld,\"max_ulp_index\":%ld,",
                   st->compared, st->unequal, st->beyond, st->max_ulp_index);
        str_printf(s, "\"max_ulp\":");
        json_ulp(s, st->max_ulp);
        str_printf(s, ",\"max_ulp_infinite\":%s,\"expected_value\":\"%08lX\",\"actual_value\":\"%08lX\",\"mean_ulp\":",
                   st->max_ulp == ULP_INFINITE ? "true" : "false", (unsigned long)st->max_ulp_expected,
                   (unsigned long)st->max_ulp_actual);
        if (st->mean_infinite) str_printf(s, "null");
        else json_double(s, st->mean_ulp);
        str_printf(s, ",\"max_abs_error\":");
        json_double(s, st->max_abs);
        str_printf(s, ",\"max_abs_index\":%ld", st->max_abs_index);
        if (st->basis == TRACE_READ_TOPK) str_printf(s, ",\"topk_only\":%ld", st->topk_only);
    }
    str_printf(s, ",\"kl\":");
    if (st->kl_status == KL_OK) json_double(s, st->kl);
    else str_printf(s, "null");
    str_printf(s, ",\"kl_status\":\"%s\"",
               st->kl_status == KL_OK            ? "ok"
               : st->kl_status == KL_TOPK_ONLY   ? "unavailable-topk"
               : st->kl_status == KL_NONFINITE   ? "unavailable-nonfinite"
                                                 : "unavailable-digest");
    if (d->both_layers && d->layer_differs)
        str_printf(s, ",\"layer\":{\"layer\":%ld,\"op\":\"%s\",\"expected\":\"%08lX\",\"actual\":\"%08lX\"}", d->layer,
                   trace_layer_op_name(d->op), (unsigned long)d->layer_expected, (unsigned long)d->layer_actual);
    else str_printf(s, ",\"layer\":null");
    str_bytes(s, "}", 1);
}

void report_json(FILE *out, const DiffResult *r, const Side *e, const Side *a) {
    Str s = {0};
    str_printf(&s, "{\"verdict\":\"%s\",\"exit_status\":%d,\"level\":\"%s\"", verdict_json(r->verdict), r->exit_status,
               LEVEL_NAMES[r->options.level]);
    if (r->options.level == CMP_ULP) str_printf(&s, ",\"ulp\":%llu", (unsigned long long)r->options.ulp);
    if (r->options.level == CMP_ABS) {
        str_printf(&s, ",\"abs\":");
        json_double(&s, r->options.abs_tol);
    }
    str_printf(&s, ",\"expected\":");
    json_side(&s, e);
    str_printf(&s, ",\"actual\":");
    json_side(&s, a);
    if (r->verdict == VERDICT_ERROR) {
        str_printf(&s, ",\"error\":");
        str_json_c(&s, r->error);
    }
    str_bytes(&s, ",", 1);
    json_diffs(&s, "scenario_differences", r->scenario, r->n_scenario);
    str_bytes(&s, ",", 1);
    json_diffs(&s, "info", r->info, r->n_info);
    str_printf(&s, ",\"notes\":[");
    for (int i = 0; i < r->n_notes; i++) {
        if (i > 0) str_bytes(&s, ",", 1);
        str_json_c(&s, r->notes[i]);
    }
    str_printf(&s, "]");
    str_printf(&s, ",\"diagnosis\":");
    if (r->diagnosis_name != NULL) {
        str_printf(&s, "{\"name\":");
        str_json_c(&s, r->diagnosis_name);
        str_printf(&s, ",\"detail\":");
        str_json_c(&s, r->diagnosis_detail != NULL ? r->diagnosis_detail : "");
        str_printf(&s, "}");
    } else {
        str_printf(&s, "null");
    }
    if (e->trace != NULL && a->trace != NULL && r->verdict != VERDICT_SCENARIO && r->verdict != VERDICT_ERROR) {
        str_printf(&s,
                   ",\"logits_basis\":\"%s\",\"steps_expected\":%ld,\"steps_actual\":%ld,\"steps_compared\":%ld,"
                   "\"steps_differ\":%ld,\"tokens_match\":%s,\"first_token_divergence\":",
                   trace_level_name(r->basis), r->exp_steps, r->act_steps, r->compared, r->steps_differ,
                   r->tokens_match ? "true" : "false");
        if (r->first_token_step >= 0) str_printf(&s, "%ld", r->first_token_step);
        else str_printf(&s, "null");
        str_printf(&s, ",\"first_layer_divergence\":");
        if (r->first_layer_step >= 0) str_printf(&s, "%ld", r->first_layer_step);
        else str_printf(&s, "null");
        str_printf(&s, ",\"max_ulp\":");
        if (r->worst_ulp_step >= 0) json_ulp(&s, r->worst_ulp);
        else str_printf(&s, "null");
        str_printf(&s, ",\"first_divergence\":");
        if (r->have_first && !r->text_compared) json_first(&s, r);
        else str_printf(&s, "null");
    }
    if (r->text_compared) {
        str_printf(&s, ",\"text\":{\"equal\":%s,\"expected_bytes\":%ld,\"actual_bytes\":%ld", r->text.equal ? "true" : "false",
                   r->exp_text_len, r->act_text_len);
        if (!r->text.equal) {
            str_printf(&s, ",\"offset\":%zu,\"line\":%ld,\"column\":%ld,\"expected_step\":", r->text.offset, r->text.line,
                       r->text.column);
            if (r->text.exp_step >= 0) str_printf(&s, "%ld", r->text.exp_step);
            else str_printf(&s, "null");
            str_printf(&s, ",\"actual_step\":");
            if (r->text.act_step >= 0) str_printf(&s, "%ld", r->text.act_step);
            else str_printf(&s, "null");
            str_printf(&s, ",\"expected_context\":");
            str_json_c(&s, str_text(&r->text.exp_context));
            str_printf(&s, ",\"actual_context\":");
            str_json_c(&s, str_text(&r->text.act_context));
        }
        str_printf(&s, ",\"unmapped_petscii_bytes\":%ld,\"regions\":[", r->exp_unmapped + r->act_unmapped);
        for (long i = 0; i < r->regions.n; i++) {
            const TextRegion *x = &r->regions.regions[i];
            str_printf(&s, "%s{\"expected_offset\":%zu,\"expected_bytes\":%zu,\"actual_offset\":%zu,\"actual_bytes\":%zu}",
                       i > 0 ? "," : "", x->exp_offset, x->exp_len, x->act_offset, x->act_len);
        }
        str_printf(&s, "],\"for_good\":%s", r->regions.for_good ? "true" : "false");
        for (int side = 0; side < 2; side++) {
            const Side *p = side == 0 ? e : a;
            if (p->trace != NULL || p->cut.start_rule == NULL) continue;
            str_printf(&s, ",\"%s_capture\":{\"preamble\":", side == 0 ? "expected" : "actual");
            str_json(&s, (const unsigned char *)str_text(&p->cut.preamble), p->cut.preamble.len);
            str_printf(&s, ",\"trailer\":");
            str_json(&s, (const unsigned char *)str_text(&p->cut.trailer), p->cut.trailer.len);
            str_printf(&s, ",\"stripped_lines\":%ld,\"chat_prompts\":%ld}", p->cut.stripped_lines, p->cut.chat_prompts);
        }
        str_printf(&s, "}");
    }

    str_printf(&s, "}\n");
    if (s.failed) fputs("{\"verdict\":\"error\",\"exit_status\":2,\"error\":\"out of memory\"}\n", out);
    else fputs(str_text(&s), out);
    str_free(&s);
}
