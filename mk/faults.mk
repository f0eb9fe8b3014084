# Faults (docs/hostile-inputs.md, "What the tools never do"): outputs that could destroy
# inputs, closed and failing standard streams, inputs that never end or change while they
# are read, traces the tools must read back. tests/test_faults.c (cmocka) runs the programs
# themselves; the cases that need root say so when they are skipped.
#
#   make test-faults   (part of make test; about 10 s, most of it conform reading 1 GiB)

FAULTS_TEST = $(BUILD)/tests/test_faults

# fseek is wrapped so that a checkpoint can be cut between its size check and its read.
$(FAULTS_TEST): tests/test_faults.c tests/testutil.c tests/testutil.h $(ENGINE_SRC) $(ENGINE_HDR) mk/faults.mk
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(REFFLAGS) -Werror -o $@ tests/test_faults.c tests/testutil.c $(ENGINE_SRC) \
	    -Wl,--wrap=fseek $(CMOCKA_LIBS) $(LDLIBS)

.PHONY: test-faults
test-faults: $(FAULTS_TEST) run conform $(C64PACK) $(SYNTHGEN)
	$(FAULTS_TEST) $(CURDIR) $(abspath $(MODELS))

TEST_TARGETS += test-faults
