/* Cycle counts of the cc65-compiled soft-float operations, measured with sim65 -c.
 *
 * usage: softfloat_6502_bench OP COUNT    (OP: add sub mul div sqrt lt from_long
 * to_long floor). Runs OP COUNT times over 16 fixed operand pairs of ordinary magnitudes
 * (the kind a forward pass sees); cycles per operation are the difference between runs
 * with two counts divided by the difference of the counts. */
#include <stdlib.h>
#include <string.h>

#include "../engine/softfloat/softfloat.h"

static const sf32 operands_a[16] = {
    0x3F800000UL, 0xBE4CCCCDUL, 0x40490FDBUL, 0x3DCCCCCDUL, 0xC1200000UL, 0x3F3504F3UL,
    0x42C80000UL, 0xBF000000UL, 0x3E99999AUL, 0x41F00000UL, 0xBC23D70AUL, 0x3FB504F3UL,
    0x44FA0000UL, 0xBF7FFFFFUL, 0x3A83126FUL, 0x40A00000UL};
static const sf32 operands_b[16] = {
    0x3EAAAAABUL, 0x3F19999AUL, 0xC0000000UL, 0x3C23D70AUL, 0x3F800001UL, 0xBF3504F3UL,
    0x3D4CCCCDUL, 0x40400000UL, 0xC2480000UL, 0x3E800000UL, 0x3F666666UL, 0x3B03126FUL,
    0xBF400000UL, 0x41200000UL, 0x3FC00000UL, 0x3E4CCCCDUL};

/* Results go here so no call can be dropped. */
volatile sf32 sink;
volatile long long_sink;

static const char *const names[] = {"none", "add", "sub", "mul", "div", "sqrt", "lt",
                                    "from_long", "to_long", "floor"};

int main(int argc, char **argv)
{
    unsigned long count, n;
    unsigned char i, op;

    if (argc != 3)
        return 2;
    for (op = 0; op < sizeof names / sizeof names[0]; ++op)
        if (strcmp(argv[1], names[op]) == 0)
            break;
    if (op == sizeof names / sizeof names[0])
        return 2;
    count = strtoul(argv[2], NULL, 10);
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
            sink = sf32_sub(operands_a[i], operands_b[i]);
            break;
        case 3:
            sink = sf32_mul(operands_a[i], operands_b[i]);
            break;
        case 4:
            sink = sf32_div(operands_a[i], operands_b[i]);
            break;
        case 5:
            sink = sf32_sqrt(operands_a[i] & 0x7FFFFFFFUL);
            break;
        case 6:
            sink = (sf32)sf32_lt(operands_a[i], operands_b[i]);
            break;
        case 7:
            sink = sf32_from_long((long)operands_a[i] >> (i + 4));
            break;
        case 8:
            long_sink = sf32_to_long_trunc(operands_a[i]);
            break;
        default:
            sink = sf32_floor(operands_a[i]);
            break;
        }
    }
    return 0;
}
