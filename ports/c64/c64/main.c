/* The 6502 program on a Commodore 64 with an REU: run.c's generate mode on the model image
 * in the REU, the L2T trace on the screen and on the printer (device 4).
 *
 * The program asks for the prompt, temperature, top-p, seed and number of steps, then
 * prints the trace. Screen: the lower/upper case character set, so that a prompt can be
 * typed in both cases; it is converted from PETSCII to ASCII before the tokenizer sees it,
 * and the trace (ASCII upper case, digits, punctuation) is converted to PETSCII for the
 * screen. Printer: the trace's ASCII bytes unchanged, each line ended by CR LF, which is
 * what a trace file holds (VICE's "raw" printer driver writes them to its file as they
 * come; docs/c64.md). Character codes are written as numbers: cc65 translates character
 * literals to PETSCII on this target. */
#include <cbm.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../../../trace/trace_writer.h"
#include "../common/console.h"
#include "../common/decimal.h"
#include "../common/program.h"
#include "../common/xmem.h"

#define P_RETURN 0x0D
#define P_LOWER_CASE_SET 0x0E
#define P_CLEAR 0x93
#define A_LF 0x0A
#define A_CR 0x0D
#define PRINTER 4 /* logical file and device number */
#define LINE_MAX 80
/* The most steps this program takes: its heap is sized for them (tests/test_c64_map.c).
 * At about 43 minutes a token, 256 steps are a week. */
#define C64_MAX_STEPS 256

static unsigned char printer_ready;
static char input[LINE_MAX + 1];
static unsigned char line[200]; /* the trace line being written (LOGITS lines are ~180 bytes) */
static unsigned line_used;

/* ASCII to PETSCII in the lower/upper case set */
static unsigned char to_petscii(unsigned char a) {
    if (a >= 0x41 && a <= 0x5A) return (unsigned char)(a + 0x80); /* A-Z: shifted letters */
    if (a >= 0x61 && a <= 0x7A) return (unsigned char)(a - 0x20); /* a-z: unshifted letters */
    if (a == A_LF) return P_RETURN;
    return a;
}

/* PETSCII (lower/upper case set) to ASCII */
static unsigned char to_ascii(unsigned char p) {
    if (p >= 0x41 && p <= 0x5A) return (unsigned char)(p + 0x20);
    if (p >= 0xC1 && p <= 0xDA) return (unsigned char)(p - 0x80);
    if (p >= 0x61 && p <= 0x7A) return (unsigned char)(p - 0x20);
    return p;
}

/* A trace byte goes to the screen at once and, a whole line at a time (one channel
 * opening per line on the serial bus), to the printer. */
void console_trace_byte(int ascii) {
    unsigned i;
    cbm_k_bsout(to_petscii((unsigned char)ascii));
    if (!printer_ready) return;
    if (ascii != A_LF && line_used < sizeof line) {
        line[line_used++] = (unsigned char)ascii;
        return;
    }
    if (cbm_k_ckout(PRINTER) == 0) {
        for (i = 0; i < line_used; i++) cbm_k_bsout(line[i]);
        if (ascii == A_LF) {
            cbm_k_bsout(A_CR);
            cbm_k_bsout(A_LF);
        } else {
            cbm_k_bsout((unsigned char)ascii);
        }
    } else {
        printer_ready = 0; /* no printer answers: the screen only */
    }
    cbm_k_clrch();
    line_used = 0;
}

static void say(const char *text) {
    while (*text != 0) cbm_k_bsout((unsigned char)*text++);
}

void console_fail(const char *message) {
    say("\n?");
    say(message);
    say("\n");
    if (printer_ready) cbm_close(PRINTER);
    exit(1);
}

/* One line from the keyboard (the screen editor's line input), converted to ASCII. */
static const char *ask(const char *question) {
    unsigned n = 0;
    unsigned char c;
    say(question);
    while ((c = cbm_k_basin()) != P_RETURN)
        if (n < LINE_MAX) input[n++] = (char)to_ascii(c);
    input[n] = 0;
    cbm_k_bsout(P_RETURN);
    return input;
}

static f32 ask_decimal(const char *question, f32 default_value) {
    f32 value;
    for (;;) {
        const char *answer = ask(question);
        if (answer[0] == 0) return default_value;
        if (decimal_parse(answer, &value) == 0) return value;
        say("?a plain decimal, e.g. 0.9\n");
    }
}

static unsigned long ask_number(const char *question, unsigned long default_value) {
    for (;;) {
        const char *answer = ask(question);
        unsigned long v = 0;
        if (answer[0] == 0) return default_value;
        while (*answer >= 0x30 && *answer <= 0x39) v = v * 10UL + (unsigned long)(*answer++ - 0x30);
        if (*answer == 0) return v;
        say("?digits only\n");
    }
}

int main(void) {
    static char prompt[LINE_MAX + 1];
    RunOptions o;
    unsigned long seed;
    cbm_k_bsout(P_LOWER_CASE_SET);
    cbm_k_bsout(P_CLEAR);
    say("llama2.c on the C64: stories260K, IEEE\nsoft-float, bit-exact with the host\n\n");
    xmem_open(0, 0);

    strcpy(prompt, ask("prompt: "));
    o.prompt = prompt[0] != 0 ? prompt : 0;
    o.temperature = ask_decimal("temperature (0 = greedy) [0]: ", F32_BITS(0x00000000));
    o.topp = ask_decimal("top-p [0.9]: ", F32_BITS(0x3F666666));
    seed = ask_number("seed [the clock]: ", 0);
    if (seed == 0 && !f32_eq(o.temperature, F32_BITS(0x00000000))) seed = (unsigned long)clock() | 1UL;
    u64_set(&o.seed, 0, seed);
    for (;;) {
        unsigned long steps = ask_number("steps (1-256) [16]: ", 16);
        if (steps >= 1 && steps <= C64_MAX_STEPS) {
            o.steps = (int)steps;
            break;
        }
        say("?1 to 256\n");
    }
    o.logits_level = ask("trace logits, full or digest [digest]: ")[0] == 0x66 ? TRACE_LOGITS_FULL
                                                                               : TRACE_LOGITS_DIGEST;
    o.topk = 0;
    o.platform = "C64-REU-CC65";

    printer_ready = cbm_open(PRINTER, PRINTER, 0, "") == 0;
    program_run(&o);
    if (printer_ready) cbm_close(PRINTER);
    xmem_close();
    say("\ndone.\n");
    return 0;
}
