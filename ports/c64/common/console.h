/* What the program needs from its platform (sim65: standard output; C64: screen and
 * printer). C89. */
#ifndef PORTS_C64_CONSOLE_H
#define PORTS_C64_CONSOLE_H

/* One byte of the trace, an ASCII code (0x0A ends a line). */
void console_trace_byte(int ascii);

/* Reports a failure (message in the compiler's character set) and ends the program. */
void console_fail(const char *message);

/* The story so far, for a platform that shows it: called once before the first step with
 * done = 0 and piece = NULL, then after every step with the text that step printed (its
 * PIECE, ASCII; NULL when the step printed nothing). `steps` is the number of steps the run
 * will take at most. */
void console_progress(int done, int steps, const char *piece);

/* The C64 only (its REU backend calls it between transfers, many times a step): ends the
 * run, the trace cut short, when the user presses RUN/STOP. */
void console_poll(void);

#endif
