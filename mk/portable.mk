# The portable math mode (engine/portable/: expf, powf, sinf, cosf from binary32 operations
# only, the same bits on every IEEE-754 platform) with its accuracy tests against MPFR, and
# the integer-only number parser host/parse_float.c (docs/portable-math.md).
#
#   make test-portable-math    cmocka: tables, special values, 10^6 inputs per function
#                              against MPFR (fails if any error exceeds 1 ULP), and the
#                              soft-float (F32_SOFT) build against the native one, bit for bit
#   make test-math-accuracy    the full measurement, 10^7 inputs per function
#   make test-parse-float      cmocka: parse_float against (float)strtod, > 10^6 strings

# PORTABLE_SRC and PORTABLE_HDR are listed with the engine in the top Makefile.
PORTABLE_DIR = $(BUILD)/portable
MPFR_LIBS   ?= -lmpfr -lgmp


# The same sources built with F32_SOFT (integer soft-float, as for the 6502), as C89, with
# every symbol renamed soft_*, so the test can compare both builds bit for bit.
PORTABLE_SOFT_SRC = $(PORTABLE_SRC) $(sort $(wildcard engine/softfloat/*.c))
OBJCOPY ?= objcopy
$(PORTABLE_DIR)/soft_portable.o: $(PORTABLE_SOFT_SRC) $(PORTABLE_HDR) $(wildcard engine/softfloat/*.h) \
                                 engine/f32.h mk/portable.mk
	@mkdir -p $(@D)/soft
	cd $(@D)/soft && rm -f *.o && $(CC) $(CFLAGS) -std=c89 -pedantic -Wall -Wextra -Werror -DF32_SOFT \
	    -I$(CURDIR) -c $(addprefix $(CURDIR)/,$(PORTABLE_SOFT_SRC))
	$(CC) -r -nostdlib -o $(@D)/soft_all.o $(@D)/soft/*.o
	$(OBJCOPY) --prefix-symbols=soft_ $(@D)/soft_all.o $@

# (tests/test_portable_math.c includes tests/math_accuracy.c)
$(eval $(call cmocka_test,test-portable-math,tests/test_portable_math.c engine/mathlib.c $(PORTABLE_SRC) \
    $(PORTABLE_DIR)/soft_portable.o mk/portable.mk,,,-DPORTABLE_SOFT_CHECK,,$(MPFR_LIBS)))
$(BUILD)/tests/test_portable_math: tests/math_accuracy.c

$(PORTABLE_DIR)/math_accuracy: tests/math_accuracy.c $(PORTABLE_SRC) $(PORTABLE_HDR) mk/portable.mk
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(REFFLAGS) -Werror -o $@ tests/math_accuracy.c $(PORTABLE_SRC) $(MPFR_LIBS) $(LDLIBS)

$(eval $(call cmocka_test,test-parse-float,tests/test_parse_float.c host/parse_float.c host/ascii.c mk/portable.mk))

.PHONY: test-math-accuracy
test-math-accuracy: $(PORTABLE_DIR)/math_accuracy
	$(PORTABLE_DIR)/math_accuracy
