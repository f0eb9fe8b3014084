/* External memory under sim65: host files through the simulator's open/read/write/close.
 *
 * sim65 has no lseek, so:
 * - the image (read-only, below the KV area) is read through one descriptor whose position
 *   the backend tracks: a read further on skips forward by reading, a read further back
 *   reopens the file. The weights are read in order once per token, so this costs little.
 * - the KV area is kept in page files in the work folder, one file of 256 bytes per page,
 *   named after the page number (a page never written reads as zeros). The page last used
 *   is cached; writes go through to its file at once.
 * Also builds on a POSIX host, where the tests exercise it. */
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "ports/c64/common/image.h"
#include "ports/c64/common/xmem.h"

#define PAGE 256
#define NAME_MAX_CHARS 120

static const char *image_name;
static int image_fd = -1;
static xaddr image_pos;   /* where the next read of image_fd starts */
static xaddr kv_at;       /* first address of the page files */
static char page_name[NAME_MAX_CHARS + 8];
static unsigned name_len;  /* length of "work/" in page_name */
static unsigned char page[PAGE];
static xaddr page_number = (xaddr)-1; /* the page in `page`, or -1 */

static void open_image(void) {
    if (image_fd >= 0) close(image_fd);
    image_fd = open(image_name, O_RDONLY);
    if (image_fd < 0) xmem_fail("cannot open the image file");
    image_pos = 0;
}

/* Reads exactly n bytes of the image at image_pos. */
static void image_read(void *to, unsigned n) {
    unsigned char *p = (unsigned char *)to;
    while (n > 0) {
        int got = read(image_fd, p, n);
        if (got <= 0) xmem_fail("read error or end of the image file");
        p += got;
        n -= (unsigned)got;
        image_pos += (unsigned)got;
    }
}

static void image_seek(xaddr at) {
    if (at < image_pos) open_image();
    while (image_pos < at) {
        xaddr gap = at - image_pos;
        /* the page cache is free scratch here: the page files are not involved */
        unsigned n = gap < PAGE ? (unsigned)gap : PAGE;
        page_number = (xaddr)-1;
        image_read(page, n);
    }
}

static void name_page(xaddr number) {
    static const char hex[] = "0123456789ABCDEF";
    int i;
    for (i = 0; i < 6; i++) page_name[name_len + i] = hex[(unsigned)(number >> (4 * (5 - i))) & 15u];
    page_name[name_len + 6] = '\0';
}

static void load_page(xaddr number) {
    int fd, got;
    unsigned have = 0;
    if (number == page_number) return;
    name_page(number);
    fd = open(page_name, O_RDONLY);
    if (fd >= 0) {
        while (have < PAGE && (got = read(fd, page + have, PAGE - have)) > 0) have += (unsigned)got;
        close(fd);
    }
    memset(page + have, 0, PAGE - have);
    page_number = number;
}

static void store_page(void) {
    int fd;
    name_page(page_number);
#ifdef __CC65__
    fd = open(page_name, O_WRONLY | O_CREAT | O_TRUNC); /* sim65 then makes it readable and writable */
#else
    fd = open(page_name, O_WRONLY | O_CREAT | O_TRUNC, 0644);
#endif
    if (fd < 0 || write(fd, page, PAGE) != PAGE) xmem_fail("cannot write a KV cache page file");
    close(fd);
}

void xmem_open(const char *image, const char *work) {
    unsigned char header[IMAGE_HEADER_BYTES];
    unsigned n = (unsigned)strlen(work);
    if (n > NAME_MAX_CHARS) xmem_fail("the work folder's name is too long");
    memcpy(page_name, work, n);
    page_name[n] = '/';
    name_len = n + 1;
    image_name = image;
    open_image();
    image_read(header, IMAGE_HEADER_BYTES);
    kv_at = (xaddr)header[IMAGE_AT_KV] | (xaddr)header[IMAGE_AT_KV + 1] << 8 |
            (xaddr)header[IMAGE_AT_KV + 2] << 16 | (xaddr)header[IMAGE_AT_KV + 3] << 24;
    page_number = (xaddr)-1;
}

void xmem_read(xaddr at, void *to, unsigned n) {
    unsigned char *p = (unsigned char *)to;
    if (at < kv_at) {
        if (at + n > kv_at) xmem_fail("a read crosses into the KV area");
        image_seek(at);
        image_read(p, n);
        return;
    }
    while (n > 0) {
        unsigned offset = (unsigned)(at & (PAGE - 1));
        unsigned chunk = PAGE - offset < n ? PAGE - offset : n;
        load_page(at / PAGE);
        memcpy(p, page + offset, chunk);
        p += chunk;
        at += chunk;
        n -= chunk;
    }
}

void xmem_write(xaddr at, const void *from, unsigned n) {
    const unsigned char *p = (const unsigned char *)from;
    if (at < kv_at) xmem_fail("a write below the KV area");
    while (n > 0) {
        unsigned offset = (unsigned)(at & (PAGE - 1));
        unsigned chunk = PAGE - offset < n ? PAGE - offset : n;
        load_page(at / PAGE);
        memcpy(page + offset, p, chunk);
        store_page();
        p += chunk;
        at += chunk;
        n -= chunk;
    }
}

void xmem_close(void) {
    if (image_fd >= 0) close(image_fd);
    image_fd = -1;
    page_number = (xaddr)-1;
}
