/* What several fuzz harnesses share; see fuzz_util.h. */
#define _POSIX_C_SOURCE 200809L /* mkdtemp */
#include "fuzz/fuzz_util.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

const char *fuzz_scratch(char *dir, size_t size, const char *name, FILE **devnull) {
    const char *tmp = getenv("TMPDIR");
    if (tmp == NULL || strlen(tmp) + strlen(name) + 9 > size) tmp = "/tmp"; /* "/", "-XXXXXX", NUL */
    snprintf(dir, size, "%s/%s-XXXXXX", tmp, name);
    if (mkdtemp(dir) == NULL) return "mkdtemp";
    *devnull = fopen("/dev/null", "w");
    return *devnull == NULL ? "/dev/null" : NULL;
}

size_t fuzz_tokenizer_image(unsigned char *image, int vocab, void (*piece)(int id, char out[16])) {
    static const char *const special[] = {"<unk>", "<s>", "</s>"};
    size_t size = 4;
    memset(image, 0, 4); /* max_token_length 0 */
    for (int id = 0; id < vocab; id++) {
        char text[16];
        if (id < 3) snprintf(text, sizeof text, "%s", special[id]);
        else piece(id, text);
        size_t len = strlen(text);
        float score = -(float)id;
        uint32_t bits;
        memcpy(&bits, &score, 4);
        for (int b = 0; b < 4; b++) image[size + (size_t)b] = (unsigned char)(bits >> (8 * b));
        for (int b = 0; b < 4; b++) image[size + 4 + (size_t)b] = (unsigned char)(len >> (8 * b));
        memcpy(image + size + 8, text, len);
        size += 8 + len;
    }
    return size;
}
