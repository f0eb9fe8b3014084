/* conform check's HTML report: one self-contained page (no scripts, no external files) with
 * the matrix and, per diverging scenario, an SVG plot: the max ULP distance of the logits
 * per step (log scale) with the first divergence and the first token divergence marked, or
 * for a plain capture the differing regions along the text. */
#include <math.h>
#include <string.h>
#include <time.h>

#include "cli/conform_check.h"

#define PLOT_W 900
#define PLOT_H 220
#define MARGIN_L 60
#define MARGIN_B 34
#define MARGIN_T 26

static void html_text(FILE *f, const char *text) {
    for (const char *c = text != NULL ? text : ""; *c; c++) {
        switch (*c) {
        case '<': fputs("&lt;", f); break;
        case '>': fputs("&gt;", f); break;
        case '&': fputs("&amp;", f); break;
        case '"': fputs("&quot;", f); break;
        default: fputc(*c, f);
        }
    }
}

static const char *const STATUS[] = {"PASS", "FAIL", "SKIP", "ERROR"};
static const char *const STATUS_CLASS[] = {"pass", "fail", "skip", "error"};

static void marker(FILE *f, double x, const char *colour, const char *label, int row) {
    fprintf(f, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"%s\" stroke-width=\"2\" stroke-dasharray=\"5,3\"/>\n", x,
            MARGIN_T, x, PLOT_H - MARGIN_B, colour);
    fprintf(f, "<text x=\"%.1f\" y=\"%d\" font-size=\"12\" fill=\"%s\">", x + 4, MARGIN_T + 12 + 14 * row, colour);
    html_text(f, label);
    fputs("</text>\n", f);
}

static void axes(FILE *f, const char *xlabel, const char *ylabel) {
    fprintf(f, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#333\"/>\n", MARGIN_L, PLOT_H - MARGIN_B, PLOT_W - 10,
            PLOT_H - MARGIN_B);
    fprintf(f, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#333\"/>\n", MARGIN_L, MARGIN_T, MARGIN_L, PLOT_H - MARGIN_B);
    fprintf(f, "<text x=\"%d\" y=\"%d\" font-size=\"12\" text-anchor=\"middle\">%s</text>\n", (MARGIN_L + PLOT_W) / 2,
            PLOT_H - 6, xlabel);
    fprintf(f, "<text x=\"14\" y=\"%d\" font-size=\"12\" transform=\"rotate(-90 14 %d)\" text-anchor=\"middle\">%s</text>\n",
            (PLOT_H - MARGIN_B + MARGIN_T) / 2, (PLOT_H - MARGIN_B + MARGIN_T) / 2, ylabel);
}

/* Per-step max ULP distance, log scale. */
static void plot_steps(FILE *f, const CheckOutcome *o) {
    double top = 1;
    for (long i = 0; i < o->n_steps; i++)
        if (o->step_ulp[i] > 0 && !isinf(o->step_ulp[i]) && o->step_ulp[i] > top) top = o->step_ulp[i];
    double log_top = log10(top + 1);
    if (log_top < 1) log_top = 1;
    double width = (double)(PLOT_W - 10 - MARGIN_L), height = (double)(PLOT_H - MARGIN_B - MARGIN_T);
    double bar = width / (double)(o->n_steps > 0 ? o->n_steps : 1);
    fprintf(f, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\">\n", PLOT_W, PLOT_H,
            PLOT_W, PLOT_H);
    fputs("<rect width=\"100%\" height=\"100%\" fill=\"#fff\"/>\n", f);
    for (int d = 0; d <= (int)ceil(log_top); d++) {
        double y = PLOT_H - MARGIN_B - height * d / log_top;
        if (y < MARGIN_T - 1) break;
        fprintf(f, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#eee\"/><text x=\"%d\" y=\"%.1f\" font-size=\"11\" "
                "text-anchor=\"end\">1e%d</text>\n", MARGIN_L, y, PLOT_W - 10, y, MARGIN_L - 4, y + 4, d);
    }
    for (long i = 0; i < o->n_steps; i++) {
        double u = o->step_ulp[i];
        double h = u < 0 ? height : isinf(u) ? height : height * log10(u + 1) / log_top;
        const char *colour = u < 0 ? (o->step_differs[i] ? "#d62728" : "#cfe8cf") : o->step_differs[i] ? "#d62728" : "#2ca02c";
        if (h < 1 && o->step_differs[i]) h = 2;
        fprintf(f, "<rect x=\"%.2f\" y=\"%.2f\" width=\"%.2f\" height=\"%.2f\" fill=\"%s\"/>\n", MARGIN_L + bar * (double)i,
                PLOT_H - MARGIN_B - h, bar > 2 ? bar - 1 : bar, h, colour);
    }
    axes(f, "step", o->step_ulp != NULL && o->n_steps > 0 && o->step_ulp[0] < 0 ? "differs (digest only)" : "max ULP distance");
    for (long t = 0; t < o->n_steps; t += (o->n_steps > 20 ? o->n_steps / 10 : 1))
        fprintf(f, "<text x=\"%.1f\" y=\"%d\" font-size=\"11\" text-anchor=\"middle\">%ld</text>\n",
                MARGIN_L + bar * ((double)t + 0.5), PLOT_H - MARGIN_B + 14, t);
    char label[200];
    if (o->first_step >= 0) {
        snprintf(label, sizeof label, "first divergence: step %ld%s%s", o->first_step, o->layer_op != NULL ? ", " : "",
                 o->layer_op != NULL ? o->layer_op : "");
        marker(f, MARGIN_L + bar * (double)o->first_step, "#ff7f0e", label, 0);
    }
    if (o->first_token_step >= 0) {
        snprintf(label, sizeof label, "first token divergence: step %ld", o->first_token_step);
        marker(f, MARGIN_L + bar * (double)o->first_token_step + 2, "#9467bd", label, 1);
    }
    fputs("</svg>\n", f);
}

/* The differing regions along EXPECTED's text. */
static void plot_regions(FILE *f, const CheckOutcome *o) {
    double width = (double)(PLOT_W - 10 - MARGIN_L);
    long len = o->text_len > 0 ? o->text_len : 1;
    int h = 120;
    fprintf(f, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\">\n", PLOT_W, h, PLOT_W, h);
    fputs("<rect width=\"100%\" height=\"100%\" fill=\"#fff\"/>\n", f);
    fprintf(f, "<rect x=\"%d\" y=\"40\" width=\"%.1f\" height=\"30\" fill=\"#cfe8cf\"/>\n", MARGIN_L, width);
    for (long i = 0; i < o->n_regions; i++) {
        double x = MARGIN_L + width * (double)o->region_offset[i] / (double)len;
        double w = width * (double)o->region_len[i] / (double)len;
        if (w < 2) w = 2;
        if (x + w > MARGIN_L + width) w = MARGIN_L + width - x + 2;
        fprintf(f, "<rect x=\"%.1f\" y=\"40\" width=\"%.1f\" height=\"30\" fill=\"#d62728\"/>\n", x, w);
    }
    fprintf(f, "<text x=\"%d\" y=\"30\" font-size=\"12\">EXPECTED's text, %ld bytes: green the same, red the %ld differing region%s</text>\n",
            MARGIN_L, o->text_len, o->n_regions, o->n_regions == 1 ? "" : "s");
    fprintf(f, "<text x=\"%d\" y=\"88\" font-size=\"11\">0</text><text x=\"%d\" y=\"88\" font-size=\"11\" text-anchor=\"end\">%ld</text>\n",
            MARGIN_L, PLOT_W - 10, o->text_len);
    if (o->n_regions > 0) {
        double x = MARGIN_L + width * (double)o->region_offset[0] / (double)len;
        fprintf(f, "<line x1=\"%.1f\" y1=\"36\" x2=\"%.1f\" y2=\"74\" stroke=\"#ff7f0e\" stroke-width=\"2\"/>\n", x, x);
        fprintf(f, "<text x=\"%.1f\" y=\"104\" font-size=\"12\" fill=\"#ff7f0e\">first divergence: byte %ld</text>\n", x,
                o->region_offset[0]);
    }
    fputs("</svg>\n", f);
}

/* Failed, or passed at a weaker level than its capture supports (a declared tokens level). */
static int diverges(const CheckOutcome *o) {
    return o->status == CHECK_FAIL || (o->status == CHECK_PASS && o->reached < o->supported);
}

void check_write_html(FILE *f, const CheckRun *run) {
    fputs("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>conform check: ", f);
    html_text(f, run->port_name);
    fputs("</title>\n<style>\nbody{font-family:sans-serif;margin:24px;color:#222}\n"
          "table{border-collapse:collapse;margin:12px 0}td,th{border:1px solid #bbb;padding:4px 10px;text-align:left;"
          "font-size:14px}\nth{background:#eee}.pass{background:#c8f0c8}.fail{background:#f7c4c4}.skip{background:#eee;"
          "color:#777}.error{background:#f5d28c}\ncode{font-size:13px}h2{margin-top:28px;font-size:18px}\n"
          "p.detail{max-width:900px;font-size:14px}</style></head><body>\n", f);
    fputs("<h1>conform check</h1>\n<p>port: <code>", f);
    html_text(f, run->port_name);
    fprintf(f, "</code><br>golden: <code>%s/%s</code>; required level: %s</p>\n", run->golden, run->math,
            run->required_declared >= 0 ? reach_name(run->required_declared) : "bits for traces, text for plain captures");
    fprintf(f, "<p><b>%d scenarios: %d passed, %d failed, %d skipped, %d errors</b> (exit status %d)</p>\n", run->n,
            run->passed, run->failed, run->skipped, run->errors, run->exit_status);
    fputs("<table><tr><th>scenario</th><th>level reached</th><th>required</th><th>verdict</th><th>first divergence</th>"
          "<th>diagnosis</th></tr>\n", f);
    for (int i = 0; i < run->n; i++) {
        const CheckOutcome *o = &run->outcomes[i];
        fputs("<tr><td>", f);
        if (diverges(o)) fprintf(f, "<a href=\"#%s\">", o->name);
        html_text(f, o->name);
        if (diverges(o)) fputs("</a>", f);
        int ran = o->status == CHECK_PASS || o->status == CHECK_FAIL;
        fprintf(f, "</td><td>%s</td><td>%s</td><td class=\"%s\">%s</td><td>", ran ? reach_name(o->reached) : "-",
                ran ? reach_name(o->required) : "-", STATUS_CLASS[o->status], STATUS[o->status]);
        html_text(f, o->first != NULL ? o->first : "-");
        fputs("</td><td>", f);
        html_text(f, o->diagnosis.name != NULL ? o->diagnosis.name : o->why != NULL ? o->why : "-");
        fputs("</td></tr>\n", f);
    }
    fputs("</table>\n", f);
    for (int i = 0; i < run->n; i++) {
        const CheckOutcome *o = &run->outcomes[i];
        if (!diverges(o)) continue;
        fprintf(f, "<h2 id=\"%s\">", o->name);
        html_text(f, o->name);
        fprintf(f, ": reached %s (%s required): %s</h2>\n", reach_name(o->reached), reach_name(o->required),
                STATUS[o->status]);
        if (o->diagnosis.name != NULL) {
            fputs("<p class=\"detail\"><b>", f);
            html_text(f, o->diagnosis.name);
            fputs("</b>: ", f);
            html_text(f, str_text(&o->diagnosis.detail));
            fputs("</p>\n", f);
        }
        if (o->step_ulp != NULL && o->n_steps > 0) plot_steps(f, o);
        else if (o->n_regions > 0) plot_regions(f, o);
        else if (o->why != NULL) {
            fputs("<p class=\"detail\">", f);
            html_text(f, o->why);
            fputs("</p>\n", f);
        }
    }
    fputs("<p style=\"color:#777;font-size:12px\">Made by <code>conform check</code> (docs/conform.md).</p>\n</body></html>\n", f);
}
