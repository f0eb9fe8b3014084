/* The REU's DMA controller; see reu.h.
 *
 * Registers: $DF01 command, $DF02-$DF03 C64 address, $DF04-$DF06 REU address (the last is
 * the bank), $DF07-$DF08 length, $DF0A address control (0: both addresses count up). The
 * CPU stops while the transfer runs. The program's buffers lie below $D000, so I/O can
 * stay visible and the transfer starts as soon as the command is written. */
#include "ports/c64/c64/reu.h"

#define REC(offset) (*(volatile unsigned char *)(0xDF00u + (offset)))

unsigned char reu_present(void) {
    REC(4) = 0x55;
    if (REC(4) != 0x55) return 0;
    REC(4) = 0xAA;
    return REC(4) == 0xAA;
}

void reu_dma(unsigned char command, void *c64, unsigned char bank, unsigned offset, unsigned n) {
    REC(2) = (unsigned char)((unsigned)c64 & 0xFF);
    REC(3) = (unsigned char)((unsigned)c64 >> 8);
    REC(4) = (unsigned char)(offset & 0xFF);
    REC(5) = (unsigned char)(offset >> 8);
    REC(6) = bank;
    REC(7) = (unsigned char)(n & 0xFF);
    REC(8) = (unsigned char)(n >> 8);
    REC(10) = 0;
    REC(1) = command;
}
