/* make bench: whole runs of ./run, interleaved, against an anchor build.
 *
 *   bench_host [--rounds R] [--markdown FILE] RUN ANCHOR LABEL=CHECKPOINT,TOKENIZER,STEPS ...
 *
 * For each round, each model and each variant (in an order that rotates every round), one
 * process: RUN plain, RUN --fast --threads 1, RUN --fast --threads 2, and ANCHOR (the same
 * reference path built -Ofast -march=native: the speed the original's advice gives, not
 * bit-exact). Each run generates STEPS greedy tokens from BOS (-t 0). Measured per run: wall
 * time from fork to exit (loading included), the tok/s ./run prints, peak RSS (wait4). The
 * read bandwidth (one and two threads streaming a buffer of the size a step reads, again
 * and again, as a step does) is measured before and after the runs; the roofline of a run
 * is that bandwidth over the bytes a step reads (the weights, once, plus the mean KV
 * cache). The
 * tables give medians, the spread ((max - min) / median), and ratios. Exit status 1 when a
 * fast run prints other text than the plain run of the same round. */
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

enum { PLAIN, FAST1, FAST2, ANCHOR, VARIANTS };
static const char *const variant_names[VARIANTS] = {"plain", "fast, 1 thread", "fast, 2 threads",
                                                    "anchor -Ofast -march=native"};

#define MAX_MODELS 8
#define MAX_ROUNDS 64

typedef struct {
    const char *label, *checkpoint, *tokenizer;
    char steps[16];
    double bytes_per_token; /* weights read once, plus the mean KV cache read */
    double bw[2][2];        /* GB/s reading bytes_per_token: [before, after][1 thread, 2 threads] */
    double wall[VARIANTS][MAX_ROUNDS], tok_s[VARIANTS][MAX_ROUNDS], rss_mb[VARIANTS][MAX_ROUNDS];
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

typedef uint64_t words4 __attribute__((vector_size(64)));

typedef struct {
    const words4 *from;
    size_t n;
    words4 sum;
} Stream;

/* Reads every byte once, as STREAMS sequential streams side by side (a matmul kernel of the
 * fast path reads 2 to 8 blocks side by side), each with its own vector sum, and a software
 * prefetch 8 KB ahead in each, as the fast path does. */
enum { STREAMS = 8 };

static void *stream_read(void *arg) {
    Stream *s = arg;
    size_t part = s->n / STREAMS;
    words4 acc[STREAMS];
    memset(acc, 0, sizeof acc);
    for (size_t i = 0; i < part; i++) {
        for (int k = 0; k < STREAMS; k++) {
            const words4 *at = s->from + (size_t)k * part + i;
            if (i % 2 == 0) __builtin_prefetch((const void *)((uintptr_t)(const void *)at + 8192));
            acc[k] += *at;
        }
    }
    words4 sum = {0};
    for (int k = 0; k < STREAMS; k++) sum ^= acc[k];
    s->sum = sum;
    return NULL;
}

/* GB/s (10^9 bytes) reading the first `bytes` of buffer with `threads` threads (each its
 * half), the best of 9 passes after a first one that brings the bytes in: the way a step
 * streams the same weights again and again. */
static double read_bandwidth(const words4 *buffer, size_t bytes, int threads) {
    double best = 0.0;
    size_t n = bytes / sizeof(words4) / (size_t)threads / STREAMS * STREAMS;
    for (int pass = 0; pass < 10; pass++) {
        Stream s[2];
        pthread_t id[2];
        double t0 = now_seconds();
        for (int i = 0; i < threads; i++) {
            s[i] = (Stream){buffer + (size_t)i * n, n, {0}};
            if (i > 0 && pthread_create(&id[i], NULL, stream_read, &s[i]) != 0) die("cannot start a thread", NULL);
        }
        stream_read(&s[0]);
        for (int i = 1; i < threads; i++) pthread_join(id[i], NULL);
        double gbs = (double)(n * (size_t)threads * sizeof(words4)) / (now_seconds() - t0) / 1e9;
        if (pass > 0 && gbs > best) best = gbs;
        if (s[0].sum[0] == 42) fputc(' ', stderr); /* keeps the sums alive */
    }
    return best;
}

/* ----------------------------------------------------------------------------
 * the checkpoint's bytes per step */

static double bytes_per_token(const char *path, int steps) {
    FILE *f = fopen(path, "rb");
    if (f == NULL) die(path, strerror(errno));
    unsigned char h[28];
    if (fread(h, 1, sizeof h, f) != sizeof h) die(path, "shorter than a checkpoint header");
    fclose(f);
    int32_t v[7];
    for (int i = 0; i < 7; i++) v[i] = (int32_t)((uint32_t)h[4 * i] | (uint32_t)h[4 * i + 1] << 8 | (uint32_t)h[4 * i + 2] << 16 | (uint32_t)h[4 * i + 3] << 24);
    double dim = v[0], hidden = v[1], layers = v[2], heads = v[3], kv_heads = v[4];
    double vocab = v[5] < 0 ? -(double)v[5] : v[5];
    double kv_dim = dim / heads * kv_heads;
    double per_layer = 2 * dim * dim + 2 * dim * kv_dim + 3 * dim * hidden + 2 * dim;
    double floats = layers * per_layer + dim + vocab * dim; /* classifier; one embedding row aside */
    double kv = 2 * layers * kv_dim * (steps + 1) / 2.0;     /* keys and values, mean over the steps */
    return 4 * (floats + kv);
}

/* Each model's roofline bandwidth, at its own size (a model that fits in the caches streams
 * from them); the buffer is freed before any run, so that no run inherits its pages. */
static void measure_bandwidths(Model *models, int nmodels, int when) {
    size_t most = 0;
    for (int i = 0; i < nmodels; i++)
        if ((size_t)models[i].bytes_per_token > most) most = (size_t)models[i].bytes_per_token;
    most = (most + 4095) / 4096 * 4096;
    words4 *buffer = aligned_alloc(4096, most);
    if (buffer == NULL) die("out of memory for the bandwidth buffer", NULL);
    uint64_t *w = (uint64_t *)(void *)buffer;
    for (size_t i = 0; i < most / sizeof *w; i++) w[i] = i * 0x9E3779B97F4A7C15u;
    for (int i = 0; i < nmodels; i++)
        for (int t = 0; t < 2; t++) models[i].bw[when][t] = read_bandwidth(buffer, (size_t)models[i].bytes_per_token, t + 1);
    free(buffer);
}

/* ----------------------------------------------------------------------------
 * one run */

typedef struct {
    double wall, tok_s, rss_mb;
    char *text; /* standard output */
} Run;

static char *slurp(int fd) {
    off_t size = lseek(fd, 0, SEEK_END);
    if (size < 0) size = 0;
    char *buf = malloc((size_t)size + 1);
    if (buf == NULL) die("out of memory", NULL);
    if (pread(fd, buf, (size_t)size, 0) != size) die("cannot read a run's output", strerror(errno));
    buf[size] = '\0';
    return buf;
}

static Run run_once(const char *program, const Model *m, int variant) {
    const char *argv[16] = {program, m->checkpoint, "-z", m->tokenizer, "-t", "0", "-s", "1", "-n", m->steps};
    int argc = 10;
    if (variant == FAST1 || variant == FAST2) {
        argv[argc++] = "--fast";
        argv[argc++] = "--threads";
        argv[argc++] = variant == FAST1 ? "1" : "2";
    }
    argv[argc] = NULL;
    FILE *out = tmpfile(), *err = tmpfile();
    if (out == NULL || err == NULL) die("cannot make a temporary file", strerror(errno));
    fflush(stdout);
    fflush(stderr);
    double t0 = now_seconds();
    pid_t pid = fork();
    if (pid < 0) die("cannot fork", strerror(errno));
    if (pid == 0) {
        dup2(fileno(out), 1);
        dup2(fileno(err), 2);
        execv(program, (char *const *)argv);
        _exit(127);
    }
    int status;
    struct rusage ru;
    if (wait4(pid, &status, 0, &ru) != pid) die("cannot wait for a run", strerror(errno));
    Run r = {now_seconds() - t0, 0.0, (double)ru.ru_maxrss / 1024.0, slurp(fileno(out))};
    char *messages = slurp(fileno(err));
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        fprintf(stderr, "bench: %s on %s failed:\n%s", program, m->checkpoint, messages);
        exit(2);
    }
    const char *at = strstr(messages, "achieved tok/s: ");
    if (at == NULL) die("no \"achieved tok/s\" in the output of", program);
    r.tok_s = strtod(at + strlen("achieved tok/s: "), NULL);
    free(messages);
    fclose(out);
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

static double larger(double a, double b) { return a > b ? a : b; }

static void report(FILE *out, Model *models, int nmodels, int rounds, const char load[2][16]) {
    fprintf(out, "Medians of %d interleaved rounds; ± is the spread, (max − min) / median, over the rounds. "
                 "Wall: fork to exit, loading included. GB/s read: tok/s times the bytes a step reads (weights "
                 "and mean KV cache); roofline: that over the read bandwidth measured at the model's size, one "
                 "thread (two for the 2-thread run), the better of before and after the runs. Load average %s "
                 "before, %s after.\n\n",
            rounds, load[0], load[1]);
    fprintf(out, "| model | MB a step | read bandwidth GB/s, 1 thread | 2 threads | (before / after) |\n");
    fprintf(out, "|---|---:|---:|---:|---|\n");
    for (int i = 0; i < nmodels; i++) {
        Model *m = &models[i];
        fprintf(out, "| %s | %.1f | %.1f | %.1f | %.1f, %.1f / %.1f, %.1f |\n", m->label, m->bytes_per_token / 1e6,
                larger(m->bw[0][0], m->bw[1][0]), larger(m->bw[0][1], m->bw[1][1]), m->bw[0][0], m->bw[0][1],
                m->bw[1][0], m->bw[1][1]);
    }
    fprintf(out, "\n| model | variant | wall s | tok/s | peak RSS MB | GB/s read | roofline | text |\n");
    fprintf(out, "|---|---|---:|---:|---:|---:|---:|---|\n");
    for (int i = 0; i < nmodels; i++) {
        Model *m = &models[i];
        double bw1 = larger(m->bw[0][0], m->bw[1][0]), bw2 = larger(m->bw[0][1], m->bw[1][1]);
        for (int v = 0; v < VARIANTS; v++) {
            Stat wall = stat_of(m->wall[v], rounds), tok = stat_of(m->tok_s[v], rounds), rss = stat_of(m->rss_mb[v], rounds);
            double gbs = tok.median * m->bytes_per_token / 1e9;
            const char *text = v == PLAIN ? "reference" : m->text_differs[v] == 0 ? "same" : v == ANCHOR ? "differs" : "DIFFERS";
            fprintf(out, "| %s | %s | %.3f ± %.0f%% | %.1f ± %.0f%% | %.0f | %.1f | %.2f | %s |\n", m->label,
                    variant_names[v], wall.median, 100 * wall.spread, tok.median, 100 * tok.spread, rss.median, gbs,
                    gbs / (v == FAST2 ? bw2 : bw1), text);
        }
    }
    fprintf(out, "\nRatios of the medians (above 1.00x: the first is faster or, for RSS, larger):\n\n");
    fprintf(out, "| model | fast 1 thread / anchor, tok/s | anchor / fast 1 thread, wall | fast 2 / 1 threads, tok/s | "
                 "plain / anchor, tok/s | fast 1 thread / plain, peak RSS |\n");
    fprintf(out, "|---|---:|---:|---:|---:|---:|\n");
    for (int i = 0; i < nmodels; i++) {
        Model *m = &models[i];
        double tok[VARIANTS], wall[VARIANTS], rss[VARIANTS];
        for (int v = 0; v < VARIANTS; v++) {
            tok[v] = stat_of(m->tok_s[v], rounds).median;
            wall[v] = stat_of(m->wall[v], rounds).median;
            rss[v] = stat_of(m->rss_mb[v], rounds).median;
        }
        fprintf(out, "| %s | %.2fx | %.2fx | %.2fx | %.2fx | %.2fx |\n", m->label, tok[FAST1] / tok[ANCHOR],
                wall[ANCHOR] / wall[FAST1], tok[FAST2] / tok[FAST1], tok[PLAIN] / tok[ANCHOR], rss[FAST1] / rss[PLAIN]);
    }
}

int main(int argc, char **argv) {
    int rounds = 5;
    const char *markdown = NULL;
    int at = 1;
    for (; at < argc && strncmp(argv[at], "--", 2) == 0; at += 2) {
        if (at + 1 >= argc) die("missing the value of", argv[at]);
        if (strcmp(argv[at], "--rounds") == 0) rounds = atoi(argv[at + 1]);
        else if (strcmp(argv[at], "--markdown") == 0) markdown = argv[at + 1];
        else die("unknown option", argv[at]);
    }
    if (rounds < 1 || rounds > MAX_ROUNDS) die("--rounds must be 1 to 64", NULL);
    if (argc - at < 3) die("usage: bench_host [--rounds R] [--markdown FILE] RUN ANCHOR LABEL=CHECKPOINT,TOKENIZER,STEPS ...", NULL);
    const char *programs[VARIANTS] = {argv[at], argv[at], argv[at], argv[at + 1]};
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
    }

    char load[2][16];
    load_average(load[0], sizeof load[0]);
    measure_bandwidths(models, nmodels, 0);

    int failures = 0;
    for (int r = 0; r < rounds; r++) {
        for (int i = 0; i < nmodels; i++) {
            Model *m = &models[i];
            char *texts[VARIANTS] = {NULL};
            for (int k = 0; k < VARIANTS; k++) {
                int v = (k + r) % VARIANTS; /* each variant goes first in some round */
                Run run = run_once(programs[v], m, v);
                m->wall[v][r] = run.wall;
                m->tok_s[v][r] = run.tok_s;
                m->rss_mb[v][r] = run.rss_mb;
                texts[v] = run.text;
            }
            for (int v = 1; v < VARIANTS; v++) {
                if (strcmp(texts[v], texts[PLAIN]) != 0) {
                    m->text_differs[v]++;
                    if (v != ANCHOR) failures++;
                }
            }
            for (int v = 0; v < VARIANTS; v++) free(texts[v]);
            fprintf(stderr, "bench: round %d of %d, %s done\n", r + 1, rounds, m->label);
        }
    }

    measure_bandwidths(models, nmodels, 1);
    load_average(load[1], sizeof load[1]);
    report(stdout, models, nmodels, rounds, load);
    if (markdown != NULL) {
        FILE *f = fopen(markdown, "w");
        if (f == NULL) die(markdown, strerror(errno));
        report(f, models, nmodels, rounds, load);
        fclose(f);
    }
    if (failures) fprintf(stderr, "bench: %d fast runs printed other text than the plain run\n", failures);
    return failures ? 1 : 0;
}
