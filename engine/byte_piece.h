/* The byte pieces of a sentencepiece vocabulary ("<0x0A>"), read as llama2.c reads them:
 * one definition for the host's tokenizer and the 6502 program's. C89; characters are
 * compared as ASCII codes, since cc65 translates character literals to PETSCII. */
#ifndef ENGINE_BYTE_PIECE_H
#define ENGINE_BYTE_PIECE_H

/* What sscanf(piece, "<0x%02hhX>", &byte) == 1 accepts: "<0x", optional white space,
 * an optional sign and hex digits within a field of two characters. The closing '>' is
 * not checked, as sscanf reports success before matching it. 1 with *byte set, or 0. */
int byte_piece_parse(const unsigned char *piece, unsigned char *byte);

/* isspace in the "C" locale: space, \t, \n, \v, \f, \r. */
int byte_piece_is_space(unsigned char c);

#endif
