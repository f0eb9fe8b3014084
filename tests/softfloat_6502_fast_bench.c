/* Cycle counts of the 6502 fast paths (engine/softfloat/6502/) beside the C soft-float,
 * measured with sim65 -c (make softfloat-bench-6502-fast).
 *
 * usage: softfloat_6502_fast_bench OP COUNT
 *   (OP: none add add6502 mul mul6502 mac dot div div6502 lt lt6502)
 * add, mul, div, lt: the C functions; add6502, mul6502, div6502, lt6502: the assembly; mac: sf32_add(acc,
 * sf32_mul(w, x)) in C as kernels.c's dot did it; dot: COUNT elements of dot() (the
 * assembly loop) in rows of 64. The operands are 16 pairs of ordinary magnitudes;
 * cycles per operation are the difference to the run of "none", divided by COUNT. */
#include <stdlib.h>
#include <string.h>

#include "../engine/softfloat/softfloat.h"
#include "../engine/softfloat/6502/fast.h"

static const sf32 operands_a[16] = {
    0x3F800000UL, 0xBE4CCCCDUL, 0x40490FDBUL, 0x3DCCCCCDUL, 0xC1200000UL, 0x3F3504F3UL,
    0x42C80000UL, 0xBF000000UL, 0x3E99999AUL, 0x41F00000UL, 0xBC23D70AUL, 0x3FB504F3UL,
    0x44FA0000UL, 0xBF7FFFFFUL, 0x3A83126FUL, 0x40A00000UL};
static const sf32 operands_b[16] = {
    0x3EAAAAABUL, 0x3F19999AUL, 0xC0000000UL, 0x3C23D70AUL, 0x3F800001UL, 0xBF3504F3UL,
    0x3D4CCCCDUL, 0x40400000UL, 0xC2480000UL, 0x3E800000UL, 0x3F666666UL, 0x3B03126FUL,
    0xBF400000UL, 0x41200000UL, 0x3FC00000UL, 0x3E4CCCCDUL};

volatile sf32 sink; /* results go here so no call can be dropped */
static sf32 row_w[64], row_x[64];

static const char *const names[] = {"none", "add", "add6502", "mul", "mul6502", "mac", "dot",
                                     "div", "div6502", "lt", "lt6502"};

int main(int argc, char **argv)
{
    unsigned long count, n;
    unsigned char i, op;
    sf32 acc = 0;

    if (argc != 3)
        return 2;
    for (op = 0; op < sizeof names / sizeof names[0]; ++op)
        if (strcmp(argv[1], names[op]) == 0)
            break;
    if (op == sizeof names / sizeof names[0])
        return 2;
    count = strtoul(argv[2], NULL, 10);
    for (i = 0; i < 64; ++i) {
        row_w[i] = operands_a[i & 15];
        row_x[i] = operands_b[(i * 7) & 15];
    }
    if (op == 6) {
        for (n = 0; n < count; n += 64)
            sink = dot(row_w, row_x, 64);
        return 0;
    }
    for (n = 0; n < count; ++n) {
        i = (unsigned char)n & 15;
        switch (op) {
        case 0:
            sink = operands_a[i];
            break;
        case 1:
            sink = sf32_add(operands_a[i], operands_b[i]);
            break;
        case 2:
            sink = sf32_add_6502(operands_a[i], operands_b[i]);
            break;
        case 3:
            sink = sf32_mul(operands_a[i], operands_b[i]);
            break;
        case 4:
            sink = sf32_mul_6502(operands_a[i], operands_b[i]);
            break;
        case 5:
            acc = sf32_add(acc, sf32_mul(operands_a[i], operands_b[i]));
            sink = acc;
            break;
        case 7:
            sink = sf32_div(operands_a[i], operands_b[i]);
            break;
        case 8:
            sink = sf32_div_6502(operands_a[i], operands_b[i]);
            break;
        case 9:
            sink = (sf32)sf32_lt(operands_a[i], operands_b[i]);
            break;
        default:
            sink = (sf32)sf32_lt_6502(operands_a[i], operands_b[i]);
            break;
        }
    }
    return 0;
}
