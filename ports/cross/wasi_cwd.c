/* wasm32-wasi: start in the folder the runner was started in.
 *
 * A WASI program sees only pre-opened folders, and wasi-libc resolves a relative path against
 * its own current directory, "/" at start-up. ports/cross/wasi-run.mjs pre-opens the host's "/"
 * and passes the host's current folder as WASI_CWD; this constructor changes into it before
 * main, so that relative paths in the arguments (models, traces) mean what they mean to a
 * native ./run. Linked into the wasm32 build only (ports/cross/cross.mk). */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

__attribute__((constructor)) static void enter_runner_cwd(void) {
    const char *cwd = getenv("WASI_CWD");
    if (cwd != NULL && chdir(cwd) != 0) {
        fprintf(stderr, "run: cannot enter the current folder %s under WASI\n", cwd);
        exit(127);
    }
}
