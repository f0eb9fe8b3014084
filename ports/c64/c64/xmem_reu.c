/* External memory on a C64: the REU (1700/1764/1750 or a larger one, 2 MiB for
 * stories260K), through cc65's extended memory driver for it (c64-reu.emd, linked in).
 *
 * em_copyfrom/em_copyto start a DMA transfer at page * 256 + offs. On REUs larger than
 * 512 KiB the bank bits above 512 KiB are a latch the transfer does not increment, so a
 * transfer is split at every 64 KiB bank boundary. The image is already in the REU: VICE
 * loads it at start-up (-reuimage), a real machine needs it loaded by other means. */
#include <c64.h>
#include <em.h>

#include "../common/image.h"
#include "../common/xmem.h"

#define BANK 0x10000UL

static struct em_copy copy;

static void transfer(xaddr at, void *buf, unsigned n, int to_reu) {
    unsigned char *p = (unsigned char *)buf;
    while (n > 0) {
        unsigned long room = BANK - (at & (BANK - 1));
        unsigned chunk = room < n ? (unsigned)room : n;
        copy.buf = p;
        copy.offs = (unsigned char)(at & 0xFF);
        copy.page = (unsigned)(at >> 8);
        copy.count = chunk;
        if (to_reu) em_copyto(&copy);
        else em_copyfrom(&copy);
        p += chunk;
        at += chunk;
        n -= chunk;
    }
}

void xmem_open(const char *image, const char *work) {
    unsigned char header[IMAGE_HEADER_BYTES];
    unsigned long end;
    (void)image;
    (void)work;
    if (em_install(c64_reu_emd) != EM_ERR_OK) xmem_fail("no REU found");
    transfer(0, header, IMAGE_HEADER_BYTES, 0);
    if (header[0] != IMAGE_MAGIC0 || header[1] != IMAGE_MAGIC1 || header[2] != IMAGE_MAGIC2 ||
        header[3] != IMAGE_MAGIC3)
        xmem_fail("the REU holds no model image");
    /* the KV and scratch areas must be in the REU too, not wrapped onto the weights */
    end = (unsigned long)header[IMAGE_AT_END] | (unsigned long)header[IMAGE_AT_END + 1] << 8 |
          (unsigned long)header[IMAGE_AT_END + 2] << 16 | (unsigned long)header[IMAGE_AT_END + 3] << 24;
    if ((end + 255) / 256 > (unsigned long)em_pagecount()) xmem_fail("the REU is smaller than the model image needs");
}

void xmem_read(xaddr at, void *to, unsigned n) { transfer(at, to, n, 0); }

void xmem_write(xaddr at, const void *from, unsigned n) { transfer(at, (void *)from, n, 1); }

void xmem_close(void) { em_uninstall(); }
