# The 6502 builds: the engine compiled with cc65 and integer soft-float (F32_SOFT), run in
# sim65 in CI and on a Commodore 64 with an REU. ports/c64/README.md has the design.
#
#   make c64               the sim65 program (build/c64/run65), the C64 program
#                          (build/c64/llama2.prg) and the REU image
#   make c64-images        the model images (never committed: made from the models)
#   make capture-c64       the C64 port's scenarios under sim65 into build/captures/c64/
#                          (mk/captures.mk; the gate is test-captures: bit-identical to the
#                          host golden; make update-captures-c64 commits them to golden/)
#   make bench-c64         6502 cycles per token and where they go
#   make capture-vice      llama2.prg in VICE (../shared/tools/vice), a few steps of each C64
#                          scenario into build/captures/vice/ (gated by test-captures;
#                          make update-captures-vice commits them to golden/)
#   make c64-disk          build/c64/llama2.d64 with the program (cc1541)
# In make test (each a cmocka_test, the top Makefile):
#   make test-c64-host     the 6502 program's parts natively against the reference: compact
#                          tokenizer, decimal parser, top-p scan, the whole sim65 program
#   make test-c64-program  the C64 program natively, keyboard/screen/printer/REU stood in for
#   make test-c64-map      both programs fit their memory maps (from the linker maps), and the
#                          C64 scenarios' captures are there


# --- the converter and the model images -------------------------------------------------
C64_DIR      = ports/c64
C64_BUILD    = $(BUILD)/c64
C64PACK      = $(C64_BUILD)/c64pack
C64_IMAGE_HDR = $(C64_DIR)/common/image.h
# the REU image of stories260K (2 MiB: the REU size VICE must be given), also the weight
# file of the sim65 runs
C64_IMAGE    = $(C64_BUILD)/stories260K.reu

$(C64PACK): $(C64_DIR)/tools/c64pack.c $(C64_IMAGE_HDR) $(ENGINE_SRC) $(ENGINE_HDR) host/sha256.c host/atomic_file.c | $(BUILD)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(REFFLAGS) -o $@ $(C64_DIR)/tools/c64pack.c $(ENGINE_SRC) host/sha256.c host/atomic_file.c $(LDLIBS)

$(C64_IMAGE): $(C64PACK) $(MODELS)/stories260K.bin $(MODELS)/tok512.bin
	$(C64PACK) $(MODELS)/stories260K.bin $(MODELS)/tok512.bin $@ --reu-kb 2048

$(C64_BUILD)/synth32k.img: $(C64PACK) $(MODELS)/synth32k.bin $(MODELS)/tokenizer.bin
	$(C64PACK) $(MODELS)/synth32k.bin $(MODELS)/tokenizer.bin $@ --reu-kb 0

.PHONY: c64-images test-c64-host
c64-images: $(C64_IMAGE)

# --- the 6502 program's parts on the host -----------------------------------------------
C64_COMMON_SRC = $(C64_DIR)/common/xtokenizer.c $(C64_DIR)/common/decimal.c
C64_COMMON_HDR = $(wildcard $(C64_DIR)/common/*.h)


# --- the 6502 builds (cc65) -------------------------------------------------------------
# The engine (forward pass, kernels, sampler, portable math, soft-float) and the trace
# writer compiled with cc65 as soft-float (F32_SOFT) and without the host-only parts
# (ENGINE_SMALL), plus the program (ports/c64/common/) and one platform folder:
#   ports/c64/sim65/   sim65: files for external memory, arguments, standard output
#   ports/c64/c64/     C64: REU for external memory, keyboard, screen and printer
C64_CFLAGS  ?= -O
# F32_SOFT_6502: add, subtract, multiply, divide, compare, to long and dot in assembly
# (engine/softfloat/6502/, proven by test-softfloat-6502-fast; on the C64 they run in the
# RAM under the KERNAL ROM)
C64_DEFS     = -DF32_SOFT -DF32_SOFT_6502 -DENGINE_SMALL
C64_DEFS    += -I.
C64_SIM_DEFS = $(C64_DEFS)
# a 576-byte C stack (the default is 2 KiB): the C64's memory is short, and the program's
# deepest call chain took 312 bytes (measured under sim65 by filling the stack with a
# pattern during a top-p run, before the assembly fast paths, which call no C)
C64_LDFLAGS  = -Wl -D,__STACKSIZE__=0x0240
# The core less the C comparisons and conversion to long: engine/softfloat/6502/compare.s and
# to_long.s replace them entirely, so sf32_compare.c and sf32_to_long.c are not linked.
C64_ENGINE_SRC = $(filter-out engine/softfloat/sf32_compare.c engine/softfloat/sf32_to_long.c,$(CORE_SRC))
C64_PROGRAM_SRC = $(C64_DIR)/common/model.c $(C64_DIR)/common/program.c $(C64_DIR)/common/xtokenizer.c \
                  $(C64_DIR)/common/decimal.c
C64_6502_HDR = $(ENGINE_HDR) $(wildcard engine/softfloat/*.h engine/softfloat/6502/*.h engine/portable/*.h) $(TRACE_HDR) $(C64_COMMON_HDR)
C64_ASM_SRC  = $(sort $(wildcard engine/softfloat/6502/*.s))
RUN65        = $(C64_BUILD)/run65
C64_PRG      = $(C64_BUILD)/llama2.prg

C64_SIM_OBJ = $(patsubst %.c,$(C64_BUILD)/sim6502/%.o,$(C64_ENGINE_SRC) $(C64_PROGRAM_SRC) \
                $(C64_DIR)/sim65/main.c $(C64_DIR)/sim65/xmem_files.c) \
              $(patsubst %.s,$(C64_BUILD)/sim6502/%.o,$(C64_ASM_SRC))
C64_C64_OBJ = $(patsubst %.c,$(C64_BUILD)/c64/%.o,$(C64_ENGINE_SRC) $(C64_PROGRAM_SRC) \
                $(C64_DIR)/c64/main.c $(C64_DIR)/c64/xmem_reu.c $(C64_DIR)/c64/reu.c) \
              $(patsubst %.s,$(C64_BUILD)/c64/%.o,$(C64_ASM_SRC) $(C64_DIR)/c64/irq.s)

$(C64_BUILD)/sim6502/%.o: %.s $(wildcard engine/softfloat/6502/*.inc)
	@mkdir -p $(@D)
	$(CA65) -t sim6502 -o $@ $<

$(C64_BUILD)/c64/%.o: %.s $(wildcard engine/softfloat/6502/*.inc)
	@mkdir -p $(@D)
	$(CA65) -t c64 -o $@ $<

# cc65's warnings go to a log beside each object (the soft-float sources are noisy)
$(C64_BUILD)/sim6502/%.o: %.c $(C64_6502_HDR) ports/c64/c64.mk
	@mkdir -p $(@D)
	@echo "$(CL65) -t sim6502 $<"
	@$(CL65) -t sim6502 $(C64_CFLAGS) $(C64_SIM_DEFS) -c -o $@ $< 2>$(@:.o=.log) || { cat $(@:.o=.log); exit 1; }

$(C64_BUILD)/c64/%.o: %.c $(C64_6502_HDR) ports/c64/c64.mk
	@mkdir -p $(@D)
	@echo "$(CL65) -t c64 $<"
	@$(CL65) -t c64 $(C64_CFLAGS) $(C64_DEFS) -c -o $@ $< 2>$(@:.o=.log) || { cat $(@:.o=.log); exit 1; }

$(RUN65): $(C64_SIM_OBJ)
	$(CL65) -t sim6502 $(C64_LDFLAGS) -m $@.map -o $@ $^

$(C64_PRG): $(C64_C64_OBJ)
	$(CL65) -t c64 $(C64_LDFLAGS) -m $(@:.prg=.map) -o $@ $^
	@echo "$@: $$(wc -c <$@) bytes"

.PHONY: c64
c64: $(RUN65) $(C64_PRG) $(C64_IMAGE)

# make capture-c64 (mk/captures.mk): the C64 port's scenarios of golden/scenarios.tsv under
# sim65, all at once, portable math; the 6502 cycles of each run are printed afterwards.
CAPTURE_PORTS += c64
c64_RUNNER   = $(C64_DIR)/run.sh
c64_PLATFORM = SIM65-6502-CC65
c64_MATHS    = portable
c64_JOBS     = 0
c64_NEEDS    = $(RUN65) $(C64_IMAGE)
c64_ENV      = RUN65=$(RUN65) C64_IMAGES=$(C64_BUILD) SIM65_CYCLES=$(C64_BUILD)/capture-cycles.txt
c64_BEFORE   = @mkdir -p $(C64_BUILD) && : >$(C64_BUILD)/capture-cycles.txt
c64_AFTER    = @echo "capture-c64: 6502 cycles per run:" && sed 's/^/    /' $(C64_BUILD)/capture-cycles.txt

# The sim65 program built natively (f32 is float, the file backend on POSIX I/O), for
# test-c64-host: the program's logic against the golden traces in a second.
RUN65_NATIVE = $(C64_BUILD)/run65-native
RUN65_NATIVE_SRC = $(C64_PROGRAM_SRC) $(C64_DIR)/sim65/main.c $(C64_DIR)/sim65/xmem_files.c

$(RUN65_NATIVE): $(RUN65_NATIVE_SRC) $(C64_COMMON_HDR) $(ENGINE_SRC) $(ENGINE_HDR) ports/c64/c64.mk
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(REFFLAGS) -o $@ $(RUN65_NATIVE_SRC) $(ENGINE_SRC) $(LDLIBS)

$(eval $(call cmocka_test,test-c64-host,$(C64_DIR)/tests/test_c64_host.c $(C64_COMMON_SRC) $(C64_COMMON_HDR) \
    $(C64_DIR)/host/xmem_memory.c $(ENGINE_SRC) ports/c64/c64.mk,$(MODELS) $(BUILD) golden,\
    $(C64_IMAGE) $(C64_BUILD)/synth32k.img $(RUN65_NATIVE)))

# The C64 program natively, with stand-ins for the KERNAL and the REU driver
# (ports/c64/tests/c64_fake/): typed input, printer output against the golden traces.
C64_FAKE_HDR = $(wildcard ports/c64/tests/c64_fake/*.h)

$(C64_BUILD)/native/c64_main.o: $(C64_DIR)/c64/main.c $(C64_COMMON_HDR) $(C64_FAKE_HDR) $(ENGINE_HDR) $(TRACE_HDR) ports/c64/c64.mk
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(REFFLAGS) -I ports/c64/tests/c64_fake -Dmain=c64_main -Dexit=c64_exit -c -o $@ $<

$(eval $(call cmocka_test,test-c64-program,$(C64_DIR)/tests/test_c64_program.c $(C64_BUILD)/native/c64_main.o \
    $(C64_DIR)/c64/xmem_reu.c $(C64_PROGRAM_SRC) $(C64_DIR)/c64/reu.h $(C64_COMMON_HDR) $(C64_FAKE_HDR) $(ENGINE_SRC),\
    $(C64_IMAGE) golden $(C64_PRG),$(C64_IMAGE) $(C64_PRG),-I $(C64_DIR)/tests/c64_fake))

# --- the memory maps --------------------------------------------------------------------
$(eval $(call cmocka_test,test-c64-map,$(C64_DIR)/tests/test_c64_map.c $(C64_IMAGE_HDR) ports/c64/c64.mk,\
    $(C64_PRG:.prg=.map) $(RUN65).map $(C64_IMAGE) $(RUN65) golden,$(C64_PRG) $(RUN65) $(C64_IMAGE)))

# --- make bench-c64 ---------------------------------------------------------------------
# The plain sim65 program and its instrumented variants (ports/c64/bench/twice.c): each
# recompiles the files its flags apply to and links the rest as they are.
C64_BENCH = $(C64_BUILD)/bench
C64_BENCH_VARIANTS = matmul attention kv math stream
BENCH_FLAGS_matmul    = -Ddot=bench_dot
BENCH_FLAGS_attention = -Dattention_score=bench_attention_score -Dattention_mix=bench_attention_mix
BENCH_FLAGS_kv        = -DBENCH_TWICE_KV
BENCH_FLAGS_math      = -DBENCH_TWICE_MATH
BENCH_FLAGS_stream    = -DBENCH_STREAM_PASS
BENCH_FILES_matmul    = engine/forward.c
BENCH_FILES_attention = engine/forward.c
BENCH_FILES_kv        = $(C64_DIR)/common/model.c
BENCH_FILES_math      = $(C64_DIR)/common/program.c
BENCH_FILES_stream    = $(C64_DIR)/common/model.c $(C64_DIR)/common/program.c $(C64_DIR)/sim65/main.c
C64_TWICE_OBJ = $(C64_BENCH)/twice.o

$(C64_TWICE_OBJ): $(C64_DIR)/bench/twice.c $(C64_6502_HDR)
	@mkdir -p $(@D)
	$(CL65) -t sim6502 $(C64_CFLAGS) $(C64_SIM_DEFS) -c -o $@ $< 2>$(@:.o=.log) || { cat $(@:.o=.log); exit 1; }

# $(1): the variant
define C64_BENCH_VARIANT
$(C64_BENCH)/$(1)/%.o: %.c $(C64_6502_HDR) ports/c64/c64.mk
	@mkdir -p $$(@D)
	$(CL65) -t sim6502 $(C64_CFLAGS) $(C64_SIM_DEFS) $(BENCH_FLAGS_$(1)) -c -o $$@ $$< 2>$$(@:.o=.log) || { cat $$(@:.o=.log); exit 1; }

$(C64_BENCH)/run65-$(1): $(patsubst %.c,$(C64_BENCH)/$(1)/%.o,$(BENCH_FILES_$(1))) $(C64_TWICE_OBJ) $(C64_SIM_OBJ)
	$(CL65) -t sim6502 $(C64_LDFLAGS) -o $$@ $(patsubst %.c,$(C64_BENCH)/$(1)/%.o,$(BENCH_FILES_$(1))) \
	    $(C64_TWICE_OBJ) $(filter-out $(patsubst %.c,$(C64_BUILD)/sim6502/%.o,$(BENCH_FILES_$(1))),$(C64_SIM_OBJ))
endef
$(foreach v,$(C64_BENCH_VARIANTS),$(eval $(call C64_BENCH_VARIANT,$(v))))

$(C64_BENCH)/run65: $(RUN65)
	@mkdir -p $(@D)
	cp $(RUN65) $@

.PHONY: bench-c64
bench-c64: $(C64_BENCH)/run65 $(foreach v,$(C64_BENCH_VARIANTS),$(C64_BENCH)/run65-$(v)) $(C64_IMAGE)
	$(C64_DIR)/bench.sh $(C64_BENCH) $(C64_IMAGE) $(C64_BENCH)/bench.md

# --- the C64 program on an emulated C64 (VICE) ------------------------------------------
# make capture-vice: llama2.prg in VICE (from the shared tools folder, never part of the
# project) with the REU image in a 2 MiB REU, each C64 scenario typed in and stopped after
# VICE_STEPS complete steps, the printer's trace into build/captures/vice/portable/, a
# screenshot of each final screen and REPORT.md (with the stopwatch's cycles per token).
# make test's test-captures requires each capture to be bit-identical to the host golden
# for the steps it holds (golden/captures/vice/CUT_SHORT allows the cut). x64 is the
# fast core; VICE_EMULATOR=x64sc runs the cycle-exact one (ports/c64/README.md).
VICE          ?= $(SHARED)/tools/vice
VICE_EMULATOR ?= x64
VICE_STEPS    ?= 3
VICE_OUT       = $(CAPTURES)/vice
CAPTURE_NAMES += vice

.PHONY: capture-vice
capture-vice: $(C64_PRG) $(C64_IMAGE) conform
	@test -x $(VICE)/bin/$(VICE_EMULATOR) || { \
	    echo "capture-vice: no VICE at $(VICE) (bin/$(VICE_EMULATOR)); it comes with the shared tools folder, see ports/c64/README.md: not run" >&2; \
	    exit 2; }
	rm -rf $(VICE_OUT) && mkdir -p $(VICE_OUT) $(C64_BUILD)
	scripts/port-scenarios.sh --rows c64 >$(C64_BUILD)/vice-scenarios.tsv
	$(PYTHON) $(C64_DIR)/c64/capture_vice.py --vice $(VICE) --emulator $(VICE_EMULATOR) --steps $(VICE_STEPS) \
	    --scenarios $(C64_BUILD)/vice-scenarios.tsv \
	    --prg $(C64_PRG) --map $(C64_PRG:.prg=.map) --reu $(C64_IMAGE) --out $(VICE_OUT) --work $(C64_BUILD)/vice
	CAPTURES=$(CAPTURES) scripts/capture-report.sh vice > $(VICE_OUT)/REPORT.md.tmp
	mv $(VICE_OUT)/REPORT.md.tmp $(VICE_OUT)/REPORT.md
	@cat $(VICE_OUT)/REPORT.md
	CAPTURES=$(CAPTURES) scripts/update-captures.sh --compare vice

# --- a disk for a real C64 ---------------------------------------------------------------
# make c64-disk: build/c64/llama2.d64 with the program (LOAD"LLAMA2",8,1 then RUN, or
# LOAD"*",8 then RUN). The REU image does not fit on a disk (1.2 MiB of model data);
# ports/c64/README.md says how it gets into a real REU.
CC1541   ?= cc1541
C64_DISK  = $(C64_BUILD)/llama2.d64

$(C64_DISK): $(C64_PRG)
	rm -f $@.tmp
	$(CC1541) -n "llama2.c" -i "64" -f llama2 -w $(C64_PRG) $@.tmp >/dev/null
	mv $@.tmp $@
	@echo "$@: $$(wc -c <$@) bytes"

.PHONY: c64-disk
c64-disk: $(C64_DISK)
