# conform with real ports: captures as ports print them, named diagnoses proven by mutant
# ports (tests/mutants/), and `conform check` (docs/conform.md).
#
#   make test-conform-capture  plain captures, resynchronising comparison, report fixes

.PHONY: test-conform-capture

$(eval $(call cmocka_test,test-conform-capture,tests/test_conform_capture.c tests/testutil_conform.c tests/testutil_conform.h tests/testutil_trace.h engine/trace_header.c $(CONFORM_SRC) $(CONFORM_HDR),,| $(BUILD)/conform-scratch,-DCONFORM_NO_MAIN,CONFORM_SCRATCH=$(BUILD)/conform-scratch))

# Mutant ports: ./run with one classic port bug each, an engine function wrapped by the
# linker (tests/mutants/mutants.c). Built only for the tests.
MUTANTS = byte-pieces:BYTE_PIECES:decode no-dummy-prefix:NO_DUMMY_PREFIX:encode bos-space:BOS_SPACE:decode \
          no-gqa:NO_GQA:transformer_load_watched sampler:SAMPLER:sample arithmetic:ARITHMETIC:rmsnorm \
          stops-early:STOPS_EARLY:printable_piece
MUTANT_BINS = $(foreach m,$(MUTANTS),$(BUILD)/mutants/$(word 1,$(subst :, ,$(m))))

define mutant_rule
$(BUILD)/mutants/$(word 1,$(subst :, ,$(1))): run.c tests/mutants/mutants.c $(ENGINE_SRC) $(ENGINE_HDR) $(TRACE_SRC) $(TRACE_HDR)
	@mkdir -p $$(dir $$@)
	$$(CC) $$(CFLAGS) $$(REFFLAGS) -DMUTANT_$(word 2,$(subst :, ,$(1))) -Wl,--wrap=$(word 3,$(subst :, ,$(1))) \
	    -o $$@ run.c tests/mutants/mutants.c $$(ENGINE_SRC) $$(TRACE_SRC) $$(LDLIBS)
endef
$(foreach m,$(MUTANTS),$(eval $(call mutant_rule,$(m))))

.PHONY: mutants test-mutants
mutants: $(MUTANT_BINS)

#   make test-mutants   every named diagnosis proven by its mutant port (tests/test_mutants.sh)
test-mutants: run conform $(MUTANT_BINS)
	tests/test_mutants.sh $(BUILD)/mutants $(MODELS)

TEST_TARGETS += test-mutants

# The ports' conformance report: conform check over every port's committed captures
# (the Pico, the C64 under sim65 and in VICE, the cross targets), as HTML, JUnit XML and
# JSON in build/conform-report/, with index.html the matrix of them all (CI publishes it).
# Portable captures are held to bits, libm captures to tokens (scripts/conform-report.sh).
CONFORM_REPORT = $(BUILD)/conform-report
.PHONY: conform-report
conform-report: conform
	scripts/conform-report.sh $(CONFORM_REPORT)
