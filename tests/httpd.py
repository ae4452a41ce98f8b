#!/usr/bin/env python3
"""httpd.py - loopback HTTP/1.1 test server for podcue (python3 stdlib only).

    python3 tests/httpd.py --root DIR [--port 0] [--port-file FILE] [--log FILE]

Binds 127.0.0.1 only. When ready, writes the port to --port-file (atomically:
written to a temporary name, then renamed). Logs one JSON object per request
to --log with the keys path, method, if_none_match, if_modified_since,
accept_encoding, range, status, plus t0/t1 (wall-clock start and end of the
handling, end taken just before the response head is sent) and active (requests in
flight when this one started, itself included). The line is written before
the response is sent, so a client that has read a response finds its line.

Static files under --root get a strong ETag and Last-Modified and honour
If-None-Match / If-Modified-Since (304), Range (206) and HEAD. Responses
for .xml/.json/.opml/.rss (or any file with ?gzip=1) are gzip-compressed
when the client accepts gzip; the tag and the compressed body are computed
once per version of a file (its mtime and bytes), as a static host would.

Behaviour routes under /_/:
  /_/status/NNN                  that status with a small body
  /_/redirect/CODE/N/<path>      CODE redirect to .../N-1/<path>; N=0 -> /<path>
  /_/redirect-mixed/<path>       301, then 302, then /<path>
  /_/redirect-to?url=X           302 to X
  /_/loop                        301 to itself
  /_/hang                        read the request, never answer
  /_/retry-after/CODE?after=S    CODE (429 or 503) with "Retry-After: S";
  /_/retry-after/CODE?date=S     or with an HTTP date S seconds from now
  /_/drip?bytes=N                headers, then one byte per second
  /_/huge?mb=N                   N MB of XML-ish filler, chunked, no length
  /_/gzipbomb                    ~1 MB gzip body decoding to 1 GiB of zeros
  /_/garbage?bytes=N             random bytes as application/rss+xml
  /_/type?file=<path>&ct=<type>  a file under --root with a lying type
  /_/delay?ms=N                  a small text body after N ms (max 10 s)
  /_/norange/<path>[?rate=B]     a file under --root, ignoring Range (always
                                 200 with the whole body, no Accept-Ranges),
                                 as python's http.server serves files; with
                                 rate, B bytes a second
  /_/cut/<path>?at=N[&rate=B]    a file under --root as a static file (same
                                 ETag), but a request without Range gets the
                                 full length announced and only the first N
                                 bytes before the connection is closed (at
                                 most B bytes a second with rate)
  /_/lie/<path>?extra=N          a file under --root announcing N bytes more
                                 than it sends, then closing

Static files honour If-Range (an ETag or a Last-Modified date): a Range
whose If-Range does not match the current file gets the whole file (200).

SIGTERM or SIGINT stops the server within a second.
"""

import argparse
import email.utils
import gzip
import hashlib
import http.server
import json
import os
import signal
import socketserver
import struct
import sys
import threading
import time
import urllib.parse
import zlib

GZIP_EXTS = (".xml", ".json", ".opml", ".rss")
FILE_CACHE_BYTES = 512 << 20
TYPES = {
    ".xml": "application/xml",
    ".rss": "application/rss+xml",
    ".opml": "text/x-opml",
    ".json": "application/json",
    ".txt": "text/plain; charset=utf-8",
    ".html": "text/html; charset=utf-8",
    ".mp3": "audio/mpeg",
    ".m4a": "audio/mp4",
    ".ogg": "audio/ogg",
    ".opus": "audio/ogg",
    ".wav": "audio/wav",
    ".flac": "audio/flac",
    ".jpg": "image/jpeg",
    ".png": "image/png",
}
MB = 1 << 20


def make_gzip_bomb(mib=1024):
    """A single-member gzip stream of mib MiB of zeros, built from one
    repeated deflate unit (full flush resets the compressor, so every 1 MiB
    unit compresses to the same bytes)."""
    zeros = bytes(MB)
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    c.compress(zeros)
    c.flush(zlib.Z_FULL_FLUSH)
    unit = c.compress(zeros) + c.flush(zlib.Z_FULL_FLUSH)
    crc = 0
    for _ in range(mib):
        crc = zlib.crc32(zeros, crc)
    head = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\xff"
    tail = zlib.compressobj(9, zlib.DEFLATED, -15).flush(zlib.Z_FINISH)
    trailer = struct.pack("<II", crc, (mib * MB) & 0xFFFFFFFF)
    return head + unit * mib + tail + trailer


class State:
    def __init__(self, root, log_path):
        self.root = os.path.realpath(root)
        self.log = open(log_path, "a", buffering=1) if log_path else None
        self.lock = threading.Lock()
        self.active = 0
        self.stop = threading.Event()
        self._bomb = None
        self._bomb_lock = threading.Lock()
        # (path, mtime) -> (the bytes, etag tag, gzip body or None); several
        # versions of a file may be kept (a benchmark flips between two), up
        # to FILE_CACHE_BYTES in all.
        self.files = {}
        self.files_bytes = 0

    def file_entry(self, full, data, mtime, want_gz):
        """The ETag tag and (when want_gz) the gzip body of a file, computed
        once per version of it: a static host keeps a file's compressed form
        instead of deflating it per request (the way gzip_static or a CDN
        does), so the server's CPU does not crowd out the clients a
        benchmark measures. A version is its mtime and its exact bytes, so a
        file rewritten within one timestamp tick is still seen as new."""
        key = (full, mtime)
        hit = self.files.get(key)
        if hit and hit[0] == data and (hit[2] is not None or not want_gz):
            return hit[1], hit[2]
        tag = hashlib.sha1(data + repr(mtime).encode()).hexdigest()[:20]
        gz = gzip.compress(data, mtime=0) if want_gz else None
        with self.lock:
            old = self.files.pop(key, None)
            if old:
                self.files_bytes -= len(old[0]) + len(old[2] or b"")
            if self.files_bytes > FILE_CACHE_BYTES:
                self.files.clear()
                self.files_bytes = 0
            self.files[key] = (data, tag, gz)
            self.files_bytes += len(data) + len(gz or b"")
        return tag, gz

    def bomb(self):
        with self._bomb_lock:
            if self._bomb is None:
                self._bomb = make_gzip_bomb()
            return self._bomb

    def write_log(self, rec):
        if not self.log:
            return
        line = json.dumps(rec)
        with self.lock:
            self.log.write(line + "\n")
            self.log.flush()


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # Headers and body go out as separate writes; with Nagle's algorithm on,
    # a keep-alive client's delayed ACK then stalls every reused connection
    # by ~40 ms, which would distort benchmarks and slow the tests.
    disable_nagle_algorithm = True
    server_version = "podcue-testd/1"

    # ---- plumbing ----------------------------------------------------

    def log_message(self, *args):
        pass

    @property
    def st(self):
        return self.server.state

    def send_response(self, code, message=None):
        self._status = code
        super().send_response(code, message)

    def mark_end(self):
        """The response is about to go out: take t1 and write the log line
        now, so a client that saw the response always finds it."""
        if self._t1 is None:
            self._t1 = time.time()
        self.log_request_now()

    def _begin(self):
        self._status = None
        self._t1 = None
        self._logged = False
        self._t0 = time.time()
        with self.st.lock:
            self.st.active += 1
            self._active = self.st.active

    def _finish(self):
        with self.st.lock:
            self.st.active -= 1
        self.log_request_now()

    def log_request_now(self):
        if self._logged:
            return
        self._logged = True
        h = self.headers
        self.st.write_log({
            "path": self.path,
            "method": self.command,
            "if_none_match": h.get("If-None-Match"),
            "if_modified_since": h.get("If-Modified-Since"),
            "accept_encoding": h.get("Accept-Encoding"),
            "range": h.get("Range"),
            "if_range": h.get("If-Range"),
            "status": self._status,
            "t0": self._t0,
            "t1": self._t1 if self._t1 is not None else time.time(),
            "active": self._active,
        })

    def _dispatch(self):
        self._begin()
        try:
            self.route()
        except (BrokenPipeError, ConnectionResetError, ConnectionAbortedError):
            self.close_connection = True
        finally:
            self._finish()

    def do_GET(self):
        self._dispatch()

    def do_HEAD(self):
        self._dispatch()

    def reply(self, code, body=b"", ctype="text/plain; charset=utf-8",
              headers=None):
        """A complete response with Content-Length (no body for HEAD,
        1xx, 204 and 304)."""
        if isinstance(body, str):
            body = body.encode()
        no_body = code in (204, 304) or code < 200
        self.send_response(code)
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        if not no_body:
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
        self.mark_end()
        self.end_headers()
        if not no_body and self.command != "HEAD":
            self.wfile.write(body)

    def query(self):
        q = urllib.parse.urlsplit(self.path).query
        return {k: v[-1] for k, v in urllib.parse.parse_qs(q).items()}

    def qint(self, name, default, lo=0, hi=1 << 30):
        try:
            v = int(self.query().get(name, default))
        except ValueError:
            v = default
        return max(lo, min(hi, v))

    def accepts_gzip(self):
        for part in (self.headers.get("Accept-Encoding") or "").split(","):
            bits = [b.strip() for b in part.split(";")]
            if bits[0].lower() not in ("gzip", "x-gzip"):
                continue
            q = [b for b in bits[1:] if b.lower().startswith("q=")]
            try:
                return not q or float(q[0][2:]) > 0
            except ValueError:
                return True
        return False

    # ---- routing -----------------------------------------------------

    def route(self):
        path = urllib.parse.unquote(urllib.parse.urlsplit(self.path).path)
        if not path.startswith("/_/"):
            return self.serve_file(path[1:])
        parts = path[3:].split("/")
        name, rest = parts[0], parts[1:]
        handler = {
            "status": self.r_status,
            "redirect": self.r_redirect,
            "redirect-mixed": self.r_redirect_mixed,
            "redirect-to": self.r_redirect_to,
            "loop": self.r_loop,
            "hang": self.r_hang,
            "retry-after": self.r_retry_after,
            "drip": self.r_drip,
            "huge": self.r_huge,
            "gzipbomb": self.r_gzipbomb,
            "garbage": self.r_garbage,
            "type": self.r_type,
            "delay": self.r_delay,
            "norange": self.r_norange,
            "cut": self.r_cut,
            "lie": self.r_lie,
        }.get(name)
        if handler is None:
            return self.reply(404, "no such route\n")
        return handler(rest)

    def redirect(self, code, location):
        self.reply(code, "redirecting to %s\n" % location,
                   headers={"Location": location})

    def r_status(self, rest):
        try:
            code = int(rest[0])
        except (IndexError, ValueError):
            return self.reply(400, "bad status\n")
        if not 100 <= code <= 599 or code < 200:
            return self.reply(400, "bad status\n")
        self.reply(code, "status %d\n" % code)

    def _keep_query(self, location):
        q = urllib.parse.urlsplit(self.path).query
        return location + ("?" + q if q else "")

    def r_redirect(self, rest):
        try:
            code, n, target = int(rest[0]), int(rest[1]), "/".join(rest[2:])
        except (IndexError, ValueError):
            return self.reply(400, "bad redirect\n")
        if code not in (301, 302, 303, 307, 308) or n < 0:
            return self.reply(400, "bad redirect\n")
        if n == 0:
            loc = "/" + target
        else:
            loc = "/_/redirect/%d/%d/%s" % (code, n - 1, target)
        self.redirect(code, self._keep_query(loc))

    def r_redirect_mixed(self, rest):
        loc = "/_/redirect/302/0/" + "/".join(rest)
        self.redirect(301, self._keep_query(loc))

    def r_redirect_to(self, rest):
        url = self.query().get("url")
        if not url:
            return self.reply(400, "missing url\n")
        self.redirect(302, url)

    def r_loop(self, rest):
        self.redirect(301, "/_/loop")

    def r_hang(self, rest):
        self.close_connection = True
        self.log_request_now()
        self.st.stop.wait()

    def r_retry_after(self, rest):
        try:
            code = int(rest[0])
        except (IndexError, ValueError):
            return self.reply(400, "bad status\n")
        q = self.query()
        if "date" in q:
            when = time.time() + int(q["date"])
            value = email.utils.formatdate(when, usegmt=True)
        else:
            value = q.get("after", "60")
        self.reply(code, "come back later\n", headers={"Retry-After": value})

    def r_drip(self, rest):
        n = self.qint("bytes", 10, 0, 3600)
        self.send_response(200)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(n))
        self.mark_end()
        self.end_headers()
        self.wfile.flush()
        for _ in range(n):
            if self.st.stop.wait(1.0):
                self.close_connection = True
                return
            self.wfile.write(b"x")
            self.wfile.flush()

    def r_huge(self, rest):
        mb = self.qint("mb", 10, 0, 1 << 16)
        self.send_response(200)
        self.send_header("Content-Type", "application/rss+xml")
        self.send_header("Transfer-Encoding", "chunked")
        self.mark_end()
        self.end_headers()
        if self.command == "HEAD":
            return
        item = b"<item><title>filler</title><guid>x</guid></item>\n"
        block = item * (65536 // len(item))
        head = b'<?xml version="1.0"?>\n<rss><channel>\n'
        total = mb * MB
        sent = 0
        self._chunk(head)
        while sent < total and not self.st.stop.is_set():
            piece = block[: min(len(block), total - sent)]
            self._chunk(piece)
            sent += len(piece)
        self._chunk(b"</channel></rss>\n")
        self.wfile.write(b"0\r\n\r\n")

    def _chunk(self, data):
        if data:
            self.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))

    def r_gzipbomb(self, rest):
        self.reply(200, self.st.bomb(), ctype="application/rss+xml",
                   headers={"Content-Encoding": "gzip"})

    def r_garbage(self, rest):
        n = self.qint("bytes", 4096, 0, 16 * MB)
        self.reply(200, os.urandom(n), ctype="application/rss+xml")

    def r_type(self, rest):
        q = self.query()
        if "file" not in q:
            return self.reply(400, "missing file\n")
        self.serve_file(q["file"].lstrip("/"), ctype=q.get("ct", ""))

    def r_delay(self, rest):
        ms = self.qint("ms", 100, 0, 10000)
        if self.st.stop.wait(ms / 1000.0):
            self.close_connection = True
            return
        self.reply(200, "delayed %d ms\n" % ms)

    def r_norange(self, rest):
        full = self.resolve("/".join(rest))
        if full is None:
            return self.reply(404, "not found\n")
        with open(full, "rb") as fh:
            data = fh.read()
        ext = os.path.splitext(full)[1].lower()
        rate = self.qint("rate", 0, 0, 1 << 30)
        if not rate:
            return self.reply(200, data, TYPES.get(ext, "application/octet-stream"))
        self.send_response(200)
        self.send_header("Content-Type", TYPES.get(ext, "application/octet-stream"))
        self.send_header("Content-Length", str(len(data)))
        self.mark_end()
        self.end_headers()
        if self.command == "HEAD":
            return
        step = max(1, rate // 10)
        for off in range(0, len(data), step):
            if self.st.stop.wait(0.1):
                self.close_connection = True
                return
            self.wfile.write(data[off:off + step])

    def r_cut(self, rest):
        rel = "/".join(rest)
        if self.headers.get("Range"):
            return self.serve_file(rel)
        full = self.resolve(rel)
        if full is None:
            return self.reply(404, "not found\n")
        with open(full, "rb") as fh:
            data = fh.read()
            mtime = os.fstat(fh.fileno()).st_mtime
        tag, _ = self.st.file_entry(full, data, mtime, False)
        at = self.qint("at", len(data) // 2, 0, len(data))
        rate = self.qint("rate", 0, 0, 1 << 30)
        self.send_response(200)
        self.send_header("Content-Type", "audio/mpeg")
        self.send_header("Content-Length", str(len(data)))
        self.send_header("ETag", '"%s"' % tag)
        self.send_header("Last-Modified", email.utils.formatdate(mtime, usegmt=True))
        self.send_header("Accept-Ranges", "bytes")
        self.mark_end()
        self.end_headers()
        self.close_connection = True
        if self.command == "HEAD":
            return
        step = max(1, rate // 10) if rate else max(1, at)
        for off in range(0, at, step):
            if rate and self.st.stop.wait(0.1):
                return
            self.wfile.write(data[off:min(at, off + step)])
        self.wfile.flush()

    def r_lie(self, rest):
        full = self.resolve("/".join(rest))
        if full is None:
            return self.reply(404, "not found\n")
        with open(full, "rb") as fh:
            data = fh.read()
        self.send_response(200)
        self.send_header("Content-Type", "audio/mpeg")
        self.send_header("Content-Length", str(len(data) + self.qint("extra", 1000)))
        self.mark_end()
        self.end_headers()
        self.close_connection = True
        if self.command != "HEAD":
            self.wfile.write(data)
            self.wfile.flush()

    def if_range_ok(self, etag, last_modified):
        """No If-Range, or one naming the current version (a strong ETag
        compared exactly, or the Last-Modified date)."""
        v = self.headers.get("If-Range")
        if v is None:
            return True
        v = v.strip()
        if v.startswith('"') or v.startswith("W/"):
            return v == etag
        return v == last_modified

    # ---- static files ------------------------------------------------

    def resolve(self, rel):
        full = os.path.realpath(os.path.join(self.st.root, rel))
        if full != self.st.root and not full.startswith(self.st.root + os.sep):
            return None
        return full if os.path.isfile(full) else None

    def serve_file(self, rel, ctype=None):
        full = self.resolve(rel)
        if full is None:
            return self.reply(404, "not found\n")
        with open(full, "rb") as fh:
            data = fh.read()
            mtime = os.fstat(fh.fileno()).st_mtime
        ext = os.path.splitext(full)[1].lower()
        if ctype is None:
            ctype = TYPES.get(ext, "application/octet-stream")
        want_gz = (ext in GZIP_EXTS or self.query().get("gzip") == "1")
        use_gz = want_gz and self.accepts_gzip() and not self.headers.get("Range")
        tag, gz = self.st.file_entry(full, data, mtime, use_gz)
        etag = '"%s%s"' % (tag, "-gz" if use_gz else "")
        headers = {
            "ETag": etag,
            "Last-Modified": email.utils.formatdate(mtime, usegmt=True),
        }
        if want_gz:
            headers["Vary"] = "Accept-Encoding"
        if self.not_modified(tag, mtime):
            return self.reply(304, headers=headers)
        if use_gz:
            headers["Content-Encoding"] = "gzip"
            return self.reply(200, gz, ctype, headers)
        headers["Accept-Ranges"] = "bytes"
        rng = self.headers.get("Range")
        if rng and self.if_range_ok(etag, headers["Last-Modified"]):
            return self.serve_range(data, rng, ctype, headers)
        self.reply(200, data, ctype, headers)

    def not_modified(self, tag, mtime):
        inm = self.headers.get("If-None-Match")
        if inm is not None:
            for t in inm.split(","):
                t = t.strip()
                if t.startswith("W/"):
                    t = t[2:]
                if t == "*" or t.strip('"') in (tag, tag + "-gz"):
                    return True
            return False
        ims = self.headers.get("If-Modified-Since")
        if ims:
            try:
                when = email.utils.parsedate_to_datetime(ims).timestamp()
            except (TypeError, ValueError, IndexError):
                return False
            return int(mtime) <= when
        return False

    def serve_range(self, data, rng, ctype, headers):
        size = len(data)
        spec = rng.strip()
        span = None
        if spec.lower().startswith("bytes=") and "," not in spec:
            a, _, b = spec[6:].strip().partition("-")
            try:
                if a == "":
                    n = int(b)
                    span = (max(0, size - n), size - 1) if n > 0 else None
                else:
                    lo = int(a)
                    hi = int(b) if b else size - 1
                    span = (lo, min(hi, size - 1)) if lo <= hi else None
                    if lo >= size:
                        span = None
            except ValueError:
                span = None
            if span is None:
                headers["Content-Range"] = "bytes */%d" % size
                return self.reply(416, "range not satisfiable\n",
                                  headers=headers)
        else:
            return self.reply(200, data, ctype, headers)
        lo, hi = span
        headers["Content-Range"] = "bytes %d-%d/%d" % (lo, hi, size)
        self.reply(206, data[lo:hi + 1], ctype, headers)


class Server(http.server.ThreadingHTTPServer):
    daemon_threads = True
    # The default backlog of 5 drops SYNs when 8+ clients connect at once.
    request_queue_size = 128
    block_on_close = False
    allow_reuse_address = True

    def handle_error(self, request, client_address):
        pass


def write_port_file(path, port):
    tmp = "%s.tmp%d" % (path, os.getpid())
    with open(tmp, "w") as fh:
        fh.write("%d\n" % port)
    os.replace(tmp, path)


def main():
    ap = argparse.ArgumentParser(description="podcue loopback test server")
    ap.add_argument("--root", required=True)
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--port-file")
    ap.add_argument("--log")
    args = ap.parse_args()

    server = Server(("127.0.0.1", args.port), Handler)
    server.state = State(args.root, args.log)

    def on_signal(signum, frame):
        server.state.stop.set()
        threading.Thread(target=server.shutdown, daemon=True).start()

    threading.Thread(target=server.state.bomb, daemon=True).start()
    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    if args.port_file:
        write_port_file(args.port_file, server.server_address[1])
    try:
        server.serve_forever(poll_interval=0.1)
    finally:
        server.state.stop.set()
        server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
