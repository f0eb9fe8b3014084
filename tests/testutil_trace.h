/* The header of the traces the tests write: stories260K's files (their SHA-256 and sizes)
 * and its shape, through the core's trace_header_init as ./run and the ports fill theirs. */
#ifndef TESTS_TESTUTIL_TRACE_H
#define TESTS_TESTUTIL_TRACE_H

#include "engine/trace_header.h"

/* stories260K's files and shape with n_layers layers and vocab tokens, the logits at level
 * (TRACE_LOGITS_...) with topk, LAYER records when layers, the prompt (or NULL) and the
 * platform; the sampler all zero bits and the math library unset, for the test to fill. */
static inline TraceHeader test_trace_header(int n_layers, int vocab, int level, int topk, int layers,
                                            const char *prompt, const char *platform) {
    Config c = {64, 172, 0, 8, 4, 0, 512};
    TraceHeader h;
    c.n_layers = n_layers;
    c.vocab_size = vocab;
    trace_header_init(&h, &c, 1);
    h.model_sha256 = "B0A507E7AD0F626624F17112325E66691F9076D622E1D3274D103D00299F2696";
    h.model_bytes = 1056540;
    h.tokenizer_sha256 = "037CB335ABB25D1FA9E8ECAE30ED2A3A8ACE9302862EBCDC05D51A6BBB10C312";
    h.tokenizer_bytes = 6227;
    h.logits_level = level;
    h.topk = topk;
    h.layers = layers;
    h.prompt = prompt;
    h.platform = platform;
    return h;
}

#endif
