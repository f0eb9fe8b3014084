# Faults (docs/hostile-inputs.md, "What the tools never do"): outputs that could destroy
# inputs, closed and failing standard streams, inputs that never end or change while they
# are read, traces the tools must read back. tests/test_faults.c (cmocka) runs the programs
# themselves; the cases that need root say so when they are skipped.
#
#   make test-faults   (part of make test; about 10 s, most of it conform reading 1 GiB)

# fseek is wrapped so that a checkpoint can be cut between its size check and its read.
$(eval $(call cmocka_test,test-faults,tests/test_faults.c tests/testutil.c $(ENGINE_SRC) mk/faults.mk,$(CURDIR) $(abspath $(MODELS)),run conform $(C64PACK) $(SYNTHGEN),-Wl$(comma)--wrap=fseek))
