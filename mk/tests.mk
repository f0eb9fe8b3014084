# The cmocka tests of the reference runner (tests/): the recorded acceptance cases, the
# tokenizer, the sampler, and malformed checkpoint and tokenizer files.
#
#   make test-runner   builds and runs all four; each also has its own target below
#
# Test sources compile with -Werror; the engine sources they unit-test are linked directly
# (ENGINE_SRC, compiled as for ./run). The runner tests run ./run.

CMOCKA_LIBS ?= -lcmocka
TEST_DIR     = $(BUILD)/tests
TEST_CFLAGS  = $(CFLAGS) $(REFFLAGS) -Werror
TEST_UTIL    = $(TEST_DIR)/testutil.o

$(TEST_DIR)/%.o: tests/%.c tests/testutil.h $(ENGINE_HDR) mk/tests.mk
	@mkdir -p $(@D)
	$(CC) $(TEST_CFLAGS) -c -o $@ $<

# Tests of ./run as a program: testutil only.
$(TEST_DIR)/test_acceptance $(TEST_DIR)/test_malformed: $(TEST_DIR)/%: $(TEST_DIR)/%.o $(TEST_UTIL)
	$(CC) $(CFLAGS) -o $@ $^ $(CMOCKA_LIBS) $(LDLIBS)

# Unit tests of the engine: its sources linked in.
$(TEST_DIR)/test_tokenizer $(TEST_DIR)/test_sampler: $(TEST_DIR)/%: $(TEST_DIR)/%.o $(TEST_UTIL) $(ENGINE_SRC) $(ENGINE_HDR)
	$(CC) $(CFLAGS) $(REFFLAGS) -o $@ $(filter %.o,$^) $(ENGINE_SRC) $(CMOCKA_LIBS) $(LDLIBS)

.PHONY: test-runner test-runner-acceptance test-tokenizer test-sampler test-malformed
test-runner: test-runner-acceptance test-tokenizer

test-runner-acceptance: $(TEST_DIR)/test_acceptance run
	$(TEST_DIR)/test_acceptance ./run $(ACCEPTANCE) $(MODELS)

test-tokenizer: $(TEST_DIR)/test_tokenizer
	$(TEST_DIR)/test_tokenizer $(MODELS)

test-sampler: $(TEST_DIR)/test_sampler
	$(TEST_DIR)/test_sampler

test-malformed: $(TEST_DIR)/test_malformed run
	$(TEST_DIR)/test_malformed ./run $(MODELS)

# The cmocka acceptance test is the gate for the recorded cases; scripts/acceptance.sh
# (make test-acceptance) stays available as a manual tool.
TEST_TARGETS := $(filter-out test-acceptance,$(TEST_TARGETS)) test-runner-acceptance test-tokenizer
