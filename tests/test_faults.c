/* Faults a hostile user (or a bad day) brings: outputs that must never destroy inputs,
 * standard streams that are closed or failing, inputs that never end or change while they
 * are read, traces the tools must read back. Each test states a promise of
 * docs/hostile-inputs.md ("What the tools never do") and checks the exact message, exit
 * status, file contents and inodes.
 *
 * usage: test_faults ROOT MODELS
 *   ROOT holds ./run, ./conform, scripts/golden.sh, golden/, build/c64/c64pack and
 *   build/synthgen (the programs under test); MODELS the models folder.
 *
 * Cases that need root (device nodes, a read-only folder root cannot write to) run when the
 * test runs as root and say "skipped: needs root" otherwise. Scratch files go under $TMPDIR.
 *
 * The unit part (a checkpoint that shrinks while it is read) links the engine, with fseek
 * wrapped (-Wl,--wrap=fseek) so that the file can be cut at the exact moment between the
 * size check and the read. */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "host/forward_fast.h"
#include "host/checkpoint.h"
#include "tests/testutil.h"

static const char *root;
static const char *models;
static char runner[4096], conform[4096], c64pack[4096], synthgen[4096];
static char stories[4096], tok512[4096];
static char *scratch; /* a fresh folder per test */

/* ---------------------------------------------------------------------------------------
 * running programs with unusual standard streams */

enum { IN_NULL, IN_CLOSED, IN_FILE };
enum { OUT_CAPTURE, OUT_CLOSED, OUT_FULL, OUT_BROKEN_PIPE };

typedef struct {
    int in;            /* IN_... */
    const char *in_path;
    int out;           /* OUT_... */
    int err_closed;    /* standard error closed */
    int time_limit;    /* seconds before SIGALRM; 0: 60 */
} Streams;

typedef struct {
    char *out, *err; /* NUL-terminated; out is empty unless captured */
    int exited, status;
} Result;

static char *slurp_fd(int fd) {
    off_t size = lseek(fd, 0, SEEK_END);
    char *buf = malloc((size_t)(size > 0 ? size : 0) + 1);
    assert_non_null(buf);
    assert_int_equal(pread(fd, buf, (size_t)size, 0), size);
    buf[size] = '\0';
    return buf;
}

static Result spawn_with(const char *const *argv, Streams s) {
    char out_path[4200], err_path[4200];
    snprintf(out_path, sizeof out_path, "%s/.stdout", scratch);
    snprintf(err_path, sizeof err_path, "%s/.stderr", scratch);
    int out = open(out_path, O_RDWR | O_CREAT | O_TRUNC, 0600);
    int err = open(err_path, O_RDWR | O_CREAT | O_TRUNC, 0600);
    unlink(out_path);
    unlink(err_path);
    assert_true(out >= 0 && err >= 0);
    int broken[2] = {-1, -1};
    if (s.out == OUT_BROKEN_PIPE) {
        assert_int_equal(pipe(broken), 0);
        close(broken[0]); /* nobody will ever read: the first write gets EPIPE/SIGPIPE */
    }
    fflush(stdout);
    fflush(stderr);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        signal(SIGPIPE, SIG_DFL);
        int in = s.in == IN_FILE ? open(s.in_path, O_RDONLY) : open("/dev/null", O_RDONLY);
        if (in < 0 || dup2(in, 0) < 0) _exit(126);
        if (s.out == OUT_CAPTURE) dup2(out, 1);
        else if (s.out == OUT_FULL) dup2(open("/dev/full", O_WRONLY), 1);
        else if (s.out == OUT_BROKEN_PIPE) dup2(broken[1], 1);
        dup2(err, 2);
        for (int fd = 3; fd < 64; fd++) close(fd);
        if (s.in == IN_CLOSED) close(0);
        if (s.out == OUT_CLOSED) close(1);
        if (s.err_closed) close(2);
        alarm(s.time_limit > 0 ? (unsigned)s.time_limit : 60);
        execv(argv[0], (char *const *)argv);
        _exit(127);
    }
    if (broken[1] >= 0) close(broken[1]);
    int status;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    Result r;
    r.out = slurp_fd(out);
    r.err = slurp_fd(err);
    close(out);
    close(err);
    r.exited = WIFEXITED(status);
    r.status = r.exited ? WEXITSTATUS(status) : WTERMSIG(status);
    return r;
}

static Result spawn(const char *const *argv) {
    Streams s = {IN_NULL, NULL, OUT_CAPTURE, 0, 0};
    return spawn_with(argv, s);
}

static Result shell(const char *command) {
    const char *argv[] = {"/bin/sh", "-c", command, NULL};
    return spawn(argv);
}

static void result_free(Result *r) {
    free(r->out);
    free(r->err);
}

/* The result must be a normal exit with this status, this standard error and this output. */
#define assert_result(r, want_status, want_err, want_out)                                                        \
    do {                                                                                                         \
        if (!(r).exited) fail_msg("killed by signal %d; stderr: %s", (r).status, (r).err);                      \
        assert_int_equal((r).status, (want_status));                                                             \
        if ((want_err) != NULL) assert_string_equal((r).err, (want_err));                                       \
        if ((want_out) != NULL) assert_string_equal((r).out, (want_out));                                       \
    } while (0)

/* ---------------------------------------------------------------------------------------
 * files */

static char *in_scratch(const char *name) {
    char *p = path_join(scratch, name);
    assert_non_null(p);
    return p;
}

static void copy_file(const char *from, const char *to) {
    size_t n;
    char *bytes = read_file(from, &n);
    assert_non_null(bytes);
    assert_int_equal(write_file(to, bytes, n), 0);
    free(bytes);
}

static int same_bytes(const char *a, const char *b) {
    size_t na, nb;
    char *x = read_file(a, &na), *y = read_file(b, &nb);
    int same = x != NULL && y != NULL && na == nb && memcmp(x, y, na) == 0;
    free(x);
    free(y);
    return same;
}

static ino_t inode_of(const char *path) {
    struct stat st;
    assert_int_equal(lstat(path, &st), 0);
    return st.st_ino;
}

static mode_t type_of(const char *path) {
    struct stat st;
    assert_int_equal(lstat(path, &st), 0);
    return st.st_mode & S_IFMT;
}

/* The names in a folder other than those listed (NULL-terminated), as one string. */
static char *names_besides(const char *dir, const char *const *keep) {
    DIR *d = opendir(dir);
    assert_non_null(d);
    static char list[8192];
    list[0] = '\0';
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) continue;
        int kept = 0;
        for (int i = 0; keep[i] != NULL; i++) kept |= strcmp(e->d_name, keep[i]) == 0;
        if (!kept && strlen(list) + strlen(e->d_name) + 2 < sizeof list) {
            strcat(list, e->d_name);
            strcat(list, " ");
        }
    }
    closedir(d);
    return list;
}

static int is_root(void) { return geteuid() == 0; }

/* ./run MODEL -z TOKENIZER -t 0 -n 24 -i Zoo [--trace TRACE] */
#define RUN_ARGS(model, tok) runner, (model), "-z", (tok), "-t", "0", "-n", "24", "-i", "Zoo"

static char *story; /* what ./run prints for RUN_ARGS on stories260K */

/* ---------------------------------------------------------------------------------------
 * 1. a trace never destroys or replaces anything but its own regular file */

static void expect_trace_refused_as_input(const char *model, const char *trace_arg, const char *what,
                                          const char *input_as_given) {
    const char *argv[] = {RUN_ARGS(model, tok512), "--trace", trace_arg, NULL};
    if (strcmp(what, "tokenizer") == 0) argv[3] = input_as_given;
    char want[16384];
    snprintf(want, sizeof want, "run: --trace %s: is the %s %s; a trace never replaces an input\n", trace_arg, what,
             input_as_given);
    Result r = spawn(argv);
    assert_result(r, 1, want, "");
    result_free(&r);
}

static void test_trace_never_replaces_checkpoint(void **state) {
    (void)state;
    char *model = in_scratch("model.bin"), *hard = in_scratch("hard.bin"), *soft = in_scratch("soft.bin");
    copy_file(stories, model);
    assert_int_equal(link(model, hard), 0);
    assert_int_equal(symlink("model.bin", soft), 0);
    ino_t before = inode_of(model);
    char spelled[4200];
    snprintf(spelled, sizeof spelled, "%s/./sub/../model.bin", scratch);
    char *sub = in_scratch("sub");
    assert_int_equal(mkdir(sub, 0755), 0);

    expect_trace_refused_as_input(model, model, "checkpoint", model);
    expect_trace_refused_as_input(model, hard, "checkpoint", model);
    expect_trace_refused_as_input(model, soft, "checkpoint", model);
    expect_trace_refused_as_input(model, spelled, "checkpoint", model);
    assert_true(same_bytes(model, stories));
    assert_int_equal(inode_of(model), before);
    assert_int_equal(type_of(soft), S_IFLNK);
    const char *keep[] = {"model.bin", "hard.bin", "soft.bin", "sub", NULL};
    assert_string_equal(names_besides(scratch, keep), "");
    free(model), free(hard), free(soft), free(sub);
}

static void test_trace_never_replaces_tokenizer(void **state) {
    (void)state;
    char *tok = in_scratch("tok.bin");
    copy_file(tok512, tok);
    ino_t before = inode_of(tok);
    expect_trace_refused_as_input(stories, tok, "tokenizer", tok);
    assert_true(same_bytes(tok, tok512));
    assert_int_equal(inode_of(tok), before);
    free(tok);
}

/* A target that is not a regular file is left as it is, with a message before any output. */
static void expect_not_replaced(const char *target, const char *kind) {
    struct stat before, after;
    assert_int_equal(lstat(target, &before), 0);
    const char *argv[] = {RUN_ARGS(stories, tok512), "--trace", target, NULL};
    char want[8192];
    snprintf(want, sizeof want, "run: --trace %s: %s; only a regular file is ever replaced\n", target, kind);
    Result r = spawn(argv);
    assert_result(r, 1, want, "");
    result_free(&r);
    assert_int_equal(lstat(target, &after), 0);
    assert_int_equal(after.st_ino, before.st_ino);
    assert_int_equal(after.st_mode, before.st_mode);
    assert_int_equal(after.st_rdev, before.st_rdev);
}

static void test_trace_never_replaces_fifo_or_directory(void **state) {
    (void)state;
    char *fifo = in_scratch("fifo"), *dir = in_scratch("dir");
    assert_int_equal(mkfifo(fifo, 0644), 0);
    assert_int_equal(mkdir(dir, 0755), 0);
    expect_not_replaced(fifo, "a FIFO");
    expect_not_replaced(dir, "a directory");
    const char *keep[] = {"fifo", "dir", NULL};
    assert_string_equal(names_besides(scratch, keep), "");
    assert_string_equal(names_besides(dir, keep), "");
    free(fifo), free(dir);
}

/* Device nodes made here (the real /dev/null and /dev/full are never put at risk). */
static void test_trace_never_replaces_devices(void **state) {
    (void)state;
    char *null = in_scratch("null"), *full = in_scratch("full");
    if (mknod(null, S_IFCHR | 0666, makedev(1, 3)) != 0 || mknod(full, S_IFCHR | 0666, makedev(1, 7)) != 0) {
        printf("skipped: needs root (mknod of a null and a full device: %s)\n", strerror(errno));
        free(null), free(full);
        skip();
    }
    expect_not_replaced(null, "a character device");
    expect_not_replaced(full, "a character device");
    free(null), free(full);
}

/* The old temporary name was FILE.tmpPID, opened with fopen: a symbolic link planted under
 * it had its target overwritten. Links are planted for the next few hundred process ids. */
static void test_trace_temp_is_never_a_planted_link(void **state) {
    (void)state;
    char *victim = in_scratch("victim"), *trace = in_scratch("out.trace");
    assert_int_equal(write_file(victim, "precious\n", 9), 0);
    FILE *f = fopen("/proc/sys/kernel/ns_last_pid", "r");
    long last = 0;
    if (f == NULL || fscanf(f, "%ld", &last) != 1) {
        if (f) fclose(f);
        printf("skipped: /proc/sys/kernel/ns_last_pid not readable\n");
        skip();
    }
    fclose(f);
    for (long pid = last + 1; pid <= last + 400; pid++) {
        char link_path[4200];
        snprintf(link_path, sizeof link_path, "%s.tmp%ld", trace, pid);
        assert_int_equal(symlink(victim, link_path), 0);
    }
    const char *argv[] = {RUN_ARGS(stories, tok512), "--trace", trace, NULL};
    Result r = spawn(argv);
    assert_int_equal(r.status, 0);
    assert_string_equal(r.out, story);
    result_free(&r);
    size_t n;
    char *kept = read_file(victim, &n);
    assert_string_equal(kept, "precious\n");
    free(kept);
    assert_int_equal(type_of(trace), S_IFREG);
    char *text = read_file(trace, &n);
    assert_memory_equal(text, "L2T TRACE V=1", 13);
    free(text);
    free(victim), free(trace);
}

/* A symbolic link as the target: the file it names is replaced and keeps its permissions;
 * the link stays a link. A dangling link is refused. */
static void test_trace_through_symlink(void **state) {
    (void)state;
    char *real = in_scratch("real.trace"), *link_path = in_scratch("link.trace"), *dangling = in_scratch("dangling");
    assert_int_equal(write_file(real, "old\n", 4), 0);
    assert_int_equal(chmod(real, 0600), 0);
    assert_int_equal(symlink("real.trace", link_path), 0);
    assert_int_equal(symlink("nowhere/missing.trace", dangling), 0);
    const char *argv[] = {RUN_ARGS(stories, tok512), "--trace", link_path, NULL};
    Result r = spawn(argv);
    assert_result(r, 0, NULL, story);
    result_free(&r);
    assert_int_equal(type_of(link_path), S_IFLNK);
    struct stat st;
    assert_int_equal(stat(real, &st), 0);
    assert_int_equal(st.st_mode & 07777, 0600);
    size_t n;
    char *text = read_file(real, &n);
    assert_memory_equal(text, "L2T TRACE V=1", 13);
    free(text);
    const char *bad[] = {RUN_ARGS(stories, tok512), "--trace", dangling, NULL};
    char want[8192];
    snprintf(want, sizeof want, "run: --trace %s: a symbolic link to a missing file: No such file or directory\n",
             dangling);
    r = spawn(bad);
    assert_result(r, 1, want, "");
    result_free(&r);
    assert_int_equal(type_of(dangling), S_IFLNK);
    const char *keep[] = {"real.trace", "link.trace", "dangling", NULL};
    assert_string_equal(names_besides(scratch, keep), "");
    free(real), free(link_path), free(dangling);
}

/* Problems with the name are known before the run: reported before any output. */
static void test_trace_problems_reported_before_output(void **state) {
    (void)state;
    char long_name[300];
    memset(long_name, 'n', 256);
    long_name[256] = '\0';
    char *too_long = in_scratch(long_name);
    char *missing = in_scratch("no-such-folder/out.trace");
    struct {
        const char *arg, *want;
    } cases[] = {
        {"", "run: --trace \"\": an empty file name\n"},
        {scratch, NULL}, /* a directory */
        {missing, NULL},
        {too_long, NULL},
    };
    char want[3][8192];
    snprintf(want[0], sizeof want[0], "run: --trace %s: a directory; only a regular file is ever replaced\n", scratch);
    snprintf(want[1], sizeof want[1], "run: --trace %s: cannot create a file in its folder: No such file or directory\n",
             missing);
    snprintf(want[2], sizeof want[2], "run: --trace %s: cannot write: File name too long\n", too_long);
    for (int i = 1; i < 4; i++) cases[i].want = want[i - 1];
    for (int i = 0; i < 4; i++) {
        const char *argv[] = {RUN_ARGS(stories, tok512), "--trace", cases[i].arg, NULL};
        Result r = spawn(argv);
        assert_result(r, 1, cases[i].want, "");
        result_free(&r);
    }
    const char *keep[] = {NULL};
    assert_string_equal(names_besides(scratch, keep), "");
    free(too_long), free(missing);
}

/* A name of 250 bytes fits in its folder; the temporary file's name must not make it fail. */
static void test_trace_long_name_that_fits(void **state) {
    (void)state;
    char name[300];
    memset(name, 'n', 250);
    strcpy(name + 250, ".trc");
    char *trace = in_scratch(name);
    const char *argv[] = {RUN_ARGS(stories, tok512), "--trace", trace, NULL};
    Result r = spawn(argv);
    assert_int_equal(r.status, 0);
    assert_string_equal(r.out, story);
    result_free(&r);
    assert_int_equal(type_of(trace), S_IFREG);
    const char *keep[] = {name, NULL};
    assert_string_equal(names_besides(scratch, keep), "");
    free(trace);
}

/* Chat mode waits for standard input: the signal lands while the trace's temporary file is
 * open. Afterwards the folder is empty. */
static void expect_signal_cleans_up(int sig) {
    char *trace = in_scratch("out.trace");
    int to_child[2];
    assert_int_equal(pipe(to_child), 0);
    fflush(stdout);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        signal(sig, SIG_DFL);
        dup2(to_child[0], 0);
        int null = open("/dev/null", O_WRONLY);
        dup2(null, 1);
        dup2(null, 2);
        for (int fd = 3; fd < 64; fd++) close(fd);
        alarm(60);
        execl(runner, runner, stories, "-z", tok512, "-m", "chat", "--trace", trace, (char *)NULL);
        _exit(127);
    }
    close(to_child[0]);
    /* wait until the temporary file exists */
    const char *keep[] = {".stdout", ".stderr", NULL};
    for (int i = 0; i < 500 && names_besides(scratch, keep)[0] == '\0'; i++) usleep(10000);
    assert_string_not_equal(names_besides(scratch, keep), "");
    usleep(50000);
    kill(pid, sig);
    int status;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    close(to_child[1]);
    assert_true(WIFSIGNALED(status));
    assert_int_equal(WTERMSIG(status), sig);
    assert_string_equal(names_besides(scratch, keep), "");
    free(trace);
}

static void test_trace_temp_removed_on_sigint(void **state) { (void)state; expect_signal_cleans_up(SIGINT); }
static void test_trace_temp_removed_on_sigterm(void **state) { (void)state; expect_signal_cleans_up(SIGTERM); }

static void test_trace_temp_removed_on_sigpipe(void **state) {
    (void)state;
    char *trace = in_scratch("out.trace");
    const char *argv[] = {RUN_ARGS(stories, tok512), "--trace", trace, NULL};
    Streams s = {IN_NULL, NULL, OUT_BROKEN_PIPE, 0, 0};
    Result r = spawn_with(argv, s);
    assert_false(r.exited);
    assert_int_equal(r.status, SIGPIPE);
    result_free(&r);
    const char *keep[] = {NULL};
    assert_string_equal(names_besides(scratch, keep), "");
    free(trace);
}

/* The same rules for c64pack and synthgen: never over an input, never over a FIFO. */
static void test_c64pack_never_replaces_inputs(void **state) {
    (void)state;
    if (access(c64pack, X_OK) != 0) {
        printf("skipped: no %s (make build/c64/c64pack)\n", c64pack);
        skip();
    }
    char *model = in_scratch("model.bin"), *tok = in_scratch("tok.bin"), *fifo = in_scratch("fifo");
    copy_file(stories, model);
    copy_file(tok512, tok);
    assert_int_equal(mkfifo(fifo, 0644), 0);
    ino_t model_ino = inode_of(model), tok_ino = inode_of(tok);
    char want[8192];
    const char *over_model[] = {c64pack, model, tok, model, NULL};
    snprintf(want, sizeof want, "c64pack: %s: is the model %s; the image never replaces an input\n", model, model);
    Result r = spawn(over_model);
    assert_result(r, 1, want, "");
    result_free(&r);
    const char *over_tok[] = {c64pack, model, tok, tok, NULL};
    snprintf(want, sizeof want, "c64pack: %s: is the tokenizer %s; the image never replaces an input\n", tok, tok);
    r = spawn(over_tok);
    assert_result(r, 1, want, "");
    result_free(&r);
    const char *over_fifo[] = {c64pack, model, tok, fifo, NULL};
    snprintf(want, sizeof want, "c64pack: %s: a FIFO; only a regular file is ever replaced\n", fifo);
    r = spawn(over_fifo);
    assert_result(r, 1, want, "");
    result_free(&r);
    assert_true(same_bytes(model, stories));
    assert_true(same_bytes(tok, tok512));
    assert_int_equal(inode_of(model), model_ino);
    assert_int_equal(inode_of(tok), tok_ino);
    assert_int_equal(type_of(fifo), S_IFIFO);
    const char *keep[] = {"model.bin", "tok.bin", "fifo", NULL};
    assert_string_equal(names_besides(scratch, keep), "");
    free(model), free(tok), free(fifo);
}

static void test_synthgen_never_replaces_fifo(void **state) {
    (void)state;
    if (access(synthgen, X_OK) != 0) {
        printf("skipped: no %s (make build/synthgen)\n", synthgen);
        skip();
    }
    char *fifo = in_scratch("fifo");
    assert_int_equal(mkfifo(fifo, 0644), 0);
    const char *argv[] = {synthgen, "260K", fifo, NULL};
    char want[8192];
    snprintf(want, sizeof want, "synthgen: %s: a FIFO; only a regular file is ever replaced\n", fifo);
    Result r = spawn(argv);
    assert_result(r, 1, want, "");
    result_free(&r);
    assert_int_equal(type_of(fifo), S_IFIFO);
    const char *keep[] = {"fifo", NULL};
    assert_string_equal(names_besides(scratch, keep), "");
    free(fifo);
}

/* A copy of golden/ with one scenario, for golden.sh. */
static char *golden_copy(const char *scenario) {
    char *golden = in_scratch("golden");
    char command[16384];
    snprintf(command, sizeof command,
             "set -e; mkdir -p '%s/portable' '%s/stdin'; grep '^%s\t' '%s/golden/scenarios.tsv' > '%s/scenarios.tsv'; "
             "cp '%s/golden/portable/%s.trace' '%s/portable/'",
             golden, golden, scenario, root, golden, root, scenario, golden);
    Result r = shell(command);
    assert_result(r, 0, "", "");
    result_free(&r);
    return golden;
}

static Result golden_sh(const char *mode, const char *golden) {
    char command[16384];
    snprintf(command, sizeof command,
             "cd '%s' && RUNNER='%s' MODELS='%s' GOLDEN='%s' MATHS=portable scripts/golden.sh %s 2>&1", root, runner,
             models, golden, mode);
    return shell(command);
}

static void test_golden_regen_never_replaces_fifo(void **state) {
    (void)state;
    char *golden = golden_copy("c64_zoo");
    char trace[8192];
    snprintf(trace, sizeof trace, "%s/portable/c64_zoo.trace", golden);
    assert_int_equal(unlink(trace), 0);
    assert_int_equal(mkfifo(trace, 0644), 0);
    Result r = golden_sh("regen", golden);
    assert_int_equal(r.status, 1);
    char want[16384];
    snprintf(want, sizeof want,
             "[1/1] portable/c64_zoo: FAILED: %s is not a regular file; only a regular file is ever replaced\n"
             "golden: 1 scenarios x 1 math modes: 0 unchanged, 0 changed, 0 new, 1 failed (portable/c64_zoo)\n",
             trace);
    assert_string_equal(r.out, want);
    result_free(&r);
    assert_int_equal(type_of(trace), S_IFIFO);
    free(golden);
}

/* make check-golden on a read-only checkout: nothing is written under golden/. As root,
 * permissions do not stop writes: the folders are made immutable (chattr +i) instead. */
static void test_golden_check_read_only(void **state) {
    (void)state;
    char *golden = golden_copy("c64_zoo");
    char command[16384];
    if (is_root())
        snprintf(command, sizeof command, "chattr +i '%s' '%s/portable' '%s/stdin' 2>&1", golden, golden, golden);
    else snprintf(command, sizeof command, "chmod -R a-w '%s'", golden);
    Result lock = shell(command);
    if (lock.status != 0) {
        printf("skipped: cannot make a read-only folder here: %s\n", lock.out);
        result_free(&lock);
        skip();
    }
    result_free(&lock);
    Result r = golden_sh("check", golden);
    snprintf(command, sizeof command, is_root() ? "chattr -i '%s' '%s/portable' '%s/stdin'" : "chmod -R u+w '%s'",
             golden, golden, golden);
    Result unlock = shell(command);
    result_free(&unlock);
    assert_int_equal(r.status, 0);
    assert_non_null(strstr(r.out, "check-golden: 1 scenarios x 1 math modes: 1 unchanged, 0 changed, 0 new, 0 failed\n"));
    result_free(&r);
    free(golden);
}

/* ---------------------------------------------------------------------------------------
 * 2. closed or failing standard streams */

static void expect_trace_is_clean_with(Streams s, const char *name) {
    char *trace = in_scratch(name), *reference = in_scratch("reference.trace");
    const char *ref_argv[] = {RUN_ARGS(stories, tok512), "--trace", reference, NULL};
    Result r = spawn(ref_argv);
    assert_int_equal(r.status, 0);
    result_free(&r);
    const char *argv[] = {RUN_ARGS(stories, tok512), "--trace", trace, NULL};
    r = spawn_with(argv, s);
    assert_result(r, 0, NULL, NULL);
    result_free(&r);
    assert_true(same_bytes(trace, reference));
    free(trace), free(reference);
}

static void test_closed_stdout_does_not_feed_the_trace(void **state) {
    (void)state;
    Streams s = {IN_NULL, NULL, OUT_CLOSED, 0, 0};
    expect_trace_is_clean_with(s, "closed-stdout.trace");
}

static void test_closed_stderr_does_not_feed_the_trace(void **state) {
    (void)state;
    Streams s = {IN_NULL, NULL, OUT_CAPTURE, 1, 0};
    expect_trace_is_clean_with(s, "closed-stderr.trace");
}

/* The last line of standard error, without its newline. */
static const char *last_line(const char *text) {
    static char line[1024];
    size_t n = strlen(text);
    if (n > 0 && text[n - 1] == '\n') n--;
    size_t start = n;
    while (start > 0 && text[start - 1] != '\n') start--;
    snprintf(line, sizeof line, "%.*s", (int)(n - start), text + start);
    return line;
}

static void test_run_stdout_write_error(void **state) {
    (void)state;
    char *trace = in_scratch("full.trace");
    const char *argv[] = {RUN_ARGS(stories, tok512), "--trace", trace, NULL};
    Streams s = {IN_NULL, NULL, OUT_FULL, 0, 0};
    Result r = spawn_with(argv, s);
    assert_result(r, 1, NULL, NULL);
    assert_string_equal(last_line(r.err), "run: cannot write standard output: No space left on device");
    result_free(&r);
    const char *keep[] = {NULL};
    assert_string_equal(names_besides(scratch, keep), ""); /* no trace of a failed run, no temporary file */
    free(trace);
}

static char *zoo_trace(void) {
    char *trace = in_scratch("zoo.trace");
    const char *argv[] = {RUN_ARGS(stories, tok512), "--trace", trace, NULL};
    Result r = spawn(argv);
    assert_int_equal(r.status, 0);
    result_free(&r);
    return trace;
}

static void test_conform_stdout_write_error(void **state) {
    (void)state;
    char *trace = zoo_trace();
    Streams s = {IN_NULL, NULL, OUT_FULL, 0, 0};
    const char *show[] = {conform, "show", trace, NULL};
    const char *json[] = {conform, "diff", "--json", trace, trace, NULL};
    const char *text[] = {conform, "diff", trace, trace, NULL};
    const char *const *commands[] = {show, json, text};
    for (int i = 0; i < 3; i++) {
        Result r = spawn_with(commands[i], s);
        assert_result(r, 2, "conform: cannot write standard output: No space left on device\n", "");
        result_free(&r);
    }
    free(trace);
}

static void test_chat_stdin_read_error(void **state) {
    (void)state;
    Streams s = {IN_FILE, scratch, OUT_CAPTURE, 0, 0}; /* a folder opens but does not read */
    const char *argv[] = {runner, stories, "-z", tok512, "-m", "chat", "-n", "40", NULL};
    Result r = spawn_with(argv, s);
    assert_result(r, 1, "run: cannot read standard input: Is a directory\n", "Enter system prompt (optional): ");
    result_free(&r);
}

/* ---------------------------------------------------------------------------------------
 * 3. inputs that never end or are not what they say */

static void test_fifo_checkpoint_refused_at_once(void **state) {
    (void)state;
    char *fifo = in_scratch("model.fifo");
    assert_int_equal(mkfifo(fifo, 0644), 0);
    const char *argv[] = {RUN_ARGS(fifo, tok512), NULL};
    Streams s = {IN_NULL, NULL, OUT_CAPTURE, 0, 10};
    Result r = spawn_with(argv, s);
    char want[8192];
    snprintf(want, sizeof want, "run: %s: cannot read checkpoint: a FIFO or pipe, not a regular file\n", fifo);
    assert_result(r, 1, want, "");
    result_free(&r);
    free(fifo);
}

static void test_device_tokenizer_refused_at_once(void **state) {
    (void)state;
    const char *argv[] = {RUN_ARGS(stories, "/dev/zero"), NULL};
    Streams s = {IN_NULL, NULL, OUT_CAPTURE, 0, 10};
    Result r = spawn_with(argv, s);
    assert_result(r, 1, "run: /dev/zero: cannot read tokenizer: a character device, not a regular file\n", "");
    result_free(&r);
}

/* A tokenizer through a pipe was recorded with the empty file's sha256. */
static void test_pipe_tokenizer_refused(void **state) {
    (void)state;
    char *trace = in_scratch("pipe.trace");
    char command[16384];
    snprintf(command, sizeof command, "cat '%s' | '%s' '%s' -z /dev/stdin -t 0 -n 8 --trace '%s'", tok512, runner,
             stories, trace);
    Result r = shell(command);
    assert_result(r, 1, "run: /dev/stdin: cannot read tokenizer: a FIFO or pipe, not a regular file\n", "");
    result_free(&r);
    assert_int_equal(access(trace, F_OK), -1);
    free(trace);
}

/* A checkpoint with a 64 GiB sparse tail: --trace would read it all to hash it. */
static void test_sparse_tail_does_not_stall_trace(void **state) {
    (void)state;
    char *model = in_scratch("sparse.bin"), *trace = in_scratch("t.trace");
    copy_file(stories, model);
    assert_int_equal(truncate(model, (off_t)1056540 + ((off_t)64 << 30)), 0);
    const char *argv[] = {RUN_ARGS(model, tok512), "--trace", trace, NULL};
    Streams s = {IN_NULL, NULL, OUT_CAPTURE, 0, 20};
    time_t start = time(NULL);
    Result r = spawn_with(argv, s);
    char want[8192];
    snprintf(want, sizeof want,
             "run: %s: 68719476736 trailing bytes after the weights; a trace hashes the whole file and reads at "
             "most 16777216 of them\n",
             model);
    if (!r.exited) fail_msg("killed by signal %d after %ld s", r.status, (long)(time(NULL) - start));
    assert_result(r, 1, want, "");
    result_free(&r);
    unlink(model);
    free(model), free(trace);
}

/* The checkpoint is cut between the size check and the read (fseek wrapped). */
static const char *shrink_path;
int __real_fseek(FILE *f, long offset, int whence);
int __wrap_fseek(FILE *f, long offset, int whence) {
    if (shrink_path != NULL && whence == SEEK_SET && offset == 0) {
        if (truncate(shrink_path, 4096) != 0) return -1;
        shrink_path = NULL;
    }
    return __real_fseek(f, offset, whence);
}

static void test_shrinking_checkpoint_message(void **state) {
    (void)state;
    char *model = in_scratch("shrinks.bin");
    copy_file(stories, model);
    Transformer t;
    ErrorText warning, err;
    shrink_path = model;
    assert_int_equal(transformer_load(&t, model, &warning, &err), -1);
    shrink_path = NULL;
    char want[8192];
    snprintf(want, sizeof want, "%s: checkpoint is shorter than when it was opened (it changed while being read)", model);
    assert_string_equal(err.text, want);
    free(model);
}

/* The mapped checkpoint is cut to nothing while a run uses it: the next read of its weights
 * would be SIGBUS. With checkpoint_guard_sigbus (as ./run calls it) the run ends with one
 * line naming the file and status 1. A child process loads the model, truncates it and
 * takes a step, on the plain path and on the fast path (which reads the embedding table
 * and the RMS weights from the mapping). */
typedef struct {
    const char *model;
    int fast;
} CutRun;

static void cut_mapping_child(void *context) {
    const CutRun *cut = context;
    Transformer t;
    ErrorText warning, err;
    FastForward *f = NULL;
    if (checkpoint_guard_sigbus("test_faults", &err) != 0 || transformer_load(&t, cut->model, &warning, &err) != 0 ||
        (cut->fast && fast_forward_init(&f, &t, 1, FAST_SIMD_AUTO, &err) != 0)) {
        fprintf(stderr, "set-up: %s\n", err.text);
        _exit(3);
    }
    if (t.file_map == NULL) {
        fprintf(stderr, "set-up: the checkpoint is not mapped\n");
        _exit(3);
    }
    if (truncate(cut->model, 0) != 0) _exit(4);
    if (cut->fast) forward_fast(f, 1, 0);
    else forward(&t, 1, 0);
    /* returning: the weights were read after all, a failure below */
}

static void expect_cut_mapping_message(int fast) {
    char *model = in_scratch(fast ? "cut-fast.bin" : "cut.bin");
    copy_file(stories, model);
    CutRun cut = {model, fast};
    RunResult r;
    assert_int_equal(run_function(cut_mapping_child, &cut, &r), 0);
    if (!r.exited) fail_msg("killed by signal %d; stderr: %s", r.status, r.err);
    char want[8192];
    snprintf(want, sizeof want,
             "test_faults: %s: checkpoint shrank while the run was using it (a program truncated or rewrote it); "
             "stopping\n", model);
    assert_string_equal(r.err, want);
    assert_int_equal(r.status, 1);
    run_result_free(&r);
    unlink(model);
    free(model);
}

static void test_cut_mapping_plain(void **state) {
    (void)state;
    expect_cut_mapping_message(0);
}

static void test_cut_mapping_fast(void **state) {
    (void)state;
    expect_cut_mapping_message(1);
}

/* A SIGBUS that is not a checkpoint's (here raised by the program) keeps its default
 * action: the guard does not swallow it. */
static void test_other_sigbus_not_swallowed(void **state) {
    (void)state;
    fflush(stdout);
    fflush(stderr);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        ErrorText err;
        signal(SIGBUS, SIG_DFL); /* not cmocka's handler */
        if (checkpoint_guard_sigbus("test_faults", &err) != 0) _exit(3);
        raise(SIGBUS);
        _exit(0);
    }
    int status;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFSIGNALED(status));
    assert_int_equal(WTERMSIG(status), SIGBUS);
}

static void test_conform_input_limit(void **state) {
    (void)state;
    Streams s = {IN_FILE, "/dev/zero", OUT_CAPTURE, 0, 60};
    const char *small[] = {conform, "show", "-", "--max-input", "1M", NULL};
    Result r = spawn_with(small, s);
    assert_result(r, 2, "conform: (standard input): more than 1048576 bytes, the input limit (--max-input)\n", "");
    result_free(&r);
    const char *diff[] = {conform, "diff", "--level", "text", "/dev/zero", "-", "--max-input", "64K", NULL};
    r = spawn_with(diff, s);
    assert_result(r, 2, "conform: /dev/zero: more than 65536 bytes, the input limit (--max-input)\n", "");
    result_free(&r);
    /* the default limit, 1 GiB: a few seconds */
    const char *plain[] = {conform, "show", "/dev/zero", NULL};
    r = spawn_with(plain, s);
    assert_result(r, 2, "conform: /dev/zero: more than 1073741824 bytes, the input limit (--max-input)\n", "");
    result_free(&r);
}

/* ---------------------------------------------------------------------------------------
 * 4. what the tools write, they read; equal runs are equal */

static void test_minus_zero_temperature_is_zero(void **state) {
    (void)state;
    char *plus = in_scratch("plus.trace"), *minus = in_scratch("minus.trace");
    const char *a[] = {runner, stories, "-z", tok512, "-t", "0", "-n", "16", "--trace", plus, NULL};
    const char *b[] = {runner, stories, "-z", tok512, "-t", "-0", "-p", "-0", "-n", "16", "--trace", minus, NULL};
    Result r = spawn(a);
    assert_int_equal(r.status, 0);
    result_free(&r);
    r = spawn(b);
    assert_int_equal(r.status, 0);
    result_free(&r);
    /* -p -0 is top-p 0 as the sampler uses it; greedy ignores it, conform says so as information */
    const char *diff[] = {conform, "diff", plus, minus, "--json", NULL};
    r = spawn(diff);
    assert_int_equal(r.status, 0);
    assert_non_null(strstr(r.out, "\"verdict\":\"equal\""));
    result_free(&r);
    char command[16384];
    /* the records without their line checks */
    snprintf(command, sizeof command, "grep -h SAMPLER '%s' '%s' | sed 's/ [*][0-9A-F]*$//'", plus, minus);
    r = shell(command);
    assert_string_equal(r.out, "L2T SAMPLER TEMP=00000000 TOPP=3F666666 SEED=0000000000000000 STEPS=16\n"
                               "L2T SAMPLER TEMP=00000000 TOPP=00000000 SEED=0000000000000000 STEPS=16\n");
    result_free(&r);
    free(plus), free(minus);
}

/* Top-p 0 and top-p 1 both turn nucleus sampling off: the same scenario. */
static void test_topp_compared_by_effect(void **state) {
    (void)state;
    char *zero = in_scratch("p0.trace"), *one = in_scratch("p1.trace");
    const char *a[] = {runner, stories, "-z", tok512, "-t", "1", "-p", "0", "-s", "7", "-n", "24", "--trace", zero, NULL};
    const char *b[] = {runner, stories, "-z", tok512, "-t", "1", "-p", "1", "-s", "7", "-n", "24", "--trace", one, NULL};
    Result r = spawn(a);
    assert_int_equal(r.status, 0);
    char *text = r.out;
    r.out = NULL;
    result_free(&r);
    r = spawn(b);
    assert_int_equal(r.status, 0);
    assert_string_equal(r.out, text);
    result_free(&r);
    free(text);
    const char *diff[] = {conform, "diff", zero, one, NULL};
    r = spawn(diff);
    assert_int_equal(r.status, 0);
    assert_non_null(strstr(r.out, "verdict: EQUAL"));
    result_free(&r);
    const char *other[] = {runner, stories, "-z", tok512, "-t", "1", "-p", "0.5", "-s", "7", "-n", "24", "--trace", one, NULL};
    r = spawn(other);
    result_free(&r);
    r = spawn(diff);
    assert_int_equal(r.status, 1); /* 0.5 does cut the distribution: another scenario */
    result_free(&r);
    free(zero), free(one);
}

static void test_one_token_vocabulary_trace_reads_back(void **state) {
    (void)state;
    char model[4200], *tok = in_scratch("tok1.bin"), *trace = in_scratch("v1.trace");
    snprintf(model, sizeof model, "%s/fuzz/corpus/checkpoint/tiny-vocab1", root);
    unsigned char t[13] = {1, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 'a'};
    assert_int_equal(write_file(tok, t, sizeof t), 0);
    const char *run_argv[] = {runner, model, "-z", tok, "-n", "4", "-s", "3", "--trace", trace, NULL};
    Result r = spawn(run_argv);
    assert_int_equal(r.status, 0);
    assert_string_equal(r.out, "aa\n");
    result_free(&r);
    const char *show[] = {conform, "show", trace, NULL};
    r = spawn(show);
    assert_result(r, 0, "", NULL);
    assert_non_null(strstr(r.out, "steps:     2 (POS 0 to 1)"));
    result_free(&r);
    const char *diff[] = {conform, "diff", trace, trace, NULL};
    r = spawn(diff);
    assert_result(r, 0, "", NULL);
    result_free(&r);
    free(tok), free(trace);
}

static void test_control_characters_escaped_in_messages(void **state) {
    (void)state;
    char *odd = in_scratch("a\nb\tc\033d.bin");
    char want[8192];
    snprintf(want, sizeof want, "run: %s/a\\nb\\tc\\x1Bd.bin: cannot open checkpoint: No such file or directory\n",
             scratch);
    const char *run_argv[] = {RUN_ARGS(odd, tok512), NULL};
    Result r = spawn(run_argv);
    assert_result(r, 1, want, "");
    result_free(&r);
    snprintf(want, sizeof want, "conform: %s/a\\nb\\tc\\x1Bd.bin: cannot open: No such file or directory\n", scratch);
    const char *show[] = {conform, "show", odd, NULL};
    r = spawn(show);
    assert_result(r, 2, want, "");
    result_free(&r);
    free(odd);
}

/* ---------------------------------------------------------------------------------------*/

static int new_scratch(void **state) {
    (void)state;
    scratch = make_temp_dir("test-faults");
    return scratch == NULL ? -1 : 0;
}

static int drop_scratch(void **state) {
    (void)state;
    char command[4200];
    if (is_root()) { /* a test that failed may leave an immutable folder */
        snprintf(command, sizeof command, "chattr -R -i '%s' 2>/dev/null", scratch);
        if (system(command) != 0) { /* not every file system has the flag */ }
    }
    snprintf(command, sizeof command, "chmod -R u+w '%s' 2>/dev/null", scratch);
    if (system(command) != 0) { /* nothing to undo */ }
    remove_tree(scratch);
    free(scratch);
    scratch = NULL;
    return 0;
}

#define FAULT_TEST(f) cmocka_unit_test_setup_teardown(f, new_scratch, drop_scratch)

int main(int argc, char **argv) {
    if (argc != 3) {
        fprintf(stderr, "usage: test_faults ROOT MODELS\n");
        return 2;
    }
    root = argv[1];
    models = argv[2];
    snprintf(runner, sizeof runner, "%s/run", root);
    snprintf(conform, sizeof conform, "%s/conform", root);
    snprintf(c64pack, sizeof c64pack, "%s/build/c64/c64pack", root);
    snprintf(synthgen, sizeof synthgen, "%s/build/synthgen", root);
    snprintf(stories, sizeof stories, "%s/stories260K.bin", models);
    snprintf(tok512, sizeof tok512, "%s/tok512.bin", models);
    if (access(stories, R_OK) != 0 || access(tok512, R_OK) != 0) {
        fprintf(stderr, "test_faults: %s needs stories260K.bin and tok512.bin\n", models);
        return 2;
    }
    /* the story every RUN_ARGS run prints, from a run with nothing odd about it */
    scratch = make_temp_dir("test-faults");
    const char *argv_story[] = {RUN_ARGS(stories, tok512), NULL};
    Result r = spawn(argv_story);
    if (!r.exited || r.status != 0) {
        fprintf(stderr, "test_faults: %s does not run: %s\n", runner, r.err);
        return 2;
    }
    story = r.out;
    free(r.err);
    remove_tree(scratch);
    free(scratch);

    const struct CMUnitTest tests[] = {
        FAULT_TEST(test_trace_never_replaces_checkpoint),
        FAULT_TEST(test_trace_never_replaces_tokenizer),
        FAULT_TEST(test_trace_never_replaces_fifo_or_directory),
        FAULT_TEST(test_trace_never_replaces_devices),
        FAULT_TEST(test_trace_temp_is_never_a_planted_link),
        FAULT_TEST(test_trace_through_symlink),
        FAULT_TEST(test_trace_problems_reported_before_output),
        FAULT_TEST(test_trace_long_name_that_fits),
        FAULT_TEST(test_trace_temp_removed_on_sigint),
        FAULT_TEST(test_trace_temp_removed_on_sigterm),
        FAULT_TEST(test_trace_temp_removed_on_sigpipe),
        FAULT_TEST(test_c64pack_never_replaces_inputs),
        FAULT_TEST(test_synthgen_never_replaces_fifo),
        FAULT_TEST(test_golden_regen_never_replaces_fifo),
        FAULT_TEST(test_golden_check_read_only),
        FAULT_TEST(test_closed_stdout_does_not_feed_the_trace),
        FAULT_TEST(test_closed_stderr_does_not_feed_the_trace),
        FAULT_TEST(test_run_stdout_write_error),
        FAULT_TEST(test_conform_stdout_write_error),
        FAULT_TEST(test_chat_stdin_read_error),
        FAULT_TEST(test_fifo_checkpoint_refused_at_once),
        FAULT_TEST(test_device_tokenizer_refused_at_once),
        FAULT_TEST(test_pipe_tokenizer_refused),
        FAULT_TEST(test_sparse_tail_does_not_stall_trace),
        FAULT_TEST(test_shrinking_checkpoint_message),
        FAULT_TEST(test_cut_mapping_plain),
        FAULT_TEST(test_cut_mapping_fast),
        FAULT_TEST(test_other_sigbus_not_swallowed),
        FAULT_TEST(test_conform_input_limit),
        FAULT_TEST(test_minus_zero_temperature_is_zero),
        FAULT_TEST(test_topp_compared_by_effect),
        FAULT_TEST(test_one_token_vocabulary_trace_reads_back),
        FAULT_TEST(test_control_characters_escaped_in_messages),
    };
    int failed = cmocka_run_group_tests(tests, NULL, NULL);
    free(story);
    return failed;
}
