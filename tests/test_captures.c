/* The gate for ports: every capture under CAPTURES_DIR/PORT/ (golden/captures/PORT/, the
 * committed ones, then build/captures/PORT/, fresh from make capture-PORT) is compared with
 * the host golden by ./conform.
 *   - portable captures must be bit-identical (conform diff --level bits exits 0);
 *   - libm captures may differ where the port's libm does, but must parse and compare
 *     (exit 0 or 1), and how far they differ must be recorded: CAPTURES_DIR/PORT/REPORT.md
 *     must equal what scripts/capture-report.sh prints now.
 *
 * usage: test_captures GOLDEN_DIR [CAPTURES_DIR...]   (GOLDEN_DIR/captures, then each) */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/testutil.h"

static const char *golden_dir;
static char captures_dir[1024];

typedef struct {
    char port[64];
    char math[32];
    char name[128];
} Capture;

/* A port whose captures stop after a few steps (an emulated C64 takes minutes a token)
 * says so with a file CUT_SHORT in its committed captures folder (its text says why); then a
 * portable capture passes when every step it holds is bit-identical. */
static int cut_short_allowed(const char *port) {
    char path[1024];
    snprintf(path, sizeof path, "%s/captures/%s/CUT_SHORT", golden_dir, port);
    FILE *f = fopen(path, "r");
    if (f == NULL) return 0;
    fclose(f);
    return 1;
}

static void test_capture_compares(void **state) {
    const Capture *c = *state;
    char expected[1024], actual[1400];
    snprintf(expected, sizeof expected, "%s/%s/%s.trace", golden_dir, c->math, c->name);
    snprintf(actual, sizeof actual, "%s/%s/%s/%s.trace", captures_dir, c->port, c->math, c->name);
    int cut_short = cut_short_allowed(c->port);
    const char *argv[] = {"./conform", "diff", expected, actual, "--level", "bits", cut_short ? "--allow-truncated" : NULL,
                          NULL};
    RunResult r;
    assert_int_equal(run_program(argv, NULL, &r), 0);
    assert_true(r.exited);
    if (strcmp(c->math, "portable") == 0) {
        if (r.status != 0) print_error("%s%s", r.out, r.err);
        assert_int_equal(r.status, 0);
        if (cut_short && strstr(r.out, "verdict: TRUNCATED") != NULL) {
            assert_null(strstr(r.out, "summary: 0 steps compared"));
        } else {
            assert_non_null(strstr(r.out, "verdict: EQUAL"));
        }
    } else {
        if (r.status > 1) print_error("%s%s", r.out, r.err);
        assert_true(r.status == 0 || r.status == 1);
    }
    run_result_free(&r);
}

static void test_report_is_current(void **state) {
    const char *port = *state;
    char report[1200], env[1100], captures_env[1100];
    snprintf(report, sizeof report, "%s/%s/REPORT.md", captures_dir, port);
    snprintf(env, sizeof env, "GOLDEN=%s", golden_dir);
    snprintf(captures_env, sizeof captures_env, "CAPTURES=%s", captures_dir);
    const char *argv[] = {"/usr/bin/env", env, captures_env, "scripts/capture-report.sh", port, NULL};
    RunResult r;
    assert_int_equal(run_program(argv, NULL, &r), 0);
    assert_true(r.exited);
    assert_int_equal(r.status, 0);
    size_t len;
    char *recorded = read_file(report, &len);
    assert_non_null(recorded);
    if (len != r.out_len || memcmp(recorded, r.out, len) != 0)
        print_error("%s is stale: run make capture-%s (or scripts/capture-report.sh %s)\n", report, port, port);
    assert_int_equal(len, r.out_len);
    assert_memory_equal(recorded, r.out, len);
    free(recorded);
    run_result_free(&r);
}

/* The names in folder `dir` that end in `suffix`, without it; sorted. */
static size_t list_names(const char *dir, const char *suffix, char ***names) {
    DIR *d = opendir(dir);
    size_t n = 0;
    *names = NULL;
    if (d == NULL) return 0;
    struct dirent *e;
    size_t suffix_len = strlen(suffix);
    while ((e = readdir(d)) != NULL) {
        size_t len = strlen(e->d_name);
        if (e->d_name[0] == '.' || len < suffix_len || strcmp(e->d_name + len - suffix_len, suffix) != 0) continue;
        *names = realloc(*names, (n + 1) * sizeof **names);
        (*names)[n] = malloc(len - suffix_len + 1);
        memcpy((*names)[n], e->d_name, len - suffix_len);
        (*names)[n][len - suffix_len] = '\0';
        n++;
    }
    closedir(d);
    for (size_t i = 1; i < n; i++)
        for (size_t j = i; j > 0 && strcmp((*names)[j - 1], (*names)[j]) > 0; j--) {
            char *t = (*names)[j];
            (*names)[j] = (*names)[j - 1];
            (*names)[j - 1] = t;
        }
    return n;
}

/* The tests of one folder of captures: each capture, then each port's REPORT.md. */
static int check_captures(const char *captures) {
    snprintf(captures_dir, sizeof captures_dir, "%s", captures);
    char **ports;
    size_t n_ports = list_names(captures, "", &ports);
    Capture *list = NULL;
    size_t n = 0;
    static const char *const maths[] = {"libm", "portable"};
    for (size_t p = 0; p < n_ports; p++) {
        for (size_t m = 0; m < 2; m++) {
            char dir[1200];
            snprintf(dir, sizeof dir, "%s/%s/%s", captures, ports[p], maths[m]);
            char **names;
            size_t k = list_names(dir, ".trace", &names);
            for (size_t i = 0; i < k; i++) {
                list = realloc(list, (n + 1) * sizeof *list);
                snprintf(list[n].port, sizeof list[n].port, "%s", ports[p]);
                snprintf(list[n].math, sizeof list[n].math, "%s", maths[m]);
                snprintf(list[n].name, sizeof list[n].name, "%s", names[i]);
                n++;
                free(names[i]);
            }
            free(names);
        }
    }
    if (n == 0) {
        fprintf(stderr, "test_captures: no captures under %s\n", captures);
        return 1;
    }
    struct CMUnitTest *tests = calloc(n + n_ports, sizeof *tests);
    char **titles = calloc(n + n_ports, sizeof *titles);
    for (size_t i = 0; i < n; i++) {
        titles[i] = malloc(300);
        snprintf(titles[i], 300, "%s %s/%s %s", list[i].port, list[i].math, list[i].name,
                 strcmp(list[i].math, "portable") == 0 ? "is bit-identical to the host golden" : "compares with the host golden");
        tests[i] = (struct CMUnitTest){titles[i], test_capture_compares, NULL, NULL, &list[i]};
    }
    for (size_t p = 0; p < n_ports; p++) {
        titles[n + p] = malloc(300);
        snprintf(titles[n + p], 300, "%s REPORT.md is current", ports[p]);
        tests[n + p] = (struct CMUnitTest){titles[n + p], test_report_is_current, NULL, NULL, ports[p]};
    }
    printf("test_captures: the captures in %s\n", captures);
    int failed = _cmocka_run_group_tests("captures", tests, n + n_ports, NULL, NULL);
    for (size_t i = 0; i < n + n_ports; i++) free(titles[i]);
    for (size_t p = 0; p < n_ports; p++) free(ports[p]);
    free(ports);
    free(titles);
    free(tests);
    free(list);
    return failed;
}

int main(int argc, char **argv) {
    if (argc < 2) {
        fprintf(stderr, "usage: test_captures GOLDEN_DIR [CAPTURES_DIR...]\n");
        return 2;
    }
    golden_dir = argv[1];
    /* scripts/capture-report.sh runs a conform diff per capture: on a loaded 2-core machine
     * a port's report took over 60 s (the default limit), which is no failure of the port */
    set_run_time_limit(600);
    char committed[1024];
    snprintf(committed, sizeof committed, "%s/captures", golden_dir);
    int failed = check_captures(committed);
    for (int i = 2; i < argc; i++) failed += check_captures(argv[i]);
    return failed;
}
