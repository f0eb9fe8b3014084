/* Makes the fuzzers' seed corpora from the project's real inputs, at build time.
 *
 * usage: mkseeds OUT MODELS GOLDEN ACCEPTANCE
 *
 * Writes OUT/checkpoint, OUT/tokenizer, OUT/options, OUT/trace and OUT/diff. Seeds are small
 * slices of the models (headers, the first kilobytes, a tiny checkpoint whose weights are
 * the first floats of a real one, the first tokens of a tokenizer), golden traces cut to a
 * few kilobytes, and the acceptance cases' command lines. Nothing here is committed: the
 * corpora live under the build folder. Missing inputs are skipped with a note. */
#define _POSIX_C_SOURCE 200809L
#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static const char *out_dir;
static int written;

static unsigned char *read_all(const char *path, size_t *size) {
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        fprintf(stderr, "mkseeds: skipping %s: %s\n", path, strerror(errno));
        return NULL;
    }
    size_t cap = 1 << 16, n = 0;
    unsigned char *data = malloc(cap);
    while (data != NULL) {
        n += fread(data + n, 1, cap - n, f);
        if (n < cap) break;
        unsigned char *bigger = realloc(data, cap * 2);
        if (bigger == NULL) free(data);
        data = bigger;
        cap *= 2;
    }
    fclose(f);
    if (data == NULL) {
        fprintf(stderr, "mkseeds: out of memory reading %s\n", path);
        exit(1);
    }
    *size = n;
    return data;
}

/* The next entry of the open folder dir (at folder) named a nonempty stem and suffix: its
 * name into *name, folder/name into path; returns the stem's length, or -1 after the last. */
static int next_with_suffix(DIR *dir, const char *folder, const char *suffix, char *path, size_t size,
                            const char **name) {
    struct dirent *e;
    size_t n = strlen(suffix);
    while ((e = readdir(dir)) != NULL) {
        size_t len = strlen(e->d_name);
        if (len <= n || strcmp(e->d_name + len - n, suffix) != 0) continue;
        snprintf(path, size, "%s/%s", folder, e->d_name);
        *name = e->d_name;
        return (int)(len - n);
    }
    return -1;
}

static void make_dir(const char *path) {
    if (mkdir(path, 0777) != 0 && errno != EEXIST) {
        fprintf(stderr, "mkseeds: cannot create %s: %s\n", path, strerror(errno));
        exit(1);
    }
}

/* Writes OUT/target/name from up to three pieces. */
static void seed3(const char *target, const char *name, const void *a, size_t na, const void *b, size_t nb,
                  const void *c, size_t nc) {
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", out_dir, target);
    make_dir(path);
    snprintf(path, sizeof path, "%s/%s/%s", out_dir, target, name);
    FILE *f = fopen(path, "wb");
    if (f == NULL || fwrite(a, 1, na, f) != na || (nb && fwrite(b, 1, nb, f) != nb) ||
        (nc && fwrite(c, 1, nc, f) != nc) || fclose(f) != 0) {
        fprintf(stderr, "mkseeds: cannot write %s\n", path);
        exit(1);
    }
    written++;
}

static void seed(const char *target, const char *name, const void *data, size_t n) {
    seed3(target, name, data, n, NULL, 0, NULL, 0);
}

static void put_le32(unsigned char *p, uint32_t v) {
    for (int i = 0; i < 4; i++) p[i] = (unsigned char)(v >> (8 * i));
}

static uint32_t get_le32(const unsigned char *p) {
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* ---- checkpoints */

static void checkpoint_seeds(const char *models) {
    static const char *const files[] = {"stories260K.bin", "synth32k.bin", "synth512u.bin"};
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        char path[4096], name[256];
        snprintf(path, sizeof path, "%s/%s", models, files[i]);
        size_t size;
        unsigned char *data = read_all(path, &size);
        if (data == NULL) continue;
        size_t cuts[] = {28, 64, 4096};
        for (size_t c = 0; c < sizeof cuts / sizeof cuts[0]; c++) {
            if (cuts[c] > size) continue;
            snprintf(name, sizeof name, "%s-head%zu", files[i], cuts[c]);
            seed("checkpoint", name, data, cuts[c]);
        }
        /* a whole, tiny checkpoint whose weights are this model's first floats: dim 8,
         * hidden 16, 1 layer, 2 heads, 1 kv head, vocab 16 (shared and not), seq_len 4 */
        int32_t config[7] = {8, 16, 1, 2, 1, 16, 4};
        for (int shared = 0; shared < 2; shared++) {
            config[5] = shared ? 16 : -16;
            size_t floats = 16 * 8 + 8 + 8 * 8 + 2 * 8 * 4 + 8 * 8 + 8 + 3 * 8 * 16 + 8 + 4 * 4 + (shared ? 0 : 16 * 8);
            size_t bytes = 28 + floats * 4;
            if (bytes > size) continue;
            unsigned char *tiny = malloc(bytes);
            if (tiny == NULL) exit(1);
            for (int k = 0; k < 7; k++) put_le32(tiny + 4 * k, (uint32_t)config[k]);
            memcpy(tiny + 28, data + 28, bytes - 28);
            snprintf(name, sizeof name, "%s-tiny-%s", files[i], shared ? "shared" : "unshared");
            seed("checkpoint", name, tiny, bytes);
            free(tiny);
        }
        free(data);
    }
}

/* ---- tokenizers */

static void tokenizer_seed(const char *name, int vocab, const char *text, int bos, int eos, const unsigned char *image,
                           size_t image_size) {
    size_t text_len = strlen(text);
    unsigned char prefix[4];
    unsigned control = (unsigned)text_len | (unsigned)bos << 14 | (unsigned)eos << 15;
    prefix[0] = (unsigned char)vocab;
    prefix[1] = (unsigned char)(vocab >> 8);
    prefix[2] = (unsigned char)control;
    prefix[3] = (unsigned char)(control >> 8);
    seed3("tokenizer", name, prefix, 4, text, text_len, image, image_size);
}

/* The bytes of the first n tokens of a tokenizer image (header included), or 0. */
static size_t tokenizer_prefix(const unsigned char *image, size_t size, int n) {
    size_t at = 4;
    for (int i = 0; i < n; i++) {
        if (size - at < 8) return 0;
        uint32_t len = get_le32(image + at + 4);
        at += 8;
        if (len > size - at) return 0;
        at += len;
    }
    return at;
}

static void tokenizer_seeds(const char *models) {
    static const char *const texts[] = {
        "", "Zoo", "Once upon a time, there was a little girl named Lily.", " leading and  double  spaces ",
        "caf\xc3\xa9 na\xc3\xafve \xe4\xb8\x96\xe7\x95\x8c \xf0\x9f\x99\x82", "\x80\xff\xc3 broken \xe4\xb8 utf-8",
        "[INST] <<SYS>>\nYou are a storyteller.\n<</SYS>>\n\nTell me a story [/INST]", "<0x41><0x0A>\ttab\n",
    };
    char path[4096], name[256];
    size_t size;
    snprintf(path, sizeof path, "%s/tok512.bin", models);
    unsigned char *data = read_all(path, &size);
    if (data != NULL) {
        for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
            snprintf(name, sizeof name, "tok512-text%zu", i);
            tokenizer_seed(name, 512, texts[i], i % 2 == 0, i % 3 == 0, data, size);
        }
        tokenizer_seed("tok512-vocab511", 511, "Zoo", 1, 0, data, size);
        size_t cut = tokenizer_prefix(data, size, 300);
        if (cut) tokenizer_seed("tok512-first300", 300, "the theory", 1, 1, data, cut);
        free(data);
    }
    snprintf(path, sizeof path, "%s/tokenizer.bin", models);
    data = read_all(path, &size);
    if (data != NULL) {
        int counts[] = {3, 260, 1000};
        for (size_t c = 0; c < sizeof counts / sizeof counts[0]; c++) {
            size_t cut = tokenizer_prefix(data, size, counts[c]);
            if (cut == 0) continue;
            snprintf(name, sizeof name, "llama-first%d", counts[c]);
            tokenizer_seed(name, counts[c], texts[c % (sizeof texts / sizeof texts[0])], 1, 0, data, cut);
        }
        free(data);
    }
}

/* ---- command lines */

/* One .args line decoded: @MODELS@ becomes "models", then \\ \n \t and \x escapes. */
static size_t decode_arg(const char *line, char *out) {
    size_t n = 0;
    for (const char *c = line; *c != '\0'; c++) {
        if (strncmp(c, "@MODELS@", 8) == 0) {
            memcpy(out + n, "models", 6);
            n += 6;
            c += 7;
        } else if (*c == '\\' && c[1] != '\0') {
            c++;
            out[n++] = *c == 'n' ? '\n' : *c == 't' ? '\t' : *c;
        } else {
            out[n++] = *c;
        }
    }
    return n;
}

static void options_seed_from_args(const char *path, const char *name) {
    size_t size;
    unsigned char *data = read_all(path, &size);
    if (data == NULL) return;
    char *out = malloc(size * 2 + 16);
    char *line = malloc(size + 1);
    if (out == NULL || line == NULL) exit(1);
    size_t n = 0, at = 0;
    int first = 1;
    while (at < size) {
        size_t end = at;
        while (end < size && data[end] != '\n') end++;
        memcpy(line, data + at, end - at);
        line[end - at] = '\0';
        if (!first) out[n++] = '\0';
        first = 0;
        n += decode_arg(line, out + n);
        at = end + 1;
    }
    seed("options", name, out, n);
    free(out);
    free(line);
    free(data);
}

static void options_seeds(const char *acceptance) {
    DIR *dir = opendir(acceptance);
    if (dir == NULL) {
        fprintf(stderr, "mkseeds: skipping %s: %s\n", acceptance, strerror(errno));
    } else {
        char path[4096], name[512];
        const char *file;
        int stem;
        while ((stem = next_with_suffix(dir, acceptance, ".args", path, sizeof path, &file)) >= 0) {
            snprintf(name, sizeof name, "args-%.*s", stem, file);
            options_seed_from_args(path, name);
        }
        closedir(dir);
    }
    /* the extensions, which the recorded cases do not use */
    static const char ext1[] = "m.bin\0--math\0libm\0--logits\0topk:8\0--layers\0--trace\0t.trace\0-n\0" "60";
    static const char ext2[] = "m.bin\0-m\0chat\0-y\0You are a storyteller.\0-i\0Tell me a story\0--platform\0PICO";
    static const char ext3[] = "m.bin\0--logits\0full\0--math\0portable\0-t\0" "0\0-p\0" "1.5\0-s\0-7";
    static const char ext4[] = "--help";
    seed("options", "ext-trace", ext1, sizeof ext1 - 1);
    seed("options", "ext-chat", ext2, sizeof ext2 - 1);
    seed("options", "ext-math", ext3, sizeof ext3 - 1);
    seed("options", "ext-help", ext4, sizeof ext4 - 1);
}

/* ---- traces */

/* The lines of a trace up to about `budget` bytes, then its last line. */
static size_t trace_cut(const unsigned char *data, size_t size, size_t budget, unsigned char *out) {
    if (size <= budget) {
        memcpy(out, data, size);
        return size;
    }
    size_t end = budget;
    while (end > 0 && data[end - 1] != '\n') end--;
    memcpy(out, data, end);
    size_t last = size;
    if (last > 0 && data[last - 1] == '\n') last--;
    while (last > 0 && data[last - 1] != '\n') last--;
    memcpy(out + end, data + last, size - last);
    return end + (size - last);
}

static void trace_seeds(const char *golden) {
    DIR *maths = opendir(golden);
    if (maths == NULL) {
        fprintf(stderr, "mkseeds: skipping %s: %s\n", golden, strerror(errno));
        return;
    }
    unsigned char *previous = NULL;
    size_t previous_size = 0;
    char previous_name[512] = "";
    int traces_seen = 0;
    struct dirent *m;
    while ((m = readdir(maths)) != NULL) {
        if (m->d_name[0] == '.' || strcmp(m->d_name, "stdin") == 0) continue;
        char sub[4096];
        snprintf(sub, sizeof sub, "%s/%s", golden, m->d_name);
        DIR *dir = opendir(sub);
        if (dir == NULL) continue;
        char path[8192], name[1024];
        const char *file;
        int stem;
        while ((stem = next_with_suffix(dir, sub, ".trace", path, sizeof path, &file)) >= 0) {
            size_t size;
            unsigned char *data = read_all(path, &size);
            if (data == NULL) continue;
            unsigned char *cut = malloc(size + 1);
            if (cut == NULL) exit(1);
            size_t n = trace_cut(data, size, 6000, cut);
            cut[n] = '\0';
            snprintf(name, sizeof name, "%s-%.*s", m->d_name, stem, file);
            seed("trace", name, cut, n);
            /* diff inputs (fuzz/fuzz_diff.c): a control byte (the level and options), the
             * u32 length of the first trace, the first, the second */
            unsigned char split[5];
            put_le32(split + 1, (uint32_t)n);
            split[0] = (unsigned char)(traces_seen % 8 | (traces_seen % 3 == 0) << 3);
            snprintf(name, sizeof name, "self-%s-%.*s", m->d_name, stem, file);
            seed3("diff", name, split, 5, cut, n, cut, n);
            if (previous != NULL) {
                split[0] = (unsigned char)((traces_seen + 3) % 8);
                snprintf(name, sizeof name, "pair-%s-%.*s", previous_name, stem, file);
                seed3("diff", name, split, 5, cut, n, previous, previous_size);
            }
            split[0] = (unsigned char)(traces_seen % 2 == 0 ? 1 : 2);
            /* the same trace with one logit changed: a difference the diff must find */
            unsigned char *changed = malloc(n);
            if (changed == NULL) exit(1);
            memcpy(changed, cut, n);
            unsigned char *v = (unsigned char *)strstr((char *)cut, " V=");
            if (v != NULL && v + 3 < cut + n) changed[(v + 3) - cut] ^= 1;
            snprintf(name, sizeof name, "changed-%s-%.*s", m->d_name, stem, file);
            seed3("diff", name, split, 5, cut, n, changed, n);
            traces_seen++;
            free(changed);
            free(previous);
            previous = cut;
            previous_size = n;
            snprintf(previous_name, sizeof previous_name, "%.*s", stem, file);
            free(data);
        }
        closedir(dir);
    }
    closedir(maths);
    free(previous);
}

int main(int argc, char **argv) {
    if (argc != 5) {
        fprintf(stderr, "usage: mkseeds OUT MODELS GOLDEN ACCEPTANCE\n");
        return 2;
    }
    out_dir = argv[1];
    make_dir(out_dir);
    checkpoint_seeds(argv[2]);
    tokenizer_seeds(argv[2]);
    options_seeds(argv[4]);
    trace_seeds(argv[3]);
    printf("mkseeds: %d seed files in %s\n", written, out_dir);
    return 0;
}
