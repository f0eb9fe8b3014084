# The 6502 builds: the engine compiled with cc65 and integer soft-float (F32_SOFT), run in
# sim65 in CI and on a Commodore 64 with an REU. docs/c64.md has the design.
#
#   make test-u64       engine/u64.c (C89 64-bit arithmetic) against uint64_t
#   make test-c64-host  the 6502 program's parts built natively against the reference
#                       (compact tokenizer, model image)
#   make c64-images     the model images (never committed: made from the models)

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

# --- the converter and the model images -------------------------------------------------
C64_DIR      = ports/c64
C64_BUILD    = $(BUILD)/c64
C64PACK      = $(C64_BUILD)/c64pack
C64_IMAGE_HDR = $(C64_DIR)/common/image.h
# the REU image of stories260K (2 MiB: the REU size VICE must be given), also the weight
# file of the sim65 runs
C64_IMAGE    = $(C64_BUILD)/stories260K.reu

$(C64PACK): $(C64_DIR)/tools/c64pack.c $(C64_IMAGE_HDR) $(ENGINE_SRC) $(ENGINE_HDR) trace/sha256.c trace/atomic_file.c | $(BUILD)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(REFFLAGS) -o $@ $(C64_DIR)/tools/c64pack.c $(ENGINE_SRC) trace/sha256.c trace/atomic_file.c $(LDLIBS)

$(C64_IMAGE): $(C64PACK) $(MODELS)/stories260K.bin $(MODELS)/tok512.bin
	$(C64PACK) $(MODELS)/stories260K.bin $(MODELS)/tok512.bin $@ --reu-kb 2048

$(C64_BUILD)/synth32k.img: $(C64PACK) $(MODELS)/synth32k.bin $(MODELS)/tokenizer.bin
	$(C64PACK) $(MODELS)/synth32k.bin $(MODELS)/tokenizer.bin $@ --reu-kb 0

.PHONY: c64-images test-c64-host
c64-images: $(C64_IMAGE)

# --- the 6502 program's parts on the host -----------------------------------------------
C64_COMMON_SRC = $(C64_DIR)/common/xtokenizer.c $(C64_DIR)/common/decimal.c
C64_COMMON_HDR = $(wildcard $(C64_DIR)/common/*.h)
TEST_C64_HOST  = $(BUILD)/tests/test_c64_host

$(TEST_C64_HOST): tests/test_c64_host.c $(C64_COMMON_SRC) $(C64_COMMON_HDR) $(C64_DIR)/host/xmem_memory.c \
                  $(ENGINE_SRC) $(ENGINE_HDR) mk/c64.mk
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(REFFLAGS) -Werror -o $@ tests/test_c64_host.c $(C64_COMMON_SRC) $(C64_DIR)/host/xmem_memory.c \
	    $(ENGINE_SRC) -lcmocka $(LDLIBS)

test-c64-host: $(TEST_C64_HOST) $(C64_IMAGE) $(C64_BUILD)/synth32k.img
	$(TEST_C64_HOST) $(MODELS) $(BUILD)
TEST_TARGETS += test-c64-host
