/* C99 length modifiers for newlib's printf family.
 *
 * newlib 3.3 as the toolchain ships it is built without C99 I/O formats: "%zu" prints "zu"
 * and leaves its argument in place for the next conversion, which then prints garbage
 * (messages such as "file is %zu bytes, shorter than the %d-byte header" came out wrong).
 * "%llu" works. The build links with -Wl,--wrap=NAME for every function below, so the
 * program's calls come here first; the format is rewritten for this target's type sizes
 * and handed to newlib:
 *   z (size_t) and t (ptrdiff_t) are int-sized here: the modifier is dropped;
 *   j (intmax_t) is long long: it becomes ll.
 * hh is not handled (nothing uses it). A format longer than the buffer is used unchanged. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

_Static_assert(sizeof(size_t) == sizeof(int) && sizeof(ptrdiff_t) == sizeof(int),
               "size_t and ptrdiff_t must be int-sized for this rewrite");
_Static_assert(sizeof(intmax_t) == sizeof(long long), "intmax_t must be long long");

#define FORMAT_MAX 512

static int is_one_of(char c, const char *set) { return c != '\0' && strchr(set, c) != NULL; }

/* fmt itself when it needs no change or does not fit, else the rewritten copy in buf. */
static const char *c99_format(const char *fmt, char *buf) {
    if (strpbrk(fmt, "zjt") == NULL) return fmt;
    size_t o = 0;
    const char *p = fmt;
    while (*p != '\0') {
        if (o + 3 >= FORMAT_MAX) return fmt;
        if (*p != '%') { buf[o++] = *p++; continue; }
        buf[o++] = *p++;
        if (*p == '%') { buf[o++] = *p++; continue; }
        while (is_one_of(*p, "-+ #0'") || is_one_of(*p, "0123456789.*")) {
            if (o + 3 >= FORMAT_MAX) return fmt;
            buf[o++] = *p++;
        }
        if (*p == 'z' || *p == 't') {
            p++;
        } else if (*p == 'j') {
            p++;
            buf[o++] = 'l';
            buf[o++] = 'l';
        }
    }
    buf[o] = '\0';
    return buf;
}

int __real_vfprintf(FILE *f, const char *fmt, va_list ap);
int __real_vsnprintf(char *s, size_t n, const char *fmt, va_list ap);
int __real_vsprintf(char *s, const char *fmt, va_list ap);

int __wrap_vfprintf(FILE *f, const char *fmt, va_list ap) {
    char buf[FORMAT_MAX];
    return __real_vfprintf(f, c99_format(fmt, buf), ap);
}
int __wrap_vprintf(const char *fmt, va_list ap) { return __wrap_vfprintf(stdout, fmt, ap); }
int __wrap_vsnprintf(char *s, size_t n, const char *fmt, va_list ap) {
    char buf[FORMAT_MAX];
    return __real_vsnprintf(s, n, c99_format(fmt, buf), ap);
}
int __wrap_vsprintf(char *s, const char *fmt, va_list ap) {
    char buf[FORMAT_MAX];
    return __real_vsprintf(s, c99_format(fmt, buf), ap);
}

int __wrap_fprintf(FILE *f, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    int r = __wrap_vfprintf(f, fmt, ap);
    va_end(ap);
    return r;
}
int __wrap_printf(const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    int r = __wrap_vfprintf(stdout, fmt, ap);
    va_end(ap);
    return r;
}
int __wrap_snprintf(char *s, size_t n, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    int r = __wrap_vsnprintf(s, n, fmt, ap);
    va_end(ap);
    return r;
}
int __wrap_sprintf(char *s, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    int r = __wrap_vsprintf(s, fmt, ap);
    va_end(ap);
    return r;
}
