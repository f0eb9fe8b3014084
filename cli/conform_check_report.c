/* conform check's machine-readable reports: JSON and JUnit XML (one test case per scenario,
 * so that any CI system shows the result). */
#include <math.h>
#include <string.h>

#include "cli/conform_check.h"

static const char *const STATUS_JSON[] = {"pass", "fail", "skip", "error"};

static void json_text(FILE *f, const char *text) {
    Str s = {0};
    if (text == NULL) fputs("null", f);
    else {
        str_json_c(&s, text);
        fputs(str_text(&s), f);
    }
    str_free(&s);
}

void check_write_json(FILE *f, const CheckRun *run) {
    fputs("{\"port\":", f);
    json_text(f, run->port_name);
    fputs(",\"golden\":", f);
    json_text(f, run->golden);
    fputs(",\"math\":", f);
    json_text(f, run->math);
    fprintf(f, ",\"required\":");
    json_text(f, run->required_declared >= 0 ? reach_name(run->required_declared) : NULL);
    fprintf(f, ",\"exit_status\":%d,\"passed\":%d,\"failed\":%d,\"skipped\":%d,\"errors\":%d,\"scenarios\":[",
            run->exit_status, run->passed, run->failed, run->skipped, run->errors);
    for (int i = 0; i < run->n; i++) {
        const CheckOutcome *o = &run->outcomes[i];
        if (i > 0) fputc(',', f);
        fputs("{\"name\":", f);
        json_text(f, o->name);
        fprintf(f, ",\"verdict\":\"%s\",\"level\":\"%s\",\"required\":\"%s\",\"supported\":\"%s\",\"seconds\":%.3f",
                STATUS_JSON[o->status], reach_name(o->reached), reach_name(o->required), reach_name(o->supported), o->seconds);
        fputs(",\"first_divergence\":", f);
        json_text(f, o->first);
        fputs(",\"diagnosis\":", f);
        if (o->diagnosis.name != NULL) {
            fputs("{\"name\":", f);
            json_text(f, o->diagnosis.name);
            fputs(",\"detail\":", f);
            json_text(f, str_text(&o->diagnosis.detail));
            fputc('}', f);
        } else {
            fputs("null", f);
        }
        fputs(",\"reason\":", f);
        json_text(f, o->why);
        fputs(",\"capture\":", f);
        json_text(f, o->capture);
        fprintf(f, ",\"first_step\":");
        if (o->first_step >= 0) fprintf(f, "%ld", o->first_step);
        else fputs("null", f);
        fprintf(f, ",\"first_token_step\":");
        if (o->first_token_step >= 0) fprintf(f, "%ld", o->first_token_step);
        else fputs("null", f);
        fputs(",\"layer\":", f);
        json_text(f, o->layer_op);
        fputs(",\"step_max_ulp\":[", f);
        for (long k = 0; o->step_ulp != NULL && k < o->n_steps; k++) {
            if (k > 0) fputc(',', f);
            if (o->step_ulp[k] < 0 || isinf(o->step_ulp[k])) fputs("null", f);
            else fprintf(f, "%.0f", o->step_ulp[k]);
        }
        fputs("],\"text_regions\":[", f);
        for (long k = 0; o->region_offset != NULL && k < o->n_regions; k++)
            fprintf(f, "%s[%ld,%ld]", k > 0 ? "," : "", o->region_offset[k], o->region_len[k]);
        fputs("]}", f);
    }
    fputs("]}\n", f);
}

static void xml_text(FILE *f, const char *text) {
    for (const unsigned char *c = (const unsigned char *)(text != NULL ? text : ""); *c; c++) {
        switch (*c) {
        case '<': fputs("&lt;", f); break;
        case '>': fputs("&gt;", f); break;
        case '&': fputs("&amp;", f); break;
        case '"': fputs("&quot;", f); break;
        default:
            if (*c < 0x20 && *c != '\n' && *c != '\t') fprintf(f, "&#x%X;", *c == 0 ? 0xFFFD : 0xFFFD);
            else fputc(*c, f);
        }
    }
}

void check_write_junit(FILE *f, const CheckRun *run) {
    double total = 0;
    for (int i = 0; i < run->n; i++) total += run->outcomes[i].seconds;
    fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites>\n<testsuite name=\"conform check: ", f);
    xml_text(f, run->port_name);
    fprintf(f, "\" tests=\"%d\" failures=\"%d\" errors=\"%d\" skipped=\"%d\" time=\"%.3f\">\n", run->n, run->failed,
            run->errors, run->skipped, total);
    for (int i = 0; i < run->n; i++) {
        const CheckOutcome *o = &run->outcomes[i];
        fputs("  <testcase classname=\"conform.", f);
        xml_text(f, run->math);
        fputs("\" name=\"", f);
        xml_text(f, o->name);
        fprintf(f, "\" time=\"%.3f\">", o->seconds);
        if (o->status == CHECK_SKIP) {
            fputs("<skipped message=\"", f);
            xml_text(f, o->why);
            fputs("\"/>", f);
        } else if (o->status == CHECK_ERROR) {
            fputs("<error message=\"", f);
            xml_text(f, o->why);
            fputs("\"/>", f);
        } else if (o->status == CHECK_FAIL) {
            fprintf(f, "<failure message=\"reached %s, required %s", reach_name(o->reached), reach_name(o->required));
            if (o->diagnosis.name != NULL) {
                fputs(": ", f);
                xml_text(f, o->diagnosis.name);
            }
            fputs("\">first divergence: ", f);
            xml_text(f, o->first != NULL ? o->first : "-");
            if (o->diagnosis.name != NULL) {
                fputs("\ndiagnosis: ", f);
                xml_text(f, o->diagnosis.name);
                fputs(": ", f);
                xml_text(f, str_text(&o->diagnosis.detail));
            }
            if (o->why != NULL) {
                fputs("\n", f);
                xml_text(f, o->why);
            }
            fputs("</failure>", f);
        } else if (o->diagnosis.name != NULL) {
            fputs("<system-out>", f);
            xml_text(f, o->diagnosis.name);
            fputs(": ", f);
            xml_text(f, str_text(&o->diagnosis.detail));
            fputs("</system-out>", f);
        }
        fputs("</testcase>\n", f);
    }
    fputs("</testsuite>\n</testsuites>\n", f);
}
