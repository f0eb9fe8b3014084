# Soft-float (engine/softfloat/): IEEE-754 binary32 with integers only, for cc65 targets.
#
#   make test-softfloat          host library vs hardware float, bit for bit (cmocka)
#   make test-softfloat-6502     the cc65 build vs hardware-float vectors, in sim65
#   make test-softfloat-long     SF_LONG_N random cases per operation (default 10^8) and
#                                sqrt, floor and to_long on all 2^32 patterns, on 2 cores
#   make softfloat-bench-6502    sim65 cycles per operation of the cc65 build
#
# The library must compile without warnings as C89 (gcc -std=c89 -pedantic) and with
# cc65; both are enforced here.

SF_SRC   = $(sort $(wildcard engine/softfloat/*.c))
SF_HDR   = $(wildcard engine/softfloat/*.h)
SF_BUILD = $(BUILD)/softfloat
SF_C89FLAGS = -std=c89 -pedantic -Wall -Wextra -Werror
SF_N        ?= 1000000
SF_LONG_N   ?= 100000000
SF_6502_CASES ?= 4000

SF_HOST_OBJ = $(patsubst engine/softfloat/%.c,$(SF_BUILD)/host/%.o,$(SF_SRC))
SF_6502_OBJ = $(patsubst engine/softfloat/%.c,$(SF_BUILD)/6502/%.o,$(SF_SRC))

$(SF_BUILD)/host/%.o: engine/softfloat/%.c $(SF_HDR)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(SF_C89FLAGS) -c -o $@ $<

$(eval $(call cmocka_test,test-softfloat,tests/test_softfloat.c tests/softfloat_cases.h $(SF_HOST_OBJ) mk/softfloat.mk,,,,\
    SF_TEST_N=$(SF_N)))
SF_TEST = $(call cmocka_test_bin,tests/test_softfloat.c)

# cc65 has no -Werror: any warning fails the build here.
$(SF_BUILD)/6502/%.o: engine/softfloat/%.c $(SF_HDR)
	@mkdir -p $(@D)
	@echo "$(CC65) -t sim6502 -O $<"; \
	  $(CC65) -t sim6502 -O -o $(@:.o=.s) $< 2>$(@:.o=.log); \
	  status=$$?; cat $(@:.o=.log); \
	  if [ $$status -ne 0 ] || grep -qi warning $(@:.o=.log); then exit 1; fi
	$(CA65) -t sim6502 -o $@ $(@:.o=.s)

$(SF_BUILD)/6502/tests/%.o: tests/%.c tests/softfloat_6502.h $(SF_HDR)
	@mkdir -p $(@D)
	$(CC65) -t sim6502 -O -o $(@:.o=.s) $<
	$(CA65) -t sim6502 -o $@ $(@:.o=.s)

$(SF_BUILD)/6502/check: $(SF_BUILD)/6502/tests/softfloat_6502_check.o $(SF_6502_OBJ)
	$(LD65) -t sim6502 -o $@ $^ sim6502.lib

$(SF_BUILD)/6502/bench: $(SF_BUILD)/6502/tests/softfloat_6502_bench.o $(SF_6502_OBJ)
	$(LD65) -t sim6502 -o $@ $^ sim6502.lib

$(SF_BUILD)/softfloat_6502_gen: tests/softfloat_6502_gen.c tests/softfloat_cases.h \
                                tests/softfloat_6502.h $(SF_HOST_OBJ)
	$(CC) $(CFLAGS) $(REFFLAGS) -o $@ tests/softfloat_6502_gen.c $(SF_HOST_OBJ) -lm

$(SF_BUILD)/vectors-$(SF_6502_CASES).bin: $(SF_BUILD)/softfloat_6502_gen
	$(SF_BUILD)/softfloat_6502_gen $@ $(SF_6502_CASES)

.PHONY: test-softfloat-6502 test-softfloat-long softfloat-bench-6502

test-softfloat-6502: $(SF_BUILD)/6502/check $(SF_BUILD)/vectors-$(SF_6502_CASES).bin
	$(SIM65) -c $(SF_BUILD)/6502/check $(SF_BUILD)/vectors-$(SF_6502_CASES).bin

# Two processes, one per core: different seeds, each half the cases and half the patterns.
test-softfloat-long: $(SF_TEST)
	SF_TEST_N=$$(($(SF_LONG_N) / 2)) SF_TEST_SEED=101 SF_TEST_EXHAUSTIVE=0/2 \
	  $(SF_TEST) > $(SF_BUILD)/long-0.log 2>&1 & first=$$!; \
	SF_TEST_N=$$(($(SF_LONG_N) / 2)) SF_TEST_SEED=202 SF_TEST_EXHAUSTIVE=1/2 \
	  $(SF_TEST) > $(SF_BUILD)/long-1.log 2>&1; second=$$?; \
	wait $$first; first=$$?; cat $(SF_BUILD)/long-0.log $(SF_BUILD)/long-1.log; \
	test $$first -eq 0 && test $$second -eq 0

softfloat-bench-6502: $(SF_BUILD)/6502/bench
	@base=$$($(SIM65) -c $< none 1600 | sed -n 's/^\([0-9]*\) cycles$$/\1/p'); \
	for op in add sub mul div sqrt lt from_long to_long floor; do \
	  c=$$($(SIM65) -c $< $$op 1600 | sed -n 's/^\([0-9]*\) cycles$$/\1/p'); \
	  echo "$$op: $$(( (c - base) / 1600 )) cycles"; \
	done

TEST_TARGETS += test-softfloat-6502

# --- the 6502 assembly fast paths (engine/softfloat/6502/) -------------------------------
#   make test-softfloat-6502-fast  the multiply, add, subtract, divide, comparisons, to-long
#                                  and dot under sim65 against hardware float: every pair of
#                                  special values and SF_FAST_N random cases (each a multiply,
#                                  an add, a subtract, a multiply-add, a division and a
#                                  comparison, every fourth a conversion), dot products of 0-320
#   make test-softfloat-long       also SF_FAST_LONG_N random cases, about 7 vectors each
#                                  (1.7 x 10^8 vectors by default), streamed, on 2 cores
# The vectors come from tests/softfloat_6502_fast_gen.c (hardware float on the host).
SF_ASM_SRC = $(sort $(wildcard engine/softfloat/6502/*.s))
SF_ASM_OBJ = $(patsubst engine/softfloat/6502/%.s,$(SF_BUILD)/6502/asm/%.o,$(SF_ASM_SRC))
SF_FAST_N ?= 10000
SF_FAST_LONG_N ?= 25000000
SF_FAST_GEN = $(SF_BUILD)/softfloat_6502_fast_gen

$(SF_BUILD)/6502/asm/%.o: engine/softfloat/6502/%.s $(wildcard engine/softfloat/6502/*.inc)
	@mkdir -p $(@D)
	$(CA65) -t sim6502 -o $@ $<

$(SF_BUILD)/6502/tests/softfloat_6502_fast.o: tests/softfloat_6502_fast.h engine/softfloat/6502/fast.h

$(SF_BUILD)/6502/fast: $(SF_BUILD)/6502/tests/softfloat_6502_fast.o $(SF_ASM_OBJ) $(SF_6502_OBJ)
	$(LD65) -t sim6502 -o $@ $^ sim6502.lib

$(SF_FAST_GEN): tests/softfloat_6502_fast_gen.c tests/softfloat_cases.h tests/softfloat_6502_fast.h $(SF_HOST_OBJ)
	$(CC) $(CFLAGS) $(REFFLAGS) -o $@ tests/softfloat_6502_fast_gen.c $(SF_HOST_OBJ) -lm

$(SF_BUILD)/fast-vectors-$(SF_FAST_N).bin: $(SF_FAST_GEN)
	$(SF_FAST_GEN) $(SF_FAST_N) 6502 > $@.tmp && mv $@.tmp $@

.PHONY: test-softfloat-6502-fast test-softfloat-long-fast
test-softfloat-6502-fast: $(SF_BUILD)/6502/fast $(SF_BUILD)/fast-vectors-$(SF_FAST_N).bin
	$(SIM65) $(SF_BUILD)/6502/fast < $(SF_BUILD)/fast-vectors-$(SF_FAST_N).bin

# Two streams, one per core (different seeds; the special pairs in the first), each half
# the cases. A generator that fails (its soft-float disagreeing with hardware) fails too.
test-softfloat-long-fast: $(SF_BUILD)/6502/fast $(SF_FAST_GEN)
	@half=$$(($(SF_FAST_LONG_N) / 2)); \
	{ $(SF_FAST_GEN) $$half 1001 || echo "generator failed" >&2; } 2>$(SF_BUILD)/fast-long-0.gen | \
	  nice $(SIM65) $(SF_BUILD)/6502/fast > $(SF_BUILD)/fast-long-0.log 2>&1 & first=$$!; \
	{ $(SF_FAST_GEN) $$half 2002 --no-specials || echo "generator failed" >&2; } 2>$(SF_BUILD)/fast-long-1.gen | \
	  nice $(SIM65) $(SF_BUILD)/6502/fast > $(SF_BUILD)/fast-long-1.log 2>&1; second=$$?; \
	wait $$first; first=$$?; \
	cat $(SF_BUILD)/fast-long-0.gen $(SF_BUILD)/fast-long-0.log $(SF_BUILD)/fast-long-1.gen $(SF_BUILD)/fast-long-1.log; \
	test $$first -eq 0 && test $$second -eq 0 && ! grep -q "generator failed" $(SF_BUILD)/fast-long-*.gen
test-softfloat-long: test-softfloat-long-fast

TEST_TARGETS += test-softfloat-6502-fast

# The same checker built for the C64 (where the fast paths run under the KERNAL ROM, banked
# in and out around each call, interrupts through trampolines), with FAST_C64_RECORDS
# compiled-in vectors, run in VICE (x64, warp); the debug cartridge gives its exit status.
# Needs VICE in $(SF_VICE) (../shared/tools/vice); without it the target says so and fails.
SF_VICE ?= $(VICE)
SF_C64_DIR = $(SF_BUILD)/c64

$(SF_C64_DIR)/vectors.inc: $(SF_FAST_GEN)
	@mkdir -p $(@D)
	$(SF_FAST_GEN) 30 64 --c64 > $@.tmp && mv $@.tmp $@

$(SF_C64_DIR)/fast.prg: tests/softfloat_6502_fast.c tests/softfloat_6502_fast.h $(SF_C64_DIR)/vectors.inc \
                        $(SF_SRC) $(SF_HDR) $(SF_ASM_SRC) $(wildcard engine/softfloat/6502/*.inc engine/softfloat/6502/*.h)
	$(CL65) -t c64 -O -I $(SF_C64_DIR) -DFAST_VECTORS='"vectors.inc"' -o $@ tests/softfloat_6502_fast.c \
	    $(SF_SRC) $(SF_ASM_SRC) 2>$(SF_C64_DIR)/cl65.log || { cat $(SF_C64_DIR)/cl65.log; exit 1; }

.PHONY: test-softfloat-vice
test-softfloat-vice: $(SF_C64_DIR)/fast.prg
	@test -x $(SF_VICE)/bin/x64 || { echo "test-softfloat-vice: no VICE at $(SF_VICE) (bin/x64)" >&2; exit 1; }
	@mkdir -p $(HOME)/.local/state/vice
	@vice=$$(cd $(SF_VICE) && pwd); \
	  $$vice/bin/x64 +logcolorize -default -directory $$vice/share/vice +sound -warp -debugcart \
	    -limitcycles 100000000 -exitscreenshot $(SF_C64_DIR)/screen.png -autostartprgmode 1 $< \
	    > $(SF_C64_DIR)/vice.log 2>&1; status=$$?; \
	  if [ $$status -ne 0 ]; then \
	    echo "test-softfloat-vice: the C64 check ended with status $$status (screen: $(SF_C64_DIR)/screen.png, log: $(SF_C64_DIR)/vice.log)" >&2; \
	    exit 1; \
	  fi; \
	  echo "test-softfloat-vice: all $$(grep -c , $(SF_C64_DIR)/vectors.inc) vectors match on the C64 (VICE x64)"
TEST_TARGETS += test-softfloat-vice

# sim65 cycles of the fast paths beside the C soft-float (a benchmark, not a test)
$(SF_BUILD)/6502/fast-bench: $(SF_BUILD)/6502/tests/softfloat_6502_fast_bench.o $(SF_ASM_OBJ) $(SF_6502_OBJ)
	$(LD65) -t sim6502 -o $@ $^ sim6502.lib

$(SF_BUILD)/6502/tests/softfloat_6502_fast_bench.o: engine/softfloat/6502/fast.h

.PHONY: softfloat-bench-6502-fast
softfloat-bench-6502-fast: $(SF_BUILD)/6502/fast-bench
	@base=$$($(SIM65) -c $< none 1600 | sed -n 's/^\([0-9]*\) cycles$$/\1/p'); \
	for op in add add6502 mul mul6502 mac dot div div6502 lt lt6502; do \
	  c=$$($(SIM65) -c $< $$op 1600 | sed -n 's/^\([0-9]*\) cycles$$/\1/p'); \
	  echo "$$op: $$(( (c - base) / 1600 )) cycles"; \
	done
