# The fast forward pass (host/forward_fast.c): SIMD across matmul rows and threads, logits
# bit-identical to the reference. Design and numbers: docs/fast-path.md.
#
#   make test-fastpath   the fast path against the reference, bit for bit (part of make test)
#   make test-vector-exp the vector exp against p_expf, bit for bit (part of make test);
#                        test-vector-exp-exhaustive: every one of the 2^32 inputs
#   make bench           whole runs: plain, fast 1 and 2 threads, an -Ofast anchor, optionally
#                        the original run.c (below); make bench-readme puts its tables in README.md
#   make bench-fastpath  the forward pass alone, every kernel, logits checked bit for bit
#   make synth-models    the random-weight checkpoints in $(BUILD) (never committed)
#
# FAST_SIMD selects the kernels built: auto (default: vec4, AVX2 and AVX-512 on x86-64, the
# widest the CPU has picked at run time), avx2 (vec4 and AVX2 only) or generic (vec4 only,
# no run-time CPU detection). Results are the same bits with every choice.

LDLIBS += -lpthread

FAST_SIMD ?= auto
ifeq ($(FAST_SIMD),generic)
REFFLAGS += -DFAST_GENERIC_ONLY
endif
ifeq ($(FAST_SIMD),avx2)
REFFLAGS += -DFAST_NO_AVX512
endif

# --- synthetic models -------------------------------------------------------------------
SYNTHGEN = $(BUILD)/synthgen
SYNTH_MODELS = $(BUILD)/synth260K.bin $(BUILD)/synth15M.bin $(BUILD)/synth42M.bin $(BUILD)/synth110M.bin

ALL_TARGETS += $(SYNTHGEN)

# synthgen writes the RoPE tables with the portable math (the same bytes on every host), and
# its checkpoints atomically
$(SYNTHGEN): cli/synthgen.c host/atomic_file.c host/errors.c engine/mathlib.c $(PORTABLE_SRC) $(PORTABLE_HDR) | $(BUILD)
	$(CC) $(CFLAGS) $(REFFLAGS) -o $@ cli/synthgen.c host/atomic_file.c host/errors.c engine/mathlib.c $(PORTABLE_SRC) $(LDLIBS)

$(BUILD)/synth%.bin: $(SYNTHGEN)
	$(SYNTHGEN) $* $@

# sizes that are not whole 16-row blocks, multi-query attention, unshared classifier
$(BUILD)/synthodd.bin: $(SYNTHGEN)
	$(SYNTHGEN) 40,100,2,5,1,300,32 $@ --unshared

# head sizes for each path of the fast attention's weighted sum: 12 (vectors of 4, three of
# them), 6 (not a multiple of 4: the scalar loop, with grouped-query attention) and 4 (four
# heads side by side, then two alone; 8 is stories260K's and synthodd's)
FAST_HEAD_MODELS = $(BUILD)/synthhs12.bin $(BUILD)/synthhs6.bin $(BUILD)/synthhs4.bin
$(BUILD)/synthhs12.bin: $(SYNTHGEN)
	$(SYNTHGEN) 36,90,2,3,3,300,40 $@
$(BUILD)/synthhs6.bin: $(SYNTHGEN)
	$(SYNTHGEN) 60,100,2,10,5,300,40 $@
$(BUILD)/synthhs4.bin: $(SYNTHGEN)
	$(SYNTHGEN) 24,64,2,6,3,300,40 $@

.PHONY: synth-models bench
synth-models: $(SYNTH_MODELS)

# --- bit-identity test ------------------------------------------------------------------
$(eval $(call cmocka_test,test-fastpath,tests/test_fastpath.c $(ENGINE_SRC) mk/fast.mk,$(MODELS) $(BUILD),\
    check-fastpath-fma $(BUILD)/synth15M.bin $(BUILD)/synthodd.bin $(FAST_HEAD_MODELS)))
TEST_FASTPATH = $(call cmocka_test_bin,tests/test_fastpath.c)

# --- the cache file of --fast-cache (host/fast_cache.c) ----------------------------------
$(eval $(call cmocka_test,test-fast-cache,tests/test_fast_cache.c tests/testutil.c $(ENGINE_SRC) $(TRACE_SRC),$(MODELS) ./run,run))

# No fused multiply-add may make it into the fast path's binary (run before test-fastpath).
.PHONY: check-fastpath-fma
check-fastpath-fma: $(TEST_FASTPATH)
	@if command -v objdump >/dev/null && objdump -d $(TEST_FASTPATH) | grep -E -q 'vfn?m(add|sub)[0-9]'; then \
	    echo "test-fastpath: fused multiply-add instructions in $(TEST_FASTPATH)"; exit 1; fi

# --- the vector exp (softmax and SwiGLU with the portable math) against p_expf ----------
# make test-vector-exp: special and boundary inputs in every lane, 2^20 spread inputs (part
# of make test); make test-vector-exp-exhaustive: all 2^32 bit patterns (minutes).
$(eval $(call cmocka_test,test-vector-exp,tests/test_vector_exp.c $(ENGINE_SRC) mk/fast.mk))
TEST_VECTOR_EXP = $(call cmocka_test_bin,tests/test_vector_exp.c)

.PHONY: test-vector-exp-exhaustive
test-vector-exp-exhaustive: $(TEST_VECTOR_EXP)
	$(TEST_VECTOR_EXP) --exhaustive

# --- the thread pool alone (also under ThreadSanitizer: test-fastpath-tsan) --------------
FAST_POOL_SRC = tests/test_fast_pool.c host/fast_pool.c host/errors.c
$(eval $(call cmocka_test,test-fast-pool,$(FAST_POOL_SRC)))
TEST_FAST_POOL = $(call cmocka_test_bin,$(FAST_POOL_SRC))

# --- the choice between one thread and many, fed with made-up step times ----------------
$(eval $(call cmocka_test,test-thread-choice,tests/test_thread_choice.c host/thread_choice.c))

# --- the golden traces (mk/golden.mk) reproduced by run --fast --threads 2 ----------------
# RUNNER is a two-line wrapper made in $(BUILD); the traces must be the same bit for bit.
# --fixed-threads: every step on both threads, not only the steps the measured choice gives.
$(BUILD)/run-fast: mk/fast.mk | $(BUILD)
	printf '#!/bin/sh\n# ./run with the fast path, for scripts/golden.sh\nexec ./run "$$@" --fast --threads 2 --fixed-threads\n' >$@
	chmod +x $@

.PHONY: test-fastpath-golden
test-fastpath-golden: run $(BUILD)/run-fast
	RUNNER=$(BUILD)/run-fast MODELS=$(MODELS) MATHS="$(GOLDEN_MATHS)" scripts/golden.sh check
TEST_TARGETS += test-fastpath-golden

# --- benchmarks -------------------------------------------------------------------------
# make bench: whole runs (load included), interleaved rounds of ./run plain, --fast with 1
# thread, with 2 (the measured choice) and with 2 fixed, and the anchor: the same reference
# path built -Ofast -march=native (the speed the original's build advice gives; not
# bit-exact, built only for this), on stories260K (its whole context, 512 tokens) and the
# 15M, 42M and 110M shapes (BENCH_TOKENS greedy tokens). With ORIGINAL_RUN_C=path/to/run.c
# (llama2.c's, never committed here) also that file built -O3 and -Ofast -march=native, as
# its README says, into $(BUILD)/bench/. Prints medians, spread, load time, peak RSS, the
# read bandwidth (1 and 2 threads) and roofline fraction, and ratios; writes $(BENCH_MD).
# A quick run: make bench BENCH_ROUNDS=1 BENCH_MODELS="stories260K 15M".
# The whole bench, 5 rounds, all four models, with ORIGINAL_RUN_C: 604 s measured (256 tokens;
# 2 cores, load about 1.1), most of it the plain and -O3 paths on 110M; less without it.
BENCH_TOKENS ?= 256
BENCH_ROUNDS ?= 5
BENCH_MODELS ?= stories260K 15M 42M 110M
BENCH_BANDWIDTH_MIB ?= 0
BENCH_MD ?= $(BUILD)/bench.md
BENCH_HOST = $(BUILD)/bench/bench_host
BENCH_ANCHOR = $(BUILD)/bench/run-anchor
BENCH_ANCHOR_FLAGS ?= -Ofast -march=native
ORIGINAL_RUN_C ?=

# LABEL=CHECKPOINT,TOKENIZER,STEPS for each model bench_host knows, and the file it needs
BENCH_SPEC_stories260K = stories260K=$(MODELS)/stories260K.bin,$(MODELS)/tok512.bin,512
BENCH_SPEC_15M = 15M=$(BUILD)/synth15M.bin,$(MODELS)/tokenizer.bin,$(BENCH_TOKENS)
BENCH_SPEC_42M = 42M=$(BUILD)/synth42M.bin,$(MODELS)/tokenizer.bin,$(BENCH_TOKENS)
BENCH_SPEC_110M = 110M=$(BUILD)/synth110M.bin,$(MODELS)/tokenizer.bin,$(BENCH_TOKENS)
BENCH_FILE_stories260K = $(MODELS)/stories260K.bin
BENCH_FILE_15M = $(BUILD)/synth15M.bin
BENCH_FILE_42M = $(BUILD)/synth42M.bin
BENCH_FILE_110M = $(BUILD)/synth110M.bin
BENCH_UNKNOWN = $(filter-out stories260K 15M 42M 110M,$(BENCH_MODELS))

$(BENCH_HOST): tests/bench_host.c | $(BUILD)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -std=c11 -Wall -Wextra -o $@ tests/bench_host.c -lpthread

# fpcheck.h's guards are off in this build only (BENCH_ANCHOR_NOT_REFERENCE)
$(BENCH_ANCHOR): run.c $(ENGINE_SRC) $(ENGINE_HDR) $(TRACE_SRC) $(TRACE_HDR) | $(BUILD)
	@mkdir -p $(@D)
	$(CC) $(BENCH_ANCHOR_FLAGS) -std=c11 -I. -DBENCH_ANCHOR_NOT_REFERENCE -o $@ run.c $(ENGINE_SRC) $(TRACE_SRC) $(LDLIBS)

# the original, only when ORIGINAL_RUN_C names it
BENCH_ORIGINAL = $(BUILD)/bench/original-O3 $(BUILD)/bench/original-Ofast
$(BUILD)/bench/original-O3: $(ORIGINAL_RUN_C) | $(BUILD)
	@mkdir -p $(@D)
	$(CC) -O3 -o $@ $(ORIGINAL_RUN_C) -lm
$(BUILD)/bench/original-Ofast: $(ORIGINAL_RUN_C) | $(BUILD)
	@mkdir -p $(@D)
	$(CC) -Ofast -march=native -o $@ $(ORIGINAL_RUN_C) -lm

bench: run $(BENCH_HOST) $(BENCH_ANCHOR) $(foreach m,$(BENCH_MODELS),$(BENCH_FILE_$(m))) $(if $(ORIGINAL_RUN_C),$(BENCH_ORIGINAL))
	@if [ -n "$(BENCH_UNKNOWN)" ]; then echo "bench: unknown model(s) $(BENCH_UNKNOWN) (stories260K 15M 42M 110M)"; exit 2; fi
	$(BENCH_HOST) --rounds $(BENCH_ROUNDS) --markdown $(BENCH_MD) --bandwidth-mib $(BENCH_BANDWIDTH_MIB) \
	    --cache-dir $(BUILD)/bench \
	    $(if $(ORIGINAL_RUN_C),--original-o3 $(BUILD)/bench/original-O3 --original-ofast $(BUILD)/bench/original-Ofast) \
	    ./run $(BENCH_ANCHOR) $(foreach m,$(BENCH_MODELS),$(BENCH_SPEC_$(m)))
	@echo "bench: tables written to $(BENCH_MD)"

# make bench-readme: $(BENCH_MD), as make bench wrote it, into README.md's speed section
# (between its two bench markers); the text around the tables is written by hand.
.PHONY: bench-readme
bench-readme:
	@test -f $(BENCH_MD) || { echo "bench-readme: no $(BENCH_MD): run make bench first"; exit 2; }
	@grep -q '^<!-- make bench: begin -->$$' README.md && grep -q '^<!-- make bench: end -->$$' README.md || \
	    { echo "bench-readme: README.md lacks the make bench markers"; exit 2; }
	@awk -v md=$(BENCH_MD) '/^<!-- make bench: end -->$$/ { skip = 0 } !skip { print } \
	    /^<!-- make bench: begin -->$$/ { print ""; while ((getline line < md) > 0) print line; print ""; skip = 1 }' \
	    README.md >README.md.tmp && mv README.md.tmp README.md
	@echo "bench-readme: $(BENCH_MD) is in README.md's speed section"

# make bench-fastpath: the forward pass alone, in process: tok/s of the plain path and of
# every SIMD kernel and thread count, logits checked bit for bit (BENCH_STEPS tokens, best
# of BENCH_ROUNDS, built with BENCH_CFLAGS); writes $(BENCH_FASTPATH_MD).
BENCH_CFLAGS ?= -O3
BENCH_STEPS ?= 200
BENCH_FASTPATH_MD ?= $(BUILD)/bench-fastpath.md
BENCH_FASTPATH = $(BUILD)/bench_fastpath

$(BENCH_FASTPATH): tests/test_fastpath.c $(ENGINE_SRC) $(ENGINE_HDR) | $(BUILD)
	$(CC) $(BENCH_CFLAGS) $(REFFLAGS) -o $@ tests/test_fastpath.c $(ENGINE_SRC) -lcmocka $(LDLIBS)

.PHONY: bench-fastpath
bench-fastpath: $(BENCH_FASTPATH) $(BUILD)/synth15M.bin $(BUILD)/synth42M.bin
	$(BENCH_FASTPATH) --bench --steps $(BENCH_STEPS) --rounds $(BENCH_ROUNDS) --markdown $(BENCH_FASTPATH_MD) \
	    stories260K=$(MODELS)/stories260K.bin 15M=$(BUILD)/synth15M.bin 42M=$(BUILD)/synth42M.bin
	@echo "bench-fastpath: table written to $(BENCH_FASTPATH_MD)"

# --- the same test under ThreadSanitizer (clang; about a minute, so not in make test) ------
TSAN_CC ?= clang
TEST_FASTPATH_TSAN = $(BUILD)/test_fastpath_tsan

$(TEST_FASTPATH_TSAN): tests/test_fastpath.c $(ENGINE_SRC) $(ENGINE_HDR) | $(BUILD)
	$(TSAN_CC) -O1 -g -fsanitize=thread $(REFFLAGS) -o $@ tests/test_fastpath.c $(ENGINE_SRC) -lcmocka $(LDLIBS)

$(TEST_FAST_POOL)_tsan: $(FAST_POOL_SRC) $(ENGINE_HDR) | $(BUILD)
	$(TSAN_CC) -O1 -g -fsanitize=thread $(REFFLAGS) -o $@ $(FAST_POOL_SRC) -lcmocka $(LDLIBS)

.PHONY: test-fastpath-tsan
test-fastpath-tsan: $(TEST_FASTPATH_TSAN) $(TEST_FAST_POOL)_tsan $(BUILD)/synth15M.bin $(BUILD)/synthodd.bin $(FAST_HEAD_MODELS)
	TSAN_OPTIONS=halt_on_error=1 $(TEST_FAST_POOL)_tsan
	TSAN_OPTIONS=halt_on_error=1 $(TEST_FASTPATH_TSAN) $(MODELS) $(BUILD)
