/* run.c: inference for Llama-2 checkpoints in the llama2.c format, in pure float32 C.
 *
 * A faithful reimplementation of llama2.c's run.c: the same command line, the same bytes on
 * standard output and the same exit status for every invocation the original accepts, and
 * the same float operation order (engine/forward.c). Where the original crashes on bad
 * input, this program prints one line on standard error and exits with status 1.
 *
 * The transformer, tokenizer and sampler live in engine/; this file is the program:
 * options, generation, chat. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "host/fast_cache.h"
#include "host/forward_fast.h"
#include "host/fpcheck.h"
#include "host/parse_float.h"
#include "host/program_io.h"
#include "engine/sampler.h"
#include "engine/trace_header.h"
#include "host/tokenizer.h"
#include "host/checkpoint.h"
#include "host/sha256.h"
#include "host/trace_recorder.h"

/* ----------------------------------------------------------------------------
 * options */

typedef struct {
    const char *checkpoint_path;
    const char *tokenizer_path;
    float temperature;  /* 0.0 = greedy deterministic, 1.0 = original */
    float topp;         /* top-p in nucleus sampling; 1.0 = off */
    int steps;          /* number of steps to run for */
    const char *prompt; /* prompt string, or NULL */
    uint64_t rng_seed;  /* 0 = seed from the clock */
    const char *mode;   /* generate|chat */
    const char *system_prompt; /* the (optional) system prompt to use in chat mode */
    int seed_given;     /* -s was given (and not 0) */
    /* extensions; the original rejects every option longer than two characters */
    const char *math;          /* --math: libm|portable */
    const char *trace_path;    /* --trace: write an L2T trace here */
    int trace_level, trace_topk; /* --logits: full|topk:K|digest */
    int trace_layers;          /* --layers: add per-layer digests */
    const char *platform;      /* --platform: id written in the trace */
    int fast;                  /* --fast: host/forward_fast.c, bit-identical logits */
    int threads;               /* --threads: for --fast; 0 = one per processor */
    int fixed_threads;         /* --fixed-threads: every step on all of them, not measured */
    const char *fast_cache;    /* --fast-cache: the fast path's weights kept in this file */
} Options;

static void print_usage(FILE *to) {
    fprintf(to,
            "Usage:   run <checkpoint> [options]\n"
            "Example: run stories260K.bin -z tok512.bin -t 0 -i \"Zoo\"\n"
            "Options (each takes one value):\n"
            "  -t <float>  temperature, 0 = greedy; default 1.0\n"
            "  -p <float>  top-p (nucleus) sampling threshold in [0,1]; default 0.9\n"
            "  -s <int>    random seed; default: the clock\n"
            "  -n <int>    number of steps; default 256, 0 = the model's seq_len\n"
            "  -i <string> input prompt\n"
            "  -z <string> tokenizer file; default tokenizer.bin\n"
            "  -m <string> mode: generate|chat; default generate\n"
            "  -y <string> system prompt in chat mode\n"
            "Extensions:\n"
            "  --math <name>      libm (the platform's expf/powf/sinf/cosf, default) or portable\n"
            "                     (the project's own, bit-identical on every IEEE-754 platform)\n"
            "  --trace <file>     write an L2T trace of the run (docs/trace-format.md)\n"
            "  --logits <level>   logits in the trace: digest (default), topk:K or full\n"
            "  --layers           add per-layer digests to the trace\n"
            "  --platform <id>    platform id written in the trace\n"
            "  --fast             the fast forward pass: SIMD and threads, the same logits bit for bit\n"
            "  --threads <n>      threads for --fast; default 0, one per processor; each step runs\n"
            "                     on one or on n, whichever recent steps measured faster\n"
            "  --fixed-threads    with --fast: every step on the n threads, no measuring\n"
            "  --fast-cache <file> --fast, its interleaved weights kept in file: written when it\n"
            "                     is missing or stale, mapped instead of built when it is not\n"
            "  --help             this text\n"
            "Standard output is the same with or without these options.\n");
}

/* What parse_options found. */
enum { OPTIONS_RUN = 0, OPTIONS_HELP = 1, OPTIONS_BAD = -1 };

/* The extension options that take a value: 1 when `name` was one of them, 0 when not,
 * OPTIONS_BAD with a message for a bad value. */
static int parse_long_option(const char *name, const char *value, Options *o, ErrorText *err) {
    if (strncmp(name, "--", 2) != 0) return 0;
    if (strcmp(name, "--math") == 0) {
        if (math_library_named(value) == NULL)
            return error_set(err, "--math %s: unknown math library (libm or portable)", value);
        o->math = value;
    } else if (strcmp(name, "--trace") == 0) {
        o->trace_path = value;
    } else if (strcmp(name, "--logits") == 0) {
        if (trace_parse_level(value, &o->trace_level, &o->trace_topk) != 0)
            return error_set(err, "--logits %s: expected full, digest or topk:K with K in 1..%d", value,
                             TRACE_TOPK_MAX);
    } else if (strcmp(name, "--platform") == 0) {
        o->platform = value;
    } else if (strcmp(name, "--threads") == 0) {
        char *end;
        long n = strtol(value, &end, 10);
        if (end == value || *end != '\0' || n < 0 || n > 1024)
            return error_set(err, "--threads %s: expected a number from 0 (one per processor) to 1024", value);
        o->threads = (int)n;
    } else if (strcmp(name, "--fast-cache") == 0) {
        if (value[0] == '\0') return error_set(err, "--fast-cache: expected a file name");
        o->fast_cache = value;
        o->fast = 1;
    } else {
        return 0;
    }
    return 1;
}

/* atoi as glibc does it: strtol, then the low 32 bits. */
static int parse_int(const char *s) {
    long long v = strtoll(s, NULL, 10);
    return (int)(int32_t)(uint32_t)(unsigned long long)v;
}

/* Reads the command line as the original does, plus the extensions. A bad command line
 * gives OPTIONS_BAD, with a message in err when there is more to say than the usage. */
int parse_options(int argc, char **argv, Options *o, ErrorText *err) {
    error_clear(err);
    o->checkpoint_path = NULL;
    o->tokenizer_path = "tokenizer.bin";
    o->temperature = 1.0f;
    o->topp = 0.9f;
    o->steps = 256;
    o->prompt = NULL;
    o->rng_seed = 0;
    o->mode = "generate";
    o->system_prompt = NULL;
    o->seed_given = 0;
    o->math = "libm";
    o->trace_path = NULL;
    o->trace_level = TRACE_LOGITS_DIGEST;
    o->trace_topk = 0;
    o->trace_layers = 0;
    o->platform = trace_host_platform();
    o->fast = 0;
    o->threads = 0;
    o->fixed_threads = 0;
    o->fast_cache = NULL;

    if (argc < 2) return OPTIONS_BAD;
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) return OPTIONS_HELP;
    o->checkpoint_path = argv[1];
    for (int i = 2; i < argc; i += 2) {
        if (strcmp(argv[i], "--layers") == 0) {
            o->trace_layers = 1;
            i--; /* takes no value */
            continue;
        }
        if (strcmp(argv[i], "--fast") == 0) {
            o->fast = 1;
            i--; /* takes no value */
            continue;
        }
        if (strcmp(argv[i], "--fixed-threads") == 0) {
            o->fixed_threads = 1;
            i--; /* takes no value */
            continue;
        }
        if (i + 1 >= argc) return OPTIONS_BAD;       /* must have arg after flag */
        int long_option = parse_long_option(argv[i], argv[i + 1], o, err);
        if (long_option == OPTIONS_BAD) return OPTIONS_BAD;
        if (long_option) continue;
        if (argv[i][0] != '-') return OPTIONS_BAD;   /* must start with dash */
        if (strlen(argv[i]) != 2) return OPTIONS_BAD; /* must be -x (one dash, one letter) */
        const char *value = argv[i + 1];
        switch (argv[i][1]) {
        /* parse_f32 gives the bits of the original's (float)atof on glibc, on every platform */
        case 't': o->temperature = parse_f32(value, NULL); break;
        case 'p': o->topp = parse_f32(value, NULL); break;
        case 's': o->rng_seed = (uint64_t)(int64_t)parse_int(value); break;
        case 'n': o->steps = parse_int(value); break;
        case 'i': o->prompt = value; break;
        case 'z': o->tokenizer_path = value; break;
        case 'm': o->mode = value; break;
        case 'y': o->system_prompt = value; break;
        default: return OPTIONS_BAD;
        }
    }
    if (strcmp(o->mode, "generate") != 0 && strcmp(o->mode, "chat") != 0)
        return error_set(err, "unknown mode: %s (expected generate or chat)", o->mode);
    /* parameter validation/overrides; a seed of 0 is replaced by the clock in main */
    o->seed_given = o->rng_seed != 0;
    if (o->temperature < 0.0) o->temperature = 0.0f;
    if (o->topp < 0.0 || 1.0 < o->topp) o->topp = 0.9f;
    if (o->steps < 0) o->steps = 0;
    return OPTIONS_RUN;
}

/* ----------------------------------------------------------------------------
 * utilities */

static void fail(const ErrorText *err) {
    program_io_error("run", err->text);
    exit(EXIT_FAILURE);
}

static void *xmalloc(size_t n) {
    void *p = malloc(n);
    if (p == NULL) {
        fprintf(stderr, "run: out of memory (%zu bytes)\n", n);
        exit(EXIT_FAILURE);
    }
    return p;
}

/* time in milliseconds, for the tok/s report on stderr */
static long time_in_ms(void) {
    struct timespec time;
    timespec_get(&time, TIME_UTC);
    return time.tv_sec * 1000 + time.tv_nsec / 1000000;
}

/* Prints a piece as safe_printf does; returns what was printed, or NULL. */
static const char *print_piece(const char *piece) {
    piece = printable_piece(piece);
    if (piece != NULL) fputs(piece, stdout);
    return piece;
}

/* ----------------------------------------------------------------------------
 * tracing (--trace): NULL unless asked for; the trace never changes standard output */

static TraceRecorder *tracer = NULL;

static void abandon_trace_at_exit(void) {
    if (tracer != NULL) trace_recorder_abandon(tracer);
}

static FastForward *fast_path = NULL; /* --fast */

/* --fast-cache: the fast path from the cache file, or built and written to it; what was
 * done goes to standard error (standard output stays the run's). */
static void open_fast_cache(FastCacheMapping *mapping, const Options *o, Transformer *transformer) {
    ErrorText reason, err;
    FastCacheOutcome outcome;
    if (fast_cache_init(&fast_path, mapping, transformer, o->threads, FAST_SIMD_AUTO, o->fast_cache, &outcome,
                        &reason, &err) != 0)
        fail(&err);
    if (reason.text[0] != '\0') program_io_error("run", reason.text);
    if (outcome == FAST_CACHE_WRITTEN) {
        size_t bytes;
        (void)fast_forward_weights(fast_path, &bytes);
        ErrorText line;
        error_set(&line, "%s: fast cache written (%.1f MB); later runs map it", o->fast_cache, (double)bytes / 1e6);
        program_io_error("run", line.text);
    }
}

static float *traced_forward(Transformer *transformer, int token, int pos) {
    if (tracer != NULL) trace_recorder_begin_step(tracer, pos);
    float *logits = fast_path != NULL ? forward_fast(fast_path, token, pos) : forward(transformer, token, pos);
    if (tracer != NULL) trace_recorder_logits(tracer, logits);
    return logits;
}

static void trace_step(int pos, int token, int next, int source, const char *printed) {
    if (tracer != NULL) trace_recorder_step(tracer, pos, token, next, source, printed);
}

static void trace_user(int pos, int system, const char *text) {
    if (tracer != NULL) trace_recorder_user(tracer, pos, system, text);
}

/* The model and tokenizer as the run read them: hashed from the loaders' bytes, not by
 * reading the paths again (a pipe reads once; a file may change in between). */
typedef struct {
    Sha256 hash;
    uint64_t bytes;
    InputWatch watch;
} HashedInput;

/* Bytes after a checkpoint's weights that --trace reads to hash the whole file; a file with
 * more (a huge sparse tail) is refused with --trace rather than read for minutes. */
#define TRACE_TRAILING_BYTES_MAX ((unsigned long long)16 << 20)

static void hash_bytes(void *context, const void *bytes, size_t n) {
    HashedInput *h = context;
    sha256_update(&h->hash, bytes, n);
    h->bytes += n;
}

static void hashed_input_init(HashedInput *h, int hashing) {
    memset(h, 0, sizeof *h);
    sha256_init(&h->hash);
    h->watch.consume = hashing ? hash_bytes : NULL;
    h->watch.context = h;
    h->watch.trailing_max = TRACE_TRAILING_BYTES_MAX;
}

static void hashed_input_hex(HashedInput *h, char hex[65]) {
    unsigned char digest[32];
    sha256_final(&h->hash, digest);
    for (int i = 0; i < 32; i++) snprintf(hex + 2 * i, 3, "%02x", digest[i]);
}

/* Opens the trace file, before anything is printed: every problem with the name is known
 * now, and a trace may never replace the files the run reads. */
static void open_trace(TraceRecorder *r, const Options *o, const Transformer *t, const HashedInput *model,
                       const HashedInput *tok) {
    ErrorText err;
    if (trace_recorder_open(r, o->trace_path, o->trace_level, o->trace_topk, o->trace_layers,
                            t->config.vocab_size, &err) != 0) {
        ErrorText with_option;
        error_set(&with_option, "--trace %s", err.text);
        fail(&with_option);
    }
    const HashedInput *inputs[2] = {model, tok};
    const char *paths[2] = {o->checkpoint_path, o->tokenizer_path};
    for (int i = 0; i < 2; i++) {
        if (atomic_file_replaces(&r->out, inputs[i]->watch.device, inputs[i]->watch.inode)) {
            trace_recorder_abandon(r);
            error_set(&err, "--trace %s: is the %s %s; a trace never replaces an input", o->trace_path,
                      i == 0 ? "checkpoint" : "tokenizer", paths[i]);
            fail(&err);
        }
    }
    tracer = r;
    atexit(abandon_trace_at_exit);
}

static void start_trace(TraceRecorder *r, const Options *o, const Transformer *t, HashedInput *model,
                        HashedInput *tok) {
    char model_hash[65], tokenizer_hash[65];
    hashed_input_hex(model, model_hash);
    hashed_input_hex(tok, tokenizer_hash);

    const Config *p = &t->config;
    float temperature = o->temperature, topp = o->topp;
    /* what the sampler uses: -0 works as 0 (greedy; top-p off), so it is recorded as 0 */
    if (temperature == 0.0f) temperature = 0.0f;
    if (topp == 0.0f) topp = 0.0f;
    uint32_t temperature_bits, topp_bits;
    memcpy(&temperature_bits, &temperature, 4);
    memcpy(&topp_bits, &topp, 4);
    /* greedy decoding never draws from the generator: record the seed only when it matters
     * or was given, so that greedy traces do not depend on the clock */
    uint64_t seed = (o->temperature != 0.0f || o->seed_given) ? o->rng_seed : 0;
    TraceHeader h;
    trace_header_init(&h, p, t->shared_classifier);
    h.model_sha256 = model_hash;
    h.model_bytes = (unsigned long)model->bytes;
    h.tokenizer_sha256 = tokenizer_hash;
    h.tokenizer_bytes = (unsigned long)tok->bytes;
    h.temperature_bits = temperature_bits;
    h.topp_bits = topp_bits;
    h.seed_high = (trace_u32)(seed >> 32);
    h.seed_low = (trace_u32)(seed & 0xFFFFFFFFu);
    h.steps = o->steps;
    h.chat = strcmp(o->mode, "chat") == 0;
    h.math = t->math->name;
    h.logits_level = o->trace_level;
    h.topk = o->trace_topk;
    h.layers = o->trace_layers;
    h.prompt = o->prompt;
    h.system_prompt = o->system_prompt;
    h.platform = o->platform;
    trace_recorder_header(r, &h);
}

static void finish_trace(void) {
    ErrorText err;
    if (tracer == NULL) return;
    TraceRecorder *r = tracer;
    tracer = NULL;
    if (trace_recorder_close(r, &err) != 0) fail(&err);
}

/* ----------------------------------------------------------------------------
 * generation loop */

static void generate(Transformer *transformer, Tokenizer *tokenizer, Sampler *sampler, const char *prompt,
                     int steps) {
    if (prompt == NULL) prompt = "";
    ErrorText err;
    int num_prompt_tokens = 0;
    int *prompt_tokens = xmalloc(tokenizer_max_tokens(strlen(prompt)) * sizeof(int));
    if (encode(tokenizer, prompt, 1, 0, prompt_tokens, &num_prompt_tokens, &err) != 0) {
        fprintf(stderr, "run: prompt: %s\n", err.text);
        exit(EXIT_FAILURE);
    }

    long start = 0; /* used to time our code, only initialized after first iteration */
    int next;
    int token = prompt_tokens[0]; /* kick off with the first token in the prompt */
    int pos = 0;
    while (pos < steps) {
        float *logits = traced_forward(transformer, token, pos);
        /* advance the state machine: force the prompt, then sample */
        int forced = pos < num_prompt_tokens - 1;
        if (forced) next = prompt_tokens[pos + 1];
        else next = sample(sampler, logits);
        pos++;

        /* data-dependent terminating condition: the BOS (=1) token delimits sequences */
        if (next == TOKEN_BOS) {
            trace_step(pos - 1, token, next, forced ? TRACE_SOURCE_PROMPT : TRACE_SOURCE_SAMPLED, NULL);
            break;
        }

        const char *printed = print_piece(decode(tokenizer, token, next));
        fflush(stdout);
        trace_step(pos - 1, token, next, forced ? TRACE_SOURCE_PROMPT : TRACE_SOURCE_SAMPLED, printed);
        token = next;
        if (start == 0) start = time_in_ms();
    }
    printf("\n");

    if (pos > 1) {
        long end = time_in_ms();
        fprintf(stderr, "achieved tok/s: %f\n", (pos - 1) / (double)(end - start) * 1000);
    }
    free(prompt_tokens);
}

/* ----------------------------------------------------------------------------
 * chat loop */

/* The original reads each answer with fgets into a 512-byte buffer: a longer line arrives
 * in pieces of 511 bytes, and at end of input the buffer keeps what it held. */
#define STDIN_LINE_BUFFER 512

static void read_stdin(const char *guide, char *buffer, size_t bufsize) {
    printf("%s", guide);
    if (fgets(buffer, (int)bufsize, stdin) != NULL) {
        size_t len = strlen(buffer);
        if (len > 0 && buffer[len - 1] == '\n') buffer[len - 1] = '\0';
    } else if (ferror(stdin)) { /* end of input keeps the buffer, as the original; an error stops */
        ErrorText err;
        error_set(&err, "cannot read standard input: %s", strerror(errno));
        fflush(stdout);
        fail(&err);
    }
}

/* "[INST] <<SYS>>\n{system}\n<</SYS>>\n\n{user} [/INST]" on the first turn with a system
 * prompt, "[INST] {user} [/INST]" otherwise. The result is malloc'ed. */
static char *render_prompt(const char *system_prompt, const char *user_prompt) {
    static const char with_system[] = "[INST] <<SYS>>\n%s\n<</SYS>>\n\n%s [/INST]";
    static const char user_only[] = "[INST] %s [/INST]";
    size_t n = strlen(user_prompt) + sizeof with_system + (system_prompt ? strlen(system_prompt) : 0);
    char *out = xmalloc(n);
    if (system_prompt != NULL) snprintf(out, n, with_system, system_prompt, user_prompt);
    else snprintf(out, n, user_only, user_prompt);
    return out;
}

static void chat(Transformer *transformer, Tokenizer *tokenizer, Sampler *sampler, const char *cli_user_prompt,
                 const char *cli_system_prompt, int steps) {
    char system_buffer[STDIN_LINE_BUFFER] = "";
    char user_buffer[STDIN_LINE_BUFFER] = "";
    const char *system_prompt = system_buffer;
    const char *user_prompt = user_buffer;
    int *prompt_tokens = NULL;
    int num_prompt_tokens = 0;
    int user_idx = 0;
    ErrorText err;

    int user_turn = 1; /* user starts */
    int next = 0;
    int token;
    int pos = 0;
    while (pos < steps) {
        if (user_turn) {
            if (pos == 0) {
                if (cli_system_prompt == NULL) {
                    read_stdin("Enter system prompt (optional): ", system_buffer, sizeof system_buffer);
                    trace_user(pos, 1, system_buffer);
                } else {
                    system_prompt = cli_system_prompt;
                }
            }
            if (pos == 0 && cli_user_prompt != NULL) {
                user_prompt = cli_user_prompt;
            } else {
                /* at end of input the original keeps what its buffer held: the last answer,
                 * or the -i prompt that was copied into it */
                if (user_prompt != user_buffer) {
                    snprintf(user_buffer, sizeof user_buffer, "%s", user_prompt);
                    user_prompt = user_buffer;
                }
                read_stdin("User: ", user_buffer, sizeof user_buffer);
                trace_user(pos, 0, user_buffer);
            }
            char *rendered = render_prompt(pos == 0 && system_prompt[0] != '\0' ? system_prompt : NULL, user_prompt);
            free(prompt_tokens);
            prompt_tokens = xmalloc(tokenizer_max_tokens(strlen(rendered)) * sizeof(int));
            if (encode(tokenizer, rendered, 1, 0, prompt_tokens, &num_prompt_tokens, &err) != 0) {
                fflush(stdout);
                fprintf(stderr, "run: prompt: %s\n", err.text);
                exit(EXIT_FAILURE);
            }
            free(rendered);
            user_idx = 0;
            user_turn = 0;
            printf("Assistant: ");
        }

        /* the next token: from the prompt while it lasts, else the last sampled one */
        if (user_idx < num_prompt_tokens) token = prompt_tokens[user_idx++];
        else token = next;
        /* EOS (=2) ends the Assistant turn */
        if (token == TOKEN_EOS) user_turn = 1;

        float *logits = traced_forward(transformer, token, pos);
        next = sample(sampler, logits);
        pos++;

        const char *printed = NULL;
        if (user_idx >= num_prompt_tokens && next != TOKEN_EOS) {
            printed = print_piece(decode(tokenizer, token, next));
            fflush(stdout);
        }
        trace_step(pos - 1, token, next, TRACE_SOURCE_SAMPLED, printed);
        if (next == TOKEN_EOS) printf("\n");
    }
    printf("\n");
    free(prompt_tokens);
}

/* ----------------------------------------------------------------------------
 * main */

#ifndef RUN_NO_MAIN /* tests and fuzzers link the functions above without main */
int main(int argc, char **argv) {
    ErrorText err, warning;
    program_io_start();
    if (fp_environment_check(&err) != 0) fail(&err);
    /* the checkpoint is mapped: a file cut under the run ends it with a message, not SIGBUS */
    if (checkpoint_guard_sigbus("run", &err) != 0) fail(&err);

    Options o;
    switch (parse_options(argc, argv, &o, &err)) {
    case OPTIONS_HELP:
        print_usage(stdout);
        return EXIT_SUCCESS;
    case OPTIONS_BAD:
        if (err.text[0] != '\0') program_io_error("run", err.text);
        print_usage(stderr);
        return EXIT_FAILURE;
    }
    if (o.rng_seed == 0) o.rng_seed = (unsigned int)time(NULL);

    HashedInput model_input, tokenizer_input;
    hashed_input_init(&model_input, o.trace_path != NULL);
    hashed_input_init(&tokenizer_input, o.trace_path != NULL);
    Transformer transformer;
    if (transformer_load_watched(&transformer, o.checkpoint_path, &model_input.watch, &warning, &err) != 0) fail(&err);
    if (warning.text[0] != '\0') {
        ErrorText line;
        error_set(&line, "warning: %s", warning.text);
        program_io_error("run", line.text);
    }
    transformer.math = math_library_named(o.math);
    /* override to ~max length */
    if (o.steps == 0 || o.steps > transformer.config.seq_len) o.steps = transformer.config.seq_len;

    Tokenizer tokenizer;
    if (tokenizer_load_watched(&tokenizer, o.tokenizer_path, transformer.config.vocab_size, &tokenizer_input.watch,
                               &err) != 0)
        fail(&err);
    TraceRecorder recorder;
    if (o.trace_path != NULL) open_trace(&recorder, &o, &transformer, &model_input, &tokenizer_input);

    Sampler sampler;
    if (build_sampler(&sampler, transformer.config.vocab_size, o.temperature, o.topp, o.rng_seed,
                      transformer.math) != 0) {
        fprintf(stderr, "run: out of memory for the sampler\n");
        return EXIT_FAILURE;
    }

    FastCacheMapping fast_cache = {NULL, 0};
    if (o.fast_cache != NULL) open_fast_cache(&fast_cache, &o, &transformer);
    else if (o.fast && fast_forward_init(&fast_path, &transformer, o.threads, FAST_SIMD_AUTO, &err) != 0) fail(&err);
    if (o.fast) fast_forward_choose_threads(fast_path, !o.fixed_threads);

    if (o.trace_path != NULL) {
        start_trace(&recorder, &o, &transformer, &model_input, &tokenizer_input);
        if (o.trace_layers) {
            transformer.probe = trace_recorder_probe;
            transformer.probe_context = &recorder;
        }
    }

    if (strcmp(o.mode, "generate") == 0) generate(&transformer, &tokenizer, &sampler, o.prompt, o.steps);
    else chat(&transformer, &tokenizer, &sampler, o.prompt, o.system_prompt, o.steps);
    /* a story that did not reach standard output is a failed run: no trace of it either */
    if (!program_io_stdout_ok("run")) exit(EXIT_FAILURE);
    finish_trace();

    free_sampler(&sampler);
    tokenizer_free(&tokenizer);
    fast_forward_free(fast_path);
    fast_cache_unmap(&fast_cache);
    transformer_free(&transformer);
    return 0;
}
#endif
