#!/usr/bin/env python3
"""sync_server.py - a small gpodder.net API v2 server for podcue's tests
(python3 stdlib only; the subset podcue speaks, in both flavours).

    python3 tests/sync_server.py --user U --password P --port-file FILE [--log FILE]

Binds 127.0.0.1 on a free port and writes it to --port-file when ready.
Every API call needs HTTP Basic (401 with WWW-Authenticate otherwise) or
the sessionid cookie that POST /api/2/auth/U/login.json sets.

gpodder.net paths: auth/U/login.json, devices/U/D.json,
subscriptions/U/D.json[?since=T], episodes/U.json[?since=T] under /api/2/.
Nextcloud paths under /index.php/apps/gpoddersync/: subscriptions,
subscription_change/create, episode_action, episode_action/create.
Like oPodSync, "since" selects changes with changed >= since, and the
timestamp returned is the server's clock (a counter here: one per change).

Control (no auth), for the test to play the other device:
  GET  /_ctl/state            {"subs": {url: "add"|"remove"}, "actions": [...]}
  POST /_ctl/actions  [a...]  stored as uploaded by another device
  POST /_ctl/subs {"add": [], "remove": []}
  POST /_ctl/rewrite {old: new}  uploads naming old (a feed or an episode) are
                              stored as new and answered with update_urls
  POST /_ctl/mode {"mode": M[, "delay": S]} M = normal | 500 | garbage | huge |
                              drop | 401 | echo (a reply of the Basic password
                              alone, as a careless proxy might); every API call waits S seconds
                              first (default 0); both until changed
Logs one JSON line per request to --log: method, path, status, auth
(basic|cookie|none), body (the request body as text).
"""

import argparse
import base64
import http.server
import json
import os
import secrets
import socketserver
import sys
import threading
import time
import urllib.parse

LOCK = threading.Lock()
STATE = {"clock": 1000, "subs": {}, "actions": [], "mode": "normal", "delay": 0,
         "sessions": set(), "rewrite": {}}


def rewrite(url, pairs):
    """The server's own name for url (as gpodder.net sanitizes), noted in
    pairs for update_urls."""
    new = STATE["rewrite"].get(url, url)
    if new != url and [url, new] not in pairs:
        pairs.append([url, new])
    return new


def tick():
    STATE["clock"] += 1
    return STATE["clock"]


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):
        pass

    def send_json(self, status, obj, extra=()):
        body = json.dumps(obj).encode()
        self.send_raw(status, body, "application/json", extra)

    def send_raw(self, status, body, ctype="application/json", extra=()):
        self.log(status)
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        for k, v in extra:
            self.send_header(k, v)
        if self.auth_kind == "basic":
            # As gpodder.net does: a session for clients that stop sending
            # Basic after a few requests (mygpoclient).
            sid = secrets.token_hex(8)
            STATE["sessions"].add(sid)
            self.send_header("Set-Cookie", f"sessionid={sid}; Path=/")
        self.end_headers()
        self.wfile.write(body)

    def log(self, status):
        if ARGS.log:
            with open(ARGS.log, "a") as f:
                f.write(json.dumps({"method": self.command, "path": self.path,
                                    "status": status, "auth": self.auth_kind,
                                    "body": self.body_text}) + "\n")

    def read_body(self):
        n = int(self.headers.get("Content-Length") or 0)
        self.body_text = self.rfile.read(n).decode("utf-8", "replace") if n else ""

    def authed(self):
        cookie = self.headers.get("Cookie") or ""
        for part in cookie.split(";"):
            k, _, v = part.strip().partition("=")
            if k == "sessionid" and v in STATE["sessions"]:
                self.auth_kind = "cookie"
                return True
        h = self.headers.get("Authorization") or ""
        if h.startswith("Basic "):
            try:
                u, _, p = base64.b64decode(h[6:]).decode().partition(":")
            except Exception:
                return False
            if u == ARGS.user and p == ARGS.password:
                self.auth_kind = "basic"
                return True
        return False

    def do_GET(self):
        self.handle_any()

    def do_POST(self):
        self.handle_any()

    def handle_any(self):
        self.auth_kind = "none"
        self.body_text = ""
        self.read_body()
        url = urllib.parse.urlsplit(self.path)
        q = urllib.parse.parse_qs(url.query)
        path = url.path
        if not path.startswith("/_ctl/"):
            with LOCK:
                delay = STATE["delay"]
            if delay:
                time.sleep(delay)  # outside the lock: control calls still answer
        with LOCK:
            if path.startswith("/_ctl/"):
                return self.control(path)
            mode = STATE["mode"]
            if mode == "401" or not self.authed():
                return self.send_json(401, {"error": "unauthorized"},
                                      [("WWW-Authenticate", 'Basic realm="test"')])
            if mode == "500":
                return self.send_raw(500, b"oops", "text/plain")
            if mode == "echo":
                h = self.headers.get("Authorization") or ""
                pw = base64.b64decode(h[6:]).decode().partition(":")[2] if h else ARGS.password
                return self.send_raw(200, b"\"" + pw.encode())  # an unterminated string
            if mode == "garbage":
                return self.send_raw(200, b"{\"timestamp\": 12, \"add\": [ <html>")
            if mode == "huge":
                return self.send_raw(200, b"[" + b" " * (17 << 20) + b"]")
            if mode == "drop":
                self.log(0)
                self.close_connection = True
                self.wfile.write(b"HTTP/1.1 200 OK\r\nContent-Length: 500\r\n\r\n{\"ti")
                return
            since = int((q.get("since") or ["0"])[0] or 0)
            u = urllib.parse.quote(ARGS.user)
            nc = "/index.php/apps/gpoddersync/"
            if path == f"/api/2/auth/{u}/login.json" and self.command == "POST":
                sid = secrets.token_hex(8)
                STATE["sessions"].add(sid)
                return self.send_json(200, {}, [("Set-Cookie", f"sessionid={sid}; Path=/")])
            if path.startswith(f"/api/2/devices/{u}/") and self.command == "POST":
                return self.send_json(200, {})
            if (path.startswith(f"/api/2/subscriptions/{u}/") and path.endswith(".json")) \
                    or path in (nc + "subscriptions", nc + "subscription_change/create"):
                if self.command == "POST":
                    return self.push_subs()
                return self.pull_subs(since)
            if path == f"/api/2/episodes/{u}.json" or path in (nc + "episode_action",
                                                              nc + "episode_action/create"):
                if self.command == "POST":
                    return self.push_actions(nc in path)
                return self.pull_actions(since, (q.get("device") or [None])[0])
            return self.send_json(404, {"error": "no such path"})

    def body_json(self):
        try:
            return json.loads(self.body_text)
        except ValueError:
            return None

    def push_subs(self):
        d = self.body_json()
        if not isinstance(d, dict):
            return self.send_json(400, {"error": "bad body"})
        t = tick()
        pairs = []
        for kind in ("add", "remove"):
            for url in d.get(kind) or []:
                STATE["subs"][rewrite(url, pairs)] = (kind, t)
        return self.send_json(200, {"timestamp": t, "update_urls": pairs})

    def pull_subs(self, since):
        add = [u for u, (k, t) in STATE["subs"].items() if k == "add" and t >= since]
        rem = [u for u, (k, t) in STATE["subs"].items() if k == "remove" and t >= since]
        return self.send_json(200, {"add": add, "remove": rem, "timestamp": STATE["clock"]})

    def push_actions(self, nextcloud):
        d = self.body_json()
        if not isinstance(d, list):
            return self.send_json(400, {"error": "bad body"})
        t = tick()
        pairs = []
        for a in d:
            a = dict(a, _changed=t)
            for k in ("podcast", "episode"):
                if isinstance(a.get(k), str):
                    a[k] = rewrite(a[k], pairs)
            STATE["actions"].append(a)
        return self.send_json(200, {"timestamp": t, "update_urls": pairs})

    def pull_actions(self, since, device=None):
        out = [{k: v for k, v in a.items() if k != "_changed"}
               for a in STATE["actions"] if a["_changed"] >= since
               and (device is None or a.get("device") == device)]
        return self.send_json(200, {"actions": out, "timestamp": STATE["clock"]})

    def control(self, path):
        d = self.body_json()
        if path == "/_ctl/state":
            subs = {u: k for u, (k, t) in STATE["subs"].items()}
            acts = [{k: v for k, v in a.items() if k != "_changed"} for a in STATE["actions"]]
            return self.send_json(200, {"subs": subs, "actions": acts})
        if path == "/_ctl/actions" and isinstance(d, list):
            t = tick()
            for a in d:
                STATE["actions"].append(dict(a, _changed=t) if isinstance(a, dict)
                                        else {"junk": a, "_changed": t})
            return self.send_json(200, {"timestamp": t})
        if path == "/_ctl/subs" and isinstance(d, dict):
            t = tick()
            for kind in ("add", "remove"):
                for url in d.get(kind) or []:
                    STATE["subs"][url] = (kind, t)
            return self.send_json(200, {"timestamp": t})
        if path == "/_ctl/rewrite" and isinstance(d, dict):
            STATE["rewrite"].update(d)
            return self.send_json(200, {})
        if path == "/_ctl/mode" and isinstance(d, dict):
            STATE["mode"] = d.get("mode", "normal")
            STATE["delay"] = float(d.get("delay", 0))
            return self.send_json(200, {})
        return self.send_json(404, {})


class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
    allow_reuse_address = True


def main():
    global ARGS
    ap = argparse.ArgumentParser()
    ap.add_argument("--user", required=True)
    ap.add_argument("--password", required=True)
    ap.add_argument("--port-file", required=True)
    ap.add_argument("--log")
    ARGS = ap.parse_args()
    srv = Server(("127.0.0.1", 0), Handler)
    tmp = ARGS.port_file + ".tmp"
    with open(tmp, "w") as f:
        f.write(str(srv.server_address[1]))
    os.replace(tmp, ARGS.port_file)
    try:
        srv.serve_forever(poll_interval=0.2)
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
