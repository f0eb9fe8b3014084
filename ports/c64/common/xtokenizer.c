/* The tokenizer on the image's compact section; see xtokenizer.h. */
#include "ports/c64/common/xtokenizer.h"

#include <string.h>

#include "engine/byte_piece.h"
#include "engine/f32.h"
#include "ports/c64/common/image.h"

static xaddr section;
static int vocab;
static unsigned char piece[IMAGE_PIECE_LIMIT + 2]; /* decode's result, and one probe of lookup */
static char pair[2 * IMAGE_PIECE_LIMIT + 1];       /* two pieces side by side */

static unsigned long read32(xaddr at) {
    unsigned char b[4];
    xmem_read(at, b, 4);
    return (unsigned long)b[0] | (unsigned long)b[1] << 8 | (unsigned long)b[2] << 16 | (unsigned long)b[3] << 24;
}

/* Reads token id's piece into to (NUL-terminated) and returns its score's bits. */
static f32_bits_t read_piece(int id, unsigned char *to) {
    unsigned char head[5];
    xaddr at = section + read32(section + 4UL * (unsigned)id);
    xmem_read(at, head, 5);
    xmem_read(at + 5, to, head[4]);
    to[head[4]] = 0;
    return (f32_bits_t)head[0] | (f32_bits_t)head[1] << 8 | (f32_bits_t)head[2] << 16 | (f32_bits_t)head[3] << 24;
}

void xtok_open(xaddr at, int vocab_size) {
    section = at;
    vocab = vocab_size;
}

/* The classic halving search over the ids sorted by piece, as host/tokenizer.c's
 * str_lookup: with equal pieces it finds the same one. */
int xtok_lookup(const char *str) {
    unsigned lo = 0, hi = (unsigned)vocab, mid;
    unsigned char b[2];
    int id, c;
    while (lo < hi) {
        mid = (lo + hi) / 2;
        xmem_read(section + 4UL * (unsigned)vocab + 2UL * mid, b, 2);
        id = (int)(b[0] | (unsigned)b[1] << 8);
        read_piece(id, piece);
        c = strcmp(str, (const char *)piece);
        if (c < 0) hi = mid;
        else if (c > 0) lo = mid + 1;
        else return id;
    }
    return -1;
}

int xtok_encode(const char *text, int bos, int eos, int *tokens, int *n_tokens) {
    static const char space[] = {0x20, 0};
    char utf8[5]; /* one UTF-8 character, at most 4 bytes */
    unsigned str_len = 0, i;
    const char *c;
    int id, n = 0;
    if (bos) tokens[n++] = XTOK_BOS;

    /* add_dummy_prefix: a leading " " token, but only if text is not empty */
    if (text[0] != 0) {
        id = xtok_lookup(space);
        if (id < 0) return XTOK_NO_SPACE_TOKEN;
        tokens[n++] = id;
    }

    /* UTF-8 characters that are in the vocabulary become their token; others fall back to
     * one token per byte, id = byte + 3 (after <unk>, <s>, </s>). */
    for (c = text; *c != 0; c++) {
        if ((*c & 0xC0) != 0x80) str_len = 0; /* not a continuation byte: a new character */
        utf8[str_len++] = *c;
        utf8[str_len] = 0;
        if ((*(c + 1) & 0xC0) == 0x80 && str_len < 4) continue;
        id = xtok_lookup(utf8);
        if (id != -1) {
            tokens[n++] = id;
        } else {
            for (i = 0; i < str_len; i++) {
                int byte_token = (unsigned char)utf8[i] + 3;
                if (byte_token >= vocab) return XTOK_NO_BYTE_TOKEN;
                tokens[n++] = byte_token;
            }
        }
        str_len = 0;
    }

    /* merge the best consecutive pair each iteration, by score: the leftmost of equal
     * scores, and only scores above -1e10 (the original's start value) */
    for (;;) {
        f32 best_score = F32_BITS(0xD01502F9); /* (float)-1e10 */
        int best_id = -1, best_idx = -1, k;
        unsigned a;
        for (k = 0; k < n - 1; k++) {
            read_piece(tokens[k], piece);
            a = (unsigned)strlen((const char *)piece);
            memcpy(pair, piece, a);
            read_piece(tokens[k + 1], piece);
            strcpy(pair + a, (const char *)piece);
            id = xtok_lookup(pair);
            if (id != -1) {
                f32 score = f32_from_bits(read_piece(id, piece));
                if (f32_lt(best_score, score)) {
                    best_score = score;
                    best_id = id;
                    best_idx = k;
                }
            }
        }
        if (best_idx == -1) break;
        tokens[best_idx] = best_id;
        for (k = best_idx + 1; k < n - 1; k++) tokens[k] = tokens[k + 1];
        n--;
    }
    if (eos) tokens[n++] = XTOK_EOS;
    *n_tokens = n;
    return 0;
}

const char *xtok_decode(int prev_token, int token) {
    unsigned char *p = piece;
    unsigned char byte;
    read_piece(token, piece);
    /* following BOS, the sentencepiece decoder strips any leading whitespace */
    if (prev_token == XTOK_BOS && p[0] == 0x20) p++;
    if (byte_piece_parse(p, &byte)) {
        piece[0] = byte;
        piece[1] = 0;
        p = piece;
    }
    return (const char *)p;
}

const char *xtok_printable(const char *text) {
    unsigned char b;
    if (text == 0 || text[0] == 0) return 0;
    if (text[1] == 0) {
        b = (unsigned char)text[0];
        if (!((b >= 0x20 && b <= 0x7E) || byte_piece_is_space(b))) return 0;
    }
    return text;
}
