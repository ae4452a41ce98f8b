#!/usr/bin/env python3
"""gen_library.py - a deterministic, realistic podcast library for `make bench`.

    python3 bench/gen_library.py --out DIR --base-url URL \
        [--feeds 300] [--episodes 100] [--seed 1] [--bump K --tag T]

Writes under DIR:
    feeds/feed-NNN.xml            RSS 2.0 + iTunes + content + podcast namespaces
    chapters/feed-NNN/ep-MMM.json Podcasting 2.0 JSON chapters (some items)
    feeds.opml                    every feed, for `podcue import`
    urls.txt                      every feed URL, one per line

URL is where DIR is served (e.g. http://127.0.0.1:PORT/); feed and chapter
URLs are built from it, enclosures point at a fake CDN (never fetched).

Every item has 1-4 KB of HTML show notes in content:encoded. Most carry a
chapter list in one of the shapes real show notes use:
    <p>00:00 - Intro<br>01:27 - Topic one<br>...</p>
    <ul><li>0:20 – Meet the guest</li>...</ul>
    hour forms "1:01:03 - ..." (long episodes)
    "Chapters00:00 - Intro01:27 - ..." (run together, lost line breaks)
    "[00:00] Intro" / "(0:00) Intro" bracketed lines
and prose with false positives (clock times, "?t=12:30" links, 16:9).
About one item in four also has <podcast:chapters url=... type=
"application/json+chapters"/> pointing at a generated JSON file.

--bump K rewrites only feeds 0..K-1, each with one extra (newest) item
whose guid contains TAG, so their bodies and ETags change; nothing else
is touched. The same arguments always give byte-identical files.
"""

import argparse
import json
import os
import random
import sys
from xml.sax.saxutils import escape

WORDS = (
    "the a of and to in we talk about how why what when with from our guest "
    "episode show today week news update interview story history science "
    "music code design rust python linux kernel database sqlite postgres "
    "startup market product team remote work life coffee book movie game "
    "climate energy solar battery ocean forest city travel food recipe "
    "garden health sleep brain memory learning teacher student school art "
    "photography camera film sound audio microphone editing release bug "
    "feature community open source license privacy security network cloud"
).split()

TOPICS = (
    "Intro", "Welcome back", "Meet the guest", "News of the week",
    "Listener mail", "Sponsor break", "Deep dive", "The early years",
    "What went wrong", "Lessons learned", "Tools we use", "Rapid fire",
    "Picks of the week", "Where to find us", "Outro", "Lev's journey",
    "Transition to management", "Q&A", "Behind the scenes", "Wrap-up",
    "Café talk — über edition", "Numbers & data", "Open questions",
)

GUESTS = ("Marcel", "Aiko", "Priya", "Tomás", "Ingrid", "Kwame", "Lena",
          "Ravi", "Zoë", "Dmitri", "Ana", "Yusuf")


def sentence(rng, n=None):
    n = n or rng.randint(8, 22)
    w = [rng.choice(WORDS) for _ in range(n)]
    w[0] = w[0].capitalize()
    return " ".join(w) + rng.choice((".", ".", ".", "!", "?"))


def fmt_ts(sec, style):
    h, rem = divmod(sec, 3600)
    m, s = divmod(rem, 60)
    if style == "hms" or h:
        return "%d:%02d:%02d" % (h, m, s) if style != "hhmmss" else \
            "%02d:%02d:%02d" % (h, m, s)
    if style == "mm":
        return "%02d:%02d" % (m, s)
    return "%d:%02d" % (m, s)


def chapter_times(rng, n, duration, start=0):
    pts = sorted(rng.sample(range(start + 30, max(start + 31 + n, duration - 60)),
                            n - 1))
    return [start] + pts


def chapter_titles(rng, n, guest):
    t = []
    for i in range(n):
        x = rng.choice(TOPICS)
        if x == "Meet the guest":
            x = "Meet " + guest
        elif rng.random() < 0.4:
            x = x + ": " + " ".join(rng.choice(WORDS) for _ in range(rng.randint(1, 5)))
        t.append(x)
    t[0] = "Intro"
    return t


def chapter_html(rng, shape, times, titles):
    """One chapter list as show-note HTML, in the given shape."""
    e = escape
    if shape == "p_br":
        rows = ["%s - %s" % (fmt_ts(s, "mm"), e(t)) for s, t in zip(times, titles)]
        return "<p>" + "<br>".join(rows) + "</p>"
    if shape == "ul_li":
        rows = ["<li>%s – %s</li>" % (fmt_ts(s, "m"), e(t)) for s, t in zip(times, titles)]
        return "<p>Chapters:</p><ul>" + "".join(rows) + "</ul>"
    if shape == "hours":
        rows = ["%s - %s" % (fmt_ts(s, "hms"), e(t)) for s, t in zip(times, titles)]
        return "<p><strong>Timestamps</strong><br>" + "<br>\n".join(rows) + "</p>"
    if shape == "glued":
        rows = ["%s - %s" % (fmt_ts(s, "mm"), e(t)) for s, t in zip(times, titles)]
        return "<p>Chapters" + "".join(rows) + "</p>"
    if shape == "bracket":
        rows = ["[%s] %s" % (fmt_ts(s, "mm"), e(t)) for s, t in zip(times, titles)]
        return "<div>" + "".join("<div>%s</div>" % r for r in rows) + "</div>"
    if shape == "paren":
        rows = ["(%s) %s" % (fmt_ts(s, "m"), e(t)) for s, t in zip(times, titles)]
        return "<p>" + "<br/>".join(rows) + "</p>"
    return ""


def distractor(rng):
    """Prose that contains time-like strings that are not chapters."""
    return rng.choice((
        "<p>We recorded this live on 2025-05-14 10:00 in front of an audience.</p>",
        "<p>Jump to the good part: <a href=\"https://youtu.be/xyz?t=12:30\">"
        "https://youtu.be/xyz?t=12:30</a></p>",
        "<p>Shot in 16:9 at 3:2 ratio, we start at 19:00 sharp next time.</p>",
        "<p>The meetup is at 10:00 am, doors open at 9:30 pm the day before.</p>",
        "<p>Final score was 3.14:15 in overtime, or so they say.</p>",
    ))


def prose_html(rng, target, ep_link):
    parts = []
    size = 0
    k = 0
    while size < target:
        r = rng.random()
        if r < 0.15:
            href = "https://example.org/%s/%d" % (rng.choice(WORDS), rng.randint(1, 9999))
            p = "<p>Links: <a href=\"%s\">%s</a> and <a href=\"%s\">the episode page</a>.</p>" % (
                href, escape(sentence(rng, 4)), ep_link)
        elif r < 0.25:
            p = "<ul>" + "".join("<li>%s</li>" % escape(sentence(rng, 6))
                                 for _ in range(rng.randint(2, 5))) + "</ul>"
        elif r < 0.32:
            p = distractor(rng)
        else:
            p = "<p>%s</p>" % " ".join(escape(sentence(rng)) for _ in range(rng.randint(1, 4)))
        parts.append(p)
        size += len(p)
        k += 1
    return parts


SHAPES = ("p_br", "p_br", "ul_li", "ul_li", "hours", "glued", "bracket", "paren", None, None)


def make_item(rng, fi, ej, base, pub, tag=None):
    """Returns (item_xml, json_chapters_or_None, json_rel_path)."""
    guest = rng.choice(GUESTS)
    duration = rng.choice((rng.randint(900, 3500), rng.randint(3600, 9000)))
    shape = rng.choice(SHAPES)
    if shape == "hours" and duration < 3700:
        duration += 3700
    n_ch = rng.randint(3, 14)
    times = chapter_times(rng, n_ch, duration)
    titles = chapter_titles(rng, n_ch, guest)
    ep_link = "https://podcast-%03d.example.com/episodes/%d" % (fi, ej)
    target = rng.randint(1024, 4096)
    chap = chapter_html(rng, shape, times, titles) if shape else ""
    prose = prose_html(rng, max(200, target - len(chap)), ep_link)
    cut = rng.randint(1, max(1, min(2, len(prose))))
    notes = "".join(prose[:cut]) + chap + "".join(prose[cut:])

    title = "%s #%d: %s with %s" % ("Episode", ej, " ".join(
        rng.choice(WORDS) for _ in range(rng.randint(2, 6))).title(), guest)
    if tag:
        title = "Bonus %s: %s" % (tag, title)
    guid = "podcast-%03d-ep-%d%s" % (fi, ej, "-" + tag if tag else "")
    enc = "https://cdn.example.net/podcast-%03d/ep-%d%s.mp3" % (fi, ej, "-" + tag if tag else "")
    dur = str(duration) if rng.random() < 0.5 else fmt_ts(duration, "hhmmss")
    json_rel = None
    jc = None
    extra = ""
    if rng.random() < 0.25:
        json_rel = "chapters/feed-%03d/ep-%d%s.json" % (fi, ej, "-" + tag if tag else "")
        jc = {"version": "1.2.0", "chapters": [
            {"startTime": s, "title": t} for s, t in zip(times, titles)]}
        if rng.random() < 0.5:
            jc["chapters"][0]["img"] = "https://podcast-%03d.example.com/ch/%d.jpg" % (fi, ej)
        extra = '\n      <podcast:chapters url="%s%s" type="application/json+chapters"/>' % (
            base, json_rel)
    item = """    <item>
      <title>%s</title>
      <link>%s</link>
      <guid isPermaLink="false">%s</guid>
      <pubDate>%s</pubDate>
      <description>%s</description>
      <content:encoded><![CDATA[%s]]></content:encoded>
      <enclosure url="%s" length="%d" type="audio/mpeg"/>
      <itunes:duration>%s</itunes:duration>
      <itunes:episode>%d</itunes:episode>
      <itunes:episodeType>full</itunes:episodeType>
      <itunes:image href="https://podcast-%03d.example.com/art/%d.jpg"/>
      <itunes:explicit>false</itunes:explicit>%s
    </item>
""" % (escape(title), ep_link, guid, rfc822(pub), escape(sentence(rng)), notes, enc,
       duration * 16000, dur, ej, fi, ej, extra)
    return item, jc, json_rel


DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct",
          "Nov", "Dec")


def rfc822(t):
    import time
    g = time.gmtime(t)
    return "%s, %02d %s %04d %02d:%02d:%02d +0000" % (
        DAYS[g.tm_wday], g.tm_mday, MONTHS[g.tm_mon - 1], g.tm_year,
        g.tm_hour, g.tm_min, g.tm_sec)


EPOCH = 1763683200  # 2025-11-21 00:00 UTC: newest regular episode


def write(path, data):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    tmp = path + ".tmp"
    with open(tmp, "w", encoding="utf-8") as fh:
        fh.write(data)
    os.replace(tmp, path)


def gen_feed(out, base, seed, fi, n_eps, tag=None):
    rng = random.Random(seed * 1000003 + fi)
    name = "%s %s Podcast" % (rng.choice(WORDS).title(), rng.choice(WORDS).title())
    items = []
    step = 7 * 86400
    if tag:
        # the bump item: its own deterministic stream, newest of all
        brng = random.Random("%d/%d/%s" % (seed, fi, tag))
        item, jc, rel = make_item(brng, fi, n_eps + 1, base, EPOCH + 86400, tag)
        items.append(item)
        if jc:
            write(os.path.join(out, rel), json.dumps(jc, indent=1))
    for k in range(n_eps):
        ej = n_eps - k  # newest first
        item, jc, rel = make_item(rng, fi, ej, base, EPOCH - k * step - fi * 3600)
        items.append(item)
        if jc and not tag:
            write(os.path.join(out, rel), json.dumps(jc, indent=1))
    doc = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd"
     xmlns:content="http://purl.org/rss/1.0/modules/content/"
     xmlns:atom="http://www.w3.org/2005/Atom"
     xmlns:podcast="https://podcastindex.org/namespace/1.0">
  <channel>
    <title>%s</title>
    <link>https://podcast-%03d.example.com/</link>
    <atom:link href="%sfeeds/feed-%03d.xml" rel="self" type="application/rss+xml"/>
    <description>%s</description>
    <language>en-us</language>
    <itunes:author>%s</itunes:author>
    <itunes:image href="https://podcast-%03d.example.com/cover.jpg"/>
    <image><url>https://podcast-%03d.example.com/cover.jpg</url><title>%s</title>
      <link>https://podcast-%03d.example.com/</link></image>
    <itunes:category text="Technology"/>
    <itunes:explicit>false</itunes:explicit>
    <podcast:guid>00000000-0000-4000-8000-%012d</podcast:guid>
%s  </channel>
</rss>
""" % (escape(name), fi, base, fi, escape(sentence(rng, 30)), rng.choice(GUESTS), fi, fi,
       escape(name), fi, fi, "".join(items))
    write(os.path.join(out, "feeds", "feed-%03d.xml" % fi), doc)
    return len(doc.encode())


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", required=True)
    ap.add_argument("--base-url", required=True)
    ap.add_argument("--feeds", type=int, default=300)
    ap.add_argument("--episodes", type=int, default=100)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--bump", type=int, default=0,
                    help="rewrite feeds 0..K-1 with one new item each")
    ap.add_argument("--tag", default="b1", help="label of the bump item")
    a = ap.parse_args()
    base = a.base_url if a.base_url.endswith("/") else a.base_url + "/"
    if a.bump:
        for fi in range(min(a.bump, a.feeds)):
            gen_feed(a.out, base, a.seed, fi, a.episodes, a.tag)
        return 0
    total = 0
    for fi in range(a.feeds):
        total += gen_feed(a.out, base, a.seed, fi, a.episodes)
    urls = ["%sfeeds/feed-%03d.xml" % (base, fi) for fi in range(a.feeds)]
    write(os.path.join(a.out, "urls.txt"), "".join(u + "\n" for u in urls))
    opml = ['<?xml version="1.0" encoding="UTF-8"?>',
            '<opml version="2.0"><head><title>bench</title></head><body>']
    for fi, u in enumerate(urls):
        opml.append('  <outline type="rss" text="feed %03d" xmlUrl="%s"/>' % (fi, escape(u)))
    opml.append("</body></opml>\n")
    write(os.path.join(a.out, "feeds.opml"), "\n".join(opml))
    sys.stderr.write("gen_library: %d feeds x %d episodes, %.1f MB of XML\n" % (
        a.feeds, a.episodes, total / 1e6))
    return 0


if __name__ == "__main__":
    sys.exit(main())
