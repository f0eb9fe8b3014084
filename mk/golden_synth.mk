# Golden scenarios that older ports can run: random-weight models with as many key/value
# heads as heads (no grouped-query attention needed) and true RoPE tables in the file
# (cli/synthgen.c), made deterministically in $(BUILD) at test time and never committed.
# golden/README.md says which features each scenario needs.
#
#   make golden-synth-models   the two checkpoints
#   make test-synth-rope       their RoPE tables hold cos and sin of pos * freq

# GOLDEN_SYNTH_MODELS (the top Makefile, for the ports' fragments) names them.

$(BUILD)/synth-mh512.bin: $(SYNTHGEN)
	$(SYNTHGEN) 64,172,4,8,8,512,256 $@ --seed 512
$(BUILD)/synth-mh32k.bin: $(SYNTHGEN)
	$(SYNTHGEN) 32,64,2,4,4,32000,128 $@ --seed 32000

.PHONY: golden-synth-models test-synth-rope
golden-synth-models: $(GOLDEN_SYNTH_MODELS)

# Every target that runs the golden scenarios needs them.
golden check-golden test-golden test-mutants test-fastpath-golden: $(GOLDEN_SYNTH_MODELS)

test-synth-rope: $(GOLDEN_SYNTH_MODELS)
	$(PYTHON) tests/test_synth_rope.py $(BUILD)/synth-mh512.bin $(BUILD)/synth-mh32k.bin

TEST_TARGETS += test-synth-rope
