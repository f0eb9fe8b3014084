// Runs a wasm32-wasi program under Node's WASI like a native one: the same arguments,
// standard streams and exit status. The file system is the host's: "/" is pre-opened and
// the current folder is passed as WASI_CWD, which the program enters before main
// (ports/cross/wasi_cwd.c), so relative and absolute paths in the arguments both work.
//
// usage: node --no-warnings ports/cross/wasi-run.mjs PROGRAM.wasm [arguments...]
import { readFile } from 'node:fs/promises';
import { WASI } from 'node:wasi';
import { argv, cwd, exit, stderr } from 'node:process';

const [program, ...args] = argv.slice(2);
if (!program) {
    stderr.write('wasi-run: usage: node ports/cross/wasi-run.mjs PROGRAM.wasm [arguments...]\n');
    exit(2);
}
let bytes;
try {
    bytes = await readFile(program);
} catch (e) {
    stderr.write(`wasi-run: cannot read ${program}: ${e.message}\n`);
    exit(127);
}
const wasi = new WASI({
    version: 'preview1',
    args: ['run', ...args],
    env: { WASI_CWD: cwd() },
    preopens: { '/': '/' },
    returnOnExit: true,
});
const module = await WebAssembly.compile(bytes);
const instance = await WebAssembly.instantiate(module, wasi.getImportObject());
let status;
try {
    status = wasi.start(instance);
} catch (e) {
    // a trap (out-of-bounds access, unreachable): a crash, reported like a signal would be
    stderr.write(`wasi-run: ${program}: ${e.message}\n`);
    status = 134;
}
exit(status ?? 0);
