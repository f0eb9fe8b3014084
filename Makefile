# Reference builds: IEEE-754 float32 in the original's operation order.
# Never -ffast-math, -Ofast or FMA contraction; never x87 math.
CC      ?= cc
CFLAGS  ?= -O2
REFFLAGS = -std=c11 -Wall -Wextra -ffp-contract=off -fno-fast-math
LDLIBS   = -lm

ENGINE_SRC = engine/errors.c engine/checkpoint.c engine/forward.c engine/tokenizer.c \
             engine/sampler.c engine/mathlib.c engine/fpcheck.c
ENGINE_HDR = $(wildcard engine/*.h)

MODELS ?= ../shared/models

.PHONY: all test clean
all: run

run: run.c $(ENGINE_SRC) $(ENGINE_HDR)
	$(CC) $(CFLAGS) $(REFFLAGS) -o $@ run.c $(ENGINE_SRC) $(LDLIBS)

clean:
	rm -f run
