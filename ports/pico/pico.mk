# The Cortex-M33 (RP2350-class) build: run.c and the engine cross-compiled for a bare-metal
# Cortex-M33 with its single-precision FPU, newlib and Arm semihosting, run under
# qemu-system-arm -M mps2-an505 (ports/pico/README.md). It compiles the sources of ./run but the
# fast path: CORE_SRC, HOST_SRC and HOST_TRACE_SRC (the fast path needs POSIX threads,
# which bare-metal newlib has not; run.c does not call it).
#
#   make pico       builds $(BUILD)/pico/run.elf
#   make test-pico  checks argument passing, then runs the acceptance cases under QEMU
#   make capture-pico  the golden scenarios under QEMU into build/captures/pico/ (mk/captures.mk)

PICO_CC      ?= arm-none-eabi-gcc
PICO_SIZE    ?= arm-none-eabi-size
PICO_CFLAGS  ?= -O2
PICO_ARCH     = -mcpu=cortex-m33 -mfpu=fpv5-sp-d16 -mfloat-abi=hard -mthumb
PICO_DIR      = ports/pico
# start-up, semihosting glue, argv splitting, C99 printf modifiers
PICO_SRC      = $(PICO_DIR)/startup.S $(PICO_DIR)/semihost.c $(PICO_DIR)/argv.c $(PICO_DIR)/printf_c99.c
PICO_DEPS     = $(PICO_DIR)/compat.h $(PICO_DIR)/pico.ld ports/pico/pico.mk
PICO_WRAP     = main printf fprintf sprintf snprintf vprintf vfprintf vsprintf vsnprintf
PICO_LDFLAGS  = --specs=rdimon.specs -T $(PICO_DIR)/pico.ld -Wl,--gc-sections \
                $(foreach f,$(PICO_WRAP),-Wl,--wrap=$(f))
PICO_COMPILE  = $(PICO_CC) $(PICO_ARCH) $(PICO_CFLAGS) $(REFFLAGS) -include $(PICO_DIR)/compat.h
PICO_RUN_SRC  = run.c $(CORE_SRC) $(HOST_SRC) $(HOST_TRACE_SRC)
PICO_ELF      = $(BUILD)/pico/run.elf
PICO_ECHO_ELF = $(BUILD)/pico/argv-echo.elf

.PHONY: pico test-pico test-pico-args
pico: $(PICO_ELF)

$(PICO_ELF): $(PICO_RUN_SRC) $(ENGINE_HDR) $(TRACE_HDR) $(PICO_SRC) $(PICO_DEPS)
	@mkdir -p $(@D)
	$(PICO_COMPILE) $(PICO_LDFLAGS) -Wl,-Map=$(@D)/run.map \
	    -o $@ $(PICO_RUN_SRC) $(PICO_SRC) -lm
	$(PICO_SIZE) $@

# A program that echoes its arguments and standard input, to check what run-pico.sh carries.
$(PICO_ECHO_ELF): $(PICO_DIR)/argv_echo.c $(PICO_SRC) $(PICO_DEPS)
	@mkdir -p $(@D)
	$(PICO_COMPILE) $(PICO_LDFLAGS) -o $@ $(PICO_DIR)/argv_echo.c $(PICO_SRC)

test-pico-args: $(PICO_ECHO_ELF)
	PICO_SELF_TEST=1 PICO_ELF=$(PICO_ECHO_ELF) ports/pico/run.sh

test-pico: test-pico-args $(PICO_ELF) $(ACCEPTANCE_READER)
	PICO_ELF=$(PICO_ELF) $(call run_acceptance,ports/pico/run.sh,$(ACCEPTANCE_SLOW_LIMIT))

# about 15 s: the 24 cases run at full speed under QEMU
TEST_TARGETS += test-pico

# make capture-pico (mk/captures.mk): every scenario the Pico runs, in both math modes,
# under QEMU into build/captures/pico/.
CAPTURE_PORTS += pico
pico_RUNNER   = $(PICO_DIR)/run.sh
pico_PLATFORM = PICO-QEMU-MPS2-AN505
pico_NEEDS    = $(PICO_ELF)
pico_ENV      = PICO_ELF=$(PICO_ELF)
