/* How the forward pass reaches the weights: one row at a time, in a fixed order.
 *
 * On a host or a Pico the checkpoint is in memory and a row is a pointer into it. On a
 * 6502 the weights live outside the address space (files under sim65, the REU on a C64)
 * and are streamed: every forward step asks for the rows in exactly the order below, so a
 * streaming source only ever reads forward. A converter writes that order to a file
 * (the "weight stream", ports/c64/README.md).
 *
 * Order of one forward step, after the embedding row of the input token:
 *   for each layer l:  RMS_ATT(l), WQ(l) rows 0..dim-1, WK(l) rows 0..kv_dim-1,
 *                      WV(l) rows 0..kv_dim-1, WO(l) rows 0..dim-1, RMS_FFN(l),
 *                      W1(l) rows 0..hidden-1, W3(l) rows 0..hidden-1, W2(l) rows 0..dim-1
 *   then RMS_FINAL, CLASSIFIER rows 0..vocab-1.
 * A row of a matrix (d, n) is its n weights; an RMS weight vector is one row. */
#ifndef ENGINE_WEIGHTS_H
#define ENGINE_WEIGHTS_H

typedef enum {
    WEIGHTS_EMBEDDING,  /* row = token; not part of the stream order */
    WEIGHTS_RMS_ATT,
    WEIGHTS_WQ,
    WEIGHTS_WK,
    WEIGHTS_WV,
    WEIGHTS_WO,
    WEIGHTS_RMS_FFN,
    WEIGHTS_W1,
    WEIGHTS_W3,
    WEIGHTS_W2,
    WEIGHTS_RMS_FINAL,
    WEIGHTS_CLASSIFIER
} WeightTensor;

#endif
