/* The 6502 soft-float fast paths (engine/softfloat/6502/: sf32_mul_6502, sf32_add_6502,
 * sf32_sub_6502, sf32_div_6502, the comparisons, sf32_to_long_6502 and dot) checked against the hardware-float vector stream of
 * softfloat_6502_fast_gen.c, read from standard input. Runs in sim65.
 *
 * usage: softfloat_6502_fast_gen N SEED | sim65 softfloat_6502_fast
 * Exit status 0 when every vector matches and the stream ended on a whole record.
 *
 * Built for the C64 (FAST_VECTORS names a file with the records as C array elements, from
 * softfloat_6502_fast_gen --c64), it runs them with the fast paths in the RAM under the
 * KERNAL and writes its report to the screen and to the printer (device 4), where the
 * test reads it. The report is written in lower case, which cc65 turns into the PETSCII
 * codes of upper-case letters: the ASCII of the upper-case text. The jiffy clock must
 * advance while it runs (interrupts taken while the ROM is banked out). Its status goes to
 * VICE's debug cartridge ($D7FF, -debugcart), which ends the emulator with it. */
#include <stdio.h>
#include <string.h>
#ifdef FAST_VECTORS
#include <cbm.h>
#endif

#include "../engine/softfloat/softfloat.h"
#include "../engine/softfloat/6502/fast.h"
#include "softfloat_6502_fast.h"

static const char *const op_names[FAST_OPS] = {"mul", "add", "sub", "mac", "elem", "dot", "div", "lt", "le", "eq", "to_long"};

/* A little-endian 32-bit value; the 6502 is little-endian too, and a copy is much cheaper
 * than cc65's 32-bit shifts. */
static unsigned long get32(const unsigned char *p)
{
    unsigned long v;
    memcpy(&v, p, 4);
    return v;
}

#ifdef FAST_VECTORS
static const unsigned char vectors[] = {
#include FAST_VECTORS
};
static size_t vectors_at;

/* The next records, as fread would give them. */
static size_t next_records(unsigned char *to, size_t size)
{
    size_t n = sizeof vectors - vectors_at;
    if (n > size)
        n = size;
    memcpy(to, vectors + vectors_at, n);
    vectors_at += n;
    return n;
}

#else
#define next_records(to, size) fread((to), 1, (size), stdin)
#endif
static char report[80];

/* The line in report: on standard output (the screen), and on the C64 the printer. */
static void say(void)
{
    fputs(report, stdout);
#ifdef FAST_VECTORS
    cbm_write(4, report, strlen(report));
#endif
}
#define SAY(args) (sprintf args, say())

#ifdef FAST_VECTORS
#define EXIT(status) return (*(unsigned char *)0xD7FF = (status))
#else
#define EXIT(status) return (status)
#endif

static unsigned char block[FAST_RECORD_SIZE * 32];
static unsigned long counts[FAST_OPS];
static sf32 w[FAST_DOT_MAX], x[FAST_DOT_MAX];
static sf32 pair_w[2], pair_x[2] = {0x3F800000UL, 0};
static int elements;

int main(void)
{
    size_t got, i;
    unsigned long total = 0, mismatches = 0;
    unsigned char op;

#ifdef FAST_VECTORS
    unsigned int jiffies;
    cbm_open(4, 4, 0, "");
    jiffies = *(unsigned char *)0xA2 | (unsigned int)*(unsigned char *)0xA1 << 8;
#endif
    while ((got = next_records(block, sizeof block)) > 0) {
        if (got % FAST_RECORD_SIZE != 0) {
            size_t more = next_records(block + got, sizeof block - got);
            got += more;
            if (got % FAST_RECORD_SIZE != 0) {
                printf("softfloat_6502_fast: the stream ends inside a record\n");
                EXIT(2);
            }
        }
        for (i = 0; i < got; i += FAST_RECORD_SIZE) {
            const unsigned char *r = block + i;
            unsigned long a = get32(r + 1), b = get32(r + 5), c = get32(r + 9), want = get32(r + 13);
            unsigned long result = want;
            op = r[0];
            switch (op) {
            case FAST_MUL:
                result = sf32_mul_6502(a, b);
                break;
            case FAST_ADD:
                result = sf32_add_6502(a, b);
                break;
            case FAST_SUB:
                result = sf32_sub_6502(a, b);
                break;
            case FAST_DIV:
                result = sf32_div_6502(a, b);
                break;
            case FAST_LT:
                result = (unsigned long)sf32_lt_6502(a, b);
                break;
            case FAST_LE:
                result = (unsigned long)sf32_le_6502(a, b);
                break;
            case FAST_EQ:
                result = (unsigned long)sf32_eq_6502(a, b);
                break;
            case FAST_TO_LONG:
                result = (unsigned long)sf32_to_long_6502(a);
                break;
            case FAST_MAC:
                pair_w[0] = a;
                pair_w[1] = b;
                pair_x[1] = c;
                result = dot(pair_w, pair_x, 2);
                break;
            case FAST_ELEM:
                if (elements == FAST_DOT_MAX) {
                    printf("softfloat_6502_fast: more than %d elements\n", FAST_DOT_MAX);
                    EXIT(2);
                }
                w[elements] = a;
                x[elements] = b;
                ++elements;
                break;
            case FAST_DOT:
                if (a != (unsigned long)elements) {
                    printf("softfloat_6502_fast: a dot product of %lu elements after %d\n", a, elements);
                    EXIT(2);
                }
                result = dot(w, x, elements);
                elements = 0;
                break;
            default:
                printf("softfloat_6502_fast: bad record (operation %u)\n", op);
                EXIT(2);
            }
            ++counts[op];
            ++total;
            if (result != want) {
                if (mismatches < 10)
                    SAY((report, "%s(%08lx, %08lx, %08lx) = %08lx, expected %08lx\n", op_names[op], a, b, c,
                         result, want));
                ++mismatches;
            }
        }
    }
    for (op = 0; op < FAST_OPS; ++op)
        SAY((report, "%s: %lu\n", op_names[op], counts[op]));
#ifdef FAST_VECTORS
    jiffies = (*(unsigned char *)0xA2 | (unsigned int)*(unsigned char *)0xA1 << 8) - jiffies;
    SAY((report, "jiffies: %u\n", jiffies));
    if (jiffies == 0) {
        SAY((report, "the jiffy clock stood still\n"));
        EXIT(1);
    }
#endif
    if (total == 0) {
        SAY((report, "softfloat_6502_fast: no vectors\n"));
        EXIT(2);
    }
    if (mismatches != 0) {
        SAY((report, "%lu of %lu vectors failed\n", mismatches, total));
        EXIT(1);
    }
    SAY((report, "all %lu vectors match\n", total));
#ifdef FAST_VECTORS
    cbm_close(4);
#endif
    EXIT(0);
}
