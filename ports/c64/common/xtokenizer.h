/* The BPE tokenizer of llama2.c for the 6502: encode and decode on the compact tokenizer
 * section of the model image (ports/c64/common/image.h), read in place from external
 * memory, so the vocabulary takes no 6502 RAM.
 *
 * The same results as host/tokenizer.c (ports/c64/tests/test_c64_host.c compares the two on many
 * prompts): the sentencepiece dummy prefix, UTF-8 characters looked up whole with byte
 * fallback, then the merge of the best-scoring pair (the leftmost of equal scores, only
 * scores above -1e10) until none is left; decode strips the space after BOS and turns
 * <0xHH> pieces into their byte. Text is bytes in ASCII/UTF-8, whatever the compiler's
 * character set (cc65 translates literals to PETSCII on the C64: none is used here). C89. */
#ifndef PORTS_C64_XTOKENIZER_H
#define PORTS_C64_XTOKENIZER_H

#include "ports/c64/common/xmem.h"

#define XTOK_BOS 1
#define XTOK_EOS 2

/* Errors of xtok_encode */
#define XTOK_NO_SPACE_TOKEN (-1) /* no " " piece for the dummy prefix */
#define XTOK_NO_BYTE_TOKEN (-2)  /* byte fallback beyond the vocabulary */

/* The section at `at` of a vocabulary of vocab_size tokens. */
void xtok_open(xaddr at, int vocab_size);

/* Encodes text into tokens (room for strlen(text) + 3); 0 or an XTOK_ error. */
int xtok_encode(const char *text, int bos, int eos, int *tokens, int *n_tokens);

/* The text of token after prev_token, NUL-terminated; valid until the next call. */
const char *xtok_decode(int prev_token, int token);

/* What the reference prints of a piece: NULL for nothing (an empty piece, or a single
 * byte that is neither printable ASCII nor white space). */
const char *xtok_printable(const char *piece);

/* The id of a piece, or -1. */
int xtok_lookup(const char *piece);

#endif
