/* Files are little-endian whatever the host is. */
#ifndef ENGINE_BYTEORDER_H
#define ENGINE_BYTEORDER_H

#include <stdint.h>
#include <string.h>

static inline uint32_t le32_read(const unsigned char *p) {
    return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) | ((uint32_t)p[3] << 24);
}

static inline int32_t le32_read_int(const unsigned char *p) {
    uint32_t u = le32_read(p);
    /* two's complement without relying on implementation-defined conversion */
    return u <= 0x7fffffffu ? (int32_t)u : (int32_t)(u - 0x80000000u) - 0x7fffffff - 1;
}

static inline float le32_read_float(const unsigned char *p) {
    uint32_t u = le32_read(p);
    float f;
    memcpy(&f, &u, sizeof f);
    return f;
}

static inline int host_is_little_endian(void) {
    const uint32_t one = 1;
    unsigned char b;
    memcpy(&b, &one, 1);
    return b == 1;
}

#endif
