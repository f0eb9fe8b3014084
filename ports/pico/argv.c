/* argv for the Cortex-M33 build, read from the host over semihosting (SYS_GET_CMDLINE).
 *
 * newlib's _start (rdimon-crt0) reads the command line into a 256-byte buffer and splits it
 * at spaces, with '...' or "..." around an argument and no escapes. That is too short for
 * model paths and cannot carry an argument holding both kinds of quote. The build links with
 * -Wl,--wrap=main, so _start calls __wrap_main here, which reads the command line again
 * into a larger buffer, splits it by the rules below and calls the program's main.
 *
 * The host (QEMU: one -semihosting-config arg=... per argument) joins the arguments with
 * single spaces. Splitting, as a POSIX shell would, a bit simplified:
 *   - arguments are separated by one or more spaces (only ' ': tabs and newlines are
 *     ordinary characters);
 *   - "..." quotes: spaces and ' are literal; \" is ", \\ is \, any other \ is literal;
 *   - '...' quotes: everything up to the next ' is literal;
 *   - quoted and unquoted pieces next to each other make one argument ("" is an empty one);
 *   - outside quotes every character, \ included, is literal.
 * ports/pico/run.sh double-quotes every argument, so any bytes but NUL get through.
 *
 * Before main, it also lowers newlib's heap ceiling to the end of the heap in pico.ld, so
 * that malloc leaves the stack its reserve. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SYS_GET_CMDLINE 0x15
#define PICO_CMDLINE_MAX 32768
#define PICO_ARGV_MAX 1024

int __real_main(int argc, char **argv);
/* newlib's heap ceiling, set by _start from the host's SYS_HEAPINFO (the top of RAM) */
extern void *__heap_limit;
extern char __heap_end[]; /* pico.ld: the top of RAM less the stack reserve */
int __wrap_main(int argc, char **argv);

static char cmdline[PICO_CMDLINE_MAX];
static char *arg_pointers[PICO_ARGV_MAX + 1];

static int get_cmdline(char *buf, size_t size) {
    struct { char *buf; size_t size; } block = {buf, size};
    register int r0 __asm__("r0") = SYS_GET_CMDLINE;
    register void *r1 __asm__("r1") = &block;
    __asm__ volatile("bkpt 0xAB" : "+r"(r0) : "r"(r1) : "memory");
    return r0;
}

/* Splits s in place; returns the number of arguments, or -1 when there are too many or a
 * quote is not closed. */
static int split(char *s, char **out, int max) {
    int n = 0;
    char *r = s, *w = s;
    for (;;) {
        while (*r == ' ') r++;
        if (*r == '\0') break;
        if (n == max) return -1;
        out[n++] = w;
        while (*r != '\0' && *r != ' ') {
            if (*r == '"') {
                for (r++; *r != '"'; r++) {
                    if (*r == '\0') return -1;
                    if (*r == '\\' && (r[1] == '"' || r[1] == '\\')) r++;
                    *w++ = *r;
                }
                r++;
            } else if (*r == '\'') {
                for (r++; *r != '\''; r++) {
                    if (*r == '\0') return -1;
                    *w++ = *r;
                }
                r++;
            } else {
                *w++ = *r++;
            }
        }
        /* r is at the separating space or the end; w <= r, so the terminator fits */
        char *next = *r == ' ' ? r + 1 : r;
        *w = '\0';
        r = next;
        w = next;
    }
    out[n] = NULL;
    return n;
}

int __wrap_main(int argc, char **argv) {
    if (get_cmdline(cmdline, sizeof cmdline) != 0) {
        fprintf(stderr, "run: the semihosting command line is missing or longer than %d bytes\n",
                PICO_CMDLINE_MAX - 1);
        return EXIT_FAILURE;
    }
    int n = split(cmdline, arg_pointers, PICO_ARGV_MAX);
    if (n < 0) {
        fprintf(stderr, "run: cannot split the semihosting command line: unclosed quote or more than %d arguments\n",
                PICO_ARGV_MAX);
        return EXIT_FAILURE;
    }
    (void)argc;
    (void)argv;
    /* keep malloc out of the stack reserve (newlib only checks the heap against sp) */
    __heap_limit = __heap_end;
    return __real_main(n, arg_pointers);
}
