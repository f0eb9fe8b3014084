# Captures: the golden scenarios run by a port, in both math modes, and compared with the
# host golden (scripts/capture-report.sh). Portable captures must be bit-identical.
PICO_PLATFORM = PICO-QEMU-MPS2-AN505
CAPTURE_MATHS ?= libm portable

.PHONY: capture-pico
capture-pico: pico conform
	PICO_ELF=$(PICO_ELF) RUNNER=ports/pico/run.sh OUT=golden/captures/pico PLATFORM=$(PICO_PLATFORM) \
	    MODELS=$(MODELS) MATHS="$(CAPTURE_MATHS)" scripts/golden.sh regen
	scripts/capture-report.sh pico > golden/captures/pico/REPORT.md.tmp
	mv golden/captures/pico/REPORT.md.tmp golden/captures/pico/REPORT.md
	@cat golden/captures/pico/REPORT.md

# The gate: portable captures bit-identical to the host golden, libm captures recorded.
$(BUILD)/tests/test_captures: tests/test_captures.c tests/testutil.c tests/testutil.h | $(BUILD)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(REFFLAGS) -o $@ tests/test_captures.c tests/testutil.c -lcmocka

.PHONY: test-captures
test-captures: conform $(BUILD)/tests/test_captures
	$(BUILD)/tests/test_captures golden
TEST_TARGETS += test-captures
