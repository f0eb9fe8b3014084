# The fast forward pass (host/forward_fast.c): SIMD across matmul rows and threads, logits
# bit-identical to the reference. Design and numbers: docs/fast-path.md.
#
#   make test-fastpath   the fast path against the reference, bit for bit (part of make test)
#   make bench           tok/s of both paths, logits checked bit for bit; writes $(BENCH_MD)
#                        (BENCH_STEPS tokens, best of BENCH_ROUNDS, built with BENCH_CFLAGS)
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

.PHONY: synth-models test-fastpath bench
synth-models: $(SYNTH_MODELS)

# --- bit-identity test ------------------------------------------------------------------
TEST_FASTPATH = $(BUILD)/test_fastpath

$(TEST_FASTPATH): tests/test_fastpath.c $(ENGINE_SRC) $(ENGINE_HDR) | $(BUILD)
	$(CC) $(CFLAGS) $(REFFLAGS) -o $@ tests/test_fastpath.c $(ENGINE_SRC) -lcmocka $(LDLIBS)

# Also checks that no fused multiply-add made it into the binary.
test-fastpath: $(TEST_FASTPATH) $(BUILD)/synth15M.bin $(BUILD)/synthodd.bin
	@if command -v objdump >/dev/null && objdump -d $(TEST_FASTPATH) | grep -E -q 'vfn?m(add|sub)[0-9]'; then \
	    echo "test-fastpath: fused multiply-add instructions in $(TEST_FASTPATH)"; exit 1; fi
	$(TEST_FASTPATH) $(MODELS) $(BUILD)
TEST_TARGETS += test-fastpath

# --- the golden traces (mk/golden.mk) reproduced by run --fast --threads 2 ----------------
# RUNNER is a two-line wrapper made in $(BUILD); the traces must be the same bit for bit.
$(BUILD)/run-fast: mk/fast.mk | $(BUILD)
	printf '#!/bin/sh\n# ./run with the fast path, for scripts/golden.sh\nexec ./run "$$@" --fast --threads 2\n' >$@
	chmod +x $@

.PHONY: test-fastpath-golden
test-fastpath-golden: run $(BUILD)/run-fast
	RUNNER=$(BUILD)/run-fast MODELS=$(MODELS) MATHS="$(GOLDEN_MATHS)" scripts/golden.sh check
ifneq ($(wildcard golden/scenarios.tsv),)
TEST_TARGETS += test-fastpath-golden
endif

# --- benchmark --------------------------------------------------------------------------
BENCH_CFLAGS ?= -O3
BENCH_STEPS ?= 200
BENCH_ROUNDS ?= 3
BENCH_MD ?= $(BUILD)/bench.md
BENCH_FASTPATH = $(BUILD)/bench_fastpath

$(BENCH_FASTPATH): tests/test_fastpath.c $(ENGINE_SRC) $(ENGINE_HDR) | $(BUILD)
	$(CC) $(BENCH_CFLAGS) $(REFFLAGS) -o $@ tests/test_fastpath.c $(ENGINE_SRC) -lcmocka $(LDLIBS)

bench: $(BENCH_FASTPATH) $(BUILD)/synth15M.bin $(BUILD)/synth42M.bin
	$(BENCH_FASTPATH) --bench --steps $(BENCH_STEPS) --rounds $(BENCH_ROUNDS) --markdown $(BENCH_MD) \
	    stories260K=$(MODELS)/stories260K.bin 15M=$(BUILD)/synth15M.bin 42M=$(BUILD)/synth42M.bin
	@echo "bench: table written to $(BENCH_MD)"

# --- the same test under ThreadSanitizer (clang; about a minute, so not in make test) ------
TSAN_CC ?= clang
TEST_FASTPATH_TSAN = $(BUILD)/test_fastpath_tsan

$(TEST_FASTPATH_TSAN): tests/test_fastpath.c $(ENGINE_SRC) $(ENGINE_HDR) | $(BUILD)
	$(TSAN_CC) -O1 -g -fsanitize=thread $(REFFLAGS) -o $@ tests/test_fastpath.c $(ENGINE_SRC) -lcmocka $(LDLIBS)

.PHONY: test-fastpath-tsan
test-fastpath-tsan: $(TEST_FASTPATH_TSAN) $(BUILD)/synth15M.bin $(BUILD)/synthodd.bin
	TSAN_OPTIONS=halt_on_error=1 $(TEST_FASTPATH_TSAN) $(MODELS) $(BUILD)
