/* Every differing region of two texts; see conform_align.h.
 *
 * Walk both texts while they agree. At a difference, look for the nearest place where they
 * agree again: the smallest skip de + da (de bytes of EXPECTED, da of ACTUAL, each at most
 * RESYNC_WINDOW) after which RESYNC_RUN bytes are equal, or both texts end. The skipped
 * bytes are a region. When no such place exists the texts diverge for good and the rest of
 * both is the last region. Greedy, linear in the texts for local differences (a piece
 * printed wrongly, a word missing), and never worse than RESYNC_WINDOW^2 per region. */
#include "cli/conform_align.h"

#include <stdlib.h>
#include <string.h>

#define END_REGION_MAX 8

static int agree_from(const unsigned char *e, size_t e_len, size_t i, const unsigned char *a, size_t a_len, size_t j) {
    size_t k = 0;
    while (k < RESYNC_RUN && i + k < e_len && j + k < a_len && e[i + k] == a[j + k]) k++;
    if (k == RESYNC_RUN) return 1;
    return i + k == e_len && j + k == a_len ? 2 : 0; /* equal up to both ends */
}

static void add_region(TextRegions *r, size_t i, size_t de, size_t j, size_t da) {
    TextRegion *grown = realloc(r->regions, (size_t)(r->n + 1) * sizeof *grown);
    if (grown == NULL) {
        r->failed = 1;
        return;
    }
    r->regions = grown;
    grown[r->n].exp_offset = i;
    grown[r->n].exp_len = de;
    grown[r->n].act_offset = j;
    grown[r->n].act_len = da;
    r->n++;
}

void text_align(const unsigned char *e, size_t e_len, const unsigned char *a, size_t a_len, TextRegions *out) {
    memset(out, 0, sizeof *out);
    size_t i = 0, j = 0;
    while (i < e_len || j < a_len) {
        if (i < e_len && j < a_len && e[i] == a[j]) {
            i++;
            j++;
            out->same_bytes++;
            continue;
        }
        int found = 0;
        size_t de = 0, da = 0;
        for (size_t d = 1; d <= 2 * RESYNC_WINDOW && !found; d++) {
            for (de = d > RESYNC_WINDOW ? d - RESYNC_WINDOW : 0; de <= d && de <= RESYNC_WINDOW; de++) {
                da = d - de;
                if (i + de > e_len || j + da > a_len) continue;
                int agree = agree_from(e, e_len, i + de, a, a_len, j + da);
                /* agreeing only on the last few bytes is no resynchronisation, unless the
                 * region is short (one piece printed otherwise at the very end) */
                if (agree == 1 || (agree == 2 && de <= END_REGION_MAX && da <= END_REGION_MAX)) {
                    found = 1;
                    break;
                }
            }
        }
        if (!found) {
            add_region(out, i, e_len - i, j, a_len - j);
            out->for_good = 1;
            return;
        }
        add_region(out, i, de, j, da);
        i += de;
        j += da;
    }
}

void text_regions_free(TextRegions *r) {
    free(r->regions);
    memset(r, 0, sizeof *r);
}
