# The recorded behaviour of the original run.c, byte for byte.
.PHONY: test-acceptance
test-acceptance: run
	scripts/acceptance.sh ./run $(ACCEPTANCE) $(MODELS)
TEST_TARGETS += test-acceptance
