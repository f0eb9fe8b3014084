/* Stand-in for cc65's <em.h>, backed by a host buffer: tests/test_c64_program.c. */
#ifndef TESTS_C64_FAKE_EM_H
#define TESTS_C64_FAKE_EM_H

#define EM_ERR_OK 0

struct em_copy {
    void *buf;
    unsigned char offs;
    unsigned page;
    unsigned count;
    unsigned char unused;
};

unsigned char em_install(void *driver);
unsigned char em_uninstall(void);
unsigned em_pagecount(void);
void em_copyfrom(const struct em_copy *copy_data);
void em_copyto(const struct em_copy *copy_data);

#endif
