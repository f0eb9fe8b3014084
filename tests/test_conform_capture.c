/* Tests of plain captures as real ports print them (cli/conform_capture.c), of the
 * resynchronising text comparison (cli/conform_align.c) and of the report fixes: PIECE
 * values at every level, the step that printed a differing byte, cut-short wording and
 * `conform show` of a plain capture. conform_main runs in-process; files go to
 * $CONFORM_SCRATCH (which must exist). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/trace_writer.h"
#include "tests/testutil_conform.h"
#include "tests/testutil_trace.h"

static const char *scratch;

static char path_buffer[8][512];
static int path_next;

static const char *write_text(const char *name, const char *text) {
    char *path = path_buffer[path_next++ % 8];
    snprintf(path, 512, "%s/%s", scratch, name);
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    fputs(text, f);
    assert_int_equal(fclose(f), 0);
    return path;
}

static void put_file(void *context, int ascii) { fputc(ascii, (FILE *)context); }

#define VOCAB 16

/* A trace whose steps print pieces[0..n) (NULL-terminated when n < 0), DIGEST level, the
 * tokens taken from tokens[] (or the step number). steps_in_header: SAMPLER STEPS; end: END. */
static const char *write_trace(const char *name, const char *const *pieces, long n, const long *tokens,
                               long steps_in_header, int end) {
    char *path = path_buffer[path_next++ % 8];
    snprintf(path, 512, "%s/%s", scratch, name);
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    TraceWriter w;
    TraceHeader h = test_trace_header(5, VOCAB, TRACE_LOGITS_DIGEST, 0, 0, NULL, "TEST");
    h.steps = steps_in_header;
    h.math = "LIBM";
    trace_writer_init(&w, put_file, f);
    trace_write_header(&w, &h);
    trace_u32 v[VOCAB];
    for (long i = 0; i < n; i++) {
        for (int k = 0; k < VOCAB; k++) v[k] = 0x3F800000u + (trace_u32)k;
        TraceStep s;
        s.pos = i;
        s.token = i == 0 ? 1 : (tokens != NULL ? tokens[i - 1] : i % VOCAB);
        s.next = tokens != NULL ? tokens[i] : (i + 1) % VOCAB;
        s.source = TRACE_SOURCE_SAMPLED;
        s.piece = pieces[i];
        trace_write_step(&w, &s, v, VOCAB, TRACE_LOGITS_DIGEST, 0);
    }
    if (end) trace_write_end(&w);
    assert_int_equal(fclose(f), 0);
    return path;
}

static const char STORY[] = "Once upon a time, there was a little girl named Lily.\nShe loved to play outside.\nOne day she saw a ball.";

/* ---- finding the story ---- */

static void test_banner_markers_and_inline_trailer(void **state) {
    (void)state;
    const char *e = write_text("story.txt", STORY);
    char capture[1024];
    snprintf(capture, sizeof capture, "port 1.0\ndim: 64, n_layers: 5, vocab_size: 512\n<s>\n%sachieved tok/s: 512.000000\n", STORY);
    const char *a = write_text("port.txt", capture);
    Result r = conform("diff", e, a, "--level", "text", NULL);
    assert_int_equal(r.status, 0);
    assert_line(r.out, "verdict: EQUAL: the texts are the same (104 bytes)");
    assert_line(r.out, "capture: ignored preamble (47 bytes): \"port 1.0\\ndim: 64, n_layers: 5, vocab_size: 512\\n\"");
    assert_line(r.out, "capture: ignored trailer (26 bytes): \"achieved tok/s: 512.000000\"");
    assert_contains(r.out, "port.txt: story from where the expected text begins, to before the timing trailer; 1 line (4 bytes) stripped\n");
    result_free(&r);
}

static void test_trailer_lines_and_no_expected_opening(void **state) {
    (void)state;
    const char *e = write_text("story.txt", STORY);
    /* the story does not begin as expected: the banner rule decides where it starts */
    char capture[1024];
    snprintf(capture, sizeof capture, "Model loaded.\nseed = 42\n\nXnce%s\n</s>\nTokens per second: 88.1\nelapsed: 1.25 s\n", STORY + 4);
    const char *a = write_text("port2.txt", capture);
    Result r = conform("diff", e, a, "--level", "text", NULL);
    assert_int_equal(r.status, 1);
    assert_contains(r.out, "port2.txt: story from after the banner lines, to before the timing trailer; 1 line (5 bytes) stripped\n");
    assert_line(r.out, "capture: ignored preamble (25 bytes): \"Model loaded.\\nseed = 42\\n\\n\"");
    assert_line(r.out, "capture: ignored trailer (40 bytes): \"\\nTokens per second: 88.1\\nelapsed: 1.25 s\"");
    assert_line(r.out, "verdict: DIFFERENT: the texts differ from byte 0 (line 1, column 1); expected 104 bytes, actual 104");
    assert_line(r.out, "  1 differing region; 103 of 104 bytes of EXPECTED are outside them; the texts end the same");
    assert_line(r.out, "  region 1: expected bytes 0-1 \"O\", actual bytes 0-1 \"X\"");
    result_free(&r);
}

static void test_prefix(void **state) {
    (void)state;
    const char *e = write_text("story.txt", STORY);
    char capture[1024];
    snprintf(capture, sizeof capture, "%s The end.\nachieved tok/s: 9.5\n", STORY);
    const char *a = write_text("longer.txt", capture);
    Result r = conform("diff", e, a, "--level", "text", NULL);
    assert_int_equal(r.status, 1);
    assert_line(r.out, "verdict: DIFFERENT: EXPECTED is a prefix of ACTUAL (+9 bytes)");
    assert_line(r.out, "  region 1: expected bytes 104-104 \"\", actual bytes 104-113 \" The end.\"");
    result_free(&r);
    r = conform("diff", a, e, "--level", "text", NULL);
    assert_int_equal(r.status, 1);
    assert_line(r.out, "verdict: DIFFERENT: ACTUAL is a prefix of EXPECTED (9 bytes missing)");
    result_free(&r);
}

static void test_every_region_and_for_good(void **state) {
    (void)state;
    const char *e = write_text("story.txt", STORY);
    /* two newlines printed as byte pieces; the rest identical */
    const char *a = write_text("bytes.txt",
                               "Once upon a time, there was a little girl named Lily.<0x0A>She loved to play outside.<0x0A>One day she saw a ball.\n");
    Result r = conform("diff", e, a, "--level", "text", NULL);
    assert_int_equal(r.status, 1);
    assert_line(r.out, "  2 differing regions; 102 of 104 bytes of EXPECTED are outside them; the texts end the same");
    assert_line(r.out, "  region 1: expected bytes 53-54 \"\\n\", actual bytes 53-59 \"<0x0A>\"");
    assert_line(r.out, "  region 2: expected bytes 80-81 \"\\n\", actual bytes 85-91 \"<0x0A>\"");
    result_free(&r);
    r = conform("diff", e, a, "--level", "text", "--json", NULL);
    assert_int_equal(r.status, 1);
    assert_contains(r.out, "\"regions\":[{\"expected_offset\":53,\"expected_bytes\":1,\"actual_offset\":53,\"actual_bytes\":6},"
                           "{\"expected_offset\":80,\"expected_bytes\":1,\"actual_offset\":85,\"actual_bytes\":6}],\"for_good\":false");
    assert_contains(r.out, "\"diagnosis\":{\"name\":\"byte-pieces-literal\",\"detail\":\"ACTUAL prints 2 byte-fallback pieces as <0xNN>");
    result_free(&r);
    /* a different story from byte 18 on */
    a = write_text("apart.txt", "Once upon a time, a dog ran to the big tree and barked at a cat who sat up high.\n");
    r = conform("diff", e, a, "--level", "text", NULL);
    assert_int_equal(r.status, 1);
    assert_line(r.out, "  1 differing region; 18 of 104 bytes of EXPECTED are outside them; the texts diverge for good from the last region on");
    result_free(&r);
}

static void test_explicit_options(void **state) {
    (void)state;
    const char *e = write_text("story.txt", STORY);
    char capture[1024];
    /* a banner line that the automatic rule would keep: only the options find the story */
    snprintf(capture, sizeof capture, "Once upon a time a port began.\n>>> %s\n[debug] step 3\n", STORY);
    const char *a = write_text("opts.txt", capture);
    Result r = conform("diff", e, a, "--level", "text", "--start-after", ">>> ", "--strip", "^\\[debug\\]", "--raw-capture", NULL);
    assert_int_equal(r.status, 1); /* --raw-capture: the whole capture is compared */
    assert_contains(r.out, "opts.txt: story from the start of the capture (--raw-capture), to the end of the capture\n");
    result_free(&r);
    r = conform("diff", e, a, "--level", "text", "--start-after", ">>> ", "--strip", "^\\[debug\\]", NULL);
    assert_int_equal(r.status, 0);
    assert_contains(r.out, "opts.txt: story from after the --start-after text, to the end of the capture; 1 line (15 bytes) stripped\n");
    assert_line(r.out, "capture: ignored preamble (35 bytes): \"Once upon a time a port began.\\n>>> \"");
    result_free(&r);
    r = conform("diff", e, a, "--level", "text", "--skip-lines", "1", "--strip", "debug", NULL);
    assert_int_equal(r.status, 1);
    assert_line(r.out, "capture: ignored preamble (31 bytes): \"Once upon a time a port began.\\n\"");
    assert_line(r.out, "  region 1: expected bytes 0-0 \"\", actual bytes 0-4 \">>> \"");
    result_free(&r);
    r = conform("diff", e, a, "--level", "text", "--strip", "([", NULL);
    assert_int_equal(r.status, 2);
    assert_string_equal(r.err, "conform: --strip ([: not a valid (POSIX extended) regular expression\n");
    result_free(&r);
    r = conform("diff", e, a, "--level", "text", "--skip-lines", "x", NULL);
    assert_int_equal(r.status, 2);
    assert_contains(r.err, "conform: --skip-lines takes a count of lines, e.g. --skip-lines 3\n");
    result_free(&r);
}

/* ---- report fixes ---- */

static void test_piece_at_every_level(void **state) {
    (void)state;
    static const char *const good[] = {"Once", " upon", "\n", " a", " time"};
    static const char *const bad[] = {"Once", " upon", "<0x0A>", " a", " time"};
    const char *e = write_trace("pieces_e.trace", good, 5, NULL, 5, 1);
    const char *a = write_trace("pieces_a.trace", bad, 5, NULL, 5, 1);
    static const char *const levels[] = {"tokens", "bits"};
    for (int i = 0; i < 2; i++) {
        Result r = conform("diff", e, a, "--level", levels[i], NULL);
        assert_int_equal(r.status, 1);
        assert_contains(r.out, "verdict: DIFFERENT: 1 of 5 steps differ");
        assert_line(r.out, "first divergence: step 2 (POS 2)");
        assert_line(r.out, "  PIECE differs: expected \"\\n\", actual \"<0x0A>\"");
        result_free(&r);
    }
}

static void test_text_step_after_empty_pieces(void **state) {
    (void)state;
    /* steps 1 and 2 print nothing (byte pieces the program drops); step 3 prints the byte
     * that differs */
    static const char *const good[] = {"Once", "", "", " upon", " a"};
    static const char *const bad[] = {"Once", "", "", " UPON", " a"};
    const char *e = write_trace("empty_e.trace", good, 5, NULL, 5, 1);
    const char *a = write_trace("empty_a.trace", bad, 5, NULL, 5, 1);
    Result r = conform("diff", e, a, "--level", "text", NULL);
    assert_int_equal(r.status, 1);
    assert_line(r.out, "  in EXPECTED step 3");
    assert_line(r.out, "  in ACTUAL step 3");
    result_free(&r);
}

static void test_cut_short_wording(void **state) {
    (void)state;
    static const char *const pieces[] = {"Once", " upon", " a", " time", ",", " there"};
    static const char *const other[] = {"Twice", " upon", " a", " time", ",", " there"};
    const char *e = write_trace("cut_e.trace", pieces, 6, NULL, 6, 1);
    const char *a = write_trace("cut_a.trace", other, 1, NULL, 6, 0);
    Result r = conform("diff", e, a, NULL);
    assert_int_equal(r.status, 1);
    assert_line(r.out, "verdict: DIFFERENT: 1 of 1 compared steps differ at level bits (1 step compared of 6 expected; ACTUAL stops at POS 1 (cut short: no END))");
    assert_no(r.out, "1 of 6 steps differ");
    result_free(&r);
}

static void test_show_plain_capture(void **state) {
    (void)state;
    char capture[1024];
    snprintf(capture, sizeof capture, "port: 1.0\nvocab_size=512\n%s\nachieved tok/s: 1.5\n", STORY);
    const char *a = write_text("show.txt", capture);
    Result r = conform("show", a, NULL);
    assert_int_equal(r.status, 0);
    assert_contains(r.out, "show.txt (plain text capture: no trace lines)\n");
    assert_line(r.out, "preamble:  25 bytes, ignored (after the banner lines)");
    assert_line(r.out, "[preamble]port: 1.0");
    assert_line(r.out, "vocab_size=512");
    assert_line(r.out, "[/preamble]");
    assert_line(r.out, "trailer:   20 bytes, ignored (before the timing trailer)");
    assert_line(r.out, "text (104 bytes):");
    assert_line(r.out, "One day she saw a ball.");
    assert_line(r.out, "[trailer]");
    assert_line(r.out, "achieved tok/s: 1.5[/trailer]");
    assert_string_equal(r.err, "");
    result_free(&r);
}

int main(void) {
    scratch = getenv("CONFORM_SCRATCH");
    if (scratch == NULL) scratch = "build/conform-scratch";
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_banner_markers_and_inline_trailer),
        cmocka_unit_test(test_trailer_lines_and_no_expected_opening),
        cmocka_unit_test(test_prefix),
        cmocka_unit_test(test_every_region_and_for_good),
        cmocka_unit_test(test_explicit_options),
        cmocka_unit_test(test_piece_at_every_level),
        cmocka_unit_test(test_text_step_after_empty_pieces),
        cmocka_unit_test(test_cut_short_wording),
        cmocka_unit_test(test_show_plain_capture),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
