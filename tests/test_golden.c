/* Golden regression: ./run reproduces every committed golden trace bit for bit, and the
 * golden traces tell the same story as the original program.
 *
 * The first half runs each scenario of golden/scenarios.tsv through scripts/golden.sh
 * check (the one definition of how a scenario is run). The second half is an independent
 * oracle: the text a golden trace records (its PIECE fields, decoded here by a few lines
 * of code that share nothing with the writer) must equal the stdout the original llama2.c
 * run.c printed for the same command, from ../shared/acceptance.
 *
 * usage: test_golden GOLDEN_DIR ACCEPTANCE_DIR MODELS_DIR */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "tests/testutil.h"

static const char *golden_dir, *acceptance_dir, *models_dir;

typedef struct {
    char name[128];
    char math[32];
} Scenario;

/* ---- regeneration ---- */

static void test_scenario_reproduces(void **state) {
    const Scenario *s = *state;
    char env_only[256], env_maths[64], env_golden[512], env_models[512];
    snprintf(env_only, sizeof env_only, "ONLY=%s", s->name);
    snprintf(env_maths, sizeof env_maths, "MATHS=%s", s->math);
    snprintf(env_golden, sizeof env_golden, "GOLDEN=%s", golden_dir);
    snprintf(env_models, sizeof env_models, "MODELS=%s", models_dir);
    const char *argv[] = {"/usr/bin/env", env_only, env_maths, env_golden, env_models, "scripts/golden.sh", "check", NULL};
    RunResult r;
    assert_int_equal(run_program(argv, NULL, &r), 0);
    if (!(r.exited && r.status == 0)) print_error("%s%s", r.out, r.err);
    assert_true(r.exited);
    assert_int_equal(r.status, 0);
    char expected[256];
    snprintf(expected, sizeof expected, "check-golden: 1 scenarios x 1 math modes: 1 unchanged, 0 changed, 0 new, 0 failed");
    assert_non_null(strstr(r.out, expected));
    run_result_free(&r);
}

/* ---- the independent text oracle ---- */

static int hex_value(int c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/* The text of a trace: every STEP record's PIECE, %XX-unescaped, in order, plus "\n" as the
 * program prints at the end of generate mode. */
static char *trace_text(const char *path) {
    size_t len;
    char *trace = read_file(path, &len);
    if (trace == NULL) return NULL;
    char *text = malloc(len + 2);
    size_t n = 0;
    for (char *line = strstr(trace, "L2T STEP "); line != NULL; line = strstr(line + 1, "L2T STEP ")) {
        char *piece = strstr(line, " PIECE=");
        char *end = strchr(line, '\n');
        if (piece == NULL || end == NULL || piece > end) continue;
        for (char *c = piece + 7; *c != ' ' && c < end; c++) {
            if (*c == '%' && hex_value(c[1]) >= 0 && hex_value(c[2]) >= 0) {
                text[n++] = (char)(hex_value(c[1]) * 16 + hex_value(c[2]));
                c += 2;
            } else {
                text[n++] = *c;
            }
        }
    }
    text[n++] = '\n';
    text[n] = '\0';
    free(trace);
    return text;
}

typedef struct {
    const char *golden;     /* libm golden scenario */
    const char *acceptance; /* the original's recorded case with the same command */
} TextPair;

static const TextPair text_pairs[] = {
    {"zoo_greedy", "zoo_greedy"},
    {"default_greedy", "default_greedy"},
    {"sample_133742", "doc_sample_133742"},
    {"synth32k_greedy", "synth32k_greedy"},
    {"synth512u_sampled", "synth_unshared"},
};

static void test_golden_text_matches_original(void **state) {
    const TextPair *p = *state;
    char *trace_path = malloc(strlen(golden_dir) + strlen(p->golden) + 32);
    sprintf(trace_path, "%s/libm/%s.trace", golden_dir, p->golden);
    char *stdout_path = malloc(strlen(acceptance_dir) + strlen(p->acceptance) + 32);
    sprintf(stdout_path, "%s/%s.stdout", acceptance_dir, p->acceptance);
    char *text = trace_text(trace_path);
    size_t want_len;
    char *want = read_file(stdout_path, &want_len);
    assert_non_null(text);
    assert_non_null(want);
    assert_int_equal(strlen(text), want_len);
    assert_memory_equal(text, want, want_len);
    free(text);
    free(want);
    free(trace_path);
    free(stdout_path);
}

/* ---- discovery ---- */

static int is_dir(const char *path) {
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

int main(int argc, char **argv) {
    if (argc != 4) {
        fprintf(stderr, "usage: test_golden GOLDEN_DIR ACCEPTANCE_DIR MODELS_DIR\n");
        return 2;
    }
    golden_dir = argv[1];
    acceptance_dir = argv[2];
    models_dir = argv[3];

    char manifest[1024];
    snprintf(manifest, sizeof manifest, "%s/scenarios.tsv", golden_dir);
    FILE *f = fopen(manifest, "r");
    if (f == NULL) {
        fprintf(stderr, "test_golden: cannot open %s\n", manifest);
        return 2;
    }
    static const char *const maths[] = {"libm", "portable"};
    Scenario *scenarios = NULL;
    size_t count = 0;
    char line[8192];
    while (fgets(line, sizeof line, f) != NULL) {
        if (line[0] == '#' || line[0] == '\n') continue;
        size_t name_len = strcspn(line, "\t\n");
        for (size_t m = 0; m < 2; m++) {
            char dir[1024], path[1200];
            snprintf(dir, sizeof dir, "%s/%s", golden_dir, maths[m]);
            snprintf(path, sizeof path, "%s/%.*s.trace", dir, (int)name_len, line);
            if (!is_dir(dir)) continue;
            scenarios = realloc(scenarios, (count + 1) * sizeof *scenarios);
            snprintf(scenarios[count].name, sizeof scenarios[count].name, "%.*s", (int)name_len, line);
            snprintf(scenarios[count].math, sizeof scenarios[count].math, "%s", maths[m]);
            count++;
        }
    }
    fclose(f);

    size_t n_text = sizeof text_pairs / sizeof text_pairs[0];
    struct CMUnitTest *tests = calloc(count + n_text, sizeof *tests);
    char **names = calloc(count + n_text, sizeof *names);
    for (size_t i = 0; i < count; i++) {
        names[i] = malloc(256);
        snprintf(names[i], 256, "reproduces %s/%s", scenarios[i].math, scenarios[i].name);
        tests[i] = (struct CMUnitTest){names[i], test_scenario_reproduces, NULL, NULL, &scenarios[i]};
    }
    for (size_t i = 0; i < n_text; i++) {
        names[count + i] = malloc(256);
        snprintf(names[count + i], 256, "text of libm/%s equals the original's %s", text_pairs[i].golden,
                 text_pairs[i].acceptance);
        tests[count + i] = (struct CMUnitTest){names[count + i], test_golden_text_matches_original, NULL, NULL,
                                               (void *)&text_pairs[i]};
    }
    int failed = _cmocka_run_group_tests("golden", tests, count + n_text, NULL, NULL);
    for (size_t i = 0; i < count + n_text; i++) free(names[i]);
    free(names);
    free(tests);
    free(scenarios);
    return failed;
}
