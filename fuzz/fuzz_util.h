/* What several fuzz harnesses share: a scratch folder with /dev/null beside it, and a
 * tokenizer.bin image of a small vocabulary. */
#ifndef FUZZ_FUZZ_UTIL_H
#define FUZZ_FUZZ_UTIL_H

#include <stddef.h>
#include <stdio.h>

/* A fresh folder NAME-XXXXXX under $TMPDIR (or /tmp, when it is unset or too long for
 * dir's size bytes) into dir, and /dev/null open for writing into *devnull. Returns NULL,
 * or what failed ("mkdtemp", "/dev/null"). */
const char *fuzz_scratch(char *dir, size_t size, const char *name, FILE **devnull);

/* Writes the tokenizer.bin image of vocab tokens into image: <unk> <s> </s>, then for each
 * id from 3 the text piece(id, out) leaves in out (at most 15 bytes and a NUL), each
 * scored -id. image has room for 4 + vocab * 24 bytes; returns the bytes written. */
size_t fuzz_tokenizer_image(unsigned char *image, int vocab, void (*piece)(int id, char out[16]));

#endif
