/* What the start-up self-test costs: selftest_forward() timed over many calls. */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <time.h>

#include "host/selftest.h"

static double seconds(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

int main(void) {
    enum { CALLS = 2000 };
    ErrorText err;
    double start = seconds();
    for (int i = 0; i < CALLS; i++) {
        if (selftest_forward(&err) != 0) {
            fprintf(stderr, "bench-selftest: %s\n", err.text);
            return 1;
        }
    }
    double each = (seconds() - start) / CALLS;
    printf("bench-selftest: %.1f microseconds a run (%d runs)\n", each * 1e6, CALLS);
    return 0;
}
