#!/bin/sh
# bench/bgindex.sh - issue 21: the first import with the search index built
# after the store (search_pending). Called by bench/run.sh with its
# library, server and results:
#   sh bench/bgindex.sh PODCUE CONFIG OPML TMPDIR
# For BGIDX_REPS (3) repetitions on a fresh cache: `podcue import OPML`,
# sent SIGINT as soon as it says it is indexing (the library is stored and
# usable: the store phase's CPU), then `podcue refresh` (all 304; indexes
# the rest: the index phase's CPU). Prints each median with newsboat's
# cold reload of the same feeds (nb_cold_big in TMPDIR/results, when
# run.sh measured it) and whether the goal (4x less CPU) is met.
set -eu
PODCUE=$1 CONF=$2 OPML=$3 TMP=$4
REPS=${BGIDX_REPS:-3}
python3 - "$PODCUE" "$CONF" "$OPML" "$TMP" "$REPS" <<'PY'
import os, signal, statistics, subprocess, sys, time
podcue, conf, opml, tmp, reps = sys.argv[1:5] + [int(sys.argv[5])]
db = os.path.join(tmp, "bgidx.db")

def fresh():
    for s in ("", "-wal", "-shm", "-journal", ".lock"):
        try:
            os.unlink(db + s)
        except FileNotFoundError:
            pass

def run(args, stop_at=None):
    """CPU (user+sys) of one podcue run; SIGINT when stderr shows stop_at."""
    err = open(os.path.join(tmp, "bgidx.err"), "w+")
    p = subprocess.Popen([podcue, "--db", db, "--config", conf] + args,
                         stdout=subprocess.DEVNULL, stderr=err)
    sent = False
    while stop_at and p.poll() is None and not sent:
        err.seek(0)
        if stop_at in err.read():
            p.send_signal(signal.SIGINT)
            sent = True
        else:
            time.sleep(0.02)
    _, st, ru = os.wait4(p.pid, 0)
    return ru.ru_utime + ru.ru_stime

stored, index, whole = [], [], []
for r in range(reps):
    fresh()
    stored.append(run(["import", opml], stop_at="indexing"))
    index.append(run(["refresh", "--jobs", "8"]))
    fresh()
    whole.append(run(["import", opml]))
fresh()
nb = []
try:
    for line in open(os.path.join(tmp, "results")):
        f = line.split()
        if f[0] == "nb_cold_big":
            nb.append(float(f[2]))
except OSError:
    pass
med = statistics.median
nbc = med(nb) if nb else None
def vs(x):
    if nbc is None:
        return "newsboat not measured"
    return "newsboat %.2f s: %.1fx less (goal 4x: %s)" % (nbc, nbc / x,
                                                         "goal met" if nbc >= 4 * x else "goal MISSED")
print("first import, stored and usable (index put off): %.2f s CPU  | %s" % (med(stored), vs(med(stored))))
print("  then the search index (next refresh, all 304): %.2f s CPU" % med(index))
print("first import with indexing at its end:           %.2f s CPU  | %s" % (med(whole), vs(med(whole))))
PY
