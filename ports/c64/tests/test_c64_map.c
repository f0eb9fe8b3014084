/* The 6502 programs fit their machines: the segments in ld65's map files against the
 * memory maps, with the heap the program allocates for the model and the C stack on top.
 *
 *   test_c64_map C64_MAP SIM65_MAP IMAGE RUN65 GOLDEN_DIR
 *
 * C64 (cc65's c64.cfg): the program loads at $0801 and everything (code, data, BSS, heap,
 * the 576-byte C stack) must end below $D000, where I/O and the KERNAL start. sim65: from
 * $0200 to $FDF0. The heap is measured: `run65 IMAGE WORK --heap N` runs the program's own
 * allocation (ports/c64/common/program.c, shared by both builds) under sim65 and prints
 * what it took from the heap, for the most positions each program allows: the C64's
 * C64_MAX_STEPS, the image's KV area for sim65.
 *
 * Also: the sim65 captures of the C64 scenarios are there, whole (make capture-c64). That
 * they are bit-identical to the host golden is test-captures' gate (tests/test_captures.c);
 * this test makes sure there is something for it to check. */
#define _POSIX_C_SOURCE 200809L
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ports/c64/common/image.h"

#define C_STACK 0x240UL    /* __STACKSIZE__ in ports/c64/c64.mk */
#define C64_START 0x0801UL /* after the load address */
#define C64_LIMIT 0xD000UL
#define SIM65_START 0x0200UL
#define SIM65_LIMIT 0xFDF0UL
#define C64_MAX_STEPS 256  /* ports/c64/c64/main.c */

static const char *c64_map, *sim65_map, *image_path, *run65, *golden_dir;

typedef struct {
    char name[32];
    unsigned long start, end; /* end inclusive */
} Segment;

/* The "Segment list" of an ld65 map file. */
static int read_segments(const char *path, Segment *segments, int max) {
    FILE *f = fopen(path, "r");
    char line[256];
    int n = 0, in_list = 0;
    if (f == NULL) fail_msg("%s: cannot open (make c64)", path);
    while (fgets(line, sizeof line, f) != NULL) {
        if (strncmp(line, "Segment list:", 13) == 0) {
            in_list = 1;
            continue;
        }
        if (!in_list) continue;
        Segment s;
        unsigned long size, align;
        if (sscanf(line, "%31s %lx %lx %lx %lx", s.name, &s.start, &s.end, &size, &align) == 5) {
            if (n < max) segments[n++] = s;
        } else if (n > 0 && (line[0] == '\n' || line[0] == '\r')) {
            break;
        }
    }
    fclose(f);
    return n;
}

static const Segment *find(const Segment *segments, int n, const char *name) {
    for (int i = 0; i < n; i++)
        if (strcmp(segments[i].name, name) == 0) return &segments[i];
    return NULL;
}

static unsigned long field(const unsigned char *h, int at) {
    return (unsigned long)h[at] | (unsigned long)h[at + 1] << 8 | (unsigned long)h[at + 2] << 16 |
           (unsigned long)h[at + 3] << 24;
}

/* The KV area's positions in the image. */
static unsigned long image_positions(void) {
    unsigned char h[IMAGE_HEADER_BYTES];
    FILE *f = fopen(image_path, "rb");
    if (f == NULL || fread(h, 1, sizeof h, f) != sizeof h) fail_msg("%s: cannot read (make c64-images)", image_path);
    fclose(f);
    return field(h, IMAGE_AT_KV_POSITIONS);
}

/* The heap bytes the program allocates for `positions`, measured under sim65. */
static unsigned long heap_bytes(unsigned long positions) {
    char work[] = "/tmp/c64-map-XXXXXX", command[2048], line[64];
    unsigned long bytes = 0;
    if (mkdtemp(work) == NULL) fail_msg("mkdtemp failed");
    snprintf(command, sizeof command, "sim65 '%s' '%s' '%s' --heap %lu", run65, image_path, work, positions);
    FILE *p = popen(command, "r");
    if (p == NULL || fgets(line, sizeof line, p) == NULL || sscanf(line, "%lu", &bytes) != 1)
        fail_msg("%s: no heap figure", command);
    pclose(p);
    rmdir(work);
    assert_true(bytes > 1000);
    return bytes;
}

static void check_program(const char *map, unsigned long start, unsigned long limit, unsigned long positions,
                          const char *machine) {
    Segment segments[32];
    int n = read_segments(map, segments, 32);
    assert_true(n >= 4);
    unsigned long top = 0;
    for (int i = 0; i < n; i++) {
        if (strcmp(segments[i].name, "ZEROPAGE") == 0 || strcmp(segments[i].name, "EXEHDR") == 0 ||
            strcmp(segments[i].name, "LOADADDR") == 0)
            continue;
        if (segments[i].start < start || segments[i].end >= limit)
            fail_msg("%s: segment %s at $%04lX-$%04lX is outside $%04lX-$%04lX", machine, segments[i].name,
                     segments[i].start, segments[i].end, start, limit - 1);
        /* on the C64, BSS overlays ONCE (start-up code), which may reach past it: the heap
         * may take that space once the program runs */
        if (segments[i].end > top && strcmp(segments[i].name, "ONCE") != 0) top = segments[i].end;
    }
    const Segment *bss = find(segments, n, "BSS");
    assert_non_null(bss);
    assert_true(bss->end == top); /* the heap starts after BSS */
    unsigned long heap = heap_bytes(positions);
    unsigned long free_bytes = limit - C_STACK - (bss->end + 1);
    printf("    %s: program and BSS $%04lX-$%04lX (%lu bytes), heap for %lu positions %lu of %lu free bytes, "
           "C stack %lu\n",
           machine, start, bss->end, bss->end + 1 - start, positions, heap, free_bytes, C_STACK);
    if (heap > free_bytes) fail_msg("%s: the heap needs %lu bytes, %lu are free", machine, heap, free_bytes);
}

static void test_c64_fits(void **state) {
    (void)state;
    unsigned long positions = image_positions();
    check_program(c64_map, C64_START, C64_LIMIT, positions < C64_MAX_STEPS ? positions : C64_MAX_STEPS, "C64");
}

static void test_sim65_fits(void **state) {
    (void)state;
    check_program(sim65_map, SIM65_START, SIM65_LIMIT, image_positions(), "sim65");
}

/* Whether a scenarios.tsv line is run by the C64 port: its 7th field (ports) is "all" or
 * names c64 in its comma-separated list. */
static int runs_on_c64(const char *line) {
    const char *field = line;
    for (int i = 0; i < 6; i++) {
        field = strchr(field, '\t');
        if (field == NULL) return 0;
        field++;
    }
    size_t n = strcspn(field, "\t\n");
    if (n == 3 && strncmp(field, "all", 3) == 0) return 1;
    for (const char *p = field; p < field + n;) {
        size_t w = strcspn(p, ",\t\n");
        if (w == 3 && strncmp(p, "c64", 3) == 0) return 1;
        p += w + (p[w] == ',');
        if (w == 0) break;
    }
    return 0;
}

/* Every scenario the C64 port runs (scenarios.tsv) has a complete capture with full logits. */
static void test_captures_present(void **state) {
    (void)state;
    char path[1024], line[8192];
    int scenarios = 0;
    snprintf(path, sizeof path, "%s/scenarios.tsv", golden_dir);
    FILE *manifest = fopen(path, "r");
    assert_non_null(manifest);
    while (fgets(line, sizeof line, manifest) != NULL) {
        if (line[0] == '#' || !runs_on_c64(line)) continue;
        char name[128];
        size_t n = strcspn(line, "\t");
        assert_true(n < sizeof name);
        memcpy(name, line, n);
        name[n] = '\0';
        scenarios++;
        snprintf(path, sizeof path, "%s/captures/c64/portable/%s.trace", golden_dir, name);
        FILE *f = fopen(path, "r");
        if (f == NULL) fail_msg("%s: missing (make capture-c64)", path);
        int steps = 0, end = 0, full = 0, platform = 0;
        char record[8192];
        while (fgets(record, sizeof record, f) != NULL) {
            if (strncmp(record, "L2T STEP ", 9) == 0) steps++;
            if (strncmp(record, "L2T END ", 8) == 0) end = 1;
            if (strncmp(record, "L2T RUN ", 8) == 0) full = strstr(record, " MATH=PORTABLE LOGITS=FULL ") != NULL;
            if (strncmp(record, "L2T PLATFORM ", 13) == 0) platform = strstr(record, "ID=SIM65-6502-CC65 ") != NULL;
        }
        fclose(f);
        if (!end || !full || !platform || steps < 16)
            fail_msg("%s: %d steps, END %d, portable full logits %d, sim65 platform %d", path, steps, end, full, platform);
        printf("    %s: %d steps\n", name, steps);
    }
    fclose(manifest);
    assert_true(scenarios >= 2);
}

int main(int argc, char **argv) {
    if (argc != 6) {
        fprintf(stderr, "usage: test_c64_map C64_MAP SIM65_MAP IMAGE RUN65 GOLDEN_DIR\n");
        return 2;
    }
    golden_dir = argv[5];
    c64_map = argv[1];
    sim65_map = argv[2];
    image_path = argv[3];
    run65 = argv[4];
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_c64_fits),
        cmocka_unit_test(test_sim65_fits),
        cmocka_unit_test(test_captures_present),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
