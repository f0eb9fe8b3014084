# Hostile inputs (docs/hostile-inputs.md): libFuzzer targets, sanitizer runs, limits and
# the golden-file kill test.
#
#   make fuzz [FUZZ_SECONDS=60]  builds every fuzz target with clang (libFuzzer, ASan, UBSan)
#                                and runs each for FUZZ_SECONDS; prints execs, coverage and
#                                corpus size per target. `make -j2 fuzz` runs two at a time.
#   make fuzz-smoke              the same, a few seconds per target (CI)
#   make test-fuzz-regressions   replays tests/regressions/ and fuzz/corpus/ through every
#                                target, built with $(CC) (part of make test)
#   make test-limits             absurd headers, overflowing sizes, prompts of any length
#   make test-golden-kill        SIGKILL during golden regeneration loses nothing
#   make test-sanitize           make test under ASan and UBSan (clang) in a copy of the
#                                tracked tree, then the acceptance cases under valgrind
#
# Seed corpora are made at build time from $(MODELS), golden/ and $(ACCEPTANCE) into
# $(FUZZ_DIR)/seeds (never committed); what the fuzzers add goes to $(FUZZ_DIR)/corpus.

FUZZ_CC      ?= clang
FUZZ_SECONDS ?= 60
FUZZ_SMOKE_SECONDS ?= 5
FUZZ_DIR      = $(BUILD)/fuzz
FUZZ_FLAGS   ?= -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all
FUZZ_HOSTILE  = $(BUILD)/hostile

# The targets (fuzz/fuzz_NAME.c each).
FUZZ_TARGETS = checkpoint tokenizer options trace diff roundtrip
FUZZ_TRACE_SRC = host/trace_reader.c host/ascii.c

# What each target links besides its harness. options compiles run.c into the harness.
FUZZ_LINK_checkpoint = $(ENGINE_SRC)
FUZZ_LINK_tokenizer  = $(ENGINE_SRC)
FUZZ_LINK_options    = $(ENGINE_SRC) $(TRACE_SRC) fuzz/fuzz_util.c
FUZZ_CONFORM_SRC     = $(filter cli/%,$(CONFORM_SRC))
FUZZ_LINK_trace      = $(FUZZ_TRACE_SRC) engine/trace_writer.c engine/float_bits.c
FUZZ_LINK_diff       = $(FUZZ_CONFORM_SRC) $(FUZZ_TRACE_SRC) engine/trace_writer.c engine/float_bits.c fuzz/fuzz_util.c
FUZZ_EXTRA_options   = -Wno-unused-function
# (sorted: ENGINE_SRC has host/ascii.c too, and a source listed twice would not link)
FUZZ_LINK_roundtrip  = $(sort $(ENGINE_SRC) $(TRACE_SRC) $(FUZZ_CONFORM_SRC) $(FUZZ_TRACE_SRC)) fuzz/fuzz_util.c
FUZZ_EXTRA_diff      = -DCONFORM_NO_MAIN
FUZZ_EXTRA_roundtrip = -DCONFORM_NO_MAIN -Wno-unused-function
# Longest input each target gets: a checkpoint header and some weights, a tokenizer of a
# few hundred tokens with a prompt, a command line, a few kilobytes of trace (two for diff).
FUZZ_MAXLEN_checkpoint = 8192
FUZZ_MAXLEN_tokenizer  = 16384
FUZZ_MAXLEN_options    = 2048
FUZZ_MAXLEN_trace      = 16384
FUZZ_MAXLEN_diff       = 32768
FUZZ_MAXLEN_roundtrip  = 4096

FUZZ_BINS   = $(addprefix $(FUZZ_DIR)/fuzz_,$(FUZZ_TARGETS))
REPLAY_BINS = $(addprefix $(FUZZ_HOSTILE)/replay_,$(FUZZ_TARGETS))
FUZZ_DEPS   = $(ENGINE_SRC) $(ENGINE_HDR) $(TRACE_SRC) $(TRACE_HDR) run.c fuzz/fuzz_util.c fuzz/fuzz_util.h mk/fuzz.mk

.PHONY: fuzz fuzz-smoke fuzz-build fuzz-seeds test-fuzz-regressions test-limits test-golden-kill \
        test-sanitize test-valgrind $(addprefix fuzz-run-,$(FUZZ_TARGETS))

$(FUZZ_DIR)/fuzz_%: fuzz/fuzz_%.c $(FUZZ_DEPS) $(CONFORM_SRC) $(CONFORM_HDR)
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_FLAGS) $(REFFLAGS) $(FUZZ_EXTRA_$*) -o $@ $< $(FUZZ_LINK_$*) $(LDLIBS)

fuzz-build: $(FUZZ_BINS)

# --- seed corpora ---------------------------------------------------------------------------
$(FUZZ_DIR)/mkseeds: fuzz/mkseeds.c
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -std=c11 -Wall -Wextra -o $@ $<

fuzz-seeds: $(FUZZ_DIR)/mkseeds
	rm -rf $(FUZZ_DIR)/seeds
	$(FUZZ_DIR)/mkseeds $(FUZZ_DIR)/seeds $(MODELS) golden $(ACCEPTANCE)

# --- runs -------------------------------------------------------------------------------------
# One target: fuzz/run-fuzzer.sh keeps the log and prints one summary line.
$(addprefix fuzz-run-,$(FUZZ_TARGETS)): fuzz-run-%: $(FUZZ_DIR)/fuzz_% fuzz-seeds
	@FUZZ_DIR=$(FUZZ_DIR) fuzz/run-fuzzer.sh $* $(FUZZ_SECONDS) $(FUZZ_MAXLEN_$*)

fuzz: $(addprefix fuzz-run-,$(FUZZ_TARGETS))
	@fuzz/run-fuzzer.sh --summary $(FUZZ_DIR) $(FUZZ_TARGETS)

fuzz-smoke:
	$(MAKE) fuzz FUZZ_SECONDS=$(FUZZ_SMOKE_SECONDS)

# --- regression inputs, replayed with the ordinary compiler -------------------------------------
$(FUZZ_HOSTILE)/replay_%: fuzz/fuzz_%.c fuzz/replay.c $(FUZZ_DEPS) $(CONFORM_SRC) $(CONFORM_HDR)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(REFFLAGS) $(FUZZ_EXTRA_$*) -o $@ fuzz/replay.c $< $(FUZZ_LINK_$*) $(LDLIBS)

test-fuzz-regressions: $(REPLAY_BINS)
	@set -e; for t in $(FUZZ_TARGETS); do \
	    dirs=""; for d in tests/regressions/$$t fuzz/corpus/$$t; do [ -d $$d ] && dirs="$$dirs $$d"; done; \
	    if [ -n "$$dirs" ]; then $(FUZZ_HOSTILE)/replay_$$t $$dirs; fi; \
	done

# --- limits -------------------------------------------------------------------------------------
$(eval $(call cmocka_test,test-limits,tests/test_limits.c $(ENGINE_SRC) mk/fuzz.mk,./run $(MODELS),run,\
    -Wl$(comma)--wrap=malloc$(comma)--wrap=calloc$(comma)--wrap=realloc))

# --- golden files under SIGKILL -----------------------------------------------------------------
test-golden-kill: run $(GOLDEN_SYNTH_MODELS)
	MODELS=$(MODELS) tests/test_golden_kill.sh

TEST_TARGETS += test-fuzz-regressions test-golden-kill

# --- sanitizers ---------------------------------------------------------------------------------
# make test in a copy of the tracked files, so that ./run and $(BUILD) here are left alone.
# SANITIZE_SOURCE=HEAD copies the last commit instead of the working tree's tracked files.
SANITIZE_TREE   = $(BUILD)/sanitize-tree
SANITIZE_CC    ?= clang
SANITIZE_CFLAGS ?= -O1 -g -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
# Objects built first without sanitizers: mk/portable.mk renames every symbol of its soft-float
# object with objcopy --prefix-symbols, the sanitizer runtime's undefined ones included.
SANITIZE_PREBUILD ?= $(if $(PORTABLE_DIR),$(PORTABLE_DIR)/soft_portable.o)

test-sanitize:
	rm -rf $(SANITIZE_TREE)
	mkdir -p $(SANITIZE_TREE)
ifeq ($(SANITIZE_SOURCE),HEAD)
	git archive HEAD | tar -xf - -C $(SANITIZE_TREE)
else
	git ls-files -z | xargs -0 sh -c 'for f; do [ -f "$$f" ] && printf "%s\0" "$$f"; done' sh | \
	    tar --null -T - -cf - | tar -xf - -C $(SANITIZE_TREE)
endif
	$(if $(SANITIZE_PREBUILD),$(MAKE) -C $(SANITIZE_TREE) $(SANITIZE_PREBUILD) CC=$(SANITIZE_CC) CFLAGS="-O1 -g")
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
	    $(MAKE) -C $(SANITIZE_TREE) test CC=$(SANITIZE_CC) CFLAGS="$(SANITIZE_CFLAGS)" \
	    SHARED=$(abspath $(SHARED)) MODELS=$(abspath $(MODELS)) ACCEPTANCE=$(abspath $(ACCEPTANCE))
	$(MAKE) test-valgrind

# The recorded cases with ./run under valgrind (memcheck): any error or definite leak fails.
test-valgrind: run $(ACCEPTANCE_READER)
	$(call run_acceptance,scripts/valgrind-run.sh,$(ACCEPTANCE_SLOW_LIMIT))
