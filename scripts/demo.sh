#!/bin/sh
# podcue's offline demo: `make demo` builds ./build/podcue and runs this.
#
#   sh scripts/demo.sh [--prepare-only | --audio-only] [--force] [--mpv-option KEY=VALUE]...
#
#   --prepare-only  prepare the demo database and audio, do not open podcue
#   --audio-only    generate the audio only (make check fills its cache so)
#   --force         regenerate the audio even when the cached copy is current
#   --mpv-option    passed to podcue (e.g. ao=null for silence)
#
# Environment: DEMO_DIR (default build/demo), PODCUE (default ./build/podcue),
# DEMO_AUDIO_CACHE (optional: a directory that keeps one generated set, shared
# by every DEMO_DIR; make check fills it beside its builds).
#
# Everything lives under $DEMO_DIR (database, config, feed copies, audio); the
# user's own cache and config are never read or written. Steps:
#   1. copy the demo feeds (assets/demo) and their chapter files there;
#   2. generate one MP3 per episode unless the cached set is current (keyed
#      by a hash of the feed files, the audio plan and DEMO_AUDIO_VERSION):
#      silence as long as the episode, with a synthesized voice reading
#      "Chapter N. <title>" at every chapter start, so a chapter jump is
#      something you can hear; files marked "embed" in the plan also carry
#      the chapters as ID3v2 CHAP frames;
#   3. subscribe with the real engine (`add`, or `refresh` on later runs);
#   4. open podcue on it (see exec_podcue_ui).
#
# Needs ffmpeg, espeak-ng and python3 (scripts/install-deps.sh installs them).
set -eu

# Bump when the generated audio changes for the same inputs.
DEMO_AUDIO_VERSION=1

ROOT=$(cd "$(dirname "$0")/.." && pwd)
DEMO_DIR=${DEMO_DIR:-build/demo}
PODCUE=${PODCUE:-./build/podcue}

usage() { sed -n '2,13s/^# \{0,1\}//p' "$0"; }
prepare_only=0
audio_only=0
force=0
mpv_opts=""
want_mpv=0
for arg; do
	if [ $want_mpv = 1 ]; then
		mpv_opts="$mpv_opts --mpv-option $arg"
		want_mpv=0
		continue
	fi
	case $arg in
	--prepare-only) prepare_only=1 ;;
	--audio-only) audio_only=1 prepare_only=1 ;;
	--force) force=1 ;;
	--mpv-option) want_mpv=1 ;;
	-h | --help) usage; exit 0 ;;
	*) echo "demo: unknown option: $arg" >&2; usage >&2; exit 2 ;;
	esac
done

# Relative paths are taken from the repository root (where `make` runs).
cd "$ROOT"
case $DEMO_DIR in /*) ;; *) DEMO_DIR="$ROOT/$DEMO_DIR" ;; esac
case $PODCUE in /*) ;; *) PODCUE="$ROOT/$PODCUE" ;; esac
DB="$DEMO_DIR/podcue.db"
CFG="$DEMO_DIR/config"
ASSETS="$ROOT/assets/demo"

# show PATH: PATH relative to the current directory when under it (for the
# commands printed to the user).
show() { case $1 in "$PWD"/*) echo "${1#"$PWD"/}" ;; *) echo "$1" ;; esac; }

say() { echo "demo: $*"; }
die() { echo "demo: $*" >&2; exit 1; }

[ $audio_only = 1 ] || [ -x "$PODCUE" ] || die "no podcue binary at $PODCUE (run make first)"
for tool in python3 ffmpeg espeak-ng; do
	command -v "$tool" >/dev/null 2>&1 ||
		die "$tool is missing: run sh scripts/install-deps.sh (make demo does)"
done

# --- 1. feeds and chapter files ----------------------------------------------
mkdir -p "$DEMO_DIR/chapters" "$DEMO_DIR/audio"
cp "$ASSETS/database-school.xml" "$ASSETS/geeknarrator.xml" "$DEMO_DIR/"
cp "$ASSETS"/chapters/*.json "$DEMO_DIR/chapters/"
[ -f "$CFG" ] || echo '# podcue settings for the demo only (podcue help lists them).' >"$CFG"

# --- 2. audio ------------------------------------------------------------------
stamp=$({
	echo "demo-audio $DEMO_AUDIO_VERSION"
	cat "$ASSETS/audio-plan.json" "$ASSETS/database-school.xml" "$ASSETS/geeknarrator.xml" \
		"$ASSETS"/chapters/*.json
} | cksum | tr ' ' '-')

# The shared cache is keyed by the inputs above and by the generator: this
# script and the versions of the tools it runs.
CACHE=""
if [ -n "${DEMO_AUDIO_CACHE:-}" ]; then
	key=$({
		echo "$stamp"
		cat "$ROOT/scripts/demo.sh"
		ffmpeg -version 2>/dev/null | head -1
		espeak-ng --version 2>/dev/null
	} | cksum | tr ' ' '-')
	CACHE="$DEMO_AUDIO_CACHE/$key"
fi

if [ $force -eq 0 ] && [ -f "$DEMO_DIR/audio/.stamp" ] &&
	[ "$(cat "$DEMO_DIR/audio/.stamp")" = "$stamp" ]; then
	say "audio: cached ($(show "$DEMO_DIR/audio"); --force regenerates)"
elif [ $force -eq 0 ] && [ -n "$CACHE" ] && [ -f "$CACHE/.stamp" ]; then
	rm -f "$DEMO_DIR/audio/.stamp" "$DEMO_DIR"/audio/*.mp3
	cp -R "$CACHE/." "$DEMO_DIR/audio/"
	say "audio: $(ls "$CACHE" | wc -l) files from the shared cache ($(show "$CACHE"))"
else
	rm -f "$DEMO_DIR/audio/.stamp" "$DEMO_DIR"/audio/*.mp3
	python3 - "$ASSETS/audio-plan.json" "$DEMO_DIR" <<'PY'
# Builds every episode's MP3 without encoding hours of silence: MP3 frames
# encoded without the bit reservoir decode on their own, so a file is the
# concatenation of one pre-encoded silent frame, repeated, and the encoded
# speech clips, each put at the frame nearest its chapter start. All frames
# share one format (MPEG-2.5 layer III, 8 kHz mono, 8 kbit/s CBR: 72 bytes,
# 72 ms each), so the file is plain CBR and seeks exactly. ffmpeg then only
# remuxes (-c copy) to add the ID3 tag, chapters and the Info header.
import concurrent.futures as cf, json, math, os, shutil, subprocess, sys, tempfile, time, wave

plan_path, demo = sys.argv[1], sys.argv[2]
plan = json.load(open(plan_path, encoding="utf-8"))["episodes"]
RATE, KBPS, SPF = 8000, 8, 576           # sample rate, bit rate, samples a frame
FRAME_S = SPF / RATE                      # 0.072 s
ENC = ["-c:a", "libmp3lame", "-ar", str(RATE), "-ac", "1", "-b:a", f"{KBPS}k",
       "-reservoir", "0", "-write_xing", "0", "-id3v2_version", "0", "-f", "mp3"]
FF = ["ffmpeg", "-nostdin", "-hide_banner", "-loglevel", "error", "-y"]
BR = {3: [0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320],
      2: [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160]}
SR = {3: [44100, 48000, 32000], 2: [22050, 24000, 16000], 0: [11025, 12000, 8000]}


def frames(path):
    """The MPEG audio frames of an MP3 file (ID3 and Xing/Info skipped)."""
    data = open(path, "rb").read()
    i, out = 0, []
    if data[:3] == b"ID3":
        i = 10 + ((data[6] << 21) | (data[7] << 14) | (data[8] << 7) | data[9])
    while i + 4 <= len(data):
        h = int.from_bytes(data[i:i + 4], "big")
        ver, br, sr = (h >> 19) & 3, (h >> 12) & 15, (h >> 10) & 3
        if (h >> 21) != 0x7FF or ver == 1 or br in (0, 15) or sr == 3 or ((h >> 17) & 3) != 1:
            i += 1
            continue
        size = (144 if ver == 3 else 72) * BR[3 if ver == 3 else 2][br] * 1000 \
            // SR[ver][sr] + ((h >> 9) & 1)
        f = data[i:i + size]
        if b"Xing" not in f[:48] and b"Info" not in f[:48]:
            out.append(f)
        i += size
    return out


def run(cmd):
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)


def meta_escape(s):
    for c in "\\=;#\n":
        s = s.replace(c, "\\" + c)
    return s


def clips_of(ep):
    """(start seconds, text) for every spoken clip of an episode."""
    chs, dur = ep["chapters"], ep["duration"]
    if not chs:
        out = [(0, f"{ep['title']}. This episode has no chapters.")]
        out += [(m * 60, f"{m} minutes.") for m in range(10, int(dur // 60) + 1, 10)]
        return out
    out = []
    for n, (start, title) in enumerate(chs, 1):
        if start >= dur:
            break  # past the end of the audio: listed, but nothing to hear
        text = f"Chapter {n}. {title}"
        out.append((start, f"{ep['title']}. {text}" if n == 1 else text))
    return out


def build(ep, silence, tmp):
    name = os.path.basename(ep["file"])
    work = os.path.join(tmp, name)
    os.makedirs(work)
    clips = clips_of(ep)
    # 1. speech clips (espeak-ng writes 22.05 kHz WAV)
    lens = []
    for k, (_, text) in enumerate(clips):
        wav = os.path.join(work, f"{k}.wav")
        run(["espeak-ng", "-v", "en-us", "-s", "165", "-w", wav, text])
        with wave.open(wav) as w:
            secs = w.getnframes() / w.getframerate()
        lens.append(math.ceil((secs + 0.5) * RATE / SPF))  # frames, >= 0.5 s tail
    # 2. all clips of the episode in one encode, each padded to whole frames
    cmd = FF[:]
    for k in range(len(clips)):
        cmd += ["-i", os.path.join(work, f"{k}.wav")]
    graph = "".join(f"[{k}:a]aresample={RATE},apad=whole_len={n * SPF}[a{k}];"
                    for k, n in enumerate(lens))
    graph += "".join(f"[a{k}]" for k in range(len(clips)))
    graph += f"concat=n={len(clips)}:v=0:a=1[out]"
    speech_mp3 = os.path.join(work, "speech.mp3")
    run(cmd + ["-filter_complex", graph, "-map", "[out]"] + ENC + [speech_mp3])
    speech = frames(speech_mp3)
    # 3. lay the clips out on the silent timeline
    total = math.ceil(ep["duration"] / FRAME_S)
    raw = os.path.join(work, "raw.mp3")
    with open(raw, "wb") as out:
        pos, first = 0, 0
        for k, (start, _) in enumerate(clips):
            at = min(round(start / FRAME_S), total)
            nxt = round(clips[k + 1][0] / FRAME_S) if k + 1 < len(clips) else total
            out.write(silence * max(0, at - pos))
            pos = max(pos, at)
            seg = speech[first:first + lens[k]][:max(0, min(nxt, total) - pos)]
            out.write(b"".join(seg))
            pos += len(seg)
            first += lens[k]
        out.write(silence * max(0, total - pos))
    # 4. remux: ID3v2.3 tag, CHAP frames when the plan says so
    meta = os.path.join(work, "meta.txt")
    with open(meta, "w", encoding="utf-8") as m:
        m.write(";FFMETADATA1\n")
        m.write(f"title={meta_escape(ep['title'])}\n")
        m.write(f"comment={meta_escape('podcue demo audio: synthesized chapter announcements')}\n")
        if ep["embed"]:
            end_ms = int(ep["duration"] * 1000)
            chs = [c for c in ep["chapters"] if c[0] * 1000 < end_ms]
            for n, (start, title) in enumerate(chs):
                stop = chs[n + 1][0] if n + 1 < len(chs) else ep["duration"]
                m.write(f"[CHAPTER]\nTIMEBASE=1/1000\nSTART={int(round(start * 1000))}\n"
                        f"END={int(round(stop * 1000))}\ntitle={meta_escape(title)}\n")
    dest = os.path.join(demo, ep["file"])
    os.makedirs(os.path.dirname(dest), exist_ok=True)
    run(FF + ["-i", raw, "-f", "ffmetadata", "-i", meta, "-map", "0:a", "-map_metadata", "1",
              "-map_chapters", "1" if ep["embed"] else "-1", "-c", "copy",
              "-id3v2_version", "3", dest + ".part.mp3"])
    os.replace(dest + ".part.mp3", dest)
    shutil.rmtree(work)
    return os.path.getsize(dest)


t0 = time.monotonic()
tmp = tempfile.mkdtemp(prefix="podcue-demo-")
try:
    sil = os.path.join(tmp, "silence.mp3")
    run(FF + ["-f", "lavfi", "-i", f"anullsrc=r={RATE}:cl=mono", "-t", "3"] + ENC + [sil])
    fr = frames(sil)
    silence = fr[len(fr) // 2]  # a steady-state silent frame
    assert len(silence) == KBPS * 1000 * SPF // 8 // RATE, len(silence)
    jobs = max(2, min(4, os.cpu_count() or 2))
    with cf.ThreadPoolExecutor(jobs) as pool:
        sizes = list(pool.map(lambda ep: build(ep, silence, tmp), plan))
finally:
    shutil.rmtree(tmp, ignore_errors=True)
hours = sum(ep["duration"] for ep in plan) / 3600
print(f"demo: audio: {len(plan)} files, {hours:.1f} h, {sum(sizes) / 1e6:.0f} MB "
      f"in {time.monotonic() - t0:.1f} s ({jobs} jobs)")
PY
	echo "$stamp" >"$DEMO_DIR/audio/.stamp"
	if [ -n "$CACHE" ]; then
		# Complete sets only (copied aside, then renamed); older sets go.
		# A failure here only costs the next run the generation.
		if mkdir -p "$DEMO_AUDIO_CACHE" &&
			new=$(mktemp -d "$DEMO_AUDIO_CACHE/.new.XXXXXX"); then
			if cp -R "$DEMO_DIR/audio/." "$new/"; then
				for old in "$DEMO_AUDIO_CACHE"/*; do
					[ "$old" = "$CACHE" ] || rm -rf "$old"
				done
				[ -e "$CACHE" ] || mv "$new" "$CACHE" || :
			fi
			rm -rf "$new"
		fi
	fi
fi

[ $audio_only -eq 1 ] && exit 0

# --- 3. subscribe (the real engine; local paths become file:// URLs) ----------
pc() { "$PODCUE" --db "$DB" --config "$CFG" "$@"; }
subscribed() {
	pc podcasts --json 2>/dev/null | python3 -c \
		'import json,sys; sys.exit(len(json.load(sys.stdin)) != 2)' 2>/dev/null
}
if [ -f "$DB" ] && subscribed && pc refresh >"$DEMO_DIR/refresh.log" 2>&1; then
	say "library refreshed ($(tail -1 "$DEMO_DIR/refresh.log"))"
else
	# First run, or a database that does not match (moved checkout, half-made).
	rm -f "$DB" "$DB-wal" "$DB-shm" "$DB-journal"
	pc add "$DEMO_DIR/database-school.xml" "$DEMO_DIR/geeknarrator.xml" |
		sed 's/^/demo: /'
fi

[ $prepare_only -eq 1 ] && exit 0

# --- 4. open podcue -------------------------------------------------------------
show_listing() {
	P=$(show "$PODCUE")
	case $P in */*) ;; *) P="./$P" ;; esac
	F="--db $(show "$DB") --config $(show "$CFG")"
	echo
	pc episodes
	# ids of the newest episode and of a few with interesting chapters
	# shellcheck disable=SC2046 # four ids, split on purpose
	set -- $(pc episodes --json | python3 -c '
import json, sys
d = json.load(sys.stdin)
ids = {e["guid"]: e["id"] for e in d}
print(d[0]["id"], *(ids.get("database-school-" + s, "?") for s in ("marcel", "prisma", "tigris")))')
	newest=$1
	echo
	pc show "$newest" | sed -n '1,8p'
	echo
	echo "Chapters, merged from every source:"
	pc chapters "$newest"
	cat <<EOF

---------------------------------------------------------------------------
The demo library lives in $(show "$DEMO_DIR") (your own podcasts are untouched).
Try these:
  $P $F podcasts
  $P $F episodes 1
  $P $F chapters $2    # bulleted chapters in the notes, some past the end
  $P $F chapters $3    # Podlove chapters in the feed, titles merged with the notes
  $P $F chapters $4    # chapters read from the MP3's own ID3 tag
  $P $F show $2 --json
  $P $F episodes --json
  $P $F refresh
  ffprobe -hide_banner -show_chapters $(show "$DEMO_DIR")/audio/ep-tigris.mp3    # ID3 CHAP frames (episode $4)
  mpv --start=95 $(show "$DEMO_DIR")/audio/ep-tigris.mp3    # hear chapter 2 announced
Every episode's audio speaks "Chapter N. <title>" at each chapter start.
---------------------------------------------------------------------------
EOF
}

# On a terminal the demo opens the TUI (its log under the demo directory);
# piped or in CI it prints the listing instead. With no audio device podcue
# plays silently and says so on the status line (--mpv-option ao=null
# silences it on purpose).
exec_podcue_ui() {
	if [ -t 0 ] && [ -t 1 ]; then
		echo "Opening podcue on the demo library (press ? for keys, q to quit)..."
		sleep 1
		# shellcheck disable=SC2086 # KEY=VALUE words, split on purpose
		XDG_STATE_HOME="$DEMO_DIR/state" exec "$PODCUE" --db "$DB" --config "$CFG" $mpv_opts
	fi
	show_listing
}

exec_podcue_ui
