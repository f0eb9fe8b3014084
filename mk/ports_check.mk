# conform check through the real ports' runners, not their committed captures: the Pico
# build under QEMU on every scenario, the 6502 program under sim65 on the scenarios it can
# run (generate mode, portable math). Each must pass at bits against the portable golden.
# (After pico.mk and c64.mk, whose variables the prerequisites name.)
#
#   make test-conform-ports

PORT_CHECK_ARGS = {-i prompt} -t {temp} -p {topp} -s {seed} -n {steps} --math portable --trace {trace} --logits full

.PHONY: test-conform-ports
test-conform-ports: conform $(PICO_ELF) $(RUN65) $(C64_IMAGE) $(GOLDEN_SYNTH_MODELS)
	./conform check --math portable --models $(MODELS) \
	    --command "ports/pico/run.sh {model} -z {tokenizer} $(PORT_CHECK_ARGS) {-m mode} {-y system} --layers"
	RUN65=$(RUN65) C64_IMAGES=$(C64_BUILD) ./conform check --math portable --models $(MODELS) \
	    $(foreach s,$(shell scripts/port-scenarios.sh c64),--only $(s)) \
	    --command "$(C64_DIR)/run.sh {model} -z {tokenizer} $(PORT_CHECK_ARGS)"

TEST_TARGETS += test-conform-ports
