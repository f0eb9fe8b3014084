/* What the program needs from its platform (sim65: standard output; C64: screen and
 * printer). C89. */
#ifndef PORTS_C64_CONSOLE_H
#define PORTS_C64_CONSOLE_H

/* One byte of the trace, an ASCII code (0x0A ends a line). */
void console_trace_byte(int ascii);

/* Reports a failure (message in the compiler's character set) and ends the program. */
void console_fail(const char *message);

#endif
