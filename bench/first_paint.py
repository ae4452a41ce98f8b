#!/usr/bin/env python3
"""Time to first paint and peak memory of a terminal program.

    first_paint.py [--runs N] [--env K=V]... -- COMMAND...

Runs COMMAND on a fresh pseudo-terminal (120x40) N times and reports, as
one line of JSON, the wall time from fork to exit (median, min, max in ms)
and the peak RSS of the child (KiB, max over runs). podcue is run with
PODCUE_EXIT_AFTER_PAINT=1, which exits right after the first screen is
drawn, so the time is start-up + first paint + teardown. For a program
without such a hook, --until TEXT waits until TEXT appears in the output
and then kills it (the time is then start-up to that paint).
"""
import fcntl
import json
import os
import pty
import resource
import select
import signal
import statistics
import struct
import sys
import termios
import time


def run_once(cmd, env, until):
    pid, fd = pty.fork()
    if pid == 0:
        os.environ.update(env)
        try:
            os.execvp(cmd[0], cmd)
        finally:
            os._exit(127)
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
    t0 = time.perf_counter()
    out = b""
    seen = None
    while True:
        r, _, _ = select.select([fd], [], [], 10)
        if not r:
            break
        try:
            chunk = os.read(fd, 65536)
        except OSError:
            break
        if not chunk:
            break
        out += chunk
        if until and seen is None and until.encode() in out:
            seen = time.perf_counter()
            os.kill(pid, signal.SIGTERM)
    _, status, ru = os.wait4(pid, 0)
    t1 = seen or time.perf_counter()
    os.close(fd)
    return (t1 - t0) * 1000.0, ru.ru_maxrss, status


def main():
    args = sys.argv[1:]
    runs, env, until = 7, {}, None
    while args and args[0] != "--":
        if args[0] == "--runs":
            runs = int(args[1])
            args = args[2:]
        elif args[0] == "--env":
            k, v = args[1].split("=", 1)
            env[k] = v
            args = args[2:]
        elif args[0] == "--until":
            until = args[1]
            args = args[2:]
        else:
            sys.exit(__doc__)
    cmd = args[1:]
    env.setdefault("TERM", "xterm-256color")
    env.setdefault("LANG", "C.UTF-8")
    times, rss = [], 0
    for _ in range(runs):
        ms, maxrss, status = run_once(cmd, env, until)
        if not until and status != 0:
            sys.exit("command failed: %r (status %d)" % (cmd, status))
        times.append(ms)
        rss = max(rss, maxrss)
    print(json.dumps({"median_ms": round(statistics.median(times), 2),
                      "min_ms": round(min(times), 2), "max_ms": round(max(times), 2),
                      "peak_rss_kib": rss, "runs": runs}))


if __name__ == "__main__":
    main()
