#define _XOPEN_SOURCE 700
#include "tests/testutil.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

/* A program under test that runs longer than this is killed by SIGALRM (set before exec):
 * a hung program fails its test instead of stalling the suite. 0: no limit. */
static unsigned run_time_limit_seconds = 60;

void set_run_time_limit(unsigned seconds) {
    run_time_limit_seconds = seconds;
}

/* Reads all of an open stream from its start into a malloc'ed, NUL-terminated buffer. */
static char *slurp(FILE *f, size_t *len) {
    if (fseek(f, 0, SEEK_END) != 0) return NULL;
    long size = ftell(f);
    if (size < 0 || fseek(f, 0, SEEK_SET) != 0) return NULL;
    char *buf = malloc((size_t)size + 1);
    if (buf == NULL) return NULL;
    if (fread(buf, 1, (size_t)size, f) != (size_t)size) {
        free(buf);
        return NULL;
    }
    buf[size] = '\0';
    *len = (size_t)size;
    return buf;
}

/* Forks; the child gets stdin_path (or nothing) as standard input, files as standard output
 * and error, the time limit, and runs body(context), then exits 0; the parent waits and
 * reads back what it printed. */
static int run_forked(void (*body)(void *), void *context, const char *stdin_path, const char *name,
                      RunResult *result) {
    memset(result, 0, sizeof *result);
    FILE *out = tmpfile(), *err = tmpfile();
    if (out == NULL || err == NULL) {
        perror("tmpfile");
        if (out) fclose(out);
        if (err) fclose(err);
        return -1;
    }
    fflush(stdout);
    fflush(stderr);
    pid_t pid = fork();
    if (pid < 0) {
        perror("fork");
        fclose(out);
        fclose(err);
        return -1;
    }
    if (pid == 0) {
        int in = open(stdin_path ? stdin_path : "/dev/null", O_RDONLY);
        if (in < 0 || dup2(in, STDIN_FILENO) < 0 || dup2(fileno(out), STDOUT_FILENO) < 0 ||
            dup2(fileno(err), STDERR_FILENO) < 0)
            _exit(126);
        alarm(run_time_limit_seconds);
        body(context);
        _exit(0);
    }
    int status;
    while (waitpid(pid, &status, 0) < 0) {
        if (errno != EINTR) {
            perror("waitpid");
            fclose(out);
            fclose(err);
            return -1;
        }
    }
    if (WIFEXITED(status)) {
        result->exited = 1;
        result->status = WEXITSTATUS(status);
    } else {
        result->exited = 0;
        result->status = WIFSIGNALED(status) ? WTERMSIG(status) : -1;
    }
    result->out = slurp(out, &result->out_len);
    result->err = slurp(err, &result->err_len);
    fclose(out);
    fclose(err);
    if (result->out == NULL || result->err == NULL) {
        fprintf(stderr, "run_program: cannot read back the output of %s\n", name);
        run_result_free(result);
        return -1;
    }
    return 0;
}

static void exec_body(void *context) {
    const char *const *argv = context;
    execv(argv[0], (char *const *)argv);
    _exit(127);
}

int run_program(const char *const *argv, const char *stdin_path, RunResult *result) {
    return run_forked(exec_body, (void *)argv, stdin_path, argv[0], result);
}

int run_function(void (*body)(void *), void *context, RunResult *result) {
    return run_forked(body, context, NULL, "a forked test", result);
}

void run_result_free(RunResult *result) {
    free(result->out);
    free(result->err);
    result->out = result->err = NULL;
}

char *read_file(const char *path, size_t *len) {
    FILE *f = fopen(path, "rb");
    if (f == NULL) return NULL;
    size_t dummy;
    char *buf = slurp(f, len ? len : &dummy);
    fclose(f);
    return buf;
}

int write_file(const char *path, const void *data, size_t len) {
    FILE *f = fopen(path, "wb");
    if (f == NULL) return -1;
    size_t wrote = len ? fwrite(data, 1, len, f) : 0;
    int rc = fclose(f);
    return wrote == len && rc == 0 ? 0 : -1;
}

char *make_temp_dir(const char *prefix) {
    const char *base = getenv("TMPDIR");
    if (base == NULL || base[0] == '\0') base = "/tmp";
    size_t n = strlen(base) + strlen(prefix) + 16;
    char *path = malloc(n);
    if (path == NULL) return NULL;
    snprintf(path, n, "%s/%s.XXXXXX", base, prefix);
    if (mkdtemp(path) == NULL) {
        free(path);
        return NULL;
    }
    return path;
}

static int remove_entry(const char *path, const struct stat *sb, int type, struct FTW *ftw) {
    (void)sb;
    (void)type;
    (void)ftw;
    remove(path);
    return 0;
}

void remove_tree(const char *path) {
    if (path != NULL) nftw(path, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

char *path_join(const char *dir, const char *name) {
    size_t n = strlen(dir) + strlen(name) + 2;
    char *p = malloc(n);
    if (p != NULL) snprintf(p, n, "%s/%s", dir, name);
    return p;
}

void put_le32(unsigned char *p, uint32_t v) {
    p[0] = (unsigned char)(v & 0xff);
    p[1] = (unsigned char)((v >> 8) & 0xff);
    p[2] = (unsigned char)((v >> 16) & 0xff);
    p[3] = (unsigned char)((v >> 24) & 0xff);
}

void put_float_le(unsigned char *p, float f) {
    uint32_t u;
    memcpy(&u, &f, sizeof u);
    put_le32(p, u);
}

uint32_t get_le32(const unsigned char *p) {
    return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) | ((uint32_t)p[3] << 24);
}
