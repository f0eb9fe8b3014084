#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "tests/testutil_conform.h"

char *read_stream(FILE *f) {
    fflush(f);
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *s = malloc((size_t)n + 1);
    assert_non_null(s);
    assert_int_equal(fread(s, 1, (size_t)n, f), (size_t)n);
    s[n] = '\0';
    return s;
}

Result conform(const char *first, ...) {
    char *argv[32];
    int argc = 0;
    va_list ap;
    argv[argc++] = "conform";
    va_start(ap, first);
    for (const char *a = first; a != NULL; a = va_arg(ap, const char *)) argv[argc++] = (char *)a;
    va_end(ap);
    argv[argc] = NULL;
    FILE *out = tmpfile(), *err = tmpfile();
    assert_non_null(out);
    assert_non_null(err);
    Result r;
    r.status = conform_main(argc, argv, out, err);
    r.out = read_stream(out);
    r.err = read_stream(err);
    fclose(out);
    fclose(err);
    return r;
}

void result_free(Result *r) {
    free(r->out);
    free(r->err);
}

void assert_line(const char *text, const char *line) {
    size_t n = strlen(line);
    for (const char *p = text; (p = strstr(p, line)) != NULL; p++)
        if ((p == text || p[-1] == '\n') && (p[n] == '\n' || p[n] == '\0')) return;
    fail_msg("no line \"%s\" in:\n%s", line, text);
}

void assert_contains(const char *text, const char *part) {
    if (strstr(text, part) == NULL) fail_msg("no \"%s\" in:\n%s", part, text);
}

void assert_no(const char *text, const char *part) {
    if (strstr(text, part) != NULL) fail_msg("unexpected \"%s\" in:\n%s", part, text);
}
