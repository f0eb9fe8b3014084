/* The soft-float library as compiled by cc65 (16-bit int, 32-bit long), checked against
 * vectors the host computed with hardware float (softfloat_6502_gen.c). Runs in sim65.
 *
 * usage: softfloat_6502_check FILE    exit status 0 when every vector matches */
#include <stdio.h>

#include "../engine/softfloat/softfloat.h"
#include "softfloat_6502.h"

static const char *const op_names[VEC_OPS] = {"add", "sub", "mul", "div", "sqrt", "eq",
                                              "lt", "le", "from_long", "to_long", "floor"};

static unsigned long get32(const unsigned char *p)
{
    return (unsigned long)p[0] | (unsigned long)p[1] << 8 | (unsigned long)p[2] << 16 |
           (unsigned long)p[3] << 24;
}

/* The operation's result as a 32-bit pattern. */
static unsigned long run(unsigned char op, unsigned long a, unsigned long b)
{
    switch (op) {
    case VEC_ADD:
        return sf32_add(a, b);
    case VEC_SUB:
        return sf32_sub(a, b);
    case VEC_MUL:
        return sf32_mul(a, b);
    case VEC_DIV:
        return sf32_div(a, b);
    case VEC_SQRT:
        return sf32_sqrt(a);
    case VEC_EQ:
        return (unsigned long)sf32_eq(a, b);
    case VEC_LT:
        return (unsigned long)sf32_lt(a, b);
    case VEC_LE:
        return (unsigned long)sf32_le(a, b);
    case VEC_FROM_LONG:
        return sf32_from_long((long)a);
    case VEC_TO_LONG:
        return (unsigned long)sf32_to_long_trunc(a);
    default:
        return sf32_floor(a);
    }
}

static unsigned char block[VEC_RECORD_SIZE * 64];
static unsigned long counts[VEC_OPS];

int main(int argc, char **argv)
{
    FILE *in;
    size_t got, i;
    unsigned long total = 0, mismatches = 0;
    unsigned char op;

    if (argc != 2) {
        printf("usage: softfloat_6502_check FILE\n");
        return 2;
    }
    in = fopen(argv[1], "rb");
    if (in == NULL) {
        printf("cannot open %s\n", argv[1]);
        return 2;
    }
    while ((got = fread(block, VEC_RECORD_SIZE, 64, in)) > 0) {
        for (i = 0; i < got; ++i) {
            const unsigned char *r = block + i * VEC_RECORD_SIZE;
            unsigned long a = get32(r + 1), b = get32(r + 5), want = get32(r + 9);
            unsigned long result;
            op = r[0];
            if (op >= VEC_OPS) {
                printf("bad vector file\n");
                return 2;
            }
            result = run(op, a, b);
            ++counts[op];
            ++total;
            if (result != want) {
                if (mismatches < 10)
                    printf("%s(%08lx, %08lx) = %08lx, expected %08lx\n", op_names[op], a, b,
                           result, want);
                ++mismatches;
            }
        }
    }
    fclose(in);
    for (op = 0; op < VEC_OPS; ++op)
        printf("%s %lu  ", op_names[op], counts[op]);
    printf("\n6502 soft-float: %lu vectors, %lu mismatches\n", total, mismatches);
    return (mismatches == 0 && total > 0) ? 0 : 1;
}
