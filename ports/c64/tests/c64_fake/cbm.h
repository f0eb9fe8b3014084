/* Stand-ins for cc65's <cbm.h>, to run the C64 program natively in ports/c64/tests/test_c64_program.c:
 * the keyboard reads a script; what goes through the KERNAL to the screen and the printer
 * is kept in byte buffers. */
#ifndef TESTS_C64_FAKE_CBM_H
#define TESTS_C64_FAKE_CBM_H

unsigned char cbm_k_basin(void);
unsigned char cbm_k_getin(void);
void cbm_k_bsout(unsigned char c);
unsigned char cbm_k_ckout(unsigned char lfn);
void cbm_k_clrch(void);
unsigned char cbm_open(unsigned char lfn, unsigned char device, unsigned char sec_addr, const char *name);
void cbm_close(unsigned char lfn);

#endif
