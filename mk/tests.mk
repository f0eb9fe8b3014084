# The cmocka tests of the reference runner (tests/): the recorded acceptance cases, the
# tokenizer, the sampler, and malformed checkpoint and tokenizer files.
#
#   make test-runner   builds and runs all four; each also has its own target below
#
# Test sources compile with -Werror; the engine sources they unit-test are linked directly
# (ENGINE_SRC, compiled as for ./run). The runner tests run ./run.

CMOCKA_LIBS     ?= -lcmocka
RUNNER_TEST_DIR  = $(BUILD)/tests
RUNNER_TESTS     = test_acceptance test_malformed test_tokenizer test_sampler
RUNNER_TEST_OBJS = $(patsubst %,$(RUNNER_TEST_DIR)/%.o,$(RUNNER_TESTS) testutil)

$(RUNNER_TEST_OBJS): $(RUNNER_TEST_DIR)/%.o: tests/%.c tests/testutil.h $(ENGINE_HDR) mk/tests.mk
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(REFFLAGS) -Werror -c -o $@ $<

# Tests of ./run as a program: testutil only.
$(RUNNER_TEST_DIR)/test_acceptance $(RUNNER_TEST_DIR)/test_malformed: %: %.o $(RUNNER_TEST_DIR)/testutil.o
	$(CC) $(CFLAGS) -o $@ $^ $(CMOCKA_LIBS) $(LDLIBS)

# Unit tests of the engine: its sources linked in.
$(RUNNER_TEST_DIR)/test_tokenizer $(RUNNER_TEST_DIR)/test_sampler: %: %.o $(RUNNER_TEST_DIR)/testutil.o \
                                                                  $(ENGINE_SRC) $(ENGINE_HDR)
	$(CC) $(CFLAGS) $(REFFLAGS) -o $@ $(filter %.o,$^) $(ENGINE_SRC) $(CMOCKA_LIBS) $(LDLIBS)

.PHONY: test-runner test-runner-acceptance test-tokenizer test-sampler test-malformed
test-runner: test-runner-acceptance test-tokenizer test-sampler test-malformed

test-runner-acceptance: $(RUNNER_TEST_DIR)/test_acceptance run
	$(RUNNER_TEST_DIR)/test_acceptance ./run $(ACCEPTANCE) $(MODELS)

test-tokenizer: $(RUNNER_TEST_DIR)/test_tokenizer
	$(RUNNER_TEST_DIR)/test_tokenizer $(MODELS)

test-sampler: $(RUNNER_TEST_DIR)/test_sampler
	$(RUNNER_TEST_DIR)/test_sampler

test-malformed: $(RUNNER_TEST_DIR)/test_malformed run
	$(RUNNER_TEST_DIR)/test_malformed ./run $(MODELS)

# The cmocka acceptance test is the gate for the recorded cases; scripts/acceptance.sh
# (make test-acceptance) stays available as a manual tool.
TEST_TARGETS += test-runner-acceptance test-tokenizer test-sampler test-malformed
