# The core (CORE_SRC, engine/) held to C89: every source compiled with -std=c89 -pedantic
# -Werror by the host's compiler, natively (f32 is float), as soft-float (F32_SOFT) and as
# the 6502 builds it (F32_SOFT with ENGINE_SMALL), so that a C99 construct fails here and
# not first under cc65. It also fails when a core file includes a header from host/, ports/,
# cli/ or tests/: the core builds alone on every target. The native build declares C99's float functions (sqrtf, expf, ...)
# with _ISOC99_SOURCE: the language is C89, the libm math mode calls the host's library.
#
#   make check-c89   (part of make test; a few seconds)
#   make test-u64    engine/u64.c (C89 64-bit arithmetic) against uint64_t (cmocka)

C89_FLAGS   = -std=c89 -pedantic -Wall -Wextra -Werror -I.
C89_BUILD   = $(BUILD)/c89
C89_VARIANTS = native soft small
C89_DEFS_native = -D_ISOC99_SOURCE
C89_DEFS_soft   = -DF32_SOFT
C89_DEFS_small  = -DF32_SOFT -DENGINE_SMALL

# $(1): the variant
define C89_RULES
$(C89_BUILD)/$(1)/%.o: %.c $(CORE_HDR) mk/core.mk
	@mkdir -p $$(@D)
	$(CC) $(C89_FLAGS) $(C89_DEFS_$(1)) -c -o $$@ $$<
endef
$(foreach v,$(C89_VARIANTS),$(eval $(call C89_RULES,$(v))))

C89_OBJS = $(foreach v,$(C89_VARIANTS),$(patsubst %.c,$(C89_BUILD)/$(v)/%.o,$(CORE_SRC)))

.PHONY: check-c89
check-c89: $(C89_OBJS)
	@if grep -nE '^[[:space:]]*#[[:space:]]*include[[:space:]]*"(host|ports|cli|tests)/' $(CORE_SRC) $(CORE_HDR); then \
	    echo "check-c89: the core (engine/) includes the files above from outside engine/" >&2; exit 1; fi
	@echo "check-c89: $(words $(CORE_SRC)) core sources compile as C89 in $(words $(C89_VARIANTS)) variants ($(C89_VARIANTS))"
TEST_TARGETS += check-c89

$(eval $(call cmocka_test,test-u64,tests/test_u64.c $(ENGINE_SRC)))
