/* Test program for the Cortex-M33 build's glue (make test-pico-args, through
 * PICO_SELF_TEST=1 ports/pico/run.sh): writes each argument after argv[0] to standard
 * output followed by a NUL byte, then copies standard input to standard output, and exits
 * with the number of arguments modulo 256. Exits with 255 and a message on standard error
 * if the printf family mishandles C99 length modifiers (ports/pico/printf_c99.c). */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

int main(int argc, char **argv) {
    char line[128];
    snprintf(line, sizeof line, "%zu %d %5zx|%-4td|%jd %llu %% z %s", (size_t)10, 28, (size_t)255,
             (ptrdiff_t)-3, (intmax_t)-5000000000, 1056540ull, "zt");
    if (strcmp(line, "10 28    ff|-3  |-5000000000 1056540 % z zt") != 0) {
        fprintf(stderr, "argv_echo: printf gives \"%s\"\n", line);
        return 255;
    }
    for (int i = 1; i < argc; i++) {
        fputs(argv[i], stdout);
        putchar('\0');
    }
    int c;
    while ((c = getchar()) != EOF) putchar(c);
    return (argc - 1) & 255;
}
