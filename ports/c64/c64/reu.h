/* The REU's DMA controller (the 17xx "REC" at $DF00), programmed directly: the one piece of
 * the C64 program that touches the REU's registers (ports/c64/c64/reu.c on the C64; the
 * native tests stand in for it with a modelled REU, ports/c64/tests/test_c64_program.c). C89. */
#ifndef PORTS_C64_C64_REU_H
#define PORTS_C64_C64_REU_H

#define REU_STASH 0x90 /* C64 memory to the REU, started at once (no $FF00 trigger) */
#define REU_FETCH 0x91 /* the REU to C64 memory */

/* Nonzero when an REU answers at $DF00 (its address register keeps what is written). */
unsigned char reu_present(void);

/* One DMA transfer of n bytes (1 to 65535) between c64 and the REU at offset in the
 * 64 KiB bank. The bank register is a latch on large REUs: a transfer must not cross the
 * end of its bank. */
void reu_dma(unsigned char command, void *c64, unsigned char bank, unsigned offset, unsigned n);

#endif
