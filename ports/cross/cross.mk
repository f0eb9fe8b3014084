# Cross targets: run.c and the engine built for other CPUs with Debian's cross compilers and
# run under qemu-user (Linux targets, with the target's sysroot) or Node's WASI (wasm32).
# Every target compiles the host's source list (ENGINE_SRC and TRACE_SRC, whatever they hold)
# with the host's REFFLAGS; this table is the one place that says what differs per target.
#
#   make cross-NAME          builds $(BUILD)/cross/NAME/run and its runners (also: make TARGET=NAME)
#   make test-cross-NAME     the recorded cases, portable golden and --fast under the runner
#                            (also: make TARGET=NAME test-target)
#   make capture-cross-NAME  golden scenarios in both math modes into build/captures/NAME,
#                            with the recorded cases and --fast (CI: make capture-cross);
#                            make update-captures-NAME commits them to golden/captures/NAME
#   make test-cross          test-cross-NAME for every target (not in make test)
#   make cross-matrix        the README's matrix from the captures (make test checks it)
#
# NAME is one of CROSS_TARGETS. ports/cross/run.sh runs a build like ./run (the runner
# contract of scripts/golden.sh).

# One line a target:
#   $(call cross_target,NAME,CC,EMULATOR,SYSROOT[,FLAGS[,LIBS[,SRC[,FAST]]]])
# CC: the compiler; EMULATOR: qemu-user, node for wasm32, or native: the host CPU through the
# sysroot's loader; SYSROOT: the target's libraries for qemu -L; FLAGS: what the target needs
# for reference arithmetic; LIBS, SRC: libraries and sources beyond the host's; FAST:
# identical (--fast gives the same bits; the default) or refused (no threads). It sets
# NAME_CC, NAME_EMU, NAME_SYSROOT, NAME_FLAGS, NAME_LIBS, NAME_SRC, NAME_FAST and appends
# NAME to CROSS_TARGETS. NAME_SCENARIOS, set after it, narrows the scenarios of a slow target.
CROSS_TARGETS =
define cross_target
CROSS_TARGETS += $(1)
$(1)_CC      = $(2)
$(1)_EMU     = $(3)
$(1)_SYSROOT = $(4)
$(1)_FLAGS   = $(5)
$(1)_LIBS    = $(6)
$(1)_SRC     = $(7)
$(1)_FAST    = $(or $(8),identical)
endef

$(eval $(call cross_target,aarch64,aarch64-linux-gnu-gcc,qemu-aarch64,/usr/aarch64-linux-gnu))
$(eval $(call cross_target,armhf,arm-linux-gnueabihf-gcc,qemu-arm,/usr/arm-linux-gnueabihf))
$(eval $(call cross_target,riscv64,riscv64-linux-gnu-gcc,qemu-riscv64,/usr/riscv64-linux-gnu))
$(eval $(call cross_target,ppc64le,powerpc64le-linux-gnu-gcc,qemu-ppc64le,/usr/powerpc64le-linux-gnu))
# GCC sets FLT_EVAL_METHOD 1 on s390x under -std=c11, although the FPU computes in float;
# fast excess precision keeps float expressions in float (host/fpcheck.h).
$(eval $(call cross_target,s390x,s390x-linux-gnu-gcc,qemu-s390x,/usr/s390x-linux-gnu,-fexcess-precision=fast))
# 32-bit MIPS has no 8-byte atomic instructions: the fast path's claim word needs libatomic.
$(eval $(call cross_target,mips,mips-linux-gnu-gcc,qemu-mips,/usr/mips-linux-gnu,,-latomic))
# SSE2 arithmetic, never the x87 (host/fpcheck.h refuses a build without these flags).
# An x86-64 host whose kernel runs 32-bit programs runs it on its own CPU, through the
# sysroot's loader (the loader answering --version is the test); any other host, or a
# kernel built without 32-bit support ("Exec format error"), runs it under qemu-i386.
CROSS_I686_EMU := $(if $(shell /usr/i686-linux-gnu/lib/ld-linux.so.2 --version >/dev/null 2>&1 && echo yes),native,qemu-i386)
$(eval $(call cross_target,i686,i686-linux-gnu-gcc,$(CROSS_I686_EMU),/usr/i686-linux-gnu,-msse2 -mfpmath=sse))
# wasi-libc has no threads: the fast path refuses (--fast) and the rest runs under Node.
$(eval $(call cross_target,wasm32,clang --target=wasm32-wasi,node,,-DFAST_PATH=0 -D_WASI_EMULATED_PROCESS_CLOCKS,-lwasi-emulated-process-clocks,ports/cross/wasi_cwd.c,refused))
CAPTURE_NAMES += $(CROSS_TARGETS)

# Fused multiply-add instructions, which a reference build must not contain (the objdump
# of the target's binutils finds them); wasm32 has none.
CROSS_FMA_REGEX = [[:space:]](v?fn?m(add|sub|la|ls)[a-z0-9.]*|xv?n?m(add|sub)[a-z]*|v?fn?madd[a-z0-9.]*|ma[de]br?|msebr?|wfn?m[as]sb|vfn?m[as]sb)[[:space:]]

CROSS_DIR   = $(BUILD)/cross
CROSS_DEPS  = run.c $(ENGINE_SRC) $(ENGINE_HDR) $(TRACE_SRC) $(TRACE_HDR) ports/cross/cross.mk ports/cross/wasi_cwd.c
CROSS_CFLAGS ?= -O2

# make TARGET=NAME [cross | test-target | capture-target]: the same as the -NAME rules.
TARGET ?=
ifneq ($(TARGET),)
.DEFAULT_GOAL := cross
endif
.PHONY: cross test-target capture-target test-cross
cross test-target capture-target:
	@test -n "$(TARGET)" || { echo "make $@: say which target: make TARGET=NAME $@, NAME one of: $(CROSS_TARGETS)" >&2; exit 2; }
	@case " $(CROSS_TARGETS) " in *" $(TARGET) "*) ;; *) echo "make $@: unknown TARGET=$(TARGET); one of: $(CROSS_TARGETS)" >&2; exit 2 ;; esac
	$(MAKE) TARGET= $(CROSS_GOAL_$@)-$(TARGET)
CROSS_GOAL_cross          = cross
CROSS_GOAL_test-target    = test-cross
CROSS_GOAL_capture-target = capture-cross

define CROSS_TARGET_RULES
.PHONY: cross-$(1) test-cross-$(1) capture-cross-$(1)
cross-$(1): $(CROSS_DIR)/$(1)/run

$(CROSS_DIR)/$(1)/run: $(CROSS_DEPS)
	@mkdir -p $$(@D)
	$$($(1)_CC) $(CROSS_CFLAGS) $$(REFFLAGS) $$($(1)_FLAGS) -o $$@ run.c $(ENGINE_SRC) $(TRACE_SRC) $$($(1)_SRC) $$(LDLIBS) $$($(1)_LIBS)
endef
$(foreach t,$(CROSS_TARGETS),$(eval $(call CROSS_TARGET_RULES,$(t))))

# A runner per target for scripts/golden.sh and the recorded cases' reader: ./run's command line
# in, the target's behaviour out; runner-fast adds --fast --threads 2.
define CROSS_RUNNER_RULES
$(CROSS_DIR)/$(1)/runner: ports/cross/cross.mk
	@mkdir -p $$(@D)
	printf '#!/bin/sh\n# ./run built for $(1), under its emulator (ports/cross/run.sh)\nCROSS_PROGRAM=%s CROSS_EMULATOR=%s CROSS_SYSROOT=%s exec %s "$$$$@"\n' \
	    '$(CURDIR)/$(CROSS_DIR)/$(1)/run' '$($(1)_EMU)' '$($(1)_SYSROOT)' '$(CURDIR)/ports/cross/run.sh' >$$@
	chmod +x $$@

$(CROSS_DIR)/$(1)/runner-fast: ports/cross/cross.mk
	@mkdir -p $$(@D)
	printf '#!/bin/sh\n# ./run --fast built for $(1), under its emulator\nexec %s "$$$$@" --fast --threads 2\n' '$(CURDIR)/$(CROSS_DIR)/$(1)/runner' >$$@
	chmod +x $$@

cross-$(1): $(CROSS_DIR)/$(1)/runner $(CROSS_DIR)/$(1)/runner-fast
endef
$(foreach t,$(CROSS_TARGETS),$(eval $(call CROSS_RUNNER_RULES,$(t))))

# --- tests and captures under the runner --------------------------------------------------
# The scenarios each target runs: those golden/scenarios.tsv gives the cross port (its
# ports field), unless NAME_SCENARIOS overrides for a target slow under emulation. The fast-path check runs
# CROSS_FAST_SCENARIOS (portable math) with --fast --threads 2.
CROSS_ALL_SCENARIOS = $(shell scripts/port-scenarios.sh cross)
CROSS_FAST_SCENARIOS ?= zoo_greedy synth512u_sampled
cross_scenarios = $(or $($(1)_SCENARIOS),$(CROSS_ALL_SCENARIOS))
# The trace's platform id: the target and its runner.
cross_platform = $(shell echo $(1) | tr a-z A-Z)-$(if $(filter node,$($(1)_EMU)),NODE-WASI,$(if $(filter native,$($(1)_EMU)),X86-64-CPU,QEMU-USER))

define CROSS_TEST_RULES
# Gated: the recorded cases, the portable golden traces bit for bit, --fast bit for bit
# (or, without threads, refused with its message).
test-cross-$(1): $(CROSS_DIR)/$(1)/run $(CROSS_DIR)/$(1)/runner $(CROSS_DIR)/$(1)/runner-fast run $(ACCEPTANCE_READER) $(GOLDEN_SYNTH_MODELS)
	@if [ "$(1)" != wasm32 ] && $(patsubst %-gcc,%-objdump,$($(1)_CC)) -d $(CROSS_DIR)/$(1)/run | grep -E -q '$(CROSS_FMA_REGEX)'; then \
	    echo "test-cross-$(1): fused multiply-add instructions in $(CROSS_DIR)/$(1)/run"; exit 1; fi
	@echo "test-cross-$(1): recorded cases"
	$(call run_acceptance,$(CROSS_DIR)/$(1)/runner,$(ACCEPTANCE_SLOW_LIMIT))
	@echo "test-cross-$(1): portable golden ($(words $(call cross_scenarios,$(1))) scenarios)"
	RUNNER=$(CROSS_DIR)/$(1)/runner MODELS=$(MODELS) MATHS=portable PLATFORM=REFERENCE ONLY="$(call cross_scenarios,$(1))" \
	    scripts/golden.sh check
	@echo "test-cross-$(1): fast path"
	scripts/cross-fast-check.sh $(CROSS_DIR)/$(1)/runner-fast $(MODELS) "$(CROSS_FAST_SCENARIOS)" $($(1)_FAST)

# Both math modes into build/captures/NAME, the recorded cases and the fast path;
# RESULTS.tsv and REPORT.md say what they found (scripts/cross-capture.sh).
capture-cross-$(1): $(CROSS_DIR)/$(1)/run $(CROSS_DIR)/$(1)/runner $(CROSS_DIR)/$(1)/runner-fast conform $(ACCEPTANCE_READER) $(GOLDEN_SYNTH_MODELS)
	RUNNER=$(CROSS_DIR)/$(1)/runner RUNNER_FAST=$(CROSS_DIR)/$(1)/runner-fast FAST=$($(1)_FAST) \
	    ACCEPTANCE_READER=$(ACCEPTANCE_READER) ACCEPTANCE_TIME_LIMIT=$(ACCEPTANCE_SLOW_LIMIT) \
	    SCENARIOS="$(call cross_scenarios,$(1))" FAST_SCENARIOS="$(CROSS_FAST_SCENARIOS)" \
	    PLATFORM=$(call cross_platform,$(1)) MODELS=$(MODELS) ACCEPTANCE=$(ACCEPTANCE) MATHS="$$(CAPTURE_MATHS)" \
	    CAPTURES=$$(CAPTURES) scripts/cross-capture.sh $(1)
endef
$(foreach t,$(CROSS_TARGETS),$(eval $(call CROSS_TEST_RULES,$(t))))

test-cross: $(addprefix test-cross-,$(CROSS_TARGETS))
capture-cross: $(addprefix capture-cross-,$(CROSS_TARGETS))
.PHONY: capture-cross

# The README's matrix of the cross targets, made from golden/captures (scripts/cross-matrix.sh).
.PHONY: cross-matrix test-cross-matrix
cross-matrix: conform
	scripts/cross-matrix.sh --readme

# a few seconds: one conform diff a capture
test-cross-matrix: conform
	scripts/cross-matrix.sh --check
TEST_TARGETS += test-cross-matrix
