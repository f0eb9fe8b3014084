/* Fuzz target: tokenizer load, encode and decode.
 *
 * Input layout (little-endian):
 *   u16 vocab_size    the model's vocabulary size the tokenizer must match (0 is tried too)
 *   u16 text_control  bits 0..13: text length; bit 14: add BOS; bit 15: add EOS
 *   text              that many bytes (fewer if the input ends), cut at its first NUL
 *   image             the rest: a tokenizer.bin image
 * A loaded tokenizer encodes the text; every token must be inside the vocabulary and there
 * must be no more than tokenizer_max_tokens() of them (BOS and EOS are fixed ids, even
 * when the vocabulary is smaller; BOS may be merged with the next piece, as in the original). Each token is decoded after the one
 * before it (as run.c prints), and every vocabulary entry is decoded after BOS. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "host/tokenizer.h"

static void fail(const char *what) {
    fprintf(stderr, "fuzz_tokenizer: %s\n", what);
    abort();
}

/* Touches every byte of a decoded piece, so a piece that is not a C string in valid
 * memory shows up under the sanitizers. */
static size_t check_piece(const char *piece) {
    if (piece == NULL) fail("decode returned NULL");
    size_t n = strlen(piece);
    const char *printed = printable_piece(piece);
    if (printed != NULL && printed != piece) fail("printable_piece returned another string");
    return n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (size < 4) return 0;
    int vocab_size = data[0] | data[1] << 8;
    unsigned control = (unsigned)(data[2] | data[3] << 8);
    size_t text_len = control & 0x3FFF;
    int bos = (control >> 14) & 1, eos = (control >> 15) & 1;
    size_t at = 4;
    if (text_len > size - at) text_len = size - at;
    char *text = malloc(text_len + 1);
    if (text == NULL) return 0;
    memcpy(text, data + at, text_len);
    text[text_len] = '\0';
    at += text_len;

    Tokenizer t;
    ErrorText err;
    if (tokenizer_init_from_image(&t, data + at, size - at, vocab_size, "fuzz", &err) != 0) {
        if (err.text[0] == '\0') fail("tokenizer_init_from_image failed without a message");
        free(text);
        return 0;
    }
    if (t.vocab_size != vocab_size) fail("vocab_size changed");

    size_t room = tokenizer_max_tokens(strlen(text));
    int *tokens = malloc(room * sizeof *tokens);
    if (tokens == NULL) fail("out of memory");
    int n = -1;
    if (encode(&t, text, bos, eos, tokens, &n, &err) == 0) {
        if (n < 0 || (size_t)n > room) fail("encode wrote more tokens than tokenizer_max_tokens");
        if (bos && n < 1) fail("BOS missing");
        if (eos && (n < 1 || tokens[n - 1] != TOKEN_EOS)) fail("EOS missing");
        /* BOS and EOS are the fixed ids 1 and 2, even in a vocabulary of fewer tokens (as
         * in the original); BOS takes part in the merges, so it may be merged away. Every
         * other token comes from the vocabulary. */
        int first = bos && tokens[0] == TOKEN_BOS && TOKEN_BOS >= vocab_size, last = eos ? n - 1 : n;
        int prev = TOKEN_BOS;
        for (int i = first; i < last; i++) {
            if (tokens[i] < 0 || tokens[i] >= vocab_size) fail("encode produced a token outside the vocabulary");
            check_piece(decode(&t, prev, tokens[i]));
            prev = tokens[i];
        }
    } else if (err.text[0] == '\0') {
        fail("encode failed without a message");
    }
    for (int id = 0; id < vocab_size; id++) {
        check_piece(decode(&t, TOKEN_BOS, id));
        /* every piece can be found again (or an entry with the same string) */
        int found = str_lookup(t.vocab[id], t.sorted_vocab, t.vocab_size);
        if (found < 0 || found >= vocab_size || strcmp(t.vocab[found], t.vocab[id]) != 0)
            fail("str_lookup does not find a vocabulary entry");
    }
    free(tokens);
    tokenizer_free(&t);
    free(text);
    return 0;
}
