# Golden traces: golden/scenarios.tsv lists the scenarios; golden/MATH/NAME.trace are the
# committed traces of the reference runner in each math mode.
GOLDEN_MATHS ?= libm

.PHONY: golden check-golden
golden: run
	MODELS=$(MODELS) MATHS="$(GOLDEN_MATHS)" scripts/golden.sh regen

check-golden: run
	MODELS=$(MODELS) MATHS="$(GOLDEN_MATHS)" scripts/golden.sh check
