# llama2.c reference runner and conformance harness.
#
#   make            builds ./run (the reference runner)
#   make test       builds and runs every test that fits in a few minutes
#
# Each area adds its targets in mk/NAME.mk and appends the targets `make test` runs to
# TEST_TARGETS. Reference builds are IEEE-754 float32 in the original's operation order:
# never -ffast-math, -Ofast or FMA contraction, never x87 math.

CC      ?= cc
# -O3: the plain reference path measured 1.12x the tok/s of -O2 (15M, 64 tokens); the
# optimisation level never changes a bit, REFFLAGS keep the float operations as written.
CFLAGS  ?= -O3
REFFLAGS = -std=c11 -Wall -Wextra -ffp-contract=off -fno-fast-math
# Includes are root-relative ("engine/kernels.h") in every build.
REFFLAGS += -I.
LDLIBS   = -lm

# Where the tests find the models and the recorded cases (read-only; never copied into the
# repository). scripts/setup.sh makes models/ from ../shared/models or by downloading.
SHARED     ?= ../shared
MODELS     ?= $(if $(wildcard models/stories260K.bin),models,$(SHARED)/models)
ACCEPTANCE ?= $(SHARED)/acceptance/upstream-run
BUILD  ?= build
# Models some golden scenarios need, made at test time (mk/golden_synth.mk).
GOLDEN_SYNTH_MODELS = $(BUILD)/synth-mh512.bin $(BUILD)/synth-mh32k.bin

# The core (engine/): the C89 code every target compiles, the host, the Pico, the 6502 and
# every cross target: the kernels (the one definition of the reference arithmetic), the
# forward pass, the sampler, u64, the math library switch, the portable math, soft-float,
# the trace writer with the filling of its header from the model's Config, the float-bit
# helpers it shares with the reader and conform, and the byte-piece parser of both
# tokenizers. `make check-c89` (part of make test) holds it to C89. The order is the 6502
# program's link order.
PORTABLE_SRC = engine/portable/p_dd.c engine/portable/p_exp_dd.c engine/portable/p_expf.c \
               engine/portable/p_log_dd.c engine/portable/p_powf.c engine/portable/p_trig.c \
               engine/portable/p_sinf.c engine/portable/p_cosf.c
PORTABLE_HDR = engine/portable/portable_math.h engine/portable/internals.h
SOFTFLOAT_SRC = $(sort $(wildcard engine/softfloat/*.c))
CORE_SRC = engine/forward.c engine/kernels.c engine/sampler.c engine/mathlib.c engine/u64.c \
           $(sort $(PORTABLE_SRC) $(SOFTFLOAT_SRC)) engine/trace_writer.c engine/trace_header.c \
           engine/float_bits.c engine/byte_piece.c
CORE_HDR = $(wildcard engine/*.h engine/softfloat/*.h engine/softfloat/6502/*.h) $(PORTABLE_HDR)

# Host-only (host/): what programs on an operating system add: checkpoint and tokenizer
# files, number parsing, the floating-point environment check and its self-test, error
# texts; HOST_FAST_SRC the fast path, its thread pool (POSIX threads; not on the Pico) and its
# choice of thread count; HOST_TRACE_SRC the trace recorder, sha256, atomic files and the fast path's cache file. ENGINE_SRC is what ./run and the host tests link.
HOST_SRC = host/errors.c host/checkpoint.c host/tokenizer.c host/fpcheck.c host/parse_float.c \
           host/ascii.c host/input_file.c host/selftest.c
HOST_FAST_SRC = host/forward_fast.c host/fast_pool.c host/thread_choice.c
HOST_HDR = $(wildcard host/*.h)
ENGINE_SRC = $(CORE_SRC) $(HOST_SRC) $(HOST_FAST_SRC)
ENGINE_HDR = $(CORE_HDR) $(HOST_HDR)
HOST_TRACE_SRC = host/trace_recorder.c host/atomic_file.c host/sha256.c host/fast_cache.c
TRACE_SRC  = $(HOST_TRACE_SRC)
TRACE_HDR  = engine/trace_writer.h host/trace_recorder.h host/atomic_file.h host/sha256.h host/fast_cache.h

# External tools, each named once (a fragment or script that runs one takes it from here).
CMOCKA_LIBS ?= -lcmocka
PYTHON      ?= python3
# cc65, for the 6502 builds (ports/c64/c64.mk, mk/softfloat.mk)
CC65        ?= cc65
CA65        ?= ca65
LD65        ?= ld65
CL65        ?= cl65
SIM65       ?= sim65

# The one way a cmocka test is built and registered:
#   $(eval $(call cmocka_test,TARGET,SOURCES,ARGUMENTS,NEEDS,FLAGS,ENVIRONMENT,LIBS))
# builds $(BUILD)/tests/NAME (NAME: the first source's name) from SOURCES (its .c and .o
# files are compiled and linked; the rest are prerequisites only) with REFFLAGS, -Werror
# and FLAGS, linked with LIBS, and makes TARGET run it with ARGUMENTS and ENVIRONMENT once
# NEEDS are made, appended to TEST_TARGETS. A source that does not exist is a build error.
comma := ,
cmocka_test_bin = $(BUILD)/tests/$(basename $(notdir $(firstword $(1))))
define cmocka_test
$(call cmocka_test_bin,$(2)): $(2) $(ENGINE_HDR) tests/testutil.h
	@mkdir -p $$(@D)
	$$(CC) $$(CFLAGS) $$(REFFLAGS) -Werror $(5) -o $$@ $(filter %.c %.o,$(2)) $(7) $$(CMOCKA_LIBS) $$(LDLIBS)

.PHONY: $(1)
$(1): $(call cmocka_test_bin,$(2)) $(4)
	$(6) $(call cmocka_test_bin,$(2)) $(3)
TEST_TARGETS += $(1)
endef

# The one reader of the recorded cases (tests/test_acceptance.c, built and run on ./run by
# mk/tests.mk), for every runner: $(call run_acceptance,RUNNER[,SECONDS]) runs the cases of
# $(ACCEPTANCE) under RUNNER, each killed after SECONDS (default 60, ample for a host build).
# Slow runners (an emulator, valgrind) take ACCEPTANCE_SLOW_LIMIT.
ACCEPTANCE_READER = $(call cmocka_test_bin,tests/test_acceptance.c)
run_acceptance = $(ACCEPTANCE_READER) $(if $(2),--time-limit $(2) )$(1) $(ACCEPTANCE) $(MODELS)
ACCEPTANCE_SLOW_LIMIT ?= 900

# Fragments append: ALL_TARGETS (built by `make`), TEST_TARGETS (run by `make test`).
ALL_TARGETS  =
TEST_TARGETS =

.DEFAULT_GOAL := all
.PHONY: all test clean

$(BUILD):
	mkdir -p $@

# Each port's fragment (ports/NAME/NAME.mk) first: the harness's fragments name the ports'
# programs in prerequisites, which make expands as it reads them. A port's fragment uses
# only the variables above, or defers them ($$(VAR)) in rules it makes with $(eval).
include $(sort $(wildcard ports/*/*.mk))
include $(sort $(wildcard mk/*.mk))

# After the fragments, so that the prerequisites see everything they appended.
all: run $(ALL_TARGETS)

run: run.c $(ENGINE_SRC) $(ENGINE_HDR) $(TRACE_SRC) $(TRACE_HDR)
	$(CC) $(CFLAGS) $(REFFLAGS) -o $@ run.c $(ENGINE_SRC) $(TRACE_SRC) $(LDLIBS)

test: $(TEST_TARGETS)
	@echo "make test: all of $(TEST_TARGETS) passed"

clean:
	rm -rf run $(BUILD)
