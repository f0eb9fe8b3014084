# Golden traces: golden/scenarios.tsv lists the scenarios; golden/MATH/NAME.trace are the
# committed traces of the reference runner in each math mode.
GOLDEN_MATHS ?= libm portable

.PHONY: golden check-golden
golden: run
	MODELS=$(MODELS) MATHS="$(GOLDEN_MATHS)" scripts/golden.sh regen

check-golden: run
	MODELS=$(MODELS) MATHS="$(GOLDEN_MATHS)" scripts/golden.sh check

# Every golden trace reproduced bit for bit, and golden text against the original's stdout.
$(eval $(call cmocka_test,test-golden,tests/test_golden.c tests/testutil.c,golden $(ACCEPTANCE) $(MODELS),run))
