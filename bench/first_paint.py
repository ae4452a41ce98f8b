#!/usr/bin/env python3
"""Time to first paint, CPU time and peak memory of a terminal program.

    first_paint.py [--runs N] [--env K=V]... [--until TEXT] [--expect TEXT]
                   [--timeout S] [--size COLSxROWS] -- COMMAND...

Runs COMMAND on a fresh pseudo-terminal (120x40 unless --size) N times
(default 7) and prints one line of JSON:

    {"median_ms", "min_ms", "max_ms",   wall time of each run (see below)
     "cpu_ms",                          user+sys CPU of the child, median
     "rss_kib", "peak_rss_kib",         its ru_maxrss: median, and max
     "runs"}

podcue is run with PODCUE_EXIT_AFTER_PAINT=1 in its environment, which
makes it exit right after its first screen is drawn: the time is from fork
to exit (start-up + first paint + teardown), and a run fails unless the
exit status is 0. For a program without such a hook, --until TEXT stops
the clock when TEXT first appears in the output, then kills the program
(SIGTERM, SIGKILL after a second): the time is start-up to that paint.
--expect TEXT fails a run whose output never contained TEXT (a screen
that is not the one meant). A run that has not ended (or shown TEXT)
after --timeout seconds (default 60) is killed and fails.
"""
import fcntl
import json
import os
import pty
import select
import signal
import statistics
import struct
import sys
import termios
import time


def reap(pid, grace):
    """Waits up to grace seconds for pid, then SIGKILLs it; returns
    (status, rusage)."""
    end = time.monotonic() + grace
    while time.monotonic() < end:
        got, status, ru = os.wait4(pid, os.WNOHANG)
        if got == pid:
            return status, ru
        time.sleep(0.01)
    os.kill(pid, signal.SIGKILL)
    _, status, ru = os.wait4(pid, 0)
    return status, ru


def run_once(cmd, env, until, timeout, size):
    pid, fd = pty.fork()
    if pid == 0:
        os.environ.update(env)
        try:
            os.execvp(cmd[0], cmd)
        finally:
            os._exit(127)
    cols, rows = size
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
    t0 = time.perf_counter()
    deadline = t0 + timeout
    out = b""
    seen = None
    while True:
        left = deadline - time.perf_counter()
        if left <= 0:
            break
        r, _, _ = select.select([fd], [], [], left)
        if not r:
            break
        try:
            chunk = os.read(fd, 65536)
        except OSError:
            break  # EIO: the child closed the terminal (exited)
        if not chunk:
            break
        out += chunk
        if until and until.encode() in out:
            seen = time.perf_counter()
            os.kill(pid, signal.SIGTERM)
            break
    t_end = time.perf_counter()
    timed_out = t_end >= deadline and seen is None
    if timed_out or seen:
        status, ru = reap(pid, 1.0)
    else:
        _, status, ru = os.wait4(pid, 0)
        t_end = time.perf_counter()
    os.close(fd)
    ms = ((seen or t_end) - t0) * 1000.0
    return ms, ru, status, out, timed_out


def main():
    args = sys.argv[1:]
    runs, env, until, expect, timeout, size = 7, {}, None, None, 60.0, (120, 40)
    while args and args[0] != "--":
        if args[0] == "--runs":
            runs = int(args[1])
        elif args[0] == "--env":
            k, v = args[1].split("=", 1)
            env[k] = v
        elif args[0] == "--until":
            until = args[1]
        elif args[0] == "--expect":
            expect = args[1]
        elif args[0] == "--timeout":
            timeout = float(args[1])
        elif args[0] == "--size":
            c, r = args[1].split("x")
            size = (int(c), int(r))
        else:
            sys.exit(__doc__)
        args = args[2:]
    cmd = args[1:]
    if not cmd:
        sys.exit(__doc__)
    env.setdefault("TERM", "xterm-256color")
    env.setdefault("LANG", "C.UTF-8")
    env.setdefault("PODCUE_EXIT_AFTER_PAINT", "1")
    times, cpus, rsss = [], [], []
    for _ in range(runs):
        ms, ru, status, out, timed_out = run_once(cmd, env, until, timeout, size)
        what = None
        if timed_out:
            what = "no %s within %g s" % ("%r" % until if until else "exit", timeout)
        elif until and until.encode() not in out:
            what = "exited (status %d) before showing %r" % (status, until)
        elif not until and status != 0:
            what = "status %d" % status
        elif expect and expect.encode() not in out:
            what = "%r never appeared" % expect
        if what:
            tail = out[-400:].decode("utf-8", "replace")
            sys.exit("first_paint: %r: %s\n  last output: %r" % (cmd, what, tail))
        times.append(ms)
        cpus.append((ru.ru_utime + ru.ru_stime) * 1000.0)
        rsss.append(ru.ru_maxrss)
    print(json.dumps({"median_ms": round(statistics.median(times), 2),
                      "min_ms": round(min(times), 2), "max_ms": round(max(times), 2),
                      "cpu_ms": round(statistics.median(cpus), 2),
                      "rss_kib": int(statistics.median(rsss)), "peak_rss_kib": max(rsss),
                      "runs": runs}))


if __name__ == "__main__":
    main()
