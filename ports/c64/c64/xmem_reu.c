/* External memory on a C64: the REU (1700/1764/1750 or a larger one, 2 MiB for
 * stories260K), through its DMA controller directly (reu.h).
 *
 * Not cc65's c64-reu.emd: its INSTALL finds the REU's size by writing the bank number into
 * the first byte of every 64 KiB bank, which destroys 32 bytes of a model image that is
 * already in the REU (the magic included). This backend checks the size without losing a
 * byte (bank_wraps) and is smaller (no 256-byte window); ports/c64/README.md.
 *
 * Transfers are split at every 64 KiB bank boundary: on REUs larger than 512 KiB the bank
 * bits above 512 KiB are a latch the transfer does not increment. The image is already in
 * the REU: VICE loads it at start-up (-reuimage), a real machine needs it loaded by other
 * means (ports/c64/README.md). */
#include "ports/c64/common/console.h"
#include "ports/c64/common/image.h"
#include "ports/c64/common/xmem.h"
#include "ports/c64/c64/reu.h"

#define BANK 0x10000UL

static void transfer(unsigned char command, xaddr at, unsigned char *p, unsigned n) {
    unsigned char bank = (unsigned char)(at >> 16);
    unsigned offset = (unsigned)(at & 0xFFFF), chunk;
    while (n > 0) {
        /* the room left in the bank is 65536 - offset (all of n when offset is 0) */
        chunk = offset != 0 && n > (unsigned)(BANK - offset) ? (unsigned)(BANK - offset) : n;
        reu_dma(command, p, bank, offset, chunk);
        p += chunk;
        n -= chunk;
        offset = (offset + chunk) & 0xFFFFu;
        if (offset == 0) bank++;
    }
}

/* Nonzero when bank `last` is not a bank of its own: an REU ignores the address bits
 * beyond its size, so on one of 2^k banks bank `last` is bank last mod 2^k. A byte
 * written to bank `last` then shows in that bank below it. Every byte touched is put
 * back (when the banks are one, the saved bytes are the same byte). */
static unsigned char bank_wraps(unsigned char last) {
    unsigned char mask, below, original, probe, before, after;
    reu_dma(REU_FETCH, &original, last, 0, 1);
    probe = (unsigned char)~original;
    for (mask = 0; mask < last; mask = (unsigned char)(mask * 2 + 1)) {
        below = (unsigned char)(last & mask);
        reu_dma(REU_FETCH, &before, below, 0, 1);
        reu_dma(REU_STASH, &probe, last, 0, 1);
        reu_dma(REU_FETCH, &after, below, 0, 1);
        reu_dma(REU_STASH, &original, last, 0, 1);
        if (after != before) return 1;
    }
    return 0;
}

void xmem_open(const char *image, const char *work) {
    unsigned char header[IMAGE_HEADER_BYTES];
    unsigned long end;
    (void)image;
    (void)work;
    if (!reu_present()) xmem_fail("no REU found");
    transfer(REU_FETCH, 0, header, IMAGE_HEADER_BYTES);
    if (header[0] != IMAGE_MAGIC0 || header[1] != IMAGE_MAGIC1 || header[2] != IMAGE_MAGIC2 ||
        header[3] != IMAGE_MAGIC3)
        xmem_fail("the REU holds no model image");
    /* the KV and scratch areas must be in the REU too, not wrapped onto the weights */
    end = (unsigned long)header[IMAGE_AT_END] | (unsigned long)header[IMAGE_AT_END + 1] << 8 |
          (unsigned long)header[IMAGE_AT_END + 2] << 16 | (unsigned long)header[IMAGE_AT_END + 3] << 24;
    if (end > 256UL * BANK || (end > 0 && bank_wraps((unsigned char)((end - 1) >> 16))))
        xmem_fail("the REU is smaller than the model image needs");
}

/* The weight stream reads the REU all through a step (thousands of reads a token):
 * the place to notice the RUN/STOP key without waiting for the step to end. */
void xmem_read(xaddr at, void *to, unsigned n) {
    console_poll();
    transfer(REU_FETCH, at, (unsigned char *)to, n);
}

void xmem_write(xaddr at, const void *from, unsigned n) { transfer(REU_STASH, at, (unsigned char *)from, n); }

void xmem_close(void) {}
