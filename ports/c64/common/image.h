/* The model image: what the 6502 program reads from external memory.
 *
 * ports/c64/tools/c64pack.c writes it from a llama2.c checkpoint and its tokenizer. The
 * same file is the weight file under sim65 and the REU image on a C64 (VICE loads it into
 * the REU at start-up, so it is padded to the exact REU size). Byte addresses in the image
 * are the addresses of the external memory (ports/c64/common/xmem.h). All numbers are
 * little-endian 32-bit; floats are IEEE-754 binary32 bit patterns.
 *
 * Layout, every section starting on a 256-byte page:
 *   header      one page, fields below
 *   tokenizer   the tokenizer in a compact form for lookups in external memory:
 *               vocab 32-bit addresses of the piece records (relative to the section),
 *               vocab 16-bit ids sorted by strcmp of their pieces (equal pieces in id
 *               order), then per token a record: score (float), length (one byte), the
 *               piece's bytes up to its first NUL (as the C strings of the reference hold it)
 *   embedding   vocab rows of dim floats, row = token (random access by token)
 *   stream      the weights in the order a forward step reads them (engine/weights.h):
 *               per layer RMS_ATT, WQ, WK, WV, WO, RMS_FFN, W1, W3, W2 row by row, then
 *               RMS_FINAL and the CLASSIFIER rows (a copy of the embedding when shared)
 *   KV cache    not in the file: the area the program writes keys and values to, for
 *               KV_POSITIONS positions: per layer the keys then the values, each
 *               KV_POSITIONS rows of kv_dim floats
 *   scratch     not in the file: vocab floats, where the program keeps the raw logits of
 *               a step while the sampler overwrites them
 * The tokenizer comes first and the stream last because sim65 has no lseek: going back
 * means reopening the file and reading forward, which stays short for the tokenizer's and
 * the embedding's random reads, while the stream is only ever read forward.
 * C89: this header is shared by the host converter and the cc65 builds. */
#ifndef PORTS_C64_IMAGE_H
#define PORTS_C64_IMAGE_H

#define IMAGE_PAGE 256L
#define IMAGE_VERSION 1L

/* "L2RU" as ASCII codes, the first four bytes */
#define IMAGE_MAGIC0 0x4C
#define IMAGE_MAGIC1 0x32
#define IMAGE_MAGIC2 0x52
#define IMAGE_MAGIC3 0x55

/* Header fields: byte offsets of 32-bit little-endian values */
#define IMAGE_AT_VERSION 4
#define IMAGE_AT_DIM 8
#define IMAGE_AT_HIDDEN 12
#define IMAGE_AT_LAYERS 16
#define IMAGE_AT_HEADS 20
#define IMAGE_AT_KV_HEADS 24
#define IMAGE_AT_VOCAB 28          /* positive */
#define IMAGE_AT_SEQ_LEN 32
#define IMAGE_AT_SHARED 36         /* 1 when the classifier is the embedding table */
#define IMAGE_AT_MODEL_BYTES 40    /* size of the checkpoint file */
#define IMAGE_AT_TOKENIZER_BYTES 44 /* size of the tokenizer file = tokenizer section */
#define IMAGE_AT_MODEL_SHA256 48   /* 32 bytes: the checkpoint file's digest */
#define IMAGE_AT_TOKENIZER_SHA256 80 /* 32 bytes: the tokenizer file's digest */
#define IMAGE_AT_EMBEDDING 112     /* section addresses */
#define IMAGE_AT_STREAM 116
#define IMAGE_AT_STREAM_BYTES 120
#define IMAGE_AT_TOKENIZER 124
#define IMAGE_AT_KV 128
#define IMAGE_AT_KV_POSITIONS 132  /* positions the KV area holds: min(seq_len, what fits) */
#define IMAGE_AT_END 136           /* first address after the KV and scratch areas */
#define IMAGE_AT_FILE_BYTES 140    /* size of the image file (the REU size, or less) */
#define IMAGE_AT_TOKENIZER_SECTION 144 /* bytes of the compact tokenizer section */
#define IMAGE_AT_PIECE_MAX 148     /* length of the longest piece */
#define IMAGE_AT_SCRATCH 152       /* the logits scratch area (vocab floats) */
#define IMAGE_HEADER_BYTES 156

/* Longest piece the 6502 program accepts (the converter refuses longer ones). */
#define IMAGE_PIECE_LIMIT 64

#endif
