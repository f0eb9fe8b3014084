/* make bench: whole runs of ./run, interleaved, against an anchor build and, optionally,
 * the original llama2.c run.c.
 *
 *   bench_host [--rounds R] [--markdown FILE] [--bandwidth-mib M] --cache-dir DIR
 *              [--original-o3 PROG --original-ofast PROG]
 *              RUN ANCHOR LABEL=CHECKPOINT,TOKENIZER,STEPS ...
 *
 * For each round, each model and each variant (in an order that rotates every round), one
 * process: RUN plain, RUN --fast --threads 1, the same with --fast-cache DIR/LABEL.fastcache
 * (the file written once before the rounds, so that every timed run maps it), RUN --fast
 * --threads 2 (the measured choice between one thread and two), RUN --fast --threads 2
 * --fixed-threads, ANCHOR (the same reference path built -Ofast -march=native: the speed
 * the original's advice gives, not bit-exact) and, when given, the original run.c built -O3 and -Ofast -march=native. Each
 * run generates STEPS greedy tokens from BOS (-t 0 -s 1). Measured per run: wall time from
 * fork to exit, load time from fork to the first byte of standard output (the first token:
 * open, load, one step), the tok/s the program prints, peak RSS (wait4).
 *
 * The read bandwidth is measured on a buffer well above the last-level cache (at least
 * 1 GiB, or twice the cache the system reports), with 64-byte loads (AVX-512 where the CPU
 * has it, as the fast path's widest kernel), one thread and two, best of several passes,
 * before the rounds, between them and after. The roofline of a run is tok/s times the
 * bytes the fast path streams a token (its interleaved weights, padded to whole 16-row
 * blocks, and the mean KV cache it reads) over the best bandwidth measured for its thread
 * count. The tables give medians, the spread ((max - min) / median), and ratios. Exit
 * status 1 when a run of ./run --fast prints other text than the plain run of the same
 * round. */
#define _DEFAULT_SOURCE /* wait4 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

enum { PLAIN, FAST1, FAST1_CACHED, FAST2, FAST2_FIXED, ANCHOR, ORIGINAL_O3, ORIGINAL_OFAST, VARIANTS };
static const char *const variant_names[VARIANTS] = {
    "plain", "fast, 1 thread", "fast, 1 thread, mapped cache", "fast, 2 threads (measured choice)",
    "fast, 2 threads fixed",
    "anchor -Ofast -march=native", "original run.c -O3", "original run.c -Ofast -march=native"};

#define MAX_MODELS 8
#define MAX_ROUNDS 64
#define MAX_PROBES (MAX_ROUNDS + 1)

typedef struct {
    const char *label, *checkpoint, *tokenizer;
    char steps[16];
    char cache[4096]; /* --fast-cache file of the cached variant */
    double bytes_per_token; /* what the fast path streams: interleaved weights, mean KV cache */
    double wall[VARIANTS][MAX_ROUNDS], load[VARIANTS][MAX_ROUNDS], tok_s[VARIANTS][MAX_ROUNDS],
        rss_mb[VARIANTS][MAX_ROUNDS];
    int text_differs[VARIANTS]; /* rounds whose story is not the plain run's */
} Model;

static double now_seconds(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void die(const char *what, const char *detail) {
    fprintf(stderr, "bench: %s%s%s\n", what, detail ? ": " : "", detail ? detail : "");
    exit(2);
}

/* ----------------------------------------------------------------------------
 * read bandwidth */

typedef float line_vec __attribute__((vector_size(64)));

/* The sum of n 64-byte vectors (n a multiple of 8), 8 independent sums so that the adds
 * never wait for each other: only memory limits it. One body, built for three instruction
 * sets; the vector is one cache line, one AVX-512 load. */
#define READ_KERNEL(name, attr)                                                           \
    attr static float name(const line_vec *v, size_t n) {                                 \
        line_vec a[8] = {{0}};                                                            \
        for (size_t i = 0; i < n; i += 8) {                                               \
            _Pragma("GCC unroll 8") for (int k = 0; k < 8; k++) a[k] += v[i + (size_t)k]; \
        }                                                                                 \
        line_vec s = ((a[0] + a[1]) + (a[2] + a[3])) + ((a[4] + a[5]) + (a[6] + a[7]));   \
        float r = 0;                                                                      \
        for (int k = 0; k < 16; k++) r += s[k];                                           \
        return r;                                                                         \
    }
READ_KERNEL(read_baseline, )
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
READ_KERNEL(read_avx2, __attribute__((target("avx2"))))
READ_KERNEL(read_avx512, __attribute__((target("avx512f"))))
#endif

typedef float (*ReadFn)(const line_vec *v, size_t n);

typedef struct {
    ReadFn read;
    const char *isa;
    line_vec *buffer;
    size_t lines; /* 64-byte lines in buffer */
    int threads;  /* readers in the current pass */
    pthread_barrier_t start, end;
    int quit;
    volatile float sink; /* keeps the sums alive */
} Probe;

static size_t part_lines(const Probe *p) { return p->lines / (size_t)p->threads / 8 * 8; }

/* The second reader: waits for a pass, reads the buffer's second half, reports done. */
static void *second_reader(void *arg) {
    Probe *p = arg;
    for (;;) {
        pthread_barrier_wait(&p->start);
        if (p->quit) return NULL;
        p->sink += p->read(p->buffer + part_lines(p), part_lines(p));
        pthread_barrier_wait(&p->end);
    }
}

static size_t last_level_cache_bytes(void) {
    long l3 = -1, l2 = -1;
#ifdef _SC_LEVEL3_CACHE_SIZE
    l3 = sysconf(_SC_LEVEL3_CACHE_SIZE);
    l2 = sysconf(_SC_LEVEL2_CACHE_SIZE);
#endif
    return l3 > 0 ? (size_t)l3 : l2 > 0 ? (size_t)l2 : 0;
}

static Probe *probe_new(size_t mib) {
    Probe *p = calloc(1, sizeof *p);
    if (p == NULL) die("out of memory", NULL);
    size_t bytes = mib << 20;
    if (bytes == 0) {
        bytes = (size_t)1 << 30;
        if (2 * last_level_cache_bytes() > bytes) bytes = (2 * last_level_cache_bytes() + ((1u << 20) - 1)) & ~(size_t)((1u << 20) - 1);
    }
    p->lines = bytes / sizeof(line_vec) / 16 * 16;
    p->buffer = aligned_alloc(4096, p->lines * sizeof(line_vec));
    if (p->buffer == NULL) die("out of memory for the bandwidth buffer", NULL);
    float *f = (float *)(void *)p->buffer;
    for (size_t i = 0; i < p->lines * 16; i++) f[i] = 1.0f; /* every page present, no subnormals */
    p->read = read_baseline;
    p->isa = "SSE2 or the target's baseline";
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx2")) p->read = read_avx2, p->isa = "AVX2";
    if (__builtin_cpu_supports("avx512f")) p->read = read_avx512, p->isa = "AVX-512";
#endif
    pthread_barrier_init(&p->start, NULL, 2);
    pthread_barrier_init(&p->end, NULL, 2);
    return p;
}

static void probe_free(Probe *p) {
    free(p->buffer);
    pthread_barrier_destroy(&p->start);
    pthread_barrier_destroy(&p->end);
    free(p);
}

enum { PROBE_PASSES = 5 };

/* GB/s (10^9 bytes a second) reading the whole buffer with 1 or 2 threads, best of
 * PROBE_PASSES passes. The second thread is started before the passes and waits at a
 * barrier, so that no pass times a thread start. */
static double probe_bandwidth(Probe *p, int threads) {
    pthread_t id;
    p->threads = threads;
    p->quit = 0;
    if (threads == 2 && pthread_create(&id, NULL, second_reader, p) != 0) die("cannot start a thread", NULL);
    double best = 0.0;
    for (int pass = 0; pass < PROBE_PASSES; pass++) {
        double t0 = now_seconds();
        if (threads == 2) pthread_barrier_wait(&p->start);
        p->sink += p->read(p->buffer, part_lines(p));
        if (threads == 2) pthread_barrier_wait(&p->end);
        double seconds = now_seconds() - t0;
        double gbs = (double)(part_lines(p) * (size_t)threads * sizeof(line_vec)) / seconds / 1e9;
        if (seconds > 0 && gbs > best) best = gbs;
    }
    if (threads == 2) {
        p->quit = 1;
        pthread_barrier_wait(&p->start);
        pthread_join(id, NULL);
    }
    return best;
}

typedef struct {
    double gbs[2][MAX_PROBES]; /* [1 thread, 2 threads][probe] */
    int n;
} Bandwidths;

/* One probe, on a buffer made for it and freed after: a run forked while the bench held
 * it would report its pages in its peak RSS (Linux carries the high-water mark across fork
 * and exec). */
static void measure_bandwidth(size_t mib, Bandwidths *b, const char **isa, double *buffer_mib) {
    if (b->n == MAX_PROBES) return;
    Probe *p = probe_new(mib);
    b->gbs[0][b->n] = probe_bandwidth(p, 1);
    b->gbs[1][b->n] = probe_bandwidth(p, 2);
    b->n++;
    *isa = p->isa;
    *buffer_mib = (double)(p->lines * sizeof(line_vec)) / 1048576.0;
    probe_free(p);
}

static double best_bandwidth(const Bandwidths *b, int threads) {
    double best = 0.0;
    for (int i = 0; i < b->n; i++)
        if (b->gbs[threads - 1][i] > best) best = b->gbs[threads - 1][i];
    return best;
}

/* ----------------------------------------------------------------------------
 * the bytes the fast path streams a step */

static size_t padded_rows(long rows) { return (size_t)((rows + 15) / 16 * 16); }

/* Floats of the interleaved matrices (each padded to whole 16-row blocks, host/forward_fast.c),
 * the RMSNorm weights and one embedding row, plus the mean over `steps` steps of the keys
 * (blocked by 16 positions) and values that attention reads, times 4 bytes. */
static double bytes_per_token(const char *path, int steps) {
    FILE *f = fopen(path, "rb");
    if (f == NULL) die(path, strerror(errno));
    unsigned char h[28];
    if (fread(h, 1, sizeof h, f) != sizeof h) die(path, "shorter than a checkpoint header");
    fclose(f);
    int32_t v[7];
    for (int i = 0; i < 7; i++)
        v[i] = (int32_t)((uint32_t)h[4 * i] | (uint32_t)h[4 * i + 1] << 8 | (uint32_t)h[4 * i + 2] << 16 |
                         (uint32_t)h[4 * i + 3] << 24);
    long dim = v[0], hidden = v[1], layers = v[2], heads = v[3], kv_heads = v[4];
    long vocab = v[5] < 0 ? -(long)v[5] : v[5];
    if (dim <= 0 || hidden <= 0 || layers <= 0 || heads <= 0 || kv_heads <= 0 || vocab <= 0 || steps <= 0)
        die(path, "not a checkpoint this bench can size");
    long head_size = dim / heads, kv_dim = head_size * kv_heads;
    double per_layer = (double)padded_rows(dim + 2 * kv_dim) * dim + (double)padded_rows(dim) * dim +
                       (double)padded_rows(2 * hidden) * dim + (double)padded_rows(dim) * hidden + 2.0 * dim;
    double floats = layers * per_layer + (double)padded_rows(vocab) * dim + 2.0 * dim;
    double kv = 0;
    for (long pos = 0; pos < steps; pos++)
        kv += (double)layers * ((double)padded_rows(pos + 1) * kv_dim + (double)(pos + 1) * kv_dim);
    return 4 * (floats + kv / steps);
}

/* ----------------------------------------------------------------------------
 * one run */

typedef struct {
    double wall, load, tok_s, rss_mb;
    char *text; /* standard output */
} Run;

static char *slurp(int fd) {
    off_t size = lseek(fd, 0, SEEK_END);
    if (size < 0) size = 0;
    char *buf = malloc((size_t)size + 1);
    if (buf == NULL) die("out of memory", NULL);
    if (pread(fd, buf, (size_t)size, 0) != size) die("cannot read a run's messages", strerror(errno));
    buf[size] = '\0';
    return buf;
}

/* Reads the pipe to its end; *first is the time of the first byte (now, if none came). */
static char *read_output(int fd, double *first) {
    size_t size = 0, cap = 4096;
    char *text = malloc(cap);
    if (text == NULL) die("out of memory", NULL);
    *first = 0.0;
    for (;;) {
        if (size + 1 == cap && (text = realloc(text, cap *= 2)) == NULL) die("out of memory", NULL);
        ssize_t got = read(fd, text + size, cap - 1 - size);
        if (got < 0 && errno == EINTR) continue;
        if (got < 0) die("cannot read a run's output", strerror(errno));
        if (got == 0) break;
        if (size == 0) *first = now_seconds();
        size += (size_t)got;
    }
    if (*first == 0.0) *first = now_seconds();
    text[size] = '\0';
    return text;
}

static int is_fast(int variant) {
    return variant == FAST1 || variant == FAST1_CACHED || variant == FAST2 || variant == FAST2_FIXED;
}

static Run run_once(const char *program, const Model *m, int variant) {
    const char *argv[20] = {program, m->checkpoint, "-z", m->tokenizer, "-t", "0", "-s", "1", "-n", m->steps};
    int argc = 10;
    if (is_fast(variant)) {
        argv[argc++] = "--fast";
        argv[argc++] = "--threads";
        argv[argc++] = variant == FAST1 || variant == FAST1_CACHED ? "1" : "2";
        if (variant == FAST2_FIXED) argv[argc++] = "--fixed-threads";
        if (variant == FAST1_CACHED) {
            argv[argc++] = "--fast-cache";
            argv[argc++] = m->cache;
        }
    }
    argv[argc] = NULL;
    FILE *err = tmpfile();
    int out[2];
    if (err == NULL || pipe(out) != 0) die("cannot make a pipe or a temporary file", strerror(errno));
    fflush(stdout);
    fflush(stderr);
    double t0 = now_seconds();
    pid_t pid = fork();
    if (pid < 0) die("cannot fork", strerror(errno));
    if (pid == 0) {
        dup2(out[1], 1);
        dup2(fileno(err), 2);
        close(out[0]);
        close(out[1]);
        execv(program, (char *const *)argv);
        _exit(127);
    }
    close(out[1]);
    double first;
    char *text = read_output(out[0], &first);
    close(out[0]);
    int status;
    struct rusage ru;
    if (wait4(pid, &status, 0, &ru) != pid) die("cannot wait for a run", strerror(errno));
    Run r = {now_seconds() - t0, first - t0, 0.0, (double)ru.ru_maxrss / 1024.0, text};
    char *messages = slurp(fileno(err));
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        fprintf(stderr, "bench: %s on %s failed:\n%s", program, m->checkpoint, messages);
        exit(2);
    }
    const char *at = strstr(messages, "achieved tok/s: ");
    if (at == NULL) die("no \"achieved tok/s\" in the output of", program);
    r.tok_s = strtod(at + strlen("achieved tok/s: "), NULL);
    free(messages);
    fclose(err);
    return r;
}

/* ----------------------------------------------------------------------------
 * statistics and the report */

static int compare_doubles(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

typedef struct {
    double median, spread; /* spread: (max - min) / median */
} Stat;

static Stat stat_of(const double *values, int n) {
    double v[MAX_ROUNDS];
    memcpy(v, values, (size_t)n * sizeof *v);
    qsort(v, (size_t)n, sizeof *v, compare_doubles);
    double median = n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
    return (Stat){median, median > 0 ? (v[n - 1] - v[0]) / median : 0.0};
}

static void load_average(char *to, size_t size) {
    FILE *f = fopen("/proc/loadavg", "r");
    double one = 0;
    if (f != NULL && fscanf(f, "%lf", &one) == 1) snprintf(to, size, "%.2f", one);
    else snprintf(to, size, "unknown");
    if (f != NULL) fclose(f);
}

typedef struct {
    Model *models;
    int nmodels, rounds;
    const int *active; /* the variants run, in VARIANTS order */
    int nactive;
    const Bandwidths *bw;
    const char *isa;
    double buffer_mib, llc_mib;
    char load[2][16];
    double seconds; /* the whole bench */
} Report;

static int has_variant(const Report *r, int v) {
    for (int i = 0; i < r->nactive; i++)
        if (r->active[i] == v) return 1;
    return 0;
}

static void report(FILE *out, const Report *r) {
    double bw1 = best_bandwidth(r->bw, 1), bw2 = best_bandwidth(r->bw, 2);
    fprintf(out, "Medians of %d interleaved rounds; ± is the spread, (max − min) / median, over the rounds. "
                 "Wall: fork to exit. Load: fork to the first token on standard output (open, load, one "
                 "step). GB/s: tok/s times the bytes the fast path streams a token (its interleaved weights "
                 "and the mean KV cache); roofline: that over the read bandwidth below (two threads' for the "
                 "2-thread runs). Load average %s before, %s after; the whole bench took %.0f s.\n\n",
            r->rounds, r->load[0], r->load[1], r->seconds);
    fprintf(out, "Read bandwidth: a %.0f MiB buffer (last-level cache as the system reports it: %.0f MiB), "
                 "64-byte %s loads, best of %d passes, %d probes (before, between and after the rounds): "
                 "**%.1f GB/s with 1 thread, %.1f GB/s with 2** (%.2fx). Where two threads read less than "
                 "1.4x one thread's bandwidth, no 2-thread run can gain 1.4x on a model that streams from "
                 "memory. A model that fits in the caches (stories260K) is not bounded by it: its roofline "
                 "column means little.\n\n",
            r->buffer_mib, r->llc_mib, r->isa, PROBE_PASSES, r->bw->n, bw1, bw2, bw1 > 0 ? bw2 / bw1 : 0.0);
    fprintf(out, "| probe | ");
    for (int i = 0; i < r->bw->n; i++) fprintf(out, "%d | ", i + 1);
    fprintf(out, "\n|---|");
    for (int i = 0; i < r->bw->n; i++) fprintf(out, "---:|");
    for (int t = 0; t < 2; t++) {
        fprintf(out, "\n| GB/s, %d thread%s | ", t + 1, t ? "s" : "");
        for (int i = 0; i < r->bw->n; i++) fprintf(out, "%.1f | ", r->bw->gbs[t][i]);
    }
    fprintf(out, "\n\n| model | variant | wall s | load s | tok/s | peak RSS MB | GB/s | roofline | text |\n");
    fprintf(out, "|---|---|---:|---:|---:|---:|---:|---:|---|\n");
    for (int i = 0; i < r->nmodels; i++) {
        Model *m = &r->models[i];
        for (int k = 0; k < r->nactive; k++) {
            int v = r->active[k];
            Stat wall = stat_of(m->wall[v], r->rounds), load = stat_of(m->load[v], r->rounds),
                 tok = stat_of(m->tok_s[v], r->rounds), rss = stat_of(m->rss_mb[v], r->rounds);
            double gbs = tok.median * m->bytes_per_token / 1e9;
            double bw = v == FAST2 || v == FAST2_FIXED ? bw2 : bw1;
            const char *text = v == PLAIN ? "reference" : m->text_differs[v] == 0 ? "same"
                               : is_fast(v) ? "DIFFERS" : "differs";
            fprintf(out, "| %s | %s | %.3f ± %.0f%% | %.3f ± %.0f%% | %.1f ± %.0f%% | %.0f | %.1f | %.2f | %s |\n",
                    m->label, variant_names[v], wall.median, 100 * wall.spread, load.median, 100 * load.spread,
                    tok.median, 100 * tok.spread, rss.median, gbs, bw > 0 ? gbs / bw : 0.0, text);
        }
    }
    fprintf(out, "\nRatios of the medians (above 1.00x: the first is faster or, for RSS, larger):\n\n");
    fprintf(out, "| model | MB a token | fast 1 thread / anchor, tok/s | anchor / fast 1 thread, wall | "
                 "fast 2 threads (measured) / 1, tok/s | fast 2 threads fixed / 1, tok/s | plain / anchor, tok/s | "
                 "fast 1 thread / plain, peak RSS | anchor / fast mapped cache, wall | "
                 "fast mapped cache / plain, peak RSS |\n");
    fprintf(out, "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    for (int i = 0; i < r->nmodels; i++) {
        Model *m = &r->models[i];
        double tok[VARIANTS], wall[VARIANTS], rss[VARIANTS];
        for (int v = 0; v < VARIANTS; v++) {
            tok[v] = stat_of(m->tok_s[v], r->rounds).median;
            wall[v] = stat_of(m->wall[v], r->rounds).median;
            rss[v] = stat_of(m->rss_mb[v], r->rounds).median;
        }
        fprintf(out, "| %s | %.1f | %.2fx | %.2fx | %.2fx | %.2fx | %.2fx | %.2fx | %.2fx | %.2fx |\n", m->label,
                m->bytes_per_token / 1e6, tok[FAST1] / tok[ANCHOR], wall[ANCHOR] / wall[FAST1],
                tok[FAST2] / tok[FAST1], tok[FAST2_FIXED] / tok[FAST1], tok[PLAIN] / tok[ANCHOR],
                rss[FAST1] / rss[PLAIN], wall[ANCHOR] / wall[FAST1_CACHED], rss[FAST1_CACHED] / rss[PLAIN]);
    }
    if (!has_variant(r, ORIGINAL_O3)) return;
    fprintf(out, "\nAgainst the original run.c (tok/s: above 1.00x ours is faster; load and wall: below 1.00x "
                 "ours takes less time):\n\n");
    fprintf(out, "| model | plain / original -O3, tok/s | fast 1 thread / original -Ofast -march=native, tok/s | "
                 "load: plain / original -O3 | load: fast 1 thread / original -O3 | "
                 "wall: fast 1 thread / original -Ofast -march=native | load: fast mapped cache / original -O3 | "
                 "wall: fast mapped cache / original -Ofast -march=native |\n");
    fprintf(out, "|---|---:|---:|---:|---:|---:|---:|---:|\n");
    for (int i = 0; i < r->nmodels; i++) {
        Model *m = &r->models[i];
        double tok[VARIANTS], load[VARIANTS], wall[VARIANTS];
        for (int v = 0; v < VARIANTS; v++) {
            tok[v] = stat_of(m->tok_s[v], r->rounds).median;
            load[v] = stat_of(m->load[v], r->rounds).median;
            wall[v] = stat_of(m->wall[v], r->rounds).median;
        }
        fprintf(out, "| %s | %.2fx | %.2fx | %.2fx | %.2fx | %.2fx | %.2fx | %.2fx |\n", m->label,
                tok[PLAIN] / tok[ORIGINAL_O3], tok[FAST1] / tok[ORIGINAL_OFAST], load[PLAIN] / load[ORIGINAL_O3],
                load[FAST1] / load[ORIGINAL_O3], wall[FAST1] / wall[ORIGINAL_OFAST],
                load[FAST1_CACHED] / load[ORIGINAL_O3], wall[FAST1_CACHED] / wall[ORIGINAL_OFAST]);
    }
}

static const char usage[] = "usage: bench_host [--rounds R] [--markdown FILE] [--bandwidth-mib M] --cache-dir DIR "
                            "[--original-o3 PROG --original-ofast PROG] RUN ANCHOR LABEL=CHECKPOINT,TOKENIZER,STEPS ...";

int main(int argc, char **argv) {
    double bench_start = now_seconds();
    int rounds = 5;
    long bandwidth_mib = 0;
    const char *markdown = NULL, *original_o3 = NULL, *original_ofast = NULL, *cache_dir = NULL;
    int at = 1;
    for (; at < argc && strncmp(argv[at], "--", 2) == 0; at += 2) {
        if (at + 1 >= argc) die("missing the value of", argv[at]);
        if (strcmp(argv[at], "--rounds") == 0) rounds = atoi(argv[at + 1]);
        else if (strcmp(argv[at], "--markdown") == 0) markdown = argv[at + 1];
        else if (strcmp(argv[at], "--bandwidth-mib") == 0) bandwidth_mib = atol(argv[at + 1]);
        else if (strcmp(argv[at], "--cache-dir") == 0) cache_dir = argv[at + 1];
        else if (strcmp(argv[at], "--original-o3") == 0) original_o3 = argv[at + 1];
        else if (strcmp(argv[at], "--original-ofast") == 0) original_ofast = argv[at + 1];
        else die("unknown option", argv[at]);
    }
    if (rounds < 1 || rounds > MAX_ROUNDS) die("--rounds must be 1 to 64", NULL);
    if (bandwidth_mib < 0 || bandwidth_mib > 65536) die("--bandwidth-mib must be 0 (automatic) to 65536", NULL);
    if ((original_o3 == NULL) != (original_ofast == NULL)) die("--original-o3 and --original-ofast go together", NULL);
    if (argc - at < 3 || cache_dir == NULL) die(usage, NULL);
    const char *programs[VARIANTS] = {argv[at],     argv[at],    argv[at],      argv[at],
                                      argv[at],     argv[at + 1], original_o3, original_ofast};
    int active[VARIANTS], nactive = 0;
    for (int v = 0; v < VARIANTS; v++)
        if (programs[v] != NULL) active[nactive++] = v;
    static Model models[MAX_MODELS];
    int nmodels = 0;
    for (int i = at + 2; i < argc; i++) {
        if (nmodels == MAX_MODELS) die("too many models", NULL);
        Model *m = &models[nmodels++];
        char *spec = argv[i], *eq = strchr(spec, '=');
        char *c1 = eq ? strchr(eq + 1, ',') : NULL, *c2 = c1 ? strchr(c1 + 1, ',') : NULL;
        if (c2 == NULL) die("expected LABEL=CHECKPOINT,TOKENIZER,STEPS, got", spec);
        *eq = *c1 = *c2 = '\0';
        m->label = spec;
        m->checkpoint = eq + 1;
        m->tokenizer = c1 + 1;
        snprintf(m->steps, sizeof m->steps, "%d", atoi(c2 + 1));
        m->bytes_per_token = bytes_per_token(m->checkpoint, atoi(c2 + 1));
        if ((size_t)snprintf(m->cache, sizeof m->cache, "%s/%s.fastcache", cache_dir, m->label) >= sizeof m->cache)
            die("--cache-dir is too long:", cache_dir);
    }
    /* the cached variant maps a cache file: written now, once, by a run that is not timed
     * (as a user's first run would be) */
    for (int i = 0; i < nmodels; i++) {
        unlink(models[i].cache);
        Run first = run_once(argv[at], &models[i], FAST1_CACHED);
        free(first.text);
    }

    Report rep = {models, nmodels, rounds, active, nactive, NULL, NULL, 0, 0, {"", ""}, 0};
    static Bandwidths bw;
    load_average(rep.load[0], sizeof rep.load[0]);
    rep.llc_mib = (double)last_level_cache_bytes() / 1048576.0;
    measure_bandwidth((size_t)bandwidth_mib, &bw, &rep.isa, &rep.buffer_mib);

    int failures = 0;
    for (int r = 0; r < rounds; r++) {
        for (int i = 0; i < nmodels; i++) {
            Model *m = &models[i];
            char *texts[VARIANTS] = {NULL};
            for (int k = 0; k < nactive; k++) {
                int v = active[(k + r) % nactive]; /* each variant goes first in some round */
                Run run = run_once(programs[v], m, v);
                m->wall[v][r] = run.wall;
                m->load[v][r] = run.load;
                m->tok_s[v][r] = run.tok_s;
                m->rss_mb[v][r] = run.rss_mb;
                texts[v] = run.text;
            }
            for (int k = 0; k < nactive; k++) {
                int v = active[k];
                if (v != PLAIN && strcmp(texts[v], texts[PLAIN]) != 0) {
                    m->text_differs[v]++;
                    if (is_fast(v)) failures++;
                }
            }
            for (int v = 0; v < VARIANTS; v++) free(texts[v]);
            fprintf(stderr, "bench: round %d of %d, %s done\n", r + 1, rounds, m->label);
        }
        measure_bandwidth((size_t)bandwidth_mib, &bw, &rep.isa, &rep.buffer_mib); /* between rounds, after the last */
    }

    load_average(rep.load[1], sizeof rep.load[1]);
    rep.bw = &bw;
    rep.seconds = now_seconds() - bench_start;
    report(stdout, &rep);
    if (markdown != NULL) {
        FILE *f = fopen(markdown, "w");
        if (f == NULL) die(markdown, strerror(errno));
        report(f, &rep);
        fclose(f);
    }
    if (failures) fprintf(stderr, "bench: %d fast runs printed other text than the plain run\n", failures);
    return failures ? 1 : 0;
}
