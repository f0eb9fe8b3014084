/* External memory for the host tests: the image file read into a heap buffer that also
 * holds the KV area. Reads beyond the end and writes below the KV area fail, as they do
 * on the 6502 backends. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ports/c64/common/image.h"
#include "ports/c64/common/xmem.h"

static unsigned char *memory;
static xaddr kv_at, end;

static unsigned long field(const unsigned char *p) {
    return (unsigned long)p[0] | (unsigned long)p[1] << 8 | (unsigned long)p[2] << 16 | (unsigned long)p[3] << 24;
}

void xmem_open(const char *image, const char *work) {
    unsigned char header[IMAGE_HEADER_BYTES];
    FILE *f = fopen(image, "rb");
    (void)work;
    if (f == NULL || fread(header, 1, sizeof header, f) != sizeof header) xmem_fail("cannot read the image file");
    kv_at = field(header + IMAGE_AT_KV);
    end = field(header + IMAGE_AT_END);
    free(memory);
    memory = calloc(end, 1);
    if (memory == NULL) xmem_fail("out of memory for the image");
    rewind(f);
    if (fread(memory, 1, kv_at, f) != kv_at) xmem_fail("the image file is truncated");
    fclose(f);
}

void xmem_read(xaddr at, void *to, unsigned n) {
    if (at > end || n > end - at) xmem_fail("a read beyond the end of external memory");
    memcpy(to, memory + at, n);
}

void xmem_write(xaddr at, const void *from, unsigned n) {
    if (at < kv_at || at > end || n > end - at) xmem_fail("a write outside the KV area");
    memcpy(memory + at, from, n);
}

void xmem_close(void) {
    free(memory);
    memory = NULL;
}
