#include "host/fpcheck.h"

#include <stdint.h>
#include <string.h>

#include "engine/f32.h"
#include "host/selftest.h"

int fp_environment_check(ErrorText *err) {
#ifdef BENCH_ANCHOR_NOT_REFERENCE
    error_clear(err);
    return 0; /* fpcheck.h: the bench's anchor, knowingly not the reference */
#endif
    /* (1 + 2^-12)^2 = 1 + 2^-11 + 2^-24 rounds to 1 + 2^-11 (a tie, to even); minus that is 0.
     * A fused multiply-add keeps the 2^-24. volatile keeps the compiler from folding it. */
    volatile float a = 1.0f + 0x1p-12f, c = -(1.0f + 0x1p-11f);
    float fused_or_not = a * a + c;
    if (f32_to_bits(fused_or_not) != 0)
        return error_set(err, "this build contracts a*b+c into fused multiply-adds; "
                              "compile with -ffp-contract=off for reference results");
    /* the smallest subnormal must survive a multiplication by 1 */
    volatile float tiny = 0x1p-149f, one = 1.0f;
    if (f32_to_bits(tiny * one) != 1u)
        return error_set(err, "this build flushes subnormal floats to zero; reference results need IEEE-754 subnormals");
    /* the checks above see only this file's flags; the forward pass has its own */
    return selftest_forward(err);
}
