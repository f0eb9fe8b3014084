/* Fuzz target: run.c's command line.
 *
 * The input is argv[1..] separated by NUL bytes (argv[0] is "run"). parse_options() must
 * return one of its three verdicts and, for a run, leave options the program can use: a
 * known mode, steps >= 0, a temperature that is not negative, top-p in [0, 1] (or NaN, as
 * the original lets it through). The prompt and system prompt, of whatever length, are then
 * rendered as chat does and encoded with a small tokenizer built here.
 *
 * run.c is compiled into this file without its main (RUN_NO_MAIN), for Options and its
 * static helpers. */
#define RUN_NO_MAIN 1
#include "run.c"

#include "fuzz/fuzz_util.h"

static void harness_fail(const char *what) {
    fprintf(stderr, "fuzz_options: %s\n", what);
    abort();
}

/* A tokenizer in the tokenizer.bin layout: <unk> <s> </s>, the 256 byte tokens <0xHH>,
 * " ", and a few merges, so that encode() runs its byte fallback and merge paths. */
static Tokenizer tokenizer;

static const char *const extra[] = {" ", "e", "t", " t", "th", "he", " the", "in", "[INST]", "<<", "SYS", ">>"};

static void byte_or_merge_piece(int id, char out[16]) {
    if (id < 259) snprintf(out, 16, "<0x%02X>", id - 3);
    else snprintf(out, 16, "%s", extra[id - 259]);
}

static void build_tokenizer(void) {
    int vocab = 3 + 256 + (int)(sizeof extra / sizeof extra[0]);
    unsigned char *image = malloc(4 + (size_t)vocab * 24);
    if (image == NULL) harness_fail("out of memory");
    size_t size = fuzz_tokenizer_image(image, vocab, byte_or_merge_piece);
    ErrorText err;
    if (tokenizer_init_from_image(&tokenizer, image, size, vocab, "built-in", &err) != 0) harness_fail(err.text);
    free(image);
}

int LLVMFuzzerInitialize(int *argc, char ***argv) {
    (void)argc;
    (void)argv;
    build_tokenizer();
    return 0;
}

static void encode_text(const char *text) {
    size_t room = tokenizer_max_tokens(strlen(text));
    int *tokens = malloc(room * sizeof *tokens);
    if (tokens == NULL) harness_fail("out of memory");
    int n = 0;
    ErrorText err;
    if (encode(&tokenizer, text, 1, 0, tokens, &n, &err) != 0) harness_fail(err.text);
    if (n < 1 || (size_t)n > room) harness_fail("token count out of range");
    for (int i = 0; i < n; i++)
        if (tokens[i] < 0 || tokens[i] >= tokenizer.vocab_size) harness_fail("token outside the vocabulary");
    free(tokens);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (tokenizer.vocab == NULL) build_tokenizer(); /* replay drivers without the hook */
    char *buffer = malloc(size + 1);
    if (buffer == NULL) return 0;
    if (size > 0) memcpy(buffer, data, size);
    buffer[size] = '\0';
    /* one argument per NUL-terminated piece; a final NUL does not start another */
    int argc = 1;
    for (size_t i = 0; i < size; i++)
        if (buffer[i] == '\0' && i + 1 < size) argc++;
    if (size > 0) argc++;
    char **argv = malloc(((size_t)argc + 1) * sizeof *argv);
    if (argv == NULL) { free(buffer); return 0; }
    argv[0] = (char *)"run";
    int k = 1;
    if (size > 0) {
        argv[k++] = buffer;
        for (size_t i = 0; i + 1 < size; i++)
            if (buffer[i] == '\0') argv[k++] = buffer + i + 1;
    }
    argv[k] = NULL;
    if (k != argc) harness_fail("argument count");

    Options o;
    ErrorText err;
    int verdict = parse_options(argc, argv, &o, &err);
    if (verdict == OPTIONS_RUN) {
        if (o.checkpoint_path == NULL || o.tokenizer_path == NULL) harness_fail("no checkpoint or tokenizer path");
        if (strcmp(o.mode, "generate") != 0 && strcmp(o.mode, "chat") != 0) harness_fail("unknown mode accepted");
        if (o.steps < 0) harness_fail("negative steps");
        if (o.temperature < 0.0f) harness_fail("negative temperature");
        if (o.topp < 0.0f || o.topp > 1.0f) harness_fail("top-p outside [0, 1]");
        if (math_library_named(o.math) == NULL) harness_fail("unknown math library accepted");
        if (o.trace_level == TRACE_LOGITS_TOPK && (o.trace_topk < 1 || o.trace_topk > TRACE_TOPK_MAX))
            harness_fail("top-k outside 1..TRACE_TOPK_MAX");
        if (o.platform == NULL) harness_fail("no platform id");
        if (err.text[0] != '\0') harness_fail("a message for a good command line");
        /* what generate and chat do with the prompts, at any length */
        const char *user = o.prompt != NULL ? o.prompt : "";
        encode_text(user);
        char *rendered = render_prompt(o.system_prompt, user);
        size_t want = strlen(user) + (o.system_prompt != NULL ? strlen(o.system_prompt) + 34 : 15);
        if (strlen(rendered) != want) harness_fail("rendered prompt has the wrong length");
        encode_text(rendered);
        free(rendered);
    } else if (verdict != OPTIONS_HELP && verdict != OPTIONS_BAD) {
        harness_fail("parse_options returned an unknown verdict");
    }
    free(argv);
    free(buffer);
    return 0;
}
