# The cmocka tests of the reference runner (tests/): the recorded acceptance cases, the
# tokenizer, the sampler, and malformed checkpoint and tokenizer files.
#
#   make test-runner   builds and runs all four; each also has its own target below
#
# Each is built by cmocka_test (the top Makefile). The engine tests link the engine's
# sources (ENGINE_SRC, compiled as for ./run); the runner tests run ./run.

.PHONY: test-runner
test-runner: test-runner-acceptance test-tokenizer test-sampler test-malformed

# Tests of ./run as a program. The cmocka acceptance test is the gate for the recorded
# cases; scripts/acceptance.sh (make test-acceptance) stays available as a manual tool.
$(eval $(call cmocka_test,test-runner-acceptance,tests/test_acceptance.c tests/testutil.c,./run $(ACCEPTANCE) $(MODELS),run))
$(eval $(call cmocka_test,test-malformed,tests/test_malformed.c tests/testutil.c,./run $(MODELS),run))

# Unit tests of the engine: its sources linked in.
$(eval $(call cmocka_test,test-tokenizer,tests/test_tokenizer.c tests/testutil.c $(ENGINE_SRC),$(MODELS)))
$(eval $(call cmocka_test,test-sampler,tests/test_sampler.c tests/testutil.c $(ENGINE_SRC)))
