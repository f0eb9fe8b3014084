# The 6502 builds: the engine compiled with cc65 and integer soft-float (F32_SOFT), run in
# sim65 in CI and on a Commodore 64 with an REU. docs/c64.md has the design.
#
#   make test-u64       engine/u64.c (C89 64-bit arithmetic) against uint64_t

# The sampler's generator keeps its 64-bit state in engine/u64.c's C89 arithmetic.
ENGINE_SRC += engine/u64.c

# --- host tests of the C89 building blocks ----------------------------------------------
TEST_U64 = $(BUILD)/tests/test_u64

$(TEST_U64): tests/test_u64.c engine/u64.c engine/u64.h mk/c64.mk
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(REFFLAGS) -Werror -o $@ tests/test_u64.c engine/u64.c -lcmocka

.PHONY: test-u64
test-u64: $(TEST_U64)
	$(TEST_U64)
TEST_TARGETS += test-u64
