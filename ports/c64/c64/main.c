/* The 6502 program on a Commodore 64 with an REU: run.c's generate mode on the model image
 * in the REU; the story on the screen, the L2T trace on the printer (device 4).
 *
 * The program asks for the prompt, temperature, top-p, seed and number of steps, then
 * generates. Questions and answers use the lower/upper case character set, so that a
 * prompt can be typed in both cases; it is converted from PETSCII to ASCII before the
 * tokenizer sees it.
 *
 * Screen during the run (written straight into screen memory, so that the status lines
 * stay put while the story scrolls below them):
 *   rows 0-1   status: token n of N, the time since the first step began (the jiffy
 *              clock), the time a token takes so far, what RUN/STOP does
 *   row 2      a line
 *   rows 3-24  the story as run.c prints it (the prompt first), wrapped at word
 *              boundaries at 40 columns
 * Printer: the trace's ASCII bytes unchanged, each line ended by CR LF, which is what a
 * trace file holds (VICE's "raw" printer driver writes them to its file as they come;
 * ports/c64/README.md). RUN/STOP ends the run between two REU reads: the printer has
 * every line written so far and no END record, which is how a trace says it was cut short.
 *
 * Character codes of the trace are written as numbers: cc65 translates character and
 * string literals to PETSCII on this target. */
#include <c64.h>
#include <cbm.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "engine/trace_writer.h"
#include "ports/c64/common/console.h"
#include "ports/c64/common/decimal.h"
#include "ports/c64/common/program.h"
#include "ports/c64/common/xmem.h"
#include "ports/c64/c64/irq.h"

#ifdef __CC65__
#define SCREEN_RAM ((unsigned char *)0x0400)
#define COLOUR_RAM ((unsigned char *)0xD800)
#define STOP_KEY (*(volatile unsigned char *)0x91) /* the KERNAL's STKEY: 0x7F while RUN/STOP is down */
#define KEYS_WAITING (*(volatile unsigned char *)0xC6) /* the keyboard buffer's length */
#define JIFFIES() ((unsigned long)clock())         /* $A0-$A2: 60 a second, PAL and NTSC */
/* The answers typed, in the cassette buffer ($033C-$03FB, free without a tape): the
 * program's own RAM is short (ports/c64/tests/test_c64_map.c). */
#define TYPED_RAM ((char *)0x033C)
#endif

#define P_RETURN 0x0D
#define P_LOWER_CASE_SET 0x0E
#define P_CLEAR 0x93
#define P_HOME 0x13
#define P_DOWN 0x11
#define A_LF 0x0A
#define A_CR 0x0D
#define A_SPACE 0x20
#define S_SPACE 0x20      /* screen codes */
#define S_LINE 0x40       /* a horizontal line */
#define S_REVERSE 0x80
#define PRINTER 4 /* logical file and device number */
#define LINE_MAX 80
#define COLS 40
#define ROWS 25
#define STORY_TOP 3
/* The most steps this program takes: its heap is sized for them (ports/c64/tests/test_c64_map.c).
 * At about 43 minutes a token, 256 steps are a week. */
#define C64_MAX_STEPS 256

/* "C64-REU-CC65" as ASCII codes */
static const char platform_id[] = {0x43, 0x36, 0x34, 0x2D, 0x52, 0x45, 0x55, 0x2D, 0x43, 0x43, 0x36, 0x35, 0};

static unsigned char printer_ready, printer_line_open, screen_ready;
static char *const input = TYPED_RAM;               /* the answer being typed */
static char *const prompt = TYPED_RAM + LINE_MAX + 1; /* the prompt, kept for the run */

/* ---- characters ---- */

/* PETSCII (lower/upper case set) to ASCII */
static unsigned char to_ascii(unsigned char p) {
    if (p >= 0x41 && p <= 0x5A) return (unsigned char)(p + 0x20);
    if (p >= 0xC1 && p <= 0xDA) return (unsigned char)(p - 0x80);
    if (p >= 0x61 && p <= 0x7A) return (unsigned char)(p - 0x20);
    return p;
}

/* An ASCII byte of the story to the screen code that shows it in the lower/upper case
 * set; bytes with no such character (UTF-8 sequences, `{|}~`) show as a checkerboard. */
static unsigned char story_code(unsigned char a) {
    if (a >= 0x20 && a <= 0x3F) return a;                          /* space, digits, punctuation */
    if (a >= 0x41 && a <= 0x5D) return a == 0x5C ? 0x66 : a;     /* A-Z [ ] (no backslash) */
    if (a >= 0x61 && a <= 0x7A) return (unsigned char)(a - 0x60); /* a-z */
    if (a == 0x40) return 0x00;                                   /* @ */
    if (a == 0x09) return S_SPACE;
    return 0x66;
}

/* A character of the compiler's character set (the status lines' literals) to its screen
 * code: written with literals so that the C64 and the native tests agree. */
static unsigned char text_code(char c) {
    if (c >= 'a' && c <= 'z') return (unsigned char)(c - 'a' + 0x01);
    if (c >= 'A' && c <= 'Z') return (unsigned char)(c - 'A' + 0x41);
    return (unsigned char)c; /* space, digits and punctuation: the same codes */
}

/* ---- the status lines ---- */

static unsigned char *status_at;
static unsigned char status_col;
static int steps_total, steps_done;
static unsigned long started;

static void status_char(char c) {
    if (status_col < COLS) status_at[status_col++] = (unsigned char)(text_code(c) | S_REVERSE);
}

static void status_text(const char *s) {
    while (*s != 0) status_char(*s++);
}

static void status_number(unsigned long v, unsigned char digits) {
    char d[10];
    unsigned char n = 0;
    do {
        d[n++] = (char)('0' + (int)(v % 10));
        v /= 10;
    } while (v != 0 || n < digits);
    while (n > 0) status_char(d[--n]);
}

/* h:mm:ss of a jiffy count */
static void status_time(unsigned long jiffies) {
    unsigned long s = jiffies / 60;
    status_number(s / 3600, 1);
    status_char(':');
    status_number(s / 60 % 60, 2);
    status_char(':');
    status_number(s % 60, 2);
}

static void status_row(unsigned char row) {
    status_at = SCREEN_RAM + row * COLS;
    status_col = 0;
}

static void status_end(void) {
    while (status_col < COLS) status_char(' ');
}

/* The two status lines: `state` and the token count, the time since the first step
 * began, the time per token so far, and `hint`. While running, the token counted is the
 * one being computed. */
static void status_show(const char *state, int n, const char *hint) {
    unsigned long elapsed = JIFFIES() - started;
    status_row(0);
    status_text(state);
    status_number((unsigned long)n, 1);
    status_text(" of ");
    status_number((unsigned long)steps_total, 1);
    status_text("  elapsed ");
    status_time(elapsed);
    status_end();
    status_row(1);
    if (steps_done == 0) status_text("-:--:--"); /* known after the first token */
    else status_time(elapsed / (unsigned long)steps_done);
    status_text(" per token  ");
    status_text(hint);
    status_end();
}

/* ---- the story ---- */

static unsigned char story_row = STORY_TOP, story_col, word_start;

static unsigned char *screen_row(unsigned char row) { return SCREEN_RAM + row * COLS; }

static void story_newline(void) {
    static unsigned i;
    static unsigned char *to;
    if (story_row == ROWS - 1) { /* scroll the story, not the status lines */
        to = screen_row(STORY_TOP);
        for (i = 0; i < (ROWS - 1 - STORY_TOP) * COLS; i++) to[i] = to[i + COLS];
        memset(screen_row(ROWS - 1), S_SPACE, COLS);
    } else {
        story_row++;
    }
    story_col = 0;
    word_start = 0;
}

/* One byte of the story. A word that reaches the end of the line moves to the next one
 * (a word as long as a line is broken where it must be); a space that would start a
 * line is the line break. */
static void story_put(unsigned char ascii) {
    static unsigned char carry;
    if (ascii == A_LF) {
        story_newline();
        return;
    }
    if (story_col == COLS) {
        carry = (unsigned char)(COLS - word_start);
        story_newline();
        if (ascii == A_SPACE) return;
        if (carry < COLS) {
            memcpy(screen_row(story_row), screen_row(story_row - 1) + COLS - carry, carry);
            memset(screen_row(story_row - 1) + COLS - carry, S_SPACE, carry);
            story_col = carry;
        }
    }
    screen_row(story_row)[story_col++] = story_code(ascii);
    if (ascii == A_SPACE) word_start = story_col;
}

static void screen_layout(void) {
    memset(SCREEN_RAM, S_SPACE, ROWS * COLS);
    memset(COLOUR_RAM, COLOR_LIGHTBLUE, ROWS * COLS);
    memset(screen_row(2), S_LINE, COLS);
    screen_ready = 1;
}

void console_progress(int done, int steps, const char *piece) {
    if (done == 0) {
        screen_layout();
        started = JIFFIES();
    }
    steps_done = done;
    steps_total = steps;
    if (piece != 0)
        while (*piece != 0) story_put((unsigned char)*piece++);
    status_show("token ", done < steps ? done + 1 : done, "run/stop: stop");
}

/* ---- the printer ---- */

/* A trace byte to the printer; the channel stays open for a line. */
void console_trace_byte(int ascii) {
    if (!printer_ready) return;
    if (!printer_line_open) {
        if (cbm_k_ckout(PRINTER) != 0) {
            printer_ready = 0; /* no printer answers: the screen only */
            cbm_k_clrch();
            return;
        }
        printer_line_open = 1;
    }
    if (ascii == A_LF) {
        cbm_k_bsout(A_CR);
        cbm_k_bsout(A_LF);
        cbm_k_clrch();
        printer_line_open = 0;
    } else {
        cbm_k_bsout((unsigned char)ascii);
    }
}

/* ---- keyboard and messages ---- */

static void say(const char *text) {
    while (*text != 0) cbm_k_bsout((unsigned char)*text++);
}

static void close_printer(void) {
    if (printer_line_open) cbm_k_clrch();
    if (printer_ready) cbm_close(PRINTER);
    printer_ready = printer_line_open = 0;
}

/* Leaves the screen as it is until a key is pressed, then clears it for BASIC. */
static void wait_for_key(void) {
    light_irq_remove(); /* the KERNAL's handler scans the keyboard */
    KEYS_WAITING = 0;
    while (cbm_k_getin() == 0) {
    }
    cbm_k_bsout(P_CLEAR);
}

void console_fail(const char *message) {
    unsigned char i;
    light_irq_remove();
    close_printer();
    if (screen_ready) { /* below the story */
        cbm_k_bsout(P_HOME);
        for (i = 0; i < ROWS - 1; i++) cbm_k_bsout(P_DOWN);
    }
    say("\n?");
    say(message);
    say("\n");
    exit(1);
}

void console_poll(void) {
    if (STOP_KEY != 0x7F || !screen_ready) return;
    close_printer();
    status_show("stopped, token ", steps_done + 1, "cut short");
    wait_for_key();
    exit(0);
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
    RunOptions o;
    unsigned long seed, steps;
    screen_ready = 0;
    story_row = STORY_TOP;
    story_col = word_start = 0;
    cbm_k_bsout(P_LOWER_CASE_SET);
    cbm_k_bsout(P_CLEAR);
    say("llama2.c on the C64, bit-exact\n\n");
    xmem_open(0, 0);

    strcpy(prompt, ask("prompt: "));
    o.prompt = prompt[0] != 0 ? prompt : 0;
    o.temperature = ask_decimal("temperature (0 = greedy) [0]: ", F32_BITS(0x00000000));
    o.topp = ask_decimal("top-p [0.9]: ", F32_BITS(0x3F666666));
    seed = ask_number("seed [the clock]: ", 0);
    if (seed == 0 && !f32_eq(o.temperature, F32_BITS(0x00000000))) seed = (unsigned long)clock() | 1UL;
    u64_set(&o.seed, 0, seed);
    for (;;) {
        steps = ask_number("steps (1-256) [16]: ", 16);
        if (steps >= 1 && steps <= C64_MAX_STEPS) {
            o.steps = (int)steps;
            break;
        }
        say("?1 to 256\n");
    }
    o.logits_level = ask("trace logits, full or digest [digest]: ")[0] == 0x66 ? TRACE_LOGITS_FULL
                                                                               : TRACE_LOGITS_DIGEST;
    o.topk = 0;
    o.platform = platform_id;

    printer_ready = cbm_open(PRINTER, PRINTER, 0, "") == 0;
    printer_line_open = 0;
    light_irq_install();
    program_run(&o);
    close_printer();
    xmem_close();
    status_show("done: ", steps_done, "any key: exit");
    wait_for_key();
    return 0;
}
