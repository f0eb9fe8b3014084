# conform with real ports: captures as ports print them, named diagnoses proven by mutant
# ports (tests/mutants/), and `conform check` (docs/conform.md).
#
#   make test-conform-capture  plain captures, resynchronising comparison, report fixes

.PHONY: test-conform-capture

$(BUILD)/test_conform_capture: tests/test_conform_capture.c $(CONFORM_SRC) $(CONFORM_HDR) | $(BUILD)
	$(CC) $(CFLAGS) $(REFFLAGS) -DCONFORM_NO_MAIN -o $@ tests/test_conform_capture.c $(CONFORM_SRC) $(CMOCKA_LIBS) $(LDLIBS)

test-conform-capture: $(BUILD)/test_conform_capture
	@mkdir -p $(BUILD)/conform-scratch
	CONFORM_SCRATCH=$(BUILD)/conform-scratch $(BUILD)/test_conform_capture

TEST_TARGETS += test-conform-capture
