#!/usr/bin/env python3
"""rawhttpd.py - a loopback server that answers HTTP badly, on purpose,
with raw bytes (python3 stdlib only; tests/httpd.py speaks proper HTTP).

    python3 tests/rawhttpd.py --port-file FILE

Binds 127.0.0.1 on a free port and writes it to FILE (atomically). By path:
  /nostatus    no status line: a bare body, then close
  /bighead     a status line, then one header line of a megabyte
  /liegzip     "Content-Encoding: gzip" over a plain (uncompressed) feed
  anything     404
Each connection serves one request and is closed. SIGTERM stops it.
"""
import argparse
import os
import signal
import socket
import sys
import threading

FEED = (b'<?xml version="1.0"?><rss><channel><title>Plain</title>'
        b'<item><guid>a</guid><title>A</title></item></channel></rss>\n')


def answer(path):
    if path == "/nostatus":
        return FEED
    if path == "/bighead":
        return (b"HTTP/1.1 200 OK\r\nX-Filler: " + b"x" * (1 << 20) +
                b"\r\nContent-Length: %d\r\n\r\n" % len(FEED) + FEED)
    if path == "/liegzip":
        return (b"HTTP/1.1 200 OK\r\nContent-Type: application/rss+xml\r\n"
                b"Content-Encoding: gzip\r\nContent-Length: %d\r\n\r\n" % len(FEED) + FEED)
    return b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n"


def serve(conn):
    try:
        conn.settimeout(10)
        req = b""
        while b"\r\n\r\n" not in req and len(req) < 65536:
            chunk = conn.recv(4096)
            if not chunk:
                return
            req += chunk
        parts = req.split(b" ", 2)
        path = parts[1].decode("latin-1") if len(parts) > 1 else "/"
        conn.sendall(answer(path))
        conn.shutdown(socket.SHUT_WR)
    except OSError:
        pass
    finally:
        conn.close()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port-file", required=True)
    a = ap.parse_args()
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("127.0.0.1", 0))
    s.listen(16)
    signal.signal(signal.SIGTERM, lambda *_: os._exit(0))
    tmp = a.port_file + ".tmp"
    with open(tmp, "w") as fh:
        fh.write(str(s.getsockname()[1]))
    os.rename(tmp, a.port_file)
    while True:
        conn, _ = s.accept()
        threading.Thread(target=serve, args=(conn,), daemon=True).start()


if __name__ == "__main__":
    sys.exit(main())
