/* SHA-256 (FIPS 180-4), for naming the exact model and tokenizer files in a trace header. */
#ifndef TRACE_SHA256_H
#define TRACE_SHA256_H

#include <stddef.h>
#include <stdint.h>

typedef struct {
    uint32_t state[8];
    uint64_t length; /* bytes so far */
    unsigned char block[64];
    size_t used;     /* bytes in block */
} Sha256;

void sha256_init(Sha256 *h);
void sha256_update(Sha256 *h, const void *data, size_t n);
/* 32-byte digest */
void sha256_final(Sha256 *h, unsigned char digest[32]);
/* The digest of a whole file as 64 lower-case hex digits and its size; 0, or -1 with errno. */
int sha256_file(const char *path, char hex[65], uint64_t *bytes);

#endif
