/* Glue between newlib (rdimon, Arm semihosting) and the Cortex-M33 build.
 *
 * newlib's librdimon already does file I/O, the console, argv and exit over semihosting.
 * This file adds what it lacks:
 *   - timespec_get (C11; newlib 3.3 has none), from the host's SYS_TIME and SYS_ELAPSED,
 *   - rename: newlib's rename is link + unlink, and rdimon has no link (ENOSYS); here it is
 *     the host's rename (SYS_RENAME, which rdimon's _rename issues),
 *   - pico_semihost_exit, used when newlib's _start returns (it should not),
 *   - pico_fault_report, called by every fault vector: one line on the debug console and
 *     exit status 134, so that a crash ends QEMU instead of hanging it. */
#include <reent.h>
#include <stdint.h>
#include <time.h>

#include "ports/pico/compat.h"

#define SYS_WRITE0 0x04
#define SYS_TIME 0x11
#define SYS_EXIT 0x18
#define SYS_EXIT_EXTENDED 0x20
#define SYS_ELAPSED 0x30
#define SYS_TICKFREQ 0x31
#define ADP_STOPPED_APPLICATION_EXIT 0x20026

static int semihost(int op, const void *arg) {
    register int r0 __asm__("r0") = op;
    register const void *r1 __asm__("r1") = arg;
    __asm__ volatile("bkpt 0xAB" : "+r"(r0) : "r"(r1) : "memory");
    return r0;
}

void pico_semihost_exit(int status) __attribute__((noreturn));
void pico_semihost_exit(int status) {
    uint32_t block[2] = {ADP_STOPPED_APPLICATION_EXIT, (uint32_t)status};
    semihost(SYS_EXIT_EXTENDED, block);
    semihost(SYS_EXIT, (const void *)ADP_STOPPED_APPLICATION_EXIT); /* older hosts: status lost */
    for (;;) {
    }
}

/* ---------------------------------------------------------------------------------------
 * rename */

int _rename(const char *from, const char *to); /* librdimon: SYS_RENAME, errno on failure */

/* Replaces newlib's, which links and unlinks; rename() calls this one. */
int _rename_r(struct _reent *r, const char *from, const char *to) {
    (void)r;
    return _rename(from, to);
}

/* ---------------------------------------------------------------------------------------
 * time */

static int elapsed_ticks(uint64_t *ticks) {
    uint32_t block[2] = {0, 0};
    if (semihost(SYS_ELAPSED, block) != 0) return -1;
    *ticks = (uint64_t)block[1] << 32 | block[0];
    return 0;
}

/* Wall-clock seconds from the host at the first call, advanced by the host's elapsed-time
 * counter, so that differences have sub-millisecond resolution. */
int timespec_get(struct timespec *ts, int base) {
    static int started;
    static time_t start_sec;
    static uint64_t start_ticks, freq;
    if (base != TIME_UTC) return 0;
    uint64_t now = 0;
    if (!started) {
        started = 1;
        start_sec = (time_t)(uint32_t)semihost(SYS_TIME, 0);
        int f = semihost(SYS_TICKFREQ, 0);
        freq = f > 0 ? (uint64_t)f : 0;
        if (freq == 0 || elapsed_ticks(&start_ticks) != 0) freq = 0;
    }
    if (freq != 0 && elapsed_ticks(&now) == 0) {
        uint64_t d = now - start_ticks;
        ts->tv_sec = start_sec + (time_t)(d / freq);
        ts->tv_nsec = (long)((d % freq) * 1000000000u / freq);
    } else {
        ts->tv_sec = (time_t)(uint32_t)semihost(SYS_TIME, 0);
        ts->tv_nsec = 0;
    }
    return base;
}

/* ---------------------------------------------------------------------------------------
 * faults */

static void put_hex(char *out, uint32_t v) {
    for (int i = 7; i >= 0; i--, v >>= 4) out[i] = "0123456789abcdef"[v & 15];
}

void pico_fault_report(const uint32_t *frame) __attribute__((noreturn));
void pico_fault_report(const uint32_t *frame) {
    uint32_t ipsr;
    __asm__ volatile("mrs %0, ipsr" : "=r"(ipsr));
    volatile const uint32_t *cfsr = (const uint32_t *)0xE000ED28, *hfsr = (const uint32_t *)0xE000ED2C;
    static char line[] = "run: fault: exception xxxxxxxx pc xxxxxxxx cfsr xxxxxxxx hfsr xxxxxxxx\n";
    put_hex(line + 22, ipsr & 0x1ff);
    put_hex(line + 34, frame[6]);
    put_hex(line + 48, *cfsr);
    put_hex(line + 62, *hfsr);
    semihost(SYS_WRITE0, line);
    pico_semihost_exit(134);
}
