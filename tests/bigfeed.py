#!/usr/bin/env python3
"""A big RSS feed for the end-to-end scripts that store thousands of
episodes (batches.sh, bgindex.sh).

    bigfeed.py PATH N TAG EXTRA [--uniq]

Writes N + EXTRA items, newest first (guid TAG-e, title "Episode e"), each
with an hour's duration, an enclosure, and notes of twenty sentences with a
chapter list (00:00 Intro, 10:00 Middle part e, 50:00 End); --uniq adds a
word of the episode's own to its notes (uniq<e>x) and a link to its page.
EXTRA 1 is the same feed with one new item at the top.
"""
import sys

path, n, tag, extra = sys.argv[1], int(sys.argv[2]), sys.argv[3], int(sys.argv[4])
uniq = "--uniq" in sys.argv[5:]
out = ['<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0" '
       'xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd"><channel>'
       "<title>Big %s</title><link>https://example.org/</link>\n" % tag]
for e in range(n + extra - 1, -1, -1):
    words = ("Words about episode %d. " % e) * 20 + (
        ' uniq%dx <a href="https://example.org/e/%d">page</a>' % (e, e) if uniq else "")
    out.append("<item><guid>%s-%d</guid><title>Episode %d</title>"
               "<pubDate>Mon, 01 Jan 2024 00:00:00 GMT</pubDate>"
               "<itunes:duration>1:00:00</itunes:duration>"
               "<enclosure url=\"https://media.example/%s/%d.mp3\" type=\"audio/mpeg\" length=\"1\"/>"
               "<description><![CDATA[<p>%s</p><p>00:00 Intro</p><p>10:00 Middle part %d</p>"
               "<p>50:00 End</p>]]></description></item>\n"
               % (tag, e, e, tag, e, words, e))
out.append("</channel></rss>\n")
open(path, "w").write("".join(out))
