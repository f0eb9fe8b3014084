/* run.c: inference for Llama-2 checkpoints in the llama2.c format, in pure float32 C.
 *
 * A faithful reimplementation of llama2.c's run.c: the same command line, the same bytes on
 * standard output and the same exit status for every invocation the original accepts, and
 * the same float operation order (engine/forward.c). Where the original crashes on bad
 * input, this program prints one line on standard error and exits with status 1.
 *
 * The transformer, tokenizer and sampler live in engine/; this file is the program:
 * options, generation, chat. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "engine/fpcheck.h"
#include "engine/sampler.h"
#include "engine/tokenizer.h"
#include "engine/transformer.h"

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
            "  --help      this text\n");
}

static void error_usage(void) {
    print_usage(stderr);
    exit(EXIT_FAILURE);
}

/* atoi as glibc does it: strtol, then the low 32 bits. */
static int parse_int(const char *s) {
    long long v = strtoll(s, NULL, 10);
    return (int)(int32_t)(uint32_t)(unsigned long long)v;
}

static void parse_options(int argc, char **argv, Options *o) {
    o->checkpoint_path = NULL;
    o->tokenizer_path = "tokenizer.bin";
    o->temperature = 1.0f;
    o->topp = 0.9f;
    o->steps = 256;
    o->prompt = NULL;
    o->rng_seed = 0;
    o->mode = "generate";
    o->system_prompt = NULL;

    if (argc < 2) error_usage();
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        print_usage(stdout);
        exit(EXIT_SUCCESS);
    }
    o->checkpoint_path = argv[1];
    for (int i = 2; i < argc; i += 2) {
        if (i + 1 >= argc) error_usage();       /* must have arg after flag */
        if (argv[i][0] != '-') error_usage();   /* must start with dash */
        if (strlen(argv[i]) != 2) error_usage(); /* must be -x (one dash, one letter) */
        const char *value = argv[i + 1];
        switch (argv[i][1]) {
        case 't': o->temperature = (float)strtod(value, NULL); break;
        case 'p': o->topp = (float)strtod(value, NULL); break;
        case 's': o->rng_seed = (uint64_t)(int64_t)parse_int(value); break;
        case 'n': o->steps = parse_int(value); break;
        case 'i': o->prompt = value; break;
        case 'z': o->tokenizer_path = value; break;
        case 'm': o->mode = value; break;
        case 'y': o->system_prompt = value; break;
        default: error_usage();
        }
    }
    if (strcmp(o->mode, "generate") != 0 && strcmp(o->mode, "chat") != 0) {
        fprintf(stderr, "run: unknown mode: %s (expected generate or chat)\n", o->mode);
        error_usage();
    }
    /* parameter validation/overrides */
    if (o->rng_seed == 0) o->rng_seed = (unsigned int)time(NULL);
    if (o->temperature < 0.0) o->temperature = 0.0f;
    if (o->topp < 0.0 || 1.0 < o->topp) o->topp = 0.9f;
    if (o->steps < 0) o->steps = 0;
}

/* ----------------------------------------------------------------------------
 * utilities */

static void fail(const ErrorText *err) {
    fprintf(stderr, "run: %s\n", err->text);
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

static void print_piece(const char *piece) {
    piece = printable_piece(piece);
    if (piece != NULL) fputs(piece, stdout);
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
        float *logits = forward(transformer, token, pos);
        /* advance the state machine: force the prompt, then sample */
        if (pos < num_prompt_tokens - 1) next = prompt_tokens[pos + 1];
        else next = sample(sampler, logits);
        pos++;

        /* data-dependent terminating condition: the BOS (=1) token delimits sequences */
        if (next == TOKEN_BOS) break;

        print_piece(decode(tokenizer, token, next));
        fflush(stdout);
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
                if (cli_system_prompt == NULL) read_stdin("Enter system prompt (optional): ", system_buffer, sizeof system_buffer);
                else system_prompt = cli_system_prompt;
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

        float *logits = forward(transformer, token, pos);
        next = sample(sampler, logits);
        pos++;

        if (user_idx >= num_prompt_tokens && next != TOKEN_EOS) {
            print_piece(decode(tokenizer, token, next));
            fflush(stdout);
        }
        if (next == TOKEN_EOS) printf("\n");
    }
    printf("\n");
    free(prompt_tokens);
}

/* ----------------------------------------------------------------------------
 * main */

int main(int argc, char **argv) {
    ErrorText err, warning;
    if (fp_environment_check(&err) != 0) fail(&err);

    Options o;
    parse_options(argc, argv, &o);

    Transformer transformer;
    if (transformer_load(&transformer, o.checkpoint_path, &warning, &err) != 0) fail(&err);
    if (warning.text[0] != '\0') fprintf(stderr, "run: warning: %s\n", warning.text);
    /* override to ~max length */
    if (o.steps == 0 || o.steps > transformer.config.seq_len) o.steps = transformer.config.seq_len;

    Tokenizer tokenizer;
    if (tokenizer_load(&tokenizer, o.tokenizer_path, transformer.config.vocab_size, &err) != 0) fail(&err);

    Sampler sampler;
    if (build_sampler(&sampler, transformer.config.vocab_size, o.temperature, o.topp, o.rng_seed,
                      transformer.math) != 0) {
        fprintf(stderr, "run: out of memory for the sampler\n");
        return EXIT_FAILURE;
    }

    if (strcmp(o.mode, "generate") == 0) generate(&transformer, &tokenizer, &sampler, o.prompt, o.steps);
    else chat(&transformer, &tokenizer, &sampler, o.prompt, o.system_prompt, o.steps);

    free_sampler(&sampler);
    tokenizer_free(&tokenizer);
    transformer_free(&transformer);
    return 0;
}
