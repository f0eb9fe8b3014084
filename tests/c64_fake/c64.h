/* Stand-in for cc65's <c64.h>: the linked-in REU driver's symbol. */
#ifndef TESTS_C64_FAKE_C64_H
#define TESTS_C64_FAKE_C64_H

extern char c64_reu_emd[];

#endif
