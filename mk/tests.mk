# The tests of the reference runner (tests/): the recorded acceptance cases (and a check
# that their reader can fail), the tokenizer, the sampler, and malformed checkpoint and
# tokenizer files.
#
#   make test-runner   builds and runs all five; each also has its own target below
#
# The cmocka ones are built by cmocka_test (the top Makefile). The engine tests link the engine's
# sources (ENGINE_SRC, compiled as for ./run); the runner tests run ./run.

.PHONY: test-runner
test-runner: test-runner-acceptance test-acceptance-reader test-tokenizer test-sampler test-malformed

# Tests of ./run as a program. The acceptance test is the one reader of the recorded cases;
# the Pico, the cross targets and valgrind run it on their runners ($(call run_acceptance)).
$(eval $(call cmocka_test,test-runner-acceptance,tests/test_acceptance.c tests/testutil.c,./run $(ACCEPTANCE) $(MODELS),run))

# The reader can fail: a runner with one wrong byte, or a wrong exit status, fails every case.
.PHONY: test-acceptance-reader
test-acceptance-reader: run $(ACCEPTANCE_READER)
	tests/test_acceptance_reader.sh $(ACCEPTANCE_READER) $(ACCEPTANCE) $(MODELS)
TEST_TARGETS += test-acceptance-reader

$(eval $(call cmocka_test,test-malformed,tests/test_malformed.c tests/testutil.c,./run $(MODELS),run))

# Unit tests of the engine: its sources linked in.
$(eval $(call cmocka_test,test-tokenizer,tests/test_tokenizer.c tests/testutil.c $(ENGINE_SRC),$(MODELS)))
$(eval $(call cmocka_test,test-sampler,tests/test_sampler.c tests/testutil.c $(ENGINE_SRC)))
