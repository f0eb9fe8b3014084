# The recorded behaviour of the original run.c, byte for byte, as a plain script: a manual
# tool (it takes any runner, such as ports/pico/run.sh). make test gates on the cmocka
# version, test-runner-acceptance in mk/tests.mk.
.PHONY: test-acceptance
test-acceptance: run
	scripts/acceptance.sh ./run $(ACCEPTANCE) $(MODELS)
