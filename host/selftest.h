/* The start-up self-test of the reference arithmetic as built: the real forward pass
 * (engine/forward.c and the kernels of engine/kernels.c) runs three steps of a tiny
 * built-in model in portable math, and its logits must match constants that were checked
 * on x86-64 and aarch64 (and are reproduced by every cross target, ports/cross/cross.mk).
 * Compiler flags are per file, so a check of its own arithmetic (host/fpcheck.c) cannot
 * see that forward.c was built with FMA contraction or excess precision; this can. */
#ifndef ENGINE_SELFTEST_H
#define ENGINE_SELFTEST_H

#include <stdint.h>

#include "host/errors.h"

enum { SELFTEST_STEPS = 3, SELFTEST_VOCAB = 6 };

/* The bit patterns of the logits of each step, in order. */
void selftest_logits(uint32_t bits[SELFTEST_STEPS * SELFTEST_VOCAB]);

/* 0 when selftest_logits gives the checked constants; else -1 with a one-line message. */
int selftest_forward(ErrorText *err);

#endif
