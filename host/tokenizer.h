/* The BPE tokenizer of llama2.c: tokenizer.bin format, encode with byte fallback and the
 * sentencepiece dummy prefix, decode with <0xHH> byte tokens. */
#ifndef ENGINE_TOKENIZER_H
#define ENGINE_TOKENIZER_H

#include <stddef.h>

#include "host/errors.h"
#include "host/input_file.h"

#define TOKEN_BOS 1
#define TOKEN_EOS 2

typedef struct {
    const char *str;
    int id;
} TokenIndex;

typedef struct {
    char **vocab;
    float *vocab_scores;
    TokenIndex *sorted_vocab; /* by strcmp, equal strings in id order */
    int vocab_size;
    unsigned int max_token_length; /* as the file declares it */
    size_t longest_piece;          /* as the strings really are */
    unsigned char byte_pieces[512]; /* stores all single-byte strings */
    char *merge_buffer;            /* room for two pieces side by side */
} Tokenizer;

/* Parses a tokenizer image of vocab_size entries. Trailing bytes mean the file holds more
 * tokens than the model: an error. name is used in messages. */
int tokenizer_init_from_image(Tokenizer *t, const unsigned char *image, size_t size, int vocab_size,
                              const char *name, ErrorText *err);
int tokenizer_load(Tokenizer *t, const char *path, int vocab_size, ErrorText *err);
/* The same, telling watch (host/input_file.h) the file's identity and the bytes read;
 * the tokenizer must be a regular file. */
int tokenizer_load_watched(Tokenizer *t, const char *path, int vocab_size, InputWatch *watch, ErrorText *err);
void tokenizer_free(Tokenizer *t);

/* Upper bound of the tokens encode() writes for a text of text_len bytes. */
size_t tokenizer_max_tokens(size_t text_len);

/* Encodes text into tokens (room for tokenizer_max_tokens(strlen(text))).
 * Fails, with a message, where the original would index out of the vocabulary:
 * no " " token for the dummy prefix, or byte fallback beyond vocab_size. */
int encode(const Tokenizer *t, const char *text, int bos, int eos, int *tokens, int *n_tokens, ErrorText *err);

/* The text of `token` after `prev_token`: leading space stripped after BOS,
 * <0xHH> byte tokens turned into the byte. */
const char *decode(const Tokenizer *t, int prev_token, int token);

/* The id of a piece, or -1. */
int str_lookup(const char *str, const TokenIndex *sorted_vocab, int vocab_size);

/* What safe_printf would print of a piece: NULL for nothing. Single bytes that are
 * neither printable nor white space (in the C locale) are dropped. */
const char *printable_piece(const char *piece);

#endif
