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
SF_TESTLIBS = -lcmocka -lm
SF_N        ?= 1000000
SF_LONG_N   ?= 100000000
SF_6502_CASES ?= 4000

SF_HOST_OBJ = $(patsubst engine/softfloat/%.c,$(SF_BUILD)/host/%.o,$(SF_SRC))
SF_6502_OBJ = $(patsubst engine/softfloat/%.c,$(SF_BUILD)/6502/%.o,$(SF_SRC))

$(SF_BUILD)/host/%.o: engine/softfloat/%.c $(SF_HDR)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(SF_C89FLAGS) -c -o $@ $<

$(SF_BUILD)/test_softfloat: tests/test_softfloat.c tests/softfloat_cases.h $(SF_HOST_OBJ)
	$(CC) $(CFLAGS) $(REFFLAGS) -o $@ tests/test_softfloat.c $(SF_HOST_OBJ) $(SF_TESTLIBS)

# cc65 has no -Werror: any warning fails the build here.
$(SF_BUILD)/6502/%.o: engine/softfloat/%.c $(SF_HDR)
	@mkdir -p $(@D)
	@echo "cc65 -t sim6502 -O $<"; \
	  cc65 -t sim6502 -O -o $(@:.o=.s) $< 2>$(@:.o=.log); \
	  status=$$?; cat $(@:.o=.log); \
	  if [ $$status -ne 0 ] || grep -qi warning $(@:.o=.log); then exit 1; fi
	ca65 -t sim6502 -o $@ $(@:.o=.s)

$(SF_BUILD)/6502/tests/%.o: tests/%.c tests/softfloat_6502.h $(SF_HDR)
	@mkdir -p $(@D)
	cc65 -t sim6502 -O -o $(@:.o=.s) $<
	ca65 -t sim6502 -o $@ $(@:.o=.s)

$(SF_BUILD)/6502/check: $(SF_BUILD)/6502/tests/softfloat_6502_check.o $(SF_6502_OBJ)
	ld65 -t sim6502 -o $@ $^ sim6502.lib

$(SF_BUILD)/6502/bench: $(SF_BUILD)/6502/tests/softfloat_6502_bench.o $(SF_6502_OBJ)
	ld65 -t sim6502 -o $@ $^ sim6502.lib

$(SF_BUILD)/softfloat_6502_gen: tests/softfloat_6502_gen.c tests/softfloat_cases.h \
                                tests/softfloat_6502.h $(SF_HOST_OBJ)
	$(CC) $(CFLAGS) $(REFFLAGS) -o $@ tests/softfloat_6502_gen.c $(SF_HOST_OBJ) -lm

$(SF_BUILD)/vectors-$(SF_6502_CASES).bin: $(SF_BUILD)/softfloat_6502_gen
	$(SF_BUILD)/softfloat_6502_gen $@ $(SF_6502_CASES)

.PHONY: test-softfloat test-softfloat-6502 test-softfloat-long softfloat-bench-6502
test-softfloat: $(SF_BUILD)/test_softfloat
	SF_TEST_N=$(SF_N) $(SF_BUILD)/test_softfloat

test-softfloat-6502: $(SF_BUILD)/6502/check $(SF_BUILD)/vectors-$(SF_6502_CASES).bin
	sim65 -c $(SF_BUILD)/6502/check $(SF_BUILD)/vectors-$(SF_6502_CASES).bin

# Two processes, one per core: different seeds, each half the cases and half the patterns.
test-softfloat-long: $(SF_BUILD)/test_softfloat
	SF_TEST_N=$$(($(SF_LONG_N) / 2)) SF_TEST_SEED=101 SF_TEST_EXHAUSTIVE=0/2 \
	  $(SF_BUILD)/test_softfloat > $(SF_BUILD)/long-0.log 2>&1 & first=$$!; \
	SF_TEST_N=$$(($(SF_LONG_N) / 2)) SF_TEST_SEED=202 SF_TEST_EXHAUSTIVE=1/2 \
	  $(SF_BUILD)/test_softfloat > $(SF_BUILD)/long-1.log 2>&1; second=$$?; \
	wait $$first; first=$$?; cat $(SF_BUILD)/long-0.log $(SF_BUILD)/long-1.log; \
	test $$first -eq 0 && test $$second -eq 0

softfloat-bench-6502: $(SF_BUILD)/6502/bench
	@base=$$(sim65 -c $< none 1600 | sed -n 's/^\([0-9]*\) cycles$$/\1/p'); \
	for op in add sub mul div sqrt lt from_long to_long floor; do \
	  c=$$(sim65 -c $< $$op 1600 | sed -n 's/^\([0-9]*\) cycles$$/\1/p'); \
	  echo "$$op: $$(( (c - base) / 1600 )) cycles"; \
	done

TEST_TARGETS += test-softfloat test-softfloat-6502
