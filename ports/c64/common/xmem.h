/* External memory: the byte address space outside the 6502's 64 KiB that holds the model
 * image (ports/c64/common/image.h) and the KV cache.
 *
 * This is the one interface through which the 6502 program reaches its weights and its
 * KV cache. Each platform links one backend:
 *   ports/c64/sim65/xmem_files.c   sim65: the image file and page files for the KV cache,
 *                                  through the host's open/read/write/close (no lseek)
 *   ports/c64/c64/xmem_reu.c       C64: the REU, through cc65's em driver (c64-reu.emd)
 *   ports/c64/host/xmem_memory.c   host tests: the image in a heap buffer
 * Addresses below the KV area (IMAGE_AT_KV) are read-only. A failure (no device, a read
 * error, an address beyond the end) is reported through xmem_fail(), which the program
 * defines and which does not return. C89. */
#ifndef PORTS_C64_XMEM_H
#define PORTS_C64_XMEM_H

typedef unsigned long xaddr;

/* Opens the external memory. image names the image file where the backend has files
 * (sim65, host tests), work a folder for the KV cache's files (sim65 only); the REU
 * backend ignores both. The file backends read the image header to learn where the
 * writable KV area starts (IMAGE_AT_KV). */
void xmem_open(const char *image, const char *work);
void xmem_read(xaddr at, void *to, unsigned n);
void xmem_write(xaddr at, const void *from, unsigned n);
void xmem_close(void);

/* Defined by the program: reports what failed and ends the program. */
void xmem_fail(const char *what);

#endif
