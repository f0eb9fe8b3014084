# conform: the trace reader and the `conform` command (docs/conform.md), and their tests.
#
#   make conform       builds ./conform (also built by `make`: see `all` below)
#   make test-trace    the trace reader's tests (tests/test_trace.c, cmocka)
#   make test-conform  conform's tests (tests/test_conform.c, cmocka)

CONFORM_SRC = cli/conform.c cli/conform_diff.c cli/conform_report.c cli/conform_text.c cli/conform_str.c \
              $(CONFORM_CHECK_SRC) host/trace_reader.c host/ascii.c engine/trace_writer.c engine/float_bits.c
CONFORM_HDR = cli/conform_diff.h cli/conform_report.h cli/conform_text.h cli/conform_str.h \
              $(CONFORM_CHECK_HDR) host/trace_reader.h host/ascii.h host/printf_like.h engine/trace_writer.h engine/float_bits.h
# Captures as ports print them, diagnoses and `conform check` (mk/conform_check.mk).
CONFORM_CHECK_SRC = cli/conform_capture.c cli/conform_align.c cli/conform_diagnose.c cli/conform_check.c \
                    cli/conform_check_report.c cli/conform_html.c
CONFORM_CHECK_HDR = cli/conform_capture.h cli/conform_align.h cli/conform_diagnose.h cli/conform_check.h

.PHONY: test-trace test-conform clean-conform
ALL_TARGETS += conform
clean: clean-conform

conform: $(CONFORM_SRC) $(CONFORM_HDR)
	$(CC) $(CFLAGS) $(REFFLAGS) -o $@ $(CONFORM_SRC) $(LDLIBS)

$(eval $(call cmocka_test,test-trace,tests/test_trace.c tests/testutil_trace.h host/trace_reader.c host/ascii.c engine/trace_writer.c engine/trace_header.c engine/float_bits.c))

# The tests run ./run on stories260K for a real trace, and write scratch files in
# $(BUILD)/conform-scratch (conform_scratch, which test-conform-capture shares).
$(BUILD)/conform-scratch:
	mkdir -p $@
$(eval $(call cmocka_test,test-conform,tests/test_conform.c tests/testutil_conform.c tests/testutil_conform.h tests/testutil_trace.h engine/trace_header.c $(CONFORM_SRC) $(CONFORM_HDR),,run conform | $(BUILD)/conform-scratch,-DCONFORM_NO_MAIN,CONFORM_SCRATCH=$(BUILD)/conform-scratch CONFORM_MODELS=$(MODELS)))

clean-conform:
	rm -f conform
