/* Guards against builds that would break bit-exactness with the reference order.
 * Compile time: -ffast-math and excess precision (x87) are refused.
 * Start-up: fp_environment_check() catches FMA contraction and flush-to-zero, here and in
 * the forward pass (host/selftest.c runs it on a tiny model). */
#ifndef ENGINE_FPCHECK_H
#define ENGINE_FPCHECK_H

#include <float.h>

#include "host/errors.h"

/* BENCH_ANCHOR_NOT_REFERENCE: the one build that turns the guards off, `make bench`'s
 * anchor (the reference path at -Ofast -march=native, to show what the original's advice
 * gives; its results are not the reference). Never define it for anything else. */
#if defined(__FAST_MATH__) && !defined(BENCH_ANCHOR_NOT_REFERENCE)
#error "reference builds must not use -ffast-math or -Ofast: results would depend on the compiler"
#endif
/* Excess precision: the message names the target's fix (ports/cross/cross.mk uses it). */
#if defined(__FLT_EVAL_METHOD__) && __FLT_EVAL_METHOD__ != 0
#if defined(__s390x__) || defined(__s390__)
#error "s390x: GCC evaluates float in double under ISO C (FLT_EVAL_METHOD 1); the FPU computes in float: compile with -fexcess-precision=fast"
#elif defined(__i386__)
#error "i686: float expressions are evaluated on the x87 (FLT_EVAL_METHOD != 0): compile with -msse2 -mfpmath=sse"
#else
#error "float expressions must be evaluated in float (FLT_EVAL_METHOD 0): use SSE or a float FPU, not x87"
#endif
#endif
#if !defined(__FLT_EVAL_METHOD__) && defined(FLT_EVAL_METHOD) && FLT_EVAL_METHOD != 0
#error "float expressions must be evaluated in float (FLT_EVAL_METHOD 0)"
#endif

/* 0 when float arithmetic, here and in the forward pass, behaves as IEEE-754 binary32
 * without contraction; else -1 with a one-line message. */
int fp_environment_check(ErrorText *err);

#endif
