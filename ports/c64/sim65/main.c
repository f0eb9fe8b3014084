/* The 6502 program under sim65: run.c's generate mode on a model image, the L2T trace on
 * standard output.
 *
 *   run65 IMAGE WORKDIR [-t T] [-p P] [-s SEED] [-n STEPS] [-i PROMPT]
 *         [--logits full|digest|topk:K] [--platform ID]
 *
 * IMAGE is the model image c64pack writes (the C64's REU image), WORKDIR an existing folder
 * for the KV cache's page files. -t, -p, -s, -n and -i mean what they mean to run.c; -t
 * and -p take plain decimals (ports/c64/common/decimal.h), which become the floats run.c
 * makes of them. The trace has MATH=PORTABLE. Exit status 0, or 1 with a message on
 * standard error.
 *
 *   run65 IMAGE WORKDIR --heap POSITIONS
 *
 * prints the heap bytes the program allocates for the image's model and POSITIONS
 * positions, and does nothing else (ports/c64/tests/test_c64_map.c). */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "engine/trace_writer.h"
#include "ports/c64/common/console.h"
#include "ports/c64/common/decimal.h"
#include "ports/c64/common/program.h"
#include "ports/c64/common/xmem.h"

static char line[256];
static unsigned used;

void console_trace_byte(int ascii) {
    line[used++] = (char)ascii;
    if (ascii == 0x0A || used == sizeof line) {
        if (write(1, line, used) != (int)used) exit(1);
        used = 0;
    }
}

/* The story is in the trace (PIECE): nothing else to show here. */
void console_progress(int done, int steps, const char *piece) {
    (void)done;
    (void)steps;
    (void)piece;
}

static void say(const char *text) { write(2, text, strlen(text)); }

void console_fail(const char *message) {
    say("run65: ");
    say(message);
    say("\n");
    exit(1);
}

static void usage(void) {
    console_fail("usage: run65 IMAGE WORKDIR [-t T] [-p P] [-s SEED] [-n STEPS] [-i PROMPT] "
                 "[--logits full|digest|topk:K] [--platform ID]");
}

/* atoi as run.c's: the decimal value modulo 2^32 as a signed 32-bit number (sign-extended
 * to 64 bits for a seed). */
static unsigned long parse_u32(const char *s, int *negative) {
    unsigned long v = 0;
    while (*s == ' ' || (*s >= '\t' && *s <= '\r')) s++;
    *negative = *s == '-';
    if (*s == '-' || *s == '+') s++;
    while (*s >= '0' && *s <= '9') v = (v * 10UL + (unsigned long)(*s++ - '0')) & 0xFFFFFFFFUL;
    return *negative ? (0UL - v) & 0xFFFFFFFFUL : v;
}

int main(int argc, char **argv) {
    RunOptions o;
    int i, negative;
    unsigned long v;
    if (argc < 3) usage();
#ifdef BENCH_STREAM_PASS
    if (argc == 5 && strcmp(argv[3], "--stream-only") == 0) {
        xmem_open(argv[1], argv[2]);
        program_stream_only((int)parse_u32(argv[4], &negative));
        return 0;
    }
#endif
#ifdef __CC65__
    if (argc == 5 && strcmp(argv[3], "--heap") == 0) {
        static char digits[12];
        char *d = digits + sizeof digits - 1;
        xmem_open(argv[1], argv[2]);
        v = program_heap_bytes((int)parse_u32(argv[4], &negative));
        *d = '\n';
        do *--d = (char)('0' + (int)(v % 10UL)); while ((v /= 10UL) != 0);
        write(1, d, (unsigned)(digits + sizeof digits - d));
        return 0;
    }
#endif
    o.prompt = 0;
    o.temperature = F32_BITS(0x3F800000); /* 1.0 */
    o.topp = F32_BITS(0x3F666666);        /* 0.9 */
    u64_set(&o.seed, 0, 0);
    o.steps = 256;
    o.logits_level = TRACE_LOGITS_DIGEST;
    o.topk = 0;
    o.platform = "SIM65-6502-CC65";
    for (i = 3; i + 1 < argc; i += 2) {
        const char *value = argv[i + 1];
        if (strcmp(argv[i], "-t") == 0) {
            if (decimal_parse(value, &o.temperature) != 0) console_fail("-t: expected a decimal such as 0.8");
        } else if (strcmp(argv[i], "-p") == 0) {
            if (decimal_parse(value, &o.topp) != 0) console_fail("-p: expected a decimal such as 0.9");
        }
        else if (strcmp(argv[i], "-s") == 0) {
            v = parse_u32(value, &negative);
            u64_set(&o.seed, (v & 0x80000000UL) ? 0xFFFFFFFFUL : 0, v);
        } else if (strcmp(argv[i], "-n") == 0) {
            v = parse_u32(value, &negative);
            o.steps = (v & 0x80000000UL) ? -1 : v > 32767UL ? 32767 : (int)v;
        } else if (strcmp(argv[i], "-i") == 0) o.prompt = value;
        else if (strcmp(argv[i], "--platform") == 0) o.platform = value;
        else if (strcmp(argv[i], "--logits") == 0) {
            if (strcmp(value, "full") == 0) o.logits_level = TRACE_LOGITS_FULL;
            else if (strcmp(value, "digest") == 0) o.logits_level = TRACE_LOGITS_DIGEST;
            else if (strncmp(value, "topk:", 5) == 0) {
                o.logits_level = TRACE_LOGITS_TOPK;
                o.topk = (int)parse_u32(value + 5, &negative);
                if (negative || o.topk < 1 || o.topk > TRACE_TOPK_MAX) usage();
            } else usage();
        } else usage();
    }
    if (i != argc) usage();
    xmem_open(argv[1], argv[2]);
    program_run(&o);
    xmem_close();
    return 0;
}
