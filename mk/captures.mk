# Captures: the golden scenarios a port runs (golden/scenarios.tsv, its ports field), run by
# the port's runner in each math mode it has and compared with the host golden. A capture
# is written into $(CAPTURES)/NAME/ with its REPORT.md (scripts/capture-report.sh) and says
# whether it differs from the committed golden/captures/NAME/; only
# make update-captures-NAME copies it there. No test and no CI stage writes into golden/.
#
#   make capture-NAME           NAME one of CAPTURE_PORTS: scripts/capture.sh
#   make update-captures-NAME   NAME one of CAPTURE_NAMES (also the VICE and cross captures)
#   make test-capture-scripts   port-scenarios.sh and update-captures.sh on made-up folders
#   make test-captures          portable captures bit-identical to the host golden, libm
#                               captures recorded: the committed ones, and the fresh ones
#                               in $(CAPTURES) when there are any (part of make test)
#
# A port's fragment (ports/NAME/NAME.mk) appends NAME to CAPTURE_PORTS and sets
#   NAME_RUNNER    its run.sh: ./run's command line in, the trace out (scripts/golden.sh)
#   NAME_PLATFORM  the platform id its traces carry
#   NAME_NEEDS     what must be built before it runs
#   NAME_ENV       the runner's environment (VAR=value ...), if any
#   NAME_MATHS     its math modes (default CAPTURE_MATHS)
#   NAME_JOBS      scenarios run at once (default 1; 0: all)
#   NAME_BEFORE, NAME_AFTER  commands run before and after the scenarios, if any
# A port with its own capture rule appends the folder's name to CAPTURE_NAMES only.
CAPTURES      = $(BUILD)/captures
CAPTURE_MATHS ?= libm portable

define CAPTURE_RULES
.PHONY: capture-$(1)
capture-$(1): $($(1)_NEEDS) conform $(GOLDEN_SYNTH_MODELS)
	$$($(1)_BEFORE)
	$$($(1)_ENV) RUNNER=$$($(1)_RUNNER) PLATFORM=$$($(1)_PLATFORM) MATHS="$$(or $$($(1)_MATHS),$$(CAPTURE_MATHS))" \
	    JOBS=$$(or $$($(1)_JOBS),1) MODELS=$$(MODELS) CAPTURES=$$(CAPTURES) scripts/capture.sh $(1)
	$$($(1)_AFTER)
endef
$(foreach p,$(CAPTURE_PORTS),$(eval $(call CAPTURE_RULES,$(p))))

CAPTURE_NAMES += $(CAPTURE_PORTS)
define UPDATE_CAPTURES_RULES
.PHONY: update-captures-$(1)
update-captures-$(1):
	CAPTURES=$$(CAPTURES) scripts/update-captures.sh $(1)
endef
$(foreach p,$(CAPTURE_NAMES),$(eval $(call UPDATE_CAPTURES_RULES,$(p))))

# The gate: portable captures bit-identical to the host golden, libm captures recorded.
# ($(CAPTURES) is looked for when the test runs: a capture made earlier by the same make.)
$(eval $(call cmocka_test,test-captures,tests/test_captures.c tests/testutil.c,golden $$(wildcard $(CAPTURES)),conform))

.PHONY: test-capture-scripts
test-capture-scripts:
	tests/test_capture_scripts.sh
TEST_TARGETS += test-capture-scripts
