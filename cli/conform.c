/* conform: compares and inspects L2T traces (docs/conform.md, docs/trace-format.md).
 *
 *   conform diff EXPECTED ACTUAL [--level bits|ulp N|abs X|tokens|text] [--json]
 *                [--petscii|--ascii] [--allow-truncated]
 *   conform show TRACE
 *
 * Exit status: 0 equal (diff) or shown (show), 1 different, 2 an input cannot be read or
 * parsed, bad usage, or standard output cannot be written. */
#include <errno.h>
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "host/program_io.h"
#include "host/trace_reader.h"
#include "cli/conform_check.h"
#include "cli/conform_diff.h"
#include "cli/conform_report.h"
#include "cli/conform_str.h"
#include "cli/conform_text.h"

static const char USAGE[] =
    "usage: conform diff EXPECTED ACTUAL [--level LEVEL] [--json] [--petscii|--ascii] [--allow-truncated]\n"
    "                    [--skip-lines N] [--start-after TEXT] [--end-before TEXT] [--strip REGEX] [--raw-capture]\n"
    "                    [--max-input BYTES]\n"
    "       conform show TRACE|CAPTURE [--max-input BYTES]\n"
    "       conform check (--command TEMPLATE | --port FILE | --captures DIR) [options]\n"
    "       conform [diff|show|check] --help\n";

static const char HELP[] =
    "conform: compares and inspects L2T traces of llama2.c runs (docs/conform.md).\n"
    "\n"
    "  conform diff EXPECTED ACTUAL ...   compare two runs; exit 0 equal, 1 different, 2 error\n"
    "  conform show TRACE                 the scenario in readable form and the text it printed\n"
    "  conform check --command TEMPLATE   the golden suite against a port: a matrix, JSON, JUnit, HTML\n"
    "\n"
    "Traces may be captures: trace lines inside other output, CRLF line ends, serial noise.\n"
    "A file or `-` (standard input) is read. `conform diff --help` tells more.\n";

static const char HELP_DIFF[] =
    "usage: conform diff EXPECTED ACTUAL [--level LEVEL] [--json] [--petscii|--ascii] [--allow-truncated]\n"
    "\n"
    "Compares the run ACTUAL with the run EXPECTED and reports the verdict, the first divergent\n"
    "step (tokens, the logit with the largest ULP distance, max and mean ULP distance, max absolute\n"
    "error, KL divergence of the softmaxes, the first LAYER digest that differs) and a summary.\n"
    "Headers must describe the same scenario (model, tokenizer, config, sampler, mode, prompt);\n"
    "PLATFORM and MATH may differ and are reported as information.\n"
    "\n"
    "LEVEL (default bits):\n"
    "  bits      everything identical: tokens, pieces, CRC and ARGMAX, the logits at the most\n"
    "            detailed level both traces have (FULL, TOPK pairs), LAYER digests\n"
    "  ulp N     same tokens, every logit within N ULPs (binary32 ordered-integer distance;\n"
    "            -0 and +0 are 0 apart; a NaN is infinitely far); needs FULL or TOPK logits\n"
    "  abs X     same tokens, every logit within absolute error X; needs FULL or TOPK logits\n"
    "  tokens    the same TOKEN and NEXT at every step\n"
    "  text      the same printed text (PIECE fields concatenated). Either side may be a plain\n"
    "            capture of the program's output with no trace lines (CRLF becomes LF, one\n"
    "            newline at the end is dropped)\n"
    "\n"
    "Options:\n"
    "  --json             one JSON object on standard output instead of the report\n"
    "  --petscii          read plain captures as C64 PETSCII (default: detect, see docs/conform.md)\n"
    "  --ascii            read plain captures as ASCII/UTF-8\n"
    "  --allow-truncated  exit 0 when a trace without END matches over the steps it has\n"
    "  --max-input BYTES  stop with an error once an input holds more (default 1G; K, M, G allowed)\n"
    "\n"
    "Plain captures (ACTUAL): the story is found inside what the port printed (banner lines,\n"
    "<s> markers and tok/s or timing trailers are left out and reported; docs/conform.md);\n"
    "every differing region is reported. To override the rule:\n"
    "  --skip-lines N     the story starts after N lines\n"
    "  --start-after TEXT the story starts after the first TEXT\n"
    "  --end-before TEXT  the story ends before the last TEXT\n"
    "  --strip REGEX      remove lines matching REGEX (POSIX extended; up to 16 times)\n"
    "  --raw-capture      compare the whole capture\n"
    "\n"
    "Exit status: 0 equal at LEVEL; 1 different, different scenario, or cut short; 2 an input\n"
    "cannot be read or parsed or is over --max-input, bad usage, or standard output cannot be written.\n";

static const char HELP_SHOW[] =
    "usage: conform show TRACE\n"
    "\n"
    "A plain capture (no trace lines) is shown as --level text reads it: the preamble and\n"
    "trailer left out around the story, marked, and the story.\n"
    "\n"
    "Prints the scenario of a trace in readable form (model and tokenizer hash prefixes, config,\n"
    "temperature and top-p as decimal and hex, seed, steps, mode, math, platform, levels), how many\n"
    "steps it holds and whether it is complete, then the text the run printed (the PIECE fields\n"
    "concatenated, prompt included; in chat mode with the USER lines). Exit 0, or 2 when the trace\n"
    "cannot be read. --max-input BYTES: stop with an error once the input holds more (default 1G).\n";

/* ---- files ---- */

/* Reads a whole input, up to the input limit (trace_read_limit()); -1 with errno, EFBIG
 * when the input is longer than the limit. */
static int read_whole(const char *path, unsigned char **bytes, size_t *n) {
    int use_stdin = strcmp(path, "-") == 0;
    FILE *f = use_stdin ? stdin : fopen(path, "rb");
    *bytes = NULL;
    *n = 0;
    if (f == NULL) return -1;
    Str s = {0};
    unsigned char chunk[1 << 16];
    size_t got;
    int too_long = 0;
    while ((got = fread(chunk, 1, sizeof chunk, f)) > 0) {
        if (got > trace_read_limit() - s.len) {
            too_long = 1;
            break;
        }
        str_bytes(&s, chunk, got);
    }
    int failed = ferror(f) || s.failed || too_long;
    if (too_long) errno = EFBIG;
    if (!use_stdin) fclose(f);
    if (failed) {
        str_free(&s);
        return -1;
    }
    *bytes = (unsigned char *)s.s;
    *n = s.len;
    return 0;
}

/* --max-input BYTES: a count with an optional K, M or G (binary multiples). 0, or 2 after
 * the message. */
static int set_input_limit(const char *text, const char *command, FILE *err) {
    char *end;
    errno = 0;
    unsigned long long n = text != NULL && text[0] >= '0' && text[0] <= '9' ? strtoull(text, &end, 10) : 0;
    int shift = 0;
    if (text != NULL && n > 0 && errno == 0) {
        if (*end == 'K') shift = 10, end++;
        else if (*end == 'M') shift = 20, end++;
        else if (*end == 'G') shift = 30, end++;
    }
    if (text == NULL || n == 0 || errno != 0 || *end != '\0' || n > (~0ull >> shift)) {
        fprintf(err, "%s: --max-input takes a positive byte count, e.g. --max-input 64M\n%s", command, USAGE);
        return 2;
    }
    trace_read_set_limit(n << shift);
    return 0;
}

static int conform_oom(FILE *err) {
    fprintf(err, "conform: out of memory\n");
    return 2;
}

/* ---- show ---- */

/* The shortest decimal that reads back as the same binary32. */
static void float_decimal(Str *s, uint32_t bits) {
    double v = bits_value(bits);
    if (isnan(v)) {
        str_printf(s, "nan");
        return;
    }
    for (int digits = 1; digits <= 9; digits++) {
        char text[64];
        snprintf(text, sizeof text, "%.*g", digits, v);
        float back = strtof(text, NULL);
        uint32_t back_bits;
        memcpy(&back_bits, &back, sizeof back_bits);
        if (back_bits == bits || digits == 9) {
            str_printf(s, "%s", text);
            return;
        }
    }
}

static void show_text_value(Str *s, int set, const TraceText *t) {
    if (!set) {
        str_printf(s, "(none)");
        return;
    }
    str_bytes(s, "\"", 1);
    str_escaped(s, t->bytes, t->len, 0);
    str_bytes(s, "\"", 1);
}

/* A plain capture as --level text reads it: the story, and the preamble and trailer left
 * out around it, marked. */
static int show_capture(const char *path, FILE *out, FILE *err) {
    unsigned char *bytes;
    size_t n;
    if (read_whole(path, &bytes, &n) != 0) {
        fprintf(err, "conform: %s: cannot read: %s\n", path, strerror(errno));
        return 2;
    }
    RunText text;
    CaptureCut cut;
    CaptureRule rule;
    capture_rule_init(&rule);
    Str s = {0};
    int rc = run_text_of_capture(bytes != NULL ? bytes : (const unsigned char *)"", n, PETSCII_AUTO, &text);
    free(bytes);
    if (rc != 0) return conform_oom(err);
    if (capture_find_story(&text, NULL, &rule, &cut, &s) != 0) {
        run_text_free(&text);
        return conform_oom(err);
    }
    str_printf(&s, "capture:   %s (plain text capture: no trace lines%s)\n", path, text.petscii ? ", PETSCII" : "");
    str_printf(&s, "preamble:  %zu bytes, ignored (%s)\n", cut.preamble.len, cut.start_rule);
    if (cut.preamble.len > 0) {
        str_printf(&s, "[preamble]");
        str_escaped(&s, (const unsigned char *)cut.preamble.s, cut.preamble.len, 1);
        str_printf(&s, "[/preamble]\n");
    }
    str_printf(&s, "trailer:   %zu bytes, ignored (%s)\n", cut.trailer.len, cut.end_rule);
    if (cut.stripped_lines > 0)
        str_printf(&s, "stripped:  %ld marker lines (%zu bytes)\n", cut.stripped_lines, cut.stripped_bytes);
    str_printf(&s, "text (%zu bytes):\n", text.len);
    str_escaped(&s, text.bytes, text.len, 1);
    str_printf(&s, "\n");
    if (cut.trailer.len > 0) {
        str_printf(&s, "[trailer]");
        str_escaped(&s, (const unsigned char *)cut.trailer.s, cut.trailer.len, 1);
        str_printf(&s, "[/trailer]\n");
    }
    rc = 0;
    if (s.failed) rc = conform_oom(err);
    else fwrite(s.s, 1, s.len, out);
    str_free(&s);
    capture_cut_free(&cut);
    run_text_free(&text);
    return rc;
}

static int cmd_show(int argc, char **argv, FILE *out, FILE *err) {
    const char *path = NULL;
    for (int i = 0; i < argc; i++) {
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            fputs(HELP_SHOW, out);
            return 0;
        }
        if (strcmp(argv[i], "--max-input") == 0) {
            if (set_input_limit(i + 1 < argc ? argv[++i] : NULL, "conform show", err) != 0) return 2;
            continue;
        }
        if (argv[i][0] == '-' && argv[i][1] != '\0') {
            fprintf(err, "conform show: unknown option %s\n%s", argv[i], USAGE);
            return 2;
        }
        if (path != NULL) {
            fprintf(err, "conform show: one trace at a time (got %s and %s)\n%s", path, argv[i], USAGE);
            return 2;
        }
        path = argv[i];
    }
    if (path == NULL) {
        fprintf(err, "conform show: which trace?\n%s", USAGE);
        return 2;
    }
    Trace *t;
    TraceError e;
    if (trace_read_file(path, &t, &e) != 0) {
        if (e.code == TRACE_ERROR_NO_TRACE) {
            trace_error_clear(&e);
            return show_capture(path, out, err);
        }
        program_io_error_to(err, "conform", trace_error_text(&e));
        trace_error_clear(&e);
        return 2;
    }
    const TraceHeaderInfo *h = &t->h;
    Str s = {0};
    str_printf(&s, "trace:     %s\n", t->name);
    if (t->complete) str_printf(&s, "status:    complete (END at line %ld)\n", t->end_line);
    else str_printf(&s, "status:    cut short: no END record\n");
    for (int i = 0; i < t->n_notes; i++) str_printf(&s, "note:      %s\n", t->notes[i]);
    str_printf(&s, "model:     sha256 %.16s... (%lld bytes)\n", h->model_sha256, h->model_bytes);
    str_printf(&s, "tokenizer: sha256 %.16s... (%lld bytes)\n", h->tokenizer_sha256, h->tokenizer_bytes);
    str_printf(&s,
               "config:    dim %ld, hidden %ld, layers %ld, heads %ld, kv heads %ld, vocab %ld, seq_len %ld, "
               "shared classifier %s\n",
               h->dim, h->hidden_dim, h->n_layers, h->n_heads, h->n_kv_heads, h->vocab_size, h->seq_len,
               h->shared_classifier ? "yes" : "no");
    str_printf(&s, "sampler:   temperature ");
    float_decimal(&s, h->temperature_bits);
    str_printf(&s, " (%08lX), top-p ", (unsigned long)h->temperature_bits);
    float_decimal(&s, h->topp_bits);
    str_printf(&s, " (%08lX), seed %llu (%016llX), steps %ld\n", (unsigned long)h->topp_bits,
               (unsigned long long)h->seed, (unsigned long long)h->seed, h->steps);
    str_printf(&s, "run:       mode %s, math %s, logits %s", h->chat ? "chat" : "generate", h->math,
               trace_level_name(h->level));
    if (h->level == TRACE_READ_TOPK) str_printf(&s, " K=%ld", h->topk);
    str_printf(&s, ", layers %s\n", h->layers ? "yes" : "no");
    str_printf(&s, "platform:  ");
    show_text_value(&s, 1, &h->platform);
    str_printf(&s, "\nprompt:    ");
    show_text_value(&s, h->prompt_set, &h->prompt);
    str_printf(&s, "\nsystem:    ");
    show_text_value(&s, h->system_set, &h->system_prompt);
    long forced = 0;
    for (long i = 0; i < t->n_steps; i++) forced += t->steps[i].source == 'P';
    str_printf(&s, "\nsteps:     %ld", t->n_steps);
    if (t->n_steps > 0)
        str_printf(&s, " (POS 0 to %ld): %ld forced by the prompt, %ld sampled", t->n_steps - 1, forced,
                   t->n_steps - forced);
    str_printf(&s, "\ntext:\n");
    long u = 0;
    for (long i = 0; i < t->n_steps; i++) {
        for (; u < t->n_users && t->users[u].pos <= i; u++) {
            str_printf(&s, "%s[%s] ", s.len > 0 && s.s[s.len - 1] != '\n' ? "\n" : "", t->users[u].system ? "system" : "user");
            str_escaped(&s, t->users[u].text.bytes, t->users[u].text.len, 0);
            str_printf(&s, "\n");
        }
        str_escaped(&s, t->steps[i].piece.bytes, t->steps[i].piece.len, 1);
    }
    str_printf(&s, "\n");
    int rc = 0;
    if (s.failed) {
        fprintf(err, "conform: out of memory\n");
        rc = 2;
    } else {
        fwrite(s.s, 1, s.len, out);
    }
    str_free(&s);
    trace_free(t);
    return rc;
}

/* ---- diff ---- */

static int parse_count(const char *text, unsigned long long *out) {
    char *end;
    if (text[0] < '0' || text[0] > '9') return -1;
    errno = 0;
    *out = strtoull(text, &end, 10);
    return *end != '\0' || errno != 0 ? -1 : 0;
}

static int parse_tolerance(const char *text, double *out) {
    char *end;
    errno = 0;
    *out = strtod(text, &end);
    return end == text || *end != '\0' || errno != 0 || !(*out >= 0) || !isfinite(*out) ? -1 : 0;
}

/* Reads one side: a trace, or at text level a plain capture. 0, or 2 after printing.
 * Standard input is read whole first, as it can be read only once. */
static int read_side(Side *side, const char *path, const CmpOptions *o, int json, FILE *out, FILE *err) {
    TraceError e;
    unsigned char *bytes = NULL;
    size_t n = 0;
    int rc;
    side->name = path;
    if (strcmp(path, "-") == 0) {
        if (read_whole(path, &bytes, &n) != 0) {
            if (errno == EFBIG)
                fprintf(err, "conform: (standard input): more than %llu bytes, the input limit (--max-input)\n",
                        trace_read_limit());
            else fprintf(err, "conform: (standard input): cannot read: %s\n", strerror(errno));
            return 2;
        }
        rc = trace_read_buffer("(standard input)", bytes, n, &side->trace, &e);
    } else {
        rc = trace_read_file(path, &side->trace, &e);
    }
    if (rc == 0) {
        free(bytes);
        return 0;
    }
    if (e.code == TRACE_ERROR_NO_TRACE && o->level == CMP_TEXT) {
        trace_error_clear(&e);
        if (bytes == NULL && read_whole(path, &bytes, &n) != 0) {
            Str message = {0};
            if (errno == EFBIG)
                str_printf(&message, "%s: more than %llu bytes, the input limit (--max-input)", path, trace_read_limit());
            else str_printf(&message, "%s: cannot read: %s", path, strerror(errno));
            program_io_error_to(err, "conform", str_text(&message));
            str_free(&message);
            return 2;
        }
        rc = run_text_of_capture(bytes != NULL ? bytes : (const unsigned char *)"", n, o->petscii, &side->text);
        free(bytes);
        if (rc != 0) {
            fprintf(err, "conform: out of memory\n");
            return 2;
        }
        return 0;
    }
    free(bytes);
    Str message = {0};
    str_printf(&message, "%s", trace_error_text(&e));
    if (e.code == TRACE_ERROR_NO_TRACE)
        str_printf(&message, " (a plain text capture can only be compared with --level text)");
    program_io_error_to(err, "conform", str_text(&message));
    if (json) {
        Str s = {0};
        str_printf(&s, "{\"verdict\":\"error\",\"exit_status\":2,\"error\":");
        str_json_c(&s, str_text(&message));
        str_printf(&s, "}\n");
        fputs(str_text(&s), out);
        str_free(&s);
    }
    str_free(&message);
    trace_error_clear(&e);
    return 2;
}

/* A plain capture's story, cut out of what the port printed around it (banner, markers,
 * timing trailer; conform_capture.c), found with the help of the other side's text. */
static int cut_plain_sides(Side *e, Side *a, const CaptureRule *rule, FILE *err) {
    for (int i = 0; i < 2; i++) {
        Side *side = i == 0 ? e : a, *other = i == 0 ? a : e;
        if (side->trace != NULL) continue;
        RunText anchor;
        memset(&anchor, 0, sizeof anchor);
        const RunText *expected = &other->text;
        if (other->trace != NULL) {
            if (run_text_of_trace(other->trace, &anchor) != 0) return conform_oom(err);
            expected = &anchor;
        }
        /* the options describe the port's capture: EXPECTED (a capture of the reference,
         * when it is one) is read by the automatic rule */
        CaptureRule automatic, given = *rule;
        capture_rule_init(&automatic);
        automatic.chat = given.chat = other->trace != NULL && other->trace->h.chat;
        Str message = {0};
        int rc = capture_find_story(&side->text, expected, i == 1 ? &given : &automatic, &side->cut, &message);
        run_text_free(&anchor);
        if (rc == -2) {
            fprintf(err, "conform: %s\n", str_text(&message));
            str_free(&message);
            return 2;
        }
        if (rc != 0) return conform_oom(err);
    }
    return 0;
}

/* The capture options of diff and check; 1 when argv[*i] was one (and *i moved past its
 * value), 0 when not, -1 after a usage error. */
int capture_option(int argc, char **argv, int *i, CaptureRule *rule, FILE *err) {
    const char *a = argv[*i];
    int takes_value = strcmp(a, "--skip-lines") == 0 || strcmp(a, "--start-after") == 0 ||
                      strcmp(a, "--end-before") == 0 || strcmp(a, "--strip") == 0;
    if (strcmp(a, "--raw-capture") == 0) {
        rule->raw = 1;
        return 1;
    }
    if (!takes_value) return 0;
    if (*i + 1 >= argc) {
        fprintf(err, "conform: %s needs a value\n%s", a, USAGE);
        return -1;
    }
    const char *v = argv[++*i];
    if (strcmp(a, "--skip-lines") == 0) {
        unsigned long long n;
        if (parse_count(v, &n) != 0 || n > 1000000000ULL) {
            fprintf(err, "conform: --skip-lines takes a count of lines, e.g. --skip-lines 3\n%s", USAGE);
            return -1;
        }
        rule->skip_lines = (long)n;
    } else if (strcmp(a, "--start-after") == 0) {
        rule->start_after = v;
    } else if (strcmp(a, "--end-before") == 0) {
        rule->end_before = v;
    } else {
        if (rule->n_strip == CAPTURE_MAX_STRIP) {
            fprintf(err, "conform: at most %d --strip patterns\n", CAPTURE_MAX_STRIP);
            return -1;
        }
        rule->strip[rule->n_strip++] = v;
    }
    return 1;
}

static int cmd_diff(int argc, char **argv, FILE *out, FILE *err) {
    CmpOptions o = {CMP_BITS, 0, 0.0, 0, PETSCII_AUTO};
    CaptureRule rule;
    capture_rule_init(&rule);
    const char *paths[2] = {NULL, NULL};
    int n_paths = 0, json = 0, option;
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            fputs(HELP_DIFF, out);
            return 0;
        } else if (strcmp(a, "--json") == 0) {
            json = 1;
        } else if ((option = capture_option(argc, argv, &i, &rule, err)) != 0) {
            if (option < 0) return 2;
        } else if (strcmp(a, "--petscii") == 0) {
            o.petscii = 1;
        } else if (strcmp(a, "--ascii") == 0) {
            o.petscii = 0;
        } else if (strcmp(a, "--allow-truncated") == 0) {
            o.allow_truncated = 1;
        } else if (strcmp(a, "--max-input") == 0) {
            if (set_input_limit(i + 1 < argc ? argv[++i] : NULL, "conform diff", err) != 0) return 2;
        } else if (strcmp(a, "--level") == 0) {
            const char *level = i + 1 < argc ? argv[++i] : "";
            if (strcmp(level, "bits") == 0) o.level = CMP_BITS;
            else if (strcmp(level, "tokens") == 0) o.level = CMP_TOKENS;
            else if (strcmp(level, "text") == 0) o.level = CMP_TEXT;
            else if (strcmp(level, "ulp") == 0) {
                unsigned long long n;
                if (i + 1 >= argc || parse_count(argv[i + 1], &n) != 0) {
                    fprintf(err, "conform diff: --level ulp takes a count of ULPs, e.g. --level ulp 4\n%s", USAGE);
                    return 2;
                }
                o.level = CMP_ULP;
                o.ulp = n;
                i++;
            } else if (strcmp(level, "abs") == 0) {
                if (i + 1 >= argc || parse_tolerance(argv[i + 1], &o.abs_tol) != 0) {
                    fprintf(err, "conform diff: --level abs takes a non-negative number, e.g. --level abs 1e-5\n%s",
                            USAGE);
                    return 2;
                }
                o.level = CMP_ABS;
                i++;
            } else {
                fprintf(err, "conform diff: unknown level \"%s\" (bits, ulp N, abs X, tokens or text)\n%s", level,
                        USAGE);
                return 2;
            }
        } else if (a[0] == '-' && a[1] != '\0') {
            fprintf(err, "conform diff: unknown option %s\n%s", a, USAGE);
            return 2;
        } else if (n_paths < 2) {
            paths[n_paths++] = a;
        } else {
            fprintf(err, "conform diff: too many files: %s (EXPECTED and ACTUAL only)\n%s", a, USAGE);
            return 2;
        }
    }
    if (n_paths < 2) {
        fprintf(err, "conform diff: needs EXPECTED and ACTUAL\n%s", USAGE);
        return 2;
    }
    if (strcmp(paths[0], "-") == 0 && strcmp(paths[1], "-") == 0) {
        fprintf(err, "conform diff: only one of EXPECTED and ACTUAL can be standard input\n");
        return 2;
    }
    Side e, a;
    memset(&e, 0, sizeof e);
    memset(&a, 0, sizeof a);
    int rc = read_side(&e, paths[0], &o, json, out, err);
    if (rc == 0) rc = read_side(&a, paths[1], &o, json, out, err);
    if (rc == 0 && o.level == CMP_TEXT) rc = cut_plain_sides(&e, &a, &rule, err);
    if (rc == 0) {
        DiffResult r;
        diff_run(&e, &a, &o, &r);
        Diagnosis d;
        diagnose(o.level != CMP_TEXT ? &r : NULL, o.level == CMP_TEXT ? &r : NULL, &e, &a, &d);
        r.diagnosis_name = d.name;
        r.diagnosis_detail = str_text(&d.detail);
        if (json) {
            report_json(out, &r, &e, &a);
        } else {
            report_text(out, &r, &e, &a);
            if (d.name != NULL) fprintf(out, "diagnosis: %s: %s\n", d.name, str_text(&d.detail));
        }
        diagnosis_free(&d);
        if (r.verdict == VERDICT_ERROR) program_io_error_to(err, "conform", r.error);
        rc = r.exit_status;
        diff_result_free(&r);
    }
    side_free(&e);
    side_free(&a);
    return rc;
}

int conform_main(int argc, char **argv, FILE *out, FILE *err) {
    if (argc < 2) {
        fputs(USAGE, err);
        return 2;
    }
    const char *command = argv[1];
    if (strcmp(command, "--help") == 0 || strcmp(command, "-h") == 0 || strcmp(command, "help") == 0) {
        fputs(HELP, out);
        fputs("\n", out);
        fputs(USAGE, out);
        return 0;
    }
    if (strcmp(command, "diff") == 0) return cmd_diff(argc - 2, argv + 2, out, err);
    if (strcmp(command, "show") == 0) return cmd_show(argc - 2, argv + 2, out, err);
    if (strcmp(command, "check") == 0) return cmd_check(argc - 2, argv + 2, out, err);
    fprintf(err, "conform: unknown command \"%s\" (diff, show or check)\n%s", command, USAGE);
    return 2;
}

#ifndef CONFORM_NO_MAIN
int main(int argc, char **argv) {
    program_io_start();
    int rc = conform_main(argc, argv, stdout, stderr);
    /* a report that did not reach standard output is an error, not a verdict */
    if (!program_io_stdout_ok("conform")) return 2;
    return rc;
}
#endif
