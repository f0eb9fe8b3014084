# llama2.c reference runner and conformance harness.
#
#   make            builds ./run (the reference runner)
#   make test       builds and runs every test that fits in a few minutes
#
# Each area adds its targets in mk/NAME.mk and appends the targets `make test` runs to
# TEST_TARGETS. Reference builds are IEEE-754 float32 in the original's operation order:
# never -ffast-math, -Ofast or FMA contraction, never x87 math.

CC      ?= cc
CFLAGS  ?= -O2
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

# The engine: everything ./run links. kernels.c is the one definition of the reference
# arithmetic (C89, shared with the 6502 build); portable/ the portable math mode;
# forward_fast.c the fast path (hosts with POSIX threads).
PORTABLE_SRC = engine/portable/p_dd.c engine/portable/p_exp_dd.c engine/portable/p_expf.c \
               engine/portable/p_log_dd.c engine/portable/p_powf.c engine/portable/p_trig.c \
               engine/portable/p_sinf.c engine/portable/p_cosf.c
PORTABLE_HDR = engine/portable/portable_math.h engine/portable/internals.h
ENGINE_SRC = host/errors.c host/checkpoint.c engine/forward.c engine/kernels.c host/tokenizer.c \
             engine/sampler.c engine/u64.c engine/mathlib.c host/fpcheck.c host/parse_float.c host/input_file.c \
             $(PORTABLE_SRC) host/forward_fast.c
ENGINE_HDR = $(wildcard engine/*.h host/*.h) $(PORTABLE_HDR)
# The trace writer (C89, shared with the ports) and the host's trace files.
TRACE_SRC  = engine/trace_writer.c host/trace_recorder.c host/atomic_file.c host/sha256.c
TRACE_HDR  = engine/trace_writer.h host/trace_recorder.h host/atomic_file.h host/sha256.h

# Fragments append: ALL_TARGETS (built by `make`), TEST_TARGETS (run by `make test`),
# ENGINE_SRC (linked into ./run and the ports).
ALL_TARGETS  =
TEST_TARGETS =

.DEFAULT_GOAL := all
.PHONY: all test clean

$(BUILD):
	mkdir -p $@

include $(sort $(wildcard mk/*.mk))

# After the fragments, so that the prerequisites see everything they appended.
all: run $(ALL_TARGETS)

run: run.c $(ENGINE_SRC) $(ENGINE_HDR) $(TRACE_SRC) $(TRACE_HDR)
	$(CC) $(CFLAGS) $(REFFLAGS) -o $@ run.c $(ENGINE_SRC) $(TRACE_SRC) $(LDLIBS)

test: $(TEST_TARGETS)
	@echo "make test: all of $(TEST_TARGETS) passed"

clean:
	rm -rf run $(BUILD)
