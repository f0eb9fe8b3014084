/* Guards against builds that would break bit-exactness with the reference order.
 * Compile time: -ffast-math and excess precision (x87) are refused.
 * Start-up: fp_environment_check() catches FMA contraction and flush-to-zero. */
#ifndef ENGINE_FPCHECK_H
#define ENGINE_FPCHECK_H

#include <float.h>

#include "errors.h"

#if defined(__FAST_MATH__)
#error "reference builds must not use -ffast-math or -Ofast: results would depend on the compiler"
#endif
#if defined(__FLT_EVAL_METHOD__) && __FLT_EVAL_METHOD__ != 0
#error "float expressions must be evaluated in float (FLT_EVAL_METHOD 0): use SSE or a float FPU, not x87"
#endif
#if defined(FLT_EVAL_METHOD) && FLT_EVAL_METHOD != 0
#error "float expressions must be evaluated in float (FLT_EVAL_METHOD 0)"
#endif

/* 0 when float arithmetic behaves as IEEE-754 binary32 without contraction; else -1. */
int fp_environment_check(ErrorText *err);

#endif
