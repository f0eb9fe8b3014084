/* The model's part of a trace's TRACE header, filled from the engine's Config, so that
 * ./run, the ports and the tests write the CONFIG record from one place.
 *
 * C89 (part of the core): the 6502 program fills its header with it too. */
#ifndef ENGINE_TRACE_HEADER_H
#define ENGINE_TRACE_HEADER_H

#include "engine/trace_writer.h"
#include "engine/transformer.h"

/* Sets h's CONFIG fields from the checkpoint header c (vocab_size positive) and whether
 * the classifier is the embedding table, and empties every other field: no files,
 * sampler inputs all zero bits (greedy, seed 0), no steps, generate mode, DIGEST logits,
 * no LAYER records, no prompts, no math library, no platform. The caller then sets what
 * its run has; trace_write_header needs at least the files, math and platform. */
void trace_header_init(TraceHeader *h, const Config *c, int shared_classifier);

#endif
