/* Fuzz target: what ./run writes, conform reads (write-then-read).
 *
 * The input describes a small run: 16 knob bytes (the model's shape, temperature, top-p,
 * seed, steps, logits level, layer records, math, prompt length), then the prompt's letters,
 * then bytes that become the weights (repeated to fill the checkpoint). The harness builds
 * the checkpoint image and a tokenizer of the model's vocabulary (<unk>, <s>, </s>, " ",
 * then one letter per token: a one-token vocabulary included), parses a command line with
 * run.c's parse_options(), and runs run.c's own generate() with a trace into a scratch file,
 * exactly as main() does. Then the property: the trace reader accepts the file, and
 * `conform show TRACE` and `conform diff TRACE TRACE` exit 0.
 *
 * run.c is compiled into this file without its main (RUN_NO_MAIN); conform without its
 * main (CONFORM_NO_MAIN). */
#define _POSIX_C_SOURCE 200809L /* mkdtemp, fileno, dup */
#define RUN_NO_MAIN 1
#include "run.c"

#include <fcntl.h>
#include <unistd.h>

#include "fuzz/fuzz_util.h"
#include "host/trace_reader.h"

int conform_main(int argc, char **argv, FILE *out, FILE *err);

static char scratch_dir[128], trace_path[160];
static FILE *devnull;

static void harness_fail(const char *what, const char *detail) {
    fprintf(stderr, "fuzz_roundtrip: %s%s%s\n", what, detail != NULL ? ": " : "", detail != NULL ? detail : "");
    abort();
}

static void cleanup(void) {
    unlink(trace_path);
    rmdir(scratch_dir);
}

int LLVMFuzzerInitialize(int *argc, char ***argv) {
    (void)argc;
    (void)argv;
    const char *failed = fuzz_scratch(scratch_dir, sizeof scratch_dir, "fuzz-roundtrip", &devnull);
    if (failed != NULL) harness_fail(failed, NULL);
    snprintf(trace_path, sizeof trace_path, "%s/run.trace", scratch_dir);
    atexit(cleanup);
    return 0;
}

enum { KNOB_BYTES = 16 };

/* <unk> <s> </s> " " a b c ...: every prompt letter and the dummy prefix have a token. */
static void letter_piece(int id, char out[16]) {
    if (id == 3) snprintf(out, 16, " ");
    else snprintf(out, 16, "%c", 'a' + (id - 4));
}

static int build_tokenizer(Tokenizer *t, int vocab) {
    unsigned char image[4 + 64 * 24];
    size_t size = fuzz_tokenizer_image(image, vocab, letter_piece);
    ErrorText err;
    return tokenizer_init_from_image(t, image, size, vocab, "built-in", &err);
}

/* A checkpoint image of the knobs' shape; weights are the input's bytes repeated. */
static unsigned char *build_checkpoint(const uint8_t *k, const uint8_t *weights, size_t n_weights, size_t *size) {
    int kv_heads = 1 + k[0] % 2, heads = kv_heads * (1 + k[1] % 2), head_size = 2 * (1 + k[2] % 2);
    int dim = heads * head_size, hidden = 1 + k[3] % 8, layers = 1 + k[4] % 2, vocab = 1 + k[5] % 12;
    int seq_len = 1 + k[6] % 8, shared = k[7] & 1;
    int32_t fields[7] = {dim, hidden, layers, heads, kv_heads, shared ? vocab : -vocab, seq_len};
    unsigned char header[CHECKPOINT_HEADER_BYTES];
    for (int i = 0; i < 7; i++)
        for (int b = 0; b < 4; b++) header[4 * i + b] = (unsigned char)((uint32_t)fields[i] >> (8 * b));
    Config p;
    int shared_classifier;
    uint64_t implied;
    ErrorText err;
    if (checkpoint_check_header(header, sizeof header, "fuzz", &p, &shared_classifier, &implied, &err) != 0)
        harness_fail("the harness made a bad header", err.text);
    unsigned char *image = malloc((size_t)implied);
    if (image == NULL) harness_fail("out of memory", NULL);
    memcpy(image, header, sizeof header);
    for (size_t i = sizeof header; i < (size_t)implied; i++)
        image[i] = n_weights > 0 ? weights[(i - sizeof header) % n_weights] : (unsigned char)i;
    *size = (size_t)implied;
    return image;
}

/* Runs generate() with the trace as main() does; its standard output (the story) and
 * standard error (tok/s) go to /dev/null meanwhile. */
static void traced_run(Options *o, Transformer *t, Tokenizer *tok, const unsigned char *image, size_t image_size) {
    ErrorText err;
    Sampler sampler;
    if (build_sampler(&sampler, t->config.vocab_size, o->temperature, o->topp, o->rng_seed, t->math) != 0)
        harness_fail("build_sampler", NULL);
    HashedInput model_input, tokenizer_input;
    hashed_input_init(&model_input, 1);
    hashed_input_init(&tokenizer_input, 1);
    hash_bytes(&model_input, image, image_size);
    static TraceRecorder recorder;
    if (trace_recorder_open(&recorder, trace_path, o->trace_level, o->trace_topk, o->trace_layers,
                            t->config.vocab_size, &err) != 0)
        harness_fail("trace_recorder_open", err.text);
    tracer = &recorder;
    start_trace(&recorder, o, t, &model_input, &tokenizer_input);
    if (o->trace_layers) {
        t->probe = trace_recorder_probe;
        t->probe_context = &recorder;
    }
    fflush(stdout);
    fflush(stderr);
    int saved_stdout = dup(1), saved_stderr = dup(2);
    dup2(fileno(devnull), 1);
    dup2(fileno(devnull), 2);
    generate(t, tok, &sampler, o->prompt, o->steps);
    fflush(stdout);
    fflush(stderr);
    dup2(saved_stdout, 1);
    dup2(saved_stderr, 2);
    close(saved_stdout);
    close(saved_stderr);
    if (tracer != NULL && trace_recorder_close(tracer, &err) != 0) harness_fail("trace_recorder_close", err.text);
    tracer = NULL;
    free_sampler(&sampler);
}

static void check_conform_accepts(void) {
    Trace *trace;
    TraceError e;
    if (trace_read_file(trace_path, &trace, &e) != 0) harness_fail("the reader refuses ./run's trace", trace_error_text(&e));
    trace_free(trace);
    char *show[] = {(char *)"conform", (char *)"show", trace_path, NULL};
    if (conform_main(3, show, devnull, devnull) != 0) harness_fail("conform show refuses ./run's trace", NULL);
    char *diff[] = {(char *)"conform", (char *)"diff", trace_path, trace_path, NULL};
    if (conform_main(4, diff, devnull, devnull) != 0) harness_fail("conform diff TRACE TRACE is not 0", NULL);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (devnull == NULL) LLVMFuzzerInitialize(NULL, NULL); /* replay drivers without the hook */
    if (size < KNOB_BYTES) return 0;
    const uint8_t *k = data;
    size_t prompt_len = k[15] % 9, rest = size - KNOB_BYTES;
    if (prompt_len > rest) prompt_len = rest;

    size_t image_size;
    unsigned char *image = build_checkpoint(k, data + KNOB_BYTES + prompt_len, rest - prompt_len, &image_size);
    Transformer t;
    ErrorText err, warning;
    memset(&t, 0, sizeof t);
    if (transformer_init_from_image(&t, image, image_size, "fuzz", &warning, &err) != 0 ||
        transformer_alloc_state(&t, &err) != 0)
        harness_fail("the harness's checkpoint", err.text);
    t.file_data = image;
    Tokenizer tok;
    if (build_tokenizer(&tok, t.config.vocab_size) != 0) harness_fail("the harness's tokenizer", NULL);

    /* the command line: -t, -p, -s, -n, -i, --logits, --layers, --math as a user writes them */
    static const char *const temps[] = {"0", "-0", "1", "0.5", "2", "-3", "0.001", "nan"};
    static const char *const topps[] = {"0.9", "0", "-0", "1", "0.5", "0.99", "-1", "nan"};
    static const char *const levels[] = {"digest", "full", "topk:1", "topk:3"};
    char seed[24], steps[16], prompt[16];
    snprintf(seed, sizeof seed, "%d", (int)k[10] - 128);
    snprintf(steps, sizeof steps, "%d", (int)k[11] % 12 - 1);
    int letters = t.config.vocab_size - 4;
    size_t n_prompt = letters > 0 ? prompt_len : 0;
    for (size_t i = 0; i < n_prompt; i++) prompt[i] = (char)('a' + data[KNOB_BYTES + i] % (unsigned)letters);
    prompt[n_prompt] = '\0';
    const char *argv[20] = {"run", "model.bin", "-t", temps[k[8] % 8], "-p", topps[k[9] % 8], "-s", seed,
                            "-n", steps, "--logits", levels[k[12] % 4], "--math", k[13] & 1 ? "portable" : "libm"};
    int argc = 14;
    if (k[13] & 2) argv[argc++] = "--layers";
    if (n_prompt > 0 || (k[13] & 4)) {
        argv[argc++] = "-i";
        argv[argc++] = prompt;
    }
    argv[argc] = NULL;
    Options o;
    if (parse_options(argc, (char **)argv, &o, &err) != OPTIONS_RUN) harness_fail("parse_options refuses", err.text);
    if (o.rng_seed == 0) o.rng_seed = 1;
    t.math = math_library_named(o.math);
    if (o.steps == 0 || o.steps > t.config.seq_len) o.steps = t.config.seq_len;

    /* generate() exits on a prompt it cannot encode: only run what encodes */
    int *tokens = malloc(tokenizer_max_tokens(strlen(prompt)) * sizeof *tokens);
    int n_tokens;
    if (tokens == NULL) harness_fail("out of memory", NULL);
    int encodes = encode(&tok, o.prompt != NULL ? o.prompt : "", 1, 0, tokens, &n_tokens, &err) == 0;
    free(tokens);
    if (encodes) {
        traced_run(&o, &t, &tok, image, image_size);
        check_conform_accepts();
    }
    tokenizer_free(&tok);
    transformer_free(&t);
    return 0;
}
