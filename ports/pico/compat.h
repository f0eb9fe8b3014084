/* Included before every source of the Cortex-M33 build (gcc -include).
 * newlib 3.3 predates C11's timespec_get, which run.c uses for its tok/s report:
 * declare it here; semihost.c implements it. */
#ifndef PICO_COMPAT_H
#define PICO_COMPAT_H
#ifndef __ASSEMBLER__

#include <time.h>

#ifndef TIME_UTC
#define TIME_UTC 1
int timespec_get(struct timespec *ts, int base);
#endif

#endif
#endif
