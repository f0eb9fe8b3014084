#!/usr/bin/env python3
"""make capture-vice: the C64 program (llama2.prg) on an emulated C64 with a 2 MiB REU.

For every c64_ scenario of golden/scenarios.tsv, at once, one VICE each:
  - VICE starts with the REU image in the REU and the printer (device 4, raw driver) going
    to a file, and autostarts llama2.prg; -keybuf types the scenario's answers;
  - VICE's remote monitor (on 127.0.0.1 only, a free port) puts a breakpoint on
    console_progress, which the program calls before the first step and after every
    step; at each stop the monitor's stopwatch is read: the cycles between two stops are
    what one token took, counted by the emulated CPU;
  - after STEPS complete steps the breakpoint is removed, the screen gets a moment to
    show the step, and the monitor quits VICE, which writes the screenshot and the
    printer file;
  - the printer file is the capture: a trace cut short after STEPS steps (no END).
Then it writes OUT/portable/NAME.trace, OUT/NAME.png and OUT/run.md (how it ran, cycles
per token); scripts/capture-report.sh makes OUT/REPORT.md from them. make test's
test-captures requires each capture to be bit-identical to the host golden for the steps
it holds.

usage: capture_vice.py --vice DIR --prg PRG --map MAP --reu IMAGE --out DIR --work DIR
                       [--steps N] [--emulator x64|x64sc] [--timeout SECONDS] [--only NAME]
"""
import argparse
import os
import re
import shutil
import socket
import subprocess
import sys
import threading
import time

PROG = "capture-vice"


def fail(message):
    print("%s: %s" % (PROG, message), file=sys.stderr)
    sys.exit(1)


def scenarios(path):
    """The c64_ rows of golden/scenarios.tsv: (name, logits level, runner arguments)."""
    rows = []
    with open(path) as f:
        for line in f:
            if line.startswith("#") or not line.strip():
                continue
            fields = line.rstrip("\n").split("\t")
            if fields[0].startswith("c64_"):
                rows.append((fields[0], fields[3], fields[6:]))
    if not rows:
        fail("%s: no c64_ scenario" % path)
    return rows


def answers(name, logits, args):
    """What a user types for the scenario: prompt, temperature, top-p, seed, steps, logits."""
    given = dict(zip(args[0::2], args[1::2]))
    unknown = set(given) - {"-i", "-t", "-p", "-s", "-n"}
    if unknown or len(args) % 2:
        fail("%s: the C64 program cannot be asked for %s" % (name, " ".join(args)))
    typed = [given.get("-i", ""), given.get("-t", ""), given.get("-p", ""), given.get("-s", ""),
             given.get("-n", ""), "full" if logits == "full" else ""]
    for answer in typed:
        if not re.fullmatch(r"[A-Za-z0-9 .,]*", answer):
            fail("%s: %r cannot be typed through -keybuf here" % (name, answer))
    return "".join(a + "\\n" for a in typed)


def symbol(map_path, name):
    """The address of a symbol in ld65's map file."""
    with open(map_path) as f:
        text = f.read()
    m = re.search(r"\b%s\s+([0-9A-F]{6})\b" % re.escape(name), text)
    if not m:
        fail("%s: no symbol %s" % (map_path, name))
    return int(m.group(1), 16)


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


class Monitor:
    """VICE's text monitor over TCP: commands out, output in until the next prompt. It
    prints nothing on connecting; a command stops the emulation and is answered, then the
    prompt; `x` lets the emulation go on, and a breakpoint stops it again with a prompt."""

    # the prompt that ends an answer; the monitor also prints one before it starts answering
    PROMPT = re.compile(r"\n\(C:\$([0-9a-f]{4})\) $")

    def __init__(self, port, deadline):
        self.deadline = deadline
        while True:
            try:
                self.sock = socket.create_connection(("127.0.0.1", port), timeout=5)
                break
            except OSError:
                if time.time() > deadline:
                    raise RuntimeError("the remote monitor did not answer")
                time.sleep(0.2)
        self.buffer = ""

    def read_prompt(self, at=None):
        """Output up to the monitor's prompt (the emulation is stopped then); with `at`,
        up to a prompt at that address (a breakpoint there)."""
        while True:
            m = self.PROMPT.search(self.buffer)
            if m and (at is None or int(m.group(1), 16) == at):
                break
            self.sock.settimeout(max(1.0, self.deadline - time.time()))
            try:
                data = self.sock.recv(65536)
            except socket.timeout:
                raise RuntimeError("timed out waiting for the monitor")
            if not data:
                raise RuntimeError("the monitor closed the connection")
            self.buffer += data.decode("latin-1")
        out, self.buffer = self.buffer, ""
        return out

    def command(self, text, wait=True):
        self.sock.sendall((text + "\n").encode())
        return self.read_prompt() if wait else ""

    def stopwatch(self):
        out = self.command("sw")
        m = re.search(r"Stopwatch:\s*(\d+)", out)
        if not m:
            raise RuntimeError("no stopwatch in %r" % out)
        return int(m.group(1))


def run_scenario(opts, name, keys, progress_at, result):
    work = os.path.join(opts.work, name)
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    printer = os.path.join(work, "printer.txt")
    shot = os.path.join(work, "screen.png")
    port = free_port()
    vice = os.path.abspath(opts.vice)
    command = ["nice", os.path.join(vice, "bin", opts.emulator), "-default", "+logcolorize",
               "-directory", os.path.join(vice, "share", "vice"), "+sound", "-warp",
               "-autostartprgmode", "1",
               "-reu", "-reusize", "2048", "-reuimage", os.path.abspath(opts.reu),
               "-busdevice4", "-devicebackend4", "1", "-pr4drv", "raw", "-pr4output", "text",
               "-pr4txtdev", "0", "-prtxtdev1", printer,
               "-remotemonitor", "-remotemonitoraddress", "ip4://127.0.0.1:%d" % port,
               "-keybuf", keys, "-exitscreenshot", shot, os.path.abspath(opts.prg)]
    start = time.time()
    deadline = start + opts.timeout
    log = open(os.path.join(work, "vice.log"), "w")
    proc = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    stops = []
    try:
        # at once: the first command stops the emulation in the monitor, and the breakpoint
        # must be there before the program's first call (a few million cycles after start)
        mon = Monitor(port, deadline)
        mon.command("break exec %04x" % progress_at)
        mon.command("x", wait=False)
        while len(stops) < opts.steps + 1:
            # the first stop comes a few million cycles after the start, unless the program
            # stopped with a message (no image, an answer refused): do not wait for long
            mon.deadline = deadline if stops else min(deadline, time.time() + 300)
            mon.read_prompt(at=progress_at)  # the breakpoint
            stops.append(mon.stopwatch())
            print("%s: %s: %d of %d steps, %.0f s" % (PROG, name, len(stops) - 1, opts.steps, time.time() - start),
                  flush=True)
            mon.command("x", wait=False)
        # the last step is on the printer; let the screen show it, then stop VICE
        mon.command("del")
        mon.command("x", wait=False)
        time.sleep(3)
        mon.command("quit", wait=False)
        proc.wait(timeout=60)
    except (RuntimeError, OSError, subprocess.TimeoutExpired) as e:
        proc.kill()
        proc.wait()
        result[name] = "%s (after %d steps, %.0f s; see %s)" % (e, max(0, len(stops) - 1), time.time() - start,
                                                               os.path.join(work, "vice.log"))
        return
    result[name] = dict(stops=stops, seconds=time.time() - start, printer=printer, shot=shot)


def complete_lines(path):
    """The printer file up to its last whole line (the emulator may stop mid-line)."""
    with open(path, "rb") as f:
        data = f.read()
    end = data.rfind(b"\n")
    return data[: end + 1] if end >= 0 else b""


def main():
    ap = argparse.ArgumentParser(prog=PROG, description=__doc__.split("\n")[0])
    ap.add_argument("--vice", required=True)
    ap.add_argument("--prg", required=True)
    ap.add_argument("--map", required=True)
    ap.add_argument("--reu", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--work", required=True)
    ap.add_argument("--scenarios", default="golden/scenarios.tsv")
    ap.add_argument("--steps", type=int, default=3)
    ap.add_argument("--emulator", default="x64", choices=["x64", "x64sc"])
    ap.add_argument("--timeout", type=float, help="seconds a scenario may take (default: 900 a step and 300)")
    ap.add_argument("--only", help="one scenario (for trying things out)")
    opts = ap.parse_args()
    if not os.path.isfile(os.path.join(opts.vice, "bin", opts.emulator)):
        fail("no VICE at %s (bin/%s): it is not part of the project; see README.md" % (opts.vice, opts.emulator))
    if opts.steps < 1:
        fail("--steps: at least 1")
    if opts.timeout is None:
        opts.timeout = 900.0 * opts.steps + 300
    for path in (opts.prg, opts.map, opts.reu):
        if not os.path.isfile(path):
            fail("%s: missing (make c64)" % path)
    progress_at = symbol(opts.map, "_console_progress")
    rows = [r for r in scenarios(opts.scenarios) if opts.only in (None, r[0])]

    result, threads = {}, []
    for name, logits, args in rows:
        t = threading.Thread(target=run_scenario, args=(opts, name, answers(name, logits, args), progress_at, result))
        t.start()
        threads.append(t)
    for t in threads:
        t.join()
    failed = [n for n, _, _ in rows if not isinstance(result.get(n), dict)]
    for n in failed:
        print("%s: %s: %s" % (PROG, n, result.get(n)), file=sys.stderr)
    if failed:
        sys.exit(1)

    os.makedirs(os.path.join(opts.out, "portable"), exist_ok=True)
    lines = ["How these captures were made (ports/c64/c64/capture_vice.py, `make capture-vice`):",
             "VICE 3.10 `%s -warp`, a 2 MiB REU holding the image, `llama2.prg` typed its answers" % opts.emulator,
             "with `-keybuf`, the printer (device 4, raw driver) into a file, stopped after %d steps." % opts.steps,
             "Cycles: the monitor's stopwatch at each entry to `console_progress`, which the program",
             "calls before the first step and after each step; a step's cycles are the difference.",
             "",
             "| scenario | cycles per step (steps 1..%d) | cycles per token (steps 2..%d) | PAL C64 time per token |"
             % (opts.steps, opts.steps),
             "|---|---|---|---|"]
    for name, _, _ in rows:
        r = result[name]
        data = complete_lines(r["printer"])
        if data.count(b"L2T STEP ") < opts.steps:
            fail("%s: the printer has %d STEP records, not %d" % (name, data.count(b"L2T STEP "), opts.steps))
        tmp = os.path.join(opts.out, "portable", name + ".trace.tmp")
        with open(tmp, "wb") as f:
            f.write(data)
        os.replace(tmp, os.path.join(opts.out, "portable", name + ".trace"))
        shutil.copyfile(r["shot"], os.path.join(opts.out, name + ".png"))
        steps = [b - a for a, b in zip(r["stops"], r["stops"][1:])]
        later = steps[1:] or steps
        per_token = sum(later) // len(later)
        lines.append("| %s | %s | %s | %.1f minutes |" % (
            name, ", ".join("{:,}".format(s) for s in steps), "{:,}".format(per_token),
            per_token / 985248.0 / 60))
        print("%s: %s: %d steps in %.0f s; %s cycles per token" % (PROG, name, opts.steps, r["seconds"],
                                                                   "{:,}".format(per_token)))
    lines.append("")
    lines.append("The screenshots (NAME.png) show the screen when VICE stopped.")
    with open(os.path.join(opts.out, "run.md.tmp"), "w") as f:
        f.write("\n".join(lines) + "\n")
    os.replace(os.path.join(opts.out, "run.md.tmp"), os.path.join(opts.out, "run.md"))


if __name__ == "__main__":
    main()
