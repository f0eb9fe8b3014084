/* Helpers shared by the tests: running a program with fork/exec and capturing what it
 * prints, reading and writing whole files, scratch folders. */
#ifndef TESTS_TESTUTIL_H
#define TESTS_TESTUTIL_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

typedef struct {
    char *out;        /* standard output, NUL-terminated (may also hold NULs) */
    size_t out_len;
    char *err;        /* standard error, NUL-terminated */
    size_t err_len;
    int exited;       /* 1 when the program exited normally */
    int status;       /* its exit status, or the signal number when it did not exit */
} RunResult;

/* Runs argv[0] with argv (NULL-terminated) without a shell. Standard input is the file
 * stdin_path, or empty when it is NULL. Returns 0, or -1 when the program could not be
 * started or waited for (with a message on stderr). */
int run_program(const char *const *argv, const char *stdin_path, RunResult *result);
/* The same for body(context) in a forked child, which exits 0 when body returns: for code
 * that must end the process (a signal handler's exit) without ending the test. */
int run_function(void (*body)(void *), void *context, RunResult *result);
void run_result_free(RunResult *result);

/* Seconds after which run_program kills the program (SIGALRM); 60 unless set, 0 for none.
 * Slow runners (an emulator, valgrind) need more than a host build. */
void set_run_time_limit(unsigned seconds);

/* Whole-file helpers. read_file returns a malloc'ed, NUL-terminated buffer or NULL. */
char *read_file(const char *path, size_t *len);
int write_file(const char *path, const void *data, size_t len);

/* A fresh folder under $TMPDIR (or /tmp); remove_tree deletes it and what it holds. */
char *make_temp_dir(const char *prefix);
void remove_tree(const char *path);

/* malloc'ed "a/b". */
char *path_join(const char *dir, const char *name);

/* Little-endian int32/float32 into a buffer, as the checkpoint and tokenizer files hold them. */
void put_le32(unsigned char *p, uint32_t v);
void put_float_le(unsigned char *p, float f);
uint32_t get_le32(const unsigned char *p);

/* A float's bit pattern and back. */
static inline uint32_t bits_of(float f) {
    uint32_t u;
    memcpy(&u, &f, sizeof u);
    return u;
}
static inline float float_of(uint32_t u) {
    float f;
    memcpy(&f, &u, sizeof f);
    return f;
}

#endif
