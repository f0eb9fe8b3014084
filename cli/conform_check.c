/* conform check: runs every applicable golden scenario through a port, or reads a folder
 * of its captures, and compares each at the strictest level the capture supports.
 *
 *   conform check (--command TEMPLATE | --port FILE | --captures DIR) [options]
 *
 * A command template names every scenario input as a placeholder ({model}, {tokenizer},
 * {temp}, {topp}, {seed}, {steps}, {prompt}, {mode}, {system}, {stdin}, {trace}); `{-i
 * prompt}` is the option and its value when the scenario sets it, and nothing otherwise.
 * Values are quoted for /bin/sh, which runs the command. docs/conform.md has the rest. */
#define _POSIX_C_SOURCE 200809L
#include "cli/conform_check.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <math.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "host/printf_like.h"
#include "host/trace_reader.h"
#include "cli/conform_report.h"

#define MAX_ARGS 32

static const char HELP_CHECK[] =
    "usage: conform check (--command TEMPLATE | --port FILE | --captures DIR) [options]\n"
    "\n"
    "Runs every golden scenario (GOLDEN/scenarios.tsv) through a port, or reads its captures, and\n"
    "compares each with GOLDEN/MATH/NAME.trace at the strictest level the capture supports: bits\n"
    "(a trace), tokens, text (the printed story, found inside banners and timing trailers). Each\n"
    "scenario gets a matrix line: level reached, verdict, first divergence, diagnosis.\n"
    "\n"
    "  --command TEMPLATE  how to run the port; placeholders {model} {tokenizer} {temp} {topp} {seed}\n"
    "                      {steps} {prompt} {mode} {system} {stdin} {trace}; {-i prompt} is \"-i VALUE\"\n"
    "                      when the scenario sets it and nothing when not\n"
    "  --port FILE         a port file: lines `command = TEMPLATE`, `lacks = chat topp sampling stdin`,\n"
    "                      `require = bits|tokens|text`, `math = libm|portable`, `name = TEXT`\n"
    "  --captures DIR      read DIR/NAME.trace, NAME.txt or NAME.log instead of running anything\n"
    "  --golden DIR        the golden folder (golden)\n"
    "  --math MATH         which golden traces: libm (default) or portable\n"
    "  --models DIR        where the scenario's models are (models, else ../shared/models)\n"
    "  --lacks LIST        features the port lacks (chat, topp, sampling, stdin): those scenarios are skipped\n"
    "  --require LEVEL     the level every scenario must reach: bits, tokens or text (default: bits\n"
    "                      for a capture with trace lines, text for a plain one)\n"
    "  --only NAME         one scenario (may be given several times)\n"
    "  --timeout SECONDS   per scenario (600)\n"
    "  --allow-truncated   a capture cut short (fewer steps, no END) passes when every step it has does\n"
    "  --json FILE, --junit FILE, --html FILE   reports (JSON, JUnit XML, a self-contained HTML page)\n"
    "  capture options as for diff: --skip-lines N --start-after TEXT --end-before TEXT --strip REGEX\n"
    "\n"
    "Exit status: 0 every scenario run passed at the required level; 1 one differs or is below it;\n"
    "2 an error (bad usage, a manifest or golden trace that cannot be read, a port that cannot run).\n";

typedef struct {
    char *name, *model, *tokenizer, *stdin_file;
    char *args[MAX_ARGS];
    int n_args;
    const char *temp, *topp, *seed, *steps, *prompt, *mode, *system;
    int chat, sampled, topp_used;
} Scenario;

typedef struct {
    char *command;
    int lacks_chat, lacks_topp, lacks_sampling, lacks_stdin;
    int required; /* -1 when not declared */
    char *math, *name;
} Port;

const char *reach_name(int reached) {
    switch (reached) {
    case REACH_BITS: return "bits";
    case REACH_TOKENS: return "tokens";
    case REACH_TEXT: return "text";
    default: return "none";
    }
}

static int parse_reach(const char *s) {
    if (strcmp(s, "bits") == 0) return REACH_BITS;
    if (strcmp(s, "tokens") == 0) return REACH_TOKENS;
    if (strcmp(s, "text") == 0) return REACH_TEXT;
    return -1;
}

static char *dup_text(const char *s) {
    size_t n = strlen(s);
    char *d = malloc(n + 1);
    if (d != NULL) memcpy(d, s, n + 1);
    return d;
}

static char *join_path(const char *dir, const char *name) {
    size_t n = strlen(dir) + strlen(name) + 2;
    char *p = malloc(n);
    if (p != NULL) snprintf(p, n, "%s/%s", dir, name);
    return p;
}

/* ---- the manifest ---- */

static void scenario_derive(Scenario *s) {
    s->temp = "1.0";
    s->topp = "0.9";
    s->seed = "0";
    s->steps = "256";
    s->mode = "generate";
    for (int i = 0; i + 1 < s->n_args; i += 2) {
        const char *o = s->args[i], *v = s->args[i + 1];
        if (strcmp(o, "-t") == 0) s->temp = v;
        else if (strcmp(o, "-p") == 0) s->topp = v;
        else if (strcmp(o, "-s") == 0) s->seed = v;
        else if (strcmp(o, "-n") == 0) s->steps = v;
        else if (strcmp(o, "-i") == 0) s->prompt = v;
        else if (strcmp(o, "-m") == 0) s->mode = v;
        else if (strcmp(o, "-y") == 0) s->system = v;
    }
    s->chat = strcmp(s->mode, "chat") == 0;
    s->sampled = strtod(s->temp, NULL) != 0.0;
    double p = strtod(s->topp, NULL);
    s->topp_used = s->sampled && p > 0.0 && p < 1.0;
}

/* Reads GOLDEN/scenarios.tsv (the format scripts/golden.sh reads). 0, or 2 after a message. */
static int read_manifest(const char *golden, Scenario **out, int *n_out, FILE *err) {
    char *path = join_path(golden, "scenarios.tsv");
    FILE *f = path != NULL ? fopen(path, "r") : NULL;
    if (f == NULL) {
        fprintf(err, "conform check: %s: cannot open the scenario manifest: %s\n", path ? path : golden, strerror(errno));
        free(path);
        return 2;
    }
    Scenario *list = NULL;
    int n = 0;
    char *line = NULL;
    size_t cap = 0;
    long lineno = 0;
    ssize_t got;
    while ((got = getline(&line, &cap, f)) >= 0) {
        lineno++;
        while (got > 0 && (line[got - 1] == '\n' || line[got - 1] == '\r')) line[--got] = 0;
        if (got == 0 || line[0] == '#') continue;
        char *fields[7 + MAX_ARGS];
        int nf = 0;
        for (char *p = line;;) {
            char *tab = strchr(p, '\t');
            if (nf < 7 + MAX_ARGS) fields[nf++] = p;
            if (tab == NULL) break;
            *tab = 0;
            p = tab + 1;
        }
        if (nf < 7) {
            fprintf(err, "conform check: %s: line %ld: expected at least 7 TAB-separated fields, found %d\n", path, lineno, nf);
            fclose(f);
            free(line);
            free(path);
            free(list);
            return 2;
        }
        Scenario *grown = realloc(list, (size_t)(n + 1) * sizeof *grown);
        if (grown == NULL) break;
        list = grown;
        Scenario *s = &list[n++];
        memset(s, 0, sizeof *s);
        s->name = dup_text(fields[0]);
        s->model = dup_text(fields[1]);
        s->tokenizer = dup_text(fields[2]);
        s->stdin_file = strcmp(fields[5], "-") == 0 ? NULL : dup_text(fields[5]);
        /* fields[6] says which ports run the scenario (make's capture rules read it) */
        for (int i = 7; i < nf; i++) s->args[s->n_args++] = dup_text(fields[i]);
        scenario_derive(s);
    }
    free(line);
    fclose(f);
    free(path);
    *out = list;
    *n_out = n;
    return 0;
}

/* ---- the port file ---- */

static char *trim(char *s) {
    while (*s == ' ' || *s == '\t') s++;
    size_t n = strlen(s);
    while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\n' || s[n - 1] == '\r')) s[--n] = 0;
    return s;
}

static int set_lacks(Port *p, const char *list, const char *where, FILE *err) {
    char buffer[512];
    snprintf(buffer, sizeof buffer, "%s", list);
    for (char *w = strtok(buffer, " ,\t"); w != NULL; w = strtok(NULL, " ,\t")) {
        if (strcmp(w, "chat") == 0) p->lacks_chat = 1;
        else if (strcmp(w, "topp") == 0) p->lacks_topp = 1;
        else if (strcmp(w, "sampling") == 0) p->lacks_sampling = 1;
        else if (strcmp(w, "stdin") == 0) p->lacks_stdin = 1;
        else if (strcmp(w, "traces") == 0) { /* nothing to skip: its captures are compared as text */ }
        else {
            fprintf(err, "conform check: %s: unknown feature \"%s\" (chat, topp, sampling, stdin, traces)\n", where, w);
            return 2;
        }
    }
    return 0;
}

static int read_port_file(const char *path, Port *p, FILE *err) {
    FILE *f = fopen(path, "r");
    if (f == NULL) {
        fprintf(err, "conform check: %s: cannot open the port file: %s\n", path, strerror(errno));
        return 2;
    }
    char *line = NULL;
    size_t cap = 0;
    long lineno = 0;
    int rc = 0;
    while (rc == 0 && getline(&line, &cap, f) >= 0) {
        lineno++;
        char *t = trim(line);
        if (*t == 0 || *t == '#') continue;
        char *eq = strchr(t, '=');
        if (eq == NULL) {
            fprintf(err, "conform check: %s: line %ld: expected KEY = VALUE\n", path, lineno);
            rc = 2;
            break;
        }
        *eq = 0;
        char *comment = strstr(eq + 1, " #"); /* a comment after the value */
        if (comment != NULL) *comment = 0;
        char *key = trim(t), *value = trim(eq + 1);
        char where[600];
        snprintf(where, sizeof where, "%s: line %ld", path, lineno);
        if (strcmp(key, "command") == 0) {
            free(p->command);
            p->command = dup_text(value);
        } else if (strcmp(key, "lacks") == 0) {
            rc = set_lacks(p, value, where, err);
        } else if (strcmp(key, "require") == 0) {
            p->required = parse_reach(value);
            if (p->required < 0) {
                fprintf(err, "conform check: %s: require is bits, tokens or text, not \"%s\"\n", where, value);
                rc = 2;
            }
        } else if (strcmp(key, "math") == 0) {
            free(p->math);
            p->math = dup_text(value);
        } else if (strcmp(key, "name") == 0) {
            free(p->name);
            p->name = dup_text(value);
        } else {
            fprintf(err, "conform check: %s: unknown key \"%s\" (command, lacks, require, math, name)\n", where, key);
            rc = 2;
        }
    }
    free(line);
    fclose(f);
    if (rc == 0 && p->command == NULL) {
        fprintf(err, "conform check: %s: no `command = ...` line\n", path);
        rc = 2;
    }
    return rc;
}

/* ---- running the port ---- */

static void shell_quote(Str *s, const char *v) {
    str_bytes(s, "'", 1);
    for (const char *c = v; *c; c++) {
        if (*c == '\'') str_printf(s, "'\\''");
        else str_bytes(s, c, 1);
    }
    str_bytes(s, "'", 1);
}

typedef struct {
    const char *model, *tokenizer, *stdin_path, *trace;
    const Scenario *s;
    int used_trace;
} Inputs;

/* The value of a placeholder; NULL when the scenario does not set it; "" + 1 for unknown. */
static int placeholder(const Inputs *in, const char *name, const char **value) {
    const Scenario *s = in->s;
    *value = NULL;
    if (strcmp(name, "model") == 0) *value = in->model;
    else if (strcmp(name, "tokenizer") == 0) *value = in->tokenizer;
    else if (strcmp(name, "temp") == 0) *value = s->temp;
    else if (strcmp(name, "topp") == 0) *value = s->topp;
    else if (strcmp(name, "seed") == 0) *value = s->seed;
    else if (strcmp(name, "steps") == 0) *value = s->steps;
    else if (strcmp(name, "prompt") == 0) *value = s->prompt;
    else if (strcmp(name, "mode") == 0) *value = s->mode;
    else if (strcmp(name, "system") == 0) *value = s->system;
    else if (strcmp(name, "stdin") == 0) *value = in->stdin_path;
    else if (strcmp(name, "trace") == 0) *value = in->trace;
    else return -1;
    return 0;
}

/* The shell command for a scenario. 0, or -1 with an unknown placeholder named in bad. */
static int expand(const char *template, Inputs *in, Str *cmd, Str *bad) {
    for (const char *c = template; *c;) {
        if (*c != '{') {
            str_bytes(cmd, c, 1);
            c++;
            continue;
        }
        const char *close = strchr(c, '}');
        if (close == NULL) {
            str_printf(bad, "an unclosed { in the command template");
            return -1;
        }
        char inside[128];
        size_t n = (size_t)(close - c - 1);
        if (n >= sizeof inside) n = sizeof inside - 1;
        memcpy(inside, c + 1, n);
        inside[n] = 0;
        char *space = strrchr(inside, ' ');
        const char *name = space != NULL ? space + 1 : inside;
        const char *value;
        if (placeholder(in, name, &value) != 0) {
            str_printf(bad, "unknown placeholder {%s} (model tokenizer temp topp seed steps prompt mode system stdin trace)", inside);
            return -1;
        }
        if (strcmp(name, "trace") == 0) in->used_trace = 1;
        if (space != NULL) { /* {OPTION name}: the option and the value, or nothing */
            if (value != NULL) {
                *space = 0;
                str_printf(cmd, "%s ", inside);
                shell_quote(cmd, value);
            }
        } else {
            shell_quote(cmd, value != NULL ? value : "");
        }
        c = close + 1;
    }
    return 0;
}

static double now_seconds(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* Runs cmd with /bin/sh; standard output to out_path, error to err_path. The wait status,
 * or -1 when it could not run; *timed_out when killed after timeout seconds. */
static int run_command(const char *cmd, const char *stdin_path, const char *out_path, const char *err_path,
                       long timeout, int *timed_out) {
    *timed_out = 0;
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0) return -1;
    if (pid == 0) {
        int in = open(stdin_path != NULL ? stdin_path : "/dev/null", O_RDONLY);
        int o = open(out_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        int e = open(err_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        if (in < 0 || o < 0 || e < 0 || dup2(in, 0) < 0 || dup2(o, 1) < 0 || dup2(e, 2) < 0) _exit(126);
        setpgid(0, 0);
        execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
        _exit(127);
    }
    setpgid(pid, pid);
    double deadline = now_seconds() + (double)timeout;
    int status;
    for (;;) {
        pid_t w = waitpid(pid, &status, WNOHANG);
        if (w == pid) return status;
        if (w < 0 && errno != EINTR) return -1;
        if (now_seconds() > deadline) {
            kill(-pid, SIGKILL);
            *timed_out = 1;
            while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {}
            return status;
        }
        struct timespec nap = {0, 5 * 1000 * 1000};
        nanosleep(&nap, NULL);
    }
}

/* ---- comparing one capture ---- */

static int read_bytes(const char *path, unsigned char **bytes, size_t *n) {
    FILE *f = fopen(path, "rb");
    *bytes = NULL;
    *n = 0;
    if (f == NULL) return -1;
    Str s = {0};
    unsigned char chunk[1 << 15];
    size_t got;
    while ((got = fread(chunk, 1, sizeof chunk, f)) > 0) str_bytes(&s, chunk, got);
    int failed = ferror(f) || s.failed;
    fclose(f);
    if (failed) {
        str_free(&s);
        return -1;
    }
    *bytes = (unsigned char *)s.s;
    *n = s.len;
    return 0;
}

PRINTF_LIKE(1, 2)
static char *format_line(const char *fmt, ...) {
    char line[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    return dup_text(line);
}

/* Fills the plot data of an outcome from a trace comparison. */
static void keep_steps(CheckOutcome *o, const DiffResult *r) {
    o->n_steps = r->compared;
    o->first_step = r->have_first ? r->first.step : -1;
    o->first_token_step = r->first_token_step;
    if (r->compared > 0 && r->step_ulp != NULL) {
        o->step_ulp = malloc((size_t)r->compared * sizeof *o->step_ulp);
        o->step_differs = malloc((size_t)r->compared);
        for (long i = 0; o->step_ulp != NULL && o->step_differs != NULL && i < r->compared; i++) {
            o->step_ulp[i] = r->basis == TRACE_READ_DIGEST ? -1
                             : r->step_ulp[i] == ULP_INFINITE ? HUGE_VAL
                                                             : (double)r->step_ulp[i];
            o->step_differs[i] = r->step_differs != NULL ? r->step_differs[i] : 0;
        }
    }
    if (r->have_first && r->first.both_layers && r->first.layer_differs)
        o->layer_op = format_line("layer %ld, %s", r->first.layer, trace_layer_op_name(r->first.op));
}

static void keep_regions(CheckOutcome *o, const DiffResult *r) {
    o->text_len = r->exp_text_len;
    o->n_regions = r->regions.n;
    if (r->regions.n == 0) return;
    o->region_offset = malloc((size_t)r->regions.n * sizeof *o->region_offset);
    o->region_len = malloc((size_t)r->regions.n * sizeof *o->region_len);
    for (long i = 0; o->region_offset != NULL && o->region_len != NULL && i < r->regions.n; i++) {
        o->region_offset[i] = (long)r->regions.regions[i].exp_offset;
        o->region_len[i] = (long)(r->regions.regions[i].exp_len > 0 ? r->regions.regions[i].exp_len : 1);
    }
}

static char *first_text(const DiffResult *r) {
    if (r->verdict == VERDICT_SCENARIO && r->n_scenario > 0)
        return format_line("header: %s %s, not %s", r->scenario[0].field, r->scenario[0].actual, r->scenario[0].expected);
    if (r->text_compared) {
        if (r->text.equal) return NULL;
        if (r->text.exp_step >= 0) return format_line("byte %zu (step %ld)", r->text.offset, r->text.exp_step);
        return format_line("byte %zu", r->text.offset);
    }
    if (!r->have_first) return NULL;
    if (r->first.missing) return format_line("step %ld (only %s has it)", r->first.step, r->first.missing == 1 ? "EXPECTED" : "ACTUAL");
    return format_line("step %ld%s", r->first.step, r->first.tokens_differ ? " (tokens)" : r->first.piece_differs ? " (piece)" : " (logits)");
}

/* The bytes the prompt's forced steps print. */
static size_t prompt_text_bytes(const Trace *t) {
    size_t n = 0;
    for (long i = 0; i < t->n_steps && t->steps[i].source == 'P'; i++) n += t->steps[i].piece.len;
    return n;
}

/* Compares a capture with the expected trace; fills o. */
static void compare_capture(const char *expected_path, const char *capture_path, const CaptureRule *rule, int crashed,
                            int allow_truncated, CheckOutcome *o) {
    Side e, a;
    memset(&e, 0, sizeof e);
    memset(&a, 0, sizeof a);
    e.name = expected_path;
    a.name = capture_path;
    TraceError te;
    if (trace_read_file(expected_path, &e.trace, &te) != 0) {
        o->status = CHECK_ERROR;
        o->why = format_line("golden: %s", trace_error_text(&te));
        trace_error_clear(&te);
        return;
    }
    int plain = 0;
    if (trace_read_file(capture_path, &a.trace, &te) != 0) {
        if (te.code != TRACE_ERROR_NO_TRACE) {
            o->status = CHECK_FAIL;
            o->reached = REACH_NONE;
            o->supported = REACH_BITS;
            o->why = format_line("%s", trace_error_text(&te));
            trace_error_clear(&te);
            trace_free(e.trace);
            return;
        }
        trace_error_clear(&te);
        plain = 1;
    }
    o->supported = plain ? REACH_TEXT : REACH_BITS;
    DiffResult bits, tokens, text;
    memset(&bits, 0, sizeof bits);
    memset(&tokens, 0, sizeof tokens);
    memset(&text, 0, sizeof text);
    int have_bits = 0;
    o->reached = REACH_NONE;
    if (!plain) {
        CmpOptions ob = {CMP_BITS, 0, 0.0, allow_truncated, PETSCII_AUTO};
        diff_run(&e, &a, &ob, &bits);
        have_bits = 1;
        if (bits.exit_status == 0) o->reached = REACH_BITS; /* equal, or cut short and allowed */
        if (o->reached == REACH_NONE && bits.verdict != VERDICT_SCENARIO) {
            CmpOptions ot = {CMP_TOKENS, 0, 0.0, allow_truncated, PETSCII_AUTO};
            diff_run(&e, &a, &ot, &tokens);
            if (tokens.exit_status == 0) o->reached = REACH_TOKENS;
        }
        keep_steps(o, &bits);
    } else {
        unsigned char *bytes;
        size_t n;
        if (read_bytes(capture_path, &bytes, &n) != 0 ||
            run_text_of_capture(bytes != NULL ? bytes : (const unsigned char *)"", n, PETSCII_AUTO, &a.text) != 0) {
            o->status = CHECK_ERROR;
            o->why = format_line("%s: cannot read", capture_path);
            free(bytes);
            trace_free(e.trace);
            return;
        }
        free(bytes);
        RunText anchor;
        Str message = {0};
        CaptureRule given = *rule;
        given.chat = e.trace->h.chat;
        if (run_text_of_trace(e.trace, &anchor) == 0) {
            capture_find_story(&a.text, &anchor, &given, &a.cut, &message);
            run_text_free(&anchor);
        }
        str_free(&message);
    }
    int text_done = 0;
    if (o->reached == REACH_NONE && (plain || bits.verdict != VERDICT_SCENARIO)) {
        CmpOptions ox = {CMP_TEXT, 0, 0.0, 0, PETSCII_AUTO};
        diff_run(&e, &a, &ox, &text);
        text_done = 1;
        if (text.verdict == VERDICT_EQUAL) o->reached = REACH_TEXT;
        keep_regions(o, &text);
    }
    if (o->reached != REACH_BITS) {
        o->first = first_text(have_bits ? &bits : &text);
        diagnose(have_bits ? &bits : NULL, text_done ? &text : NULL, &e, &a, &o->diagnosis);
        const Trace *h = e.trace;
        /* the first difference is where the prompt's text ends, and ACTUAL has nothing or garbage after it */
        size_t prompt_end = prompt_text_bytes(h);
        int at_start = text_done && text.regions.n > 0 && a.text.len > 0 &&
                       text.regions.regions[0].exp_offset + 1 >= prompt_end &&
                       text.regions.regions[0].exp_offset <= prompt_end + 1 &&
                       text.regions.regions[0].act_offset + text.regions.regions[0].act_len == a.text.len;
        int nothing = o->diagnosis.name != NULL && strcmp(o->diagnosis.name, "no-output") == 0;
        if (crashed && h->h.n_kv_heads < h->h.n_heads && at_start && !nothing) {
            /* a crash at the first generated token on a grouped-query model */
            diagnosis_free(&o->diagnosis);
            o->diagnosis.name = "gqa-missing";
            str_printf(&o->diagnosis.detail, "the port crashed at the first generated token on a model with %ld heads and "
                       "%ld key/value heads: grouped-query attention is missing (wk and wv are n_kv_heads * head_size wide)",
                       h->h.n_heads, h->h.n_kv_heads);
        } else if (crashed && o->diagnosis.name != NULL && strcmp(o->diagnosis.name, "gqa-missing") != 0 &&
            strcmp(o->diagnosis.name, "no-output") != 0) {
            diagnosis_free(&o->diagnosis);
            o->diagnosis.name = "stopped-early";
            str_printf(&o->diagnosis.detail, "the port did not exit normally (a crash or a timeout) and its output "
                       "differs from %s on", o->first != NULL ? o->first : "the start");
        }
    }
    diff_result_free(&bits);
    diff_result_free(&tokens);
    diff_result_free(&text);
    side_free(&e);
    side_free(&a);
}

/* ---- the command ---- */

static const char *default_models(void) {
    struct stat st;
    if (stat("models/stories260K.bin", &st) == 0) return "models";
    return "../shared/models";
}

static char *find_capture(const char *dir, const char *name) {
    static const char *const SUFFIXES[] = {".trace", ".txt", ".log", ".out", NULL};
    for (int i = 0; SUFFIXES[i] != NULL; i++) {
        char file[512];
        snprintf(file, sizeof file, "%s%s", name, SUFFIXES[i]);
        char *path = join_path(dir, file);
        struct stat st;
        if (path != NULL && stat(path, &st) == 0 && S_ISREG(st.st_mode)) return path;
        free(path);
    }
    return NULL;
}

static int write_report(const char *path, void (*writer)(FILE *, const CheckRun *), const CheckRun *run, FILE *err) {
    char *tmp = format_line("%s.tmp%ld", path, (long)getpid());
    FILE *f = tmp != NULL ? fopen(tmp, "w") : NULL;
    if (f == NULL) {
        fprintf(err, "conform check: %s: cannot write: %s\n", path, strerror(errno));
        free(tmp);
        return 2;
    }
    writer(f, run);
    int bad = ferror(f);
    if (fclose(f) != 0 || bad || rename(tmp, path) != 0) {
        fprintf(err, "conform check: %s: cannot write: %s\n", path, strerror(errno));
        remove(tmp);
        free(tmp);
        return 2;
    }
    free(tmp);
    return 0;
}

static void matrix_line(FILE *out, const CheckOutcome *o) {
    static const char *const STATUS[] = {"PASS", "FAIL", "SKIP", "ERROR"};
    fprintf(out, "%-20s %-7s %-7s %-26s %s", o->name, o->status == CHECK_SKIP || o->status == CHECK_ERROR ? "-" : reach_name(o->reached),
            STATUS[o->status], o->first != NULL ? o->first : "-",
            o->diagnosis.name != NULL ? o->diagnosis.name : o->why != NULL ? o->why : "-");
    fputc('\n', out);
}

static void outcome_free(CheckOutcome *o) {
    free(o->name);
    free(o->why);
    free(o->first);
    free(o->capture);
    free(o->step_ulp);
    free(o->step_differs);
    free(o->layer_op);
    free(o->region_offset);
    free(o->region_len);
    diagnosis_free(&o->diagnosis);
}

static const Scenario *scenario_named(const Scenario *list, int n, const char *name) {
    for (int i = 0; i < n; i++)
        if (strcmp(list[i].name, name) == 0) return &list[i];
    return NULL;
}

/* A sampled run going apart where its prompt ends is the sampler or the prompt encoding;
 * when a sampled scenario without a prompt passed, the sampler is right. */
static void settle_sampled_at_prompt_end(CheckRun *run, const Scenario *list, int n) {
    const char *witness = NULL;
    for (int i = 0; i < run->n && witness == NULL; i++) {
        const CheckOutcome *o = &run->outcomes[i];
        const Scenario *s = scenario_named(list, n, o->name);
        if (o->status == CHECK_PASS && s != NULL && s->sampled && s->prompt == NULL && !s->chat) witness = o->name;
    }
    if (witness == NULL) return;
    for (int i = 0; i < run->n; i++) {
        CheckOutcome *o = &run->outcomes[i];
        if (o->diagnosis.name == NULL || !o->diagnosis.sampled_at_prompt_end) continue;
        str_free(&o->diagnosis.detail);
        o->diagnosis.name = "prompt-encoding";
        o->diagnosis.sampled_at_prompt_end = 0;
        str_printf(&o->diagnosis.detail, "the texts go apart where the prompt ends (%s), and the sampler is right "
                   "(%s, sampled without a prompt, passes): the prompt encodes differently; look at the dummy-prefix "
                   "space token and the merge order", o->first != NULL ? o->first : "-", witness);
    }
}

static void port_free(Port *p) {
    free(p->command);
    free(p->math);
    free(p->name);
    memset(p, 0, sizeof *p);
}

static void scenarios_free(Scenario *list, int n) {
    for (int i = 0; i < n; i++) {
        free(list[i].name);
        free(list[i].model);
        free(list[i].tokenizer);
        free(list[i].stdin_file);
        for (int k = 0; k < list[i].n_args; k++) free(list[i].args[k]);
    }
    free(list);
}

/* An error before any scenario ran: everything given back, exit status 2. */
static int check_error(Port *p, Scenario *list, int n) {
    port_free(p);
    scenarios_free(list, n);
    return 2;
}

/* The template names only known placeholders: tried on a scenario before anything runs. */
static int template_ok(const char *template, const Scenario *s, FILE *err) {
    Inputs in;
    memset(&in, 0, sizeof in);
    in.model = in.tokenizer = in.stdin_path = in.trace = "x";
    in.s = s;
    Str cmd = {0}, bad = {0};
    int ok = expand(template, &in, &cmd, &bad) == 0;
    if (!ok) fprintf(err, "conform check: %s\n", str_text(&bad));
    str_free(&cmd);
    str_free(&bad);
    return ok;
}

int cmd_check(int argc, char **argv, FILE *out, FILE *err) {
    const char *command = NULL, *port_file = NULL, *captures = NULL, *golden = "golden", *math = NULL, *models = NULL;
    const char *json = NULL, *junit = NULL, *html = NULL;
    const char *only[64];
    int n_only = 0, required = -1, option, allow_truncated = 0;
    long timeout = 600;
    Port port;
    memset(&port, 0, sizeof port);
    port.required = -1;
    CaptureRule rule;
    capture_rule_init(&rule);
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            fputs(HELP_CHECK, out);
            return 0;
        }
        if (strcmp(a, "--allow-truncated") == 0) {
            allow_truncated = 1;
            continue;
        }
        if ((option = capture_option(argc, argv, &i, &rule, err)) != 0) {
            if (option < 0) return 2;
            continue;
        }
        static const char *const VALUED[] = {"--command", "--port", "--captures", "--golden", "--math", "--models", "--json",
                                             "--junit", "--html", "--only", "--require", "--lacks", "--timeout", NULL};
        int k = 0;
        while (VALUED[k] != NULL && strcmp(VALUED[k], a) != 0) k++;
        if (VALUED[k] == NULL) {
            fprintf(err, "conform check: unknown option %s (conform check --help)\n", a);
            return 2;
        }
        if (v == NULL) {
            fprintf(err, "conform check: %s needs a value\n", a);
            return 2;
        }
        i++;
        if (strcmp(a, "--command") == 0) command = v;
        else if (strcmp(a, "--port") == 0) port_file = v;
        else if (strcmp(a, "--captures") == 0) captures = v;
        else if (strcmp(a, "--golden") == 0) golden = v;
        else if (strcmp(a, "--math") == 0) math = v;
        else if (strcmp(a, "--models") == 0) models = v;
        else if (strcmp(a, "--json") == 0) json = v;
        else if (strcmp(a, "--junit") == 0) junit = v;
        else if (strcmp(a, "--html") == 0) html = v;
        else if (strcmp(a, "--only") == 0 && n_only < 64) only[n_only++] = v;
        else if (strcmp(a, "--lacks") == 0 && set_lacks(&port, v, "--lacks", err) != 0) return 2;
        else if (strcmp(a, "--timeout") == 0) {
            char *end;
            timeout = strtol(v, &end, 10);
            if (*end != 0 || timeout <= 0) {
                fprintf(err, "conform check: --timeout takes a number of seconds, e.g. --timeout 60\n");
                return 2;
            }
        } else if (strcmp(a, "--require") == 0 && (required = parse_reach(v)) < 0) {
            fprintf(err, "conform check: --require is bits, tokens or text, not \"%s\"\n", v);
            return 2;
        }
    }
    if ((command != NULL) + (port_file != NULL) + (captures != NULL) != 1) {
        fprintf(err, "conform check: give one of --command TEMPLATE, --port FILE or --captures DIR (conform check --help)\n");
        return 2;
    }
    if (port_file != NULL && read_port_file(port_file, &port, err) != 0) return check_error(&port, NULL, 0);
    if (command != NULL) port.command = dup_text(command);
    if (required < 0) required = port.required;
    if (math == NULL) math = port.math != NULL ? port.math : "libm";
    if (strcmp(math, "libm") != 0 && strcmp(math, "portable") != 0) {
        fprintf(err, "conform check: --math is libm or portable, not \"%s\"\n", math);
        return check_error(&port, NULL, 0);
    }
    if (models == NULL) models = default_models();

    Scenario *scenarios;
    int n_scenarios;
    if (read_manifest(golden, &scenarios, &n_scenarios, err) != 0) return check_error(&port, NULL, 0);
    for (int k = 0; k < n_only; k++) {
        int found = 0;
        for (int i = 0; i < n_scenarios; i++) found |= strcmp(scenarios[i].name, only[k]) == 0;
        if (!found) {
            fprintf(err, "conform check: --only %s: no such scenario in %s/scenarios.tsv\n", only[k], golden);
            return check_error(&port, scenarios, n_scenarios);
        }
    }
    if (port.command != NULL && n_scenarios > 0 && !template_ok(port.command, &scenarios[0], err))
        return check_error(&port, scenarios, n_scenarios);
    char work_template[] = "/tmp/conform-check-XXXXXX";
    const char *tmpdir = getenv("TMPDIR");
    char *work = NULL;
    if (captures == NULL) {
        char *t = format_line("%s/conform-check-XXXXXX", tmpdir != NULL && *tmpdir ? tmpdir : "/tmp");
        work = t != NULL ? mkdtemp(t) : mkdtemp(work_template);
        if (work == NULL) {
            fprintf(err, "conform check: cannot make a working folder: %s\n", strerror(errno));
            free(t);
            return check_error(&port, scenarios, n_scenarios);
        }
    }

    CheckRun run;
    memset(&run, 0, sizeof run);
    run.port_name = port.name != NULL ? port.name : captures != NULL ? captures : port.command;
    run.golden = golden;
    run.math = math;
    run.required_declared = required;
    run.outcomes = calloc((size_t)n_scenarios + 1, sizeof *run.outcomes);
    int selected = 0;
    for (int i = 0; i < n_scenarios; i++) {
        int take = n_only == 0;
        for (int k = 0; k < n_only; k++) take |= strcmp(scenarios[i].name, only[k]) == 0;
        selected += take;
    }
    fprintf(out, "conform check: %d scenario%s of %s/scenarios.tsv against %s/%s, port: %s\n", selected,
            selected == 1 ? "" : "s", golden, golden, math, run.port_name);
    fflush(out); /* before the progress lines on standard error */
    int index = 0;
    for (int i = 0; i < n_scenarios; i++) {
        const Scenario *s = &scenarios[i];
        int take = n_only == 0;
        for (int k = 0; k < n_only; k++) take |= strcmp(s->name, only[k]) == 0;
        if (!take) continue;
        index++;
        CheckOutcome *o = &run.outcomes[run.n++];
        o->name = dup_text(s->name);
        o->first_step = o->first_token_step = -1;
        const char *lack = s->chat && port.lacks_chat ? "chat"
                           : s->topp_used && port.lacks_topp ? "topp"
                           : s->sampled && port.lacks_sampling ? "sampling"
                           : s->stdin_file != NULL && port.lacks_stdin ? "stdin"
                                                                       : NULL;
        char *expected = format_line("%s/%s/%s.trace", golden, math, s->name);
        fprintf(err, "[%d/%d] %s: ", index, selected, s->name);
        int crashed = 0;
        if (lack != NULL) {
            o->status = CHECK_SKIP;
            o->why = format_line("skipped: needs %s, which the port lacks", lack);
        } else if (captures != NULL) {
            o->capture = find_capture(captures, s->name);
            if (o->capture == NULL) {
                o->status = CHECK_SKIP;
                o->why = format_line("skipped: no capture %s/%s.{trace,txt,log,out}", captures, s->name);
            }
        } else {
            Inputs in;
            memset(&in, 0, sizeof in);
            /* a model named with a folder (build/NAME.bin) is made at test time, from the project root */
            char *model = strchr(s->model, '/') != NULL ? dup_text(s->model) : join_path(models, s->model);
            char *tok = join_path(models, s->tokenizer);
            char *stdin_path = s->stdin_file != NULL ? format_line("%s/stdin/%s", golden, s->stdin_file) : NULL;
            char *trace = format_line("%s/%s.trace", work, s->name);
            char *stdout_path = format_line("%s/%s.txt", work, s->name);
            char *stderr_path = format_line("%s/%s.stderr", work, s->name);
            in.model = model;
            in.tokenizer = tok;
            in.stdin_path = stdin_path;
            in.trace = trace;
            in.s = s;
            Str cmd = {0}, bad = {0};
            int status = -1, timed_out = 0;
            double started = now_seconds();
            errno = 0;
            if (expand(port.command, &in, &cmd, &bad) == 0)
                status = run_command(str_text(&cmd), stdin_path, stdout_path, stderr_path, timeout, &timed_out);
            else
                errno = EINVAL; /* template_ok tried it: not reached */
            o->seconds = now_seconds() - started;
            if (status < 0) {
                o->status = CHECK_ERROR;
                o->why = format_line("cannot run the port: %s", strerror(errno));
            } else {
                crashed = timed_out || !WIFEXITED(status) || WEXITSTATUS(status) != 0;
                struct stat st;
                int traced = in.used_trace && stat(trace, &st) == 0 && st.st_size > 0;
                o->capture = dup_text(traced ? trace : stdout_path);
                if (WIFEXITED(status) && WEXITSTATUS(status) == 127 && o->seconds < 5) {
                    o->status = CHECK_ERROR;
                    o->why = format_line("the command was not found (exit 127): %s", str_text(&cmd));
                }
            }
            str_free(&cmd);
            str_free(&bad);
            free(model);
            free(tok);
            free(stdin_path);
            free(trace);
            free(stdout_path);
            free(stderr_path);
        }
        if (o->status == CHECK_PASS && o->capture != NULL) {
            compare_capture(expected, o->capture, &rule, crashed, allow_truncated, o);
            if (o->status == CHECK_PASS) {
                o->required = required >= 0 ? required : o->supported;
                o->status = o->reached >= o->required ? CHECK_PASS : CHECK_FAIL;
            }
        }
        free(expected);
        static const char *const STATUS[] = {"PASS", "FAIL", "SKIP", "ERROR"};
        fprintf(err, "%s", STATUS[o->status]);
        if (o->status == CHECK_PASS || o->status == CHECK_FAIL) fprintf(err, " (level %s, %.1f s)", reach_name(o->reached), o->seconds);
        if (o->diagnosis.name != NULL) fprintf(err, ": %s", o->diagnosis.name);
        fprintf(err, "\n");
        if (o->status == CHECK_PASS) run.passed++;
        else if (o->status == CHECK_FAIL) run.failed++;
        else if (o->status == CHECK_SKIP) run.skipped++;
        else run.errors++;
    }
    settle_sampled_at_prompt_end(&run, scenarios, n_scenarios);
    fprintf(out, "%-20s %-7s %-7s %-26s %s\n", "scenario", "level", "verdict", "first divergence", "diagnosis");
    for (int i = 0; i < run.n; i++) matrix_line(out, &run.outcomes[i]);
    for (int i = 0; i < run.n; i++) {
        const CheckOutcome *o = &run.outcomes[i];
        if (o->diagnosis.name != NULL) fprintf(out, "%s: %s: %s\n", o->name, o->diagnosis.name, str_text(&o->diagnosis.detail));
    }
    run.exit_status = run.errors > 0 ? 2 : run.failed > 0 ? 1 : 0;
    fprintf(out, "summary: %d scenarios: %d passed, %d failed, %d skipped, %d errors; required level %s\n", run.n,
            run.passed, run.failed, run.skipped, run.errors, required >= 0 ? reach_name(required) : "bits (trace) or text (plain)");
    int rc = run.exit_status;
    if (json != NULL && write_report(json, check_write_json, &run, err) != 0) rc = 2;
    if (junit != NULL && write_report(junit, check_write_junit, &run, err) != 0) rc = 2;
    if (html != NULL && write_report(html, check_write_html, &run, err) != 0) rc = 2;

    if (work != NULL) {
        for (int i = 0; i < n_scenarios; i++) {
            static const char *const EXT[] = {".trace", ".txt", ".stderr"};
            for (int k = 0; k < 3; k++) {
                char *p = format_line("%s/%s%s", work, scenarios[i].name, EXT[k]);
                if (p != NULL) remove(p);
                free(p);
            }
        }
        rmdir(work);
        if (work != work_template) free(work);
    }
    for (int i = 0; i < run.n; i++) outcome_free(&run.outcomes[i]);
    free(run.outcomes);
    scenarios_free(scenarios, n_scenarios);
    port_free(&port);
    return rc;
}
