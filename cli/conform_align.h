/* Every differing region of two texts: the comparison resynchronises after a difference,
 * so that one wrong piece does not hide that the rest is the same. */
#ifndef CONFORM_ALIGN_H
#define CONFORM_ALIGN_H

#include <stddef.h>

typedef struct {
    size_t exp_offset, exp_len; /* the bytes of EXPECTED in the region */
    size_t act_offset, act_len; /* and of ACTUAL */
} TextRegion;

typedef struct {
    TextRegion *regions;
    long n;
    int for_good;      /* the last region runs to the end of both texts: no resynchronisation */
    size_t same_bytes; /* bytes of EXPECTED outside the regions */
    int failed;        /* out of memory: the list is incomplete */
} TextRegions;

/* Resynchronising after a difference needs this many equal bytes (or both texts' ends)
 * within RESYNC_WINDOW bytes on each side; agreeing only at both ends counts when the
 * region is at most 8 bytes on each side (a piece printed otherwise at the very end). */
#define RESYNC_RUN 16
#define RESYNC_WINDOW 96

void text_align(const unsigned char *e, size_t e_len, const unsigned char *a, size_t a_len, TextRegions *out);
void text_regions_free(TextRegions *r);

#endif
