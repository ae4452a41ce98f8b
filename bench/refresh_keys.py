"""The TUI's key response while it refreshes many feeds, some of them on
hosts that accept the connection and never answer (bench/scale.sh part 3
sets up the cache, the feeds and the hosts).

    refresh_keys.py PODCUE CONFIG DB MAX_SECONDS

Method: podcue runs in tmux (120x30, a server of this script's own). First,
with nothing running, ten rounds of: ? (the help screen replaces
everything) and Esc (the panes come back); each key's figure is the time
from sending it until the screen shows the answer ("podcue keys (q, Esc"
for the help, "Podcasts (" for the panes), read with capture-pane every
few milliseconds (a capture costs 2-4 ms: the figures are that coarse).
That is the peer. Then r (refresh every feed) and the same rounds, one
after another, until the refresh ends (the status line says "refreshed N
feeds", or the panes show without "refreshing d/t"; at most MAX_SECONDS):
only answers that came before the end count. Prints one
line: the refresh's duration, the keys answered during it, their median
and longest answer, and the peer's.
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

PODCUE, CONFIG, DB, MAX_S = sys.argv[1], sys.argv[2], sys.argv[3], float(sys.argv[4])
HELP, PANES = "podcue keys (q, Esc", "Podcasts ("
DONE = re.compile(r"refreshed [0-9]+ feed")
TMP = tempfile.mkdtemp(prefix="podcue-refresh-keys.")
SOCK = os.path.join(TMP, "tmux.sock")


def tm(*args):
    return subprocess.run(["tmux", "-S", SOCK] + list(args), capture_output=True,
                          text=True).stdout


class Term:
    def __init__(self):
        cmd = "env LANG=C.UTF-8 LC_ALL=C.UTF-8 TERM=tmux-256color %s --config %s --db %s" % (
            PODCUE, CONFIG, DB)
        tm("-f", "/dev/null", "new-session", "-d", "-s", "t", "-x", "120", "-y", "30", cmd)
        self.done_at, self.running = None, False

    def screen(self):
        """The screen; notes the refresh's end: the status line said it
        ended, or the panes show without the "refreshing d/t" they showed."""
        s = tm("capture-pane", "-t", "t", "-p")
        if PANES in s and "refreshing " in s:
            self.running = True
        elif self.done_at is None and (DONE.search(s) or (self.running and PANES in s)):
            self.done_at = time.monotonic()
        return s

    def answer(self, key, marker, secs=30.0):
        """ms from sending key until the screen shows marker."""
        t0 = time.monotonic()
        if key:
            tm("send-keys", "-t", "t", key)
        while time.monotonic() - t0 < secs:
            if marker in self.screen():
                return (time.monotonic() - t0) * 1000
            time.sleep(0.002)
        raise SystemExit("refresh_keys: podcue never showed %r" % marker)

    def stop(self):
        tm("send-keys", "-t", "t", "q")
        time.sleep(1)
        tm("kill-server")
        shutil.rmtree(TMP, ignore_errors=True)


def round_trip(t):
    return [t.answer("?", HELP), t.answer("Escape", PANES)]


def median(v):
    v = sorted(v)
    return v[len(v) // 2] if v else float("nan")


def main():
    t = Term()
    try:
        t.answer("", PANES)
        time.sleep(0.3)
        idle = []
        for _ in range(10):
            idle += round_trip(t)
        t.done_at, t.running = None, False
        t_r = time.monotonic()
        tm("send-keys", "-t", "t", "r")
        during = []
        while t.done_at is None and time.monotonic() - t_r < MAX_S:
            sent = time.monotonic()
            times = round_trip(t)
            if t.done_at is None or t.done_at > sent:
                during += times
        while t.done_at is None and time.monotonic() - t_r < MAX_S:
            t.screen()
            time.sleep(0.05)
    finally:
        t.stop()
    took = (t.done_at - t_r) if t.done_at else float("nan")
    print("refresh %.2f s (%s); keys answered during it: %d, median %.1f ms, longest %.1f ms;"
          " idle: median %.1f ms, longest %.1f ms"
          % (took, "ended" if t.done_at else "still running at %.0f s" % MAX_S, len(during),
             median(during), max(during) if during else float("nan"), median(idle), max(idle)))
    print("RESULT refresh_keys %.2f %d %.1f %.1f %.1f %.1f"
          % (took, len(during), median(during), max(during) if during else -1, median(idle),
             max(idle)))


main()
