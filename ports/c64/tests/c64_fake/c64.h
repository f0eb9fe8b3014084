/* Stand-in for cc65's <c64.h> and the C64's memory, for ports/c64/tests/test_c64_program.c: screen
 * and colour memory are host arrays, the RUN/STOP flag, the keyboard buffer's length and
 * the jiffy clock are the test's. */
#ifndef TESTS_C64_FAKE_C64_H
#define TESTS_C64_FAKE_C64_H

#define COLOR_LIGHTBLUE 0x0E

extern unsigned char fake_screen[1000], fake_colour[1000], fake_keys_waiting;
extern char fake_cassette_buffer[192];
unsigned char fake_stop_key(void);
unsigned long fake_jiffies(void);

#define SCREEN_RAM fake_screen
#define TYPED_RAM fake_cassette_buffer
#define COLOUR_RAM fake_colour
#define STOP_KEY fake_stop_key()
#define KEYS_WAITING fake_keys_waiting
#define JIFFIES() fake_jiffies()

#endif
