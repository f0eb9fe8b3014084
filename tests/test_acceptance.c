/* The recorded behaviour of the original run.c, one cmocka test per case: the one reader
 * of the recorded cases, for ./run and for every other runner (a port under its emulator,
 * ./run under valgrind).
 *
 * usage: test_acceptance [--time-limit SECONDS] RUNNER CASES_DIR MODELS_DIR
 *
 * RUNNER is an executable run without a shell, with a case's arguments after its name.
 * --time-limit: seconds a case may run before it is killed and fails (default 60, enough
 * for a host build; 0: no limit). The last line on standard output is
 * "acceptance: P passed, F failed"; the exit status is 0 when every case passed, 1 when one
 * failed, 2 on a usage error.
 *
 * Every NAME.args in CASES_DIR is a case (see the README there): the arguments one per line,
 * @MODELS@ standing for MODELS_DIR, backslash escapes \\ \n \t, an empty line an empty
 * argument; NAME.stdin feeds standard input when present. The runner must print exactly
 * NAME.stdout and exit with NAME.exit; for err_* cases standard output is empty and standard
 * error explains the problem. */
#define _XOPEN_SOURCE 700
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tests/testutil.h"

static const char *runner;
static const char *cases_dir;
static const char *models_dir;

typedef struct {
    char *name;
} Case;

static char *case_file(const char *name, const char *ext) {
    size_t n = strlen(cases_dir) + strlen(name) + strlen(ext) + 2;
    char *p = malloc(n);
    assert_non_null(p);
    snprintf(p, n, "%s/%s%s", cases_dir, name, ext);
    return p;
}

/* One .args line to its argument: @MODELS@ replaced, then the escapes decoded. A backslash
 * before any other character stands for that character; a final lone backslash is kept. */
static char *decode_arg(const char *line, size_t len) {
    static const char marker[] = "@MODELS@";
    const size_t marker_len = sizeof marker - 1;
    size_t models_len = strlen(models_dir);
    /* replacing can only grow the line by models_len per marker */
    char *expanded = malloc(len * (models_len + 1) + 1);
    assert_non_null(expanded);
    size_t n = 0;
    for (size_t i = 0; i < len;) {
        if (len - i >= marker_len && memcmp(line + i, marker, marker_len) == 0) {
            memcpy(expanded + n, models_dir, models_len);
            n += models_len;
            i += marker_len;
        } else {
            expanded[n++] = line[i++];
        }
    }
    char *out = malloc(n + 1);
    assert_non_null(out);
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        char c = expanded[i];
        if (c == '\\' && i + 1 < n) {
            c = expanded[++i];
            if (c == 'n') c = '\n';
            else if (c == 't') c = '\t';
        }
        out[k++] = c;
    }
    out[k] = '\0';
    free(expanded);
    return out;
}

/* Reads NAME.args into a NULL-terminated argv that starts with the runner. */
static char **read_args(const char *name, int *argc_out) {
    char *path = case_file(name, ".args");
    size_t len;
    char *text = read_file(path, &len);
    if (text == NULL) fail_msg("cannot read %s", path);
    free(path);
    size_t lines = 0;
    for (size_t i = 0; i < len; i++) lines += text[i] == '\n';
    char **argv = calloc(lines + 3, sizeof *argv);
    assert_non_null(argv);
    int argc = 0;
    argv[argc++] = strdup(runner);
    size_t start = 0;
    for (size_t i = 0; i <= len; i++) {
        if (i == len && i == start) break; /* no argument after the final newline */
        if (i == len || text[i] == '\n') {
            argv[argc++] = decode_arg(text + start, i - start);
            start = i + 1;
        }
    }
    argv[argc] = NULL;
    free(text);
    *argc_out = argc;
    return argv;
}

static int read_exit_status(const char *name) {
    char *path = case_file(name, ".exit");
    char *text = read_file(path, NULL);
    if (text == NULL) fail_msg("cannot read %s", path);
    char *end;
    long v = strtol(text, &end, 10);
    while (*end == '\n' || *end == ' ' || *end == '\r') end++;
    if (end == text || *end != '\0') fail_msg("%s does not hold an exit status", path);
    free(text);
    free(path);
    return (int)v;
}

/* Fails with the first differing byte when got differs from want. */
static void assert_same_bytes(const char *what, const char *got, size_t got_len, const char *want, size_t want_len) {
    if (got_len == want_len && memcmp(got, want, got_len) == 0) return;
    size_t i = 0;
    while (i < got_len && i < want_len && got[i] == want[i]) i++;
    size_t from = i > 40 ? i - 40 : 0;
    print_error("%s differs at byte %zu (got %zu bytes, want %zu)\n", what, i, got_len, want_len);
    print_error("  got:  ...%.*s\n", (int)((got_len - from) < 80 ? got_len - from : 80), got + from);
    print_error("  want: ...%.*s\n", (int)((want_len - from) < 80 ? want_len - from : 80), want + from);
    fail();
}

/* What one case holds while it runs. A failing assertion leaves test_case by longjmp, so
 * free_case_run (the case's teardown) frees it, not test_case: a failed case leaks nothing,
 * which LeakSanitizer would otherwise report (make test-sanitize). */
static struct {
    char **argv;
    int argc;
    char *stdin_path, *stdout_path, *want;
    RunResult r;
    int have_result;
} run;

static int free_case_run(void **state) {
    (void)state;
    if (run.have_result) run_result_free(&run.r);
    for (int i = 0; i < run.argc; i++) free(run.argv[i]);
    free(run.argv);
    free(run.stdin_path);
    free(run.stdout_path);
    free(run.want);
    memset(&run, 0, sizeof run);
    return 0;
}

static void test_case(void **state) {
    const Case *c = *state;
    run.argv = read_args(c->name, &run.argc);
    run.stdin_path = case_file(c->name, ".stdin");
    if (access(run.stdin_path, R_OK) != 0) {
        free(run.stdin_path);
        run.stdin_path = NULL;
    }
    run.stdout_path = case_file(c->name, ".stdout");
    size_t want_len;
    run.want = read_file(run.stdout_path, &want_len);
    if (run.want == NULL) fail_msg("cannot read %s", run.stdout_path);
    int want_status = read_exit_status(c->name);

    RunResult *r = &run.r;
    assert_int_equal(run_program((const char *const *)run.argv, run.stdin_path, r), 0);
    run.have_result = 1;
    if (!r->exited && r->status == SIGALRM)
        fail_msg("%s ran past the time limit (test_acceptance --time-limit); stderr: %.300s", c->name, r->err);
    if (!r->exited) fail_msg("%s was killed by signal %d; stderr: %.300s", c->name, r->status, r->err);
    if (r->status != want_status)
        fail_msg("%s: exit status %d, want %d; stderr: %.300s", c->name, r->status, want_status, r->err);
    assert_same_bytes("stdout", r->out, r->out_len, run.want, want_len);
    if (strncmp(c->name, "err_", 4) == 0) {
        assert_int_equal(r->out_len, 0);
        if (r->err_len == 0) fail_msg("%s: nothing on stderr to explain the error", c->name);
    }
}

static int compare_names(const void *a, const void *b) {
    return strcmp(((const Case *)a)->name, ((const Case *)b)->name);
}

/* Reads a whole decimal number of seconds; -1 when text is not one. */
static long parse_seconds(const char *text) {
    char *end;
    long v = strtol(text, &end, 10);
    return text[0] >= '0' && text[0] <= '9' && *end == '\0' && v <= 1000000 ? v : -1;
}

int main(int argc, char **argv) {
    int first = 1;
    if (argc == 6 && strcmp(argv[1], "--time-limit") == 0) {
        long seconds = parse_seconds(argv[2]);
        if (seconds < 0) {
            fprintf(stderr, "test_acceptance: --time-limit wants whole seconds, not %s\n", argv[2]);
            return 2;
        }
        set_run_time_limit((unsigned)seconds);
        first = 3;
    }
    if (argc - first != 3) {
        fprintf(stderr, "usage: %s [--time-limit SECONDS] RUNNER CASES_DIR MODELS_DIR\n", argv[0]);
        return 2;
    }
    runner = argv[first];
    cases_dir = argv[first + 1];
    models_dir = argv[first + 2];
    if (access(runner, X_OK) != 0) {
        fprintf(stderr, "test_acceptance: %s is not an executable\n", runner);
        return 2;
    }

    DIR *dir = opendir(cases_dir);
    if (dir == NULL) {
        fprintf(stderr, "test_acceptance: cannot open the cases folder %s\n", cases_dir);
        return 2;
    }
    size_t count = 0, cap = 32;
    Case *cases = malloc(cap * sizeof *cases);
    struct dirent *e;
    while (cases != NULL && (e = readdir(dir)) != NULL) {
        size_t len = strlen(e->d_name);
        if (len <= 5 || strcmp(e->d_name + len - 5, ".args") != 0) continue;
        if (count == cap) {
            Case *bigger = realloc(cases, 2 * cap * sizeof *cases);
            if (bigger == NULL) break;
            cases = bigger;
            cap *= 2;
        }
        cases[count].name = strndup(e->d_name, len - 5);
        count++;
    }
    closedir(dir);
    if (cases == NULL) return 2;
    if (count == 0) {
        fprintf(stderr, "test_acceptance: no *.args cases in %s\n", cases_dir);
        return 1;
    }
    qsort(cases, count, sizeof *cases, compare_names);

    struct CMUnitTest *tests = calloc(count, sizeof *tests);
    if (tests == NULL) return 2;
    for (size_t i = 0; i < count; i++) {
        tests[i].name = cases[i].name;
        tests[i].test_func = test_case;
        tests[i].teardown_func = free_case_run;
        tests[i].initial_state = &cases[i];
    }
    int failed = _cmocka_run_group_tests("acceptance", tests, count, NULL, NULL);
    /* one line for scripts (scripts/cross-capture.sh), whatever cmocka's output format */
    fflush(stderr);
    printf("acceptance: %zu passed, %d failed\n", count - (size_t)failed, failed);
    for (size_t i = 0; i < count; i++) free(cases[i].name);
    free(cases);
    free(tests);
    return failed == 0 ? 0 : 1;
}
