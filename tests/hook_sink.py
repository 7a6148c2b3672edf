#!/usr/bin/python3
"""A webhook receiver for Tiski's tests, on 127.0.0.1 (Python's own http.server).

    hook_sink.py DIR

Listens on a free port and writes it to DIR/port. Every POST is stored as DIR/NNN.json:
{"path", "headers": {lower-case name: value}, "body": text, "valid": bool|null}. "valid" is the
Tiski-Signature checked here, independently of Tiski's code, with the secret in DIR/secret
(null when that file is absent): v1 = hex HMAC-SHA256(secret, t + "." + body).
The path decides the answer, so tests can script failures:
  /fail-N/...    500 for the first N requests of each delivery (Tiski-Delivery), then 204
  /always-500    500 every time
  /hang-N/...    no answer for 5 s to the first N requests of each delivery (Tiski times out), then 204
  anything else  204
Stops on SIGTERM/SIGINT.
"""
import hashlib
import hmac
import json
import os
import re
import signal
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

folder = sys.argv[1]
os.makedirs(folder, exist_ok=True)
lock = threading.Lock()
state = {"count": 0, "tries": {}}


def check(headers, body):
    try:
        with open(os.path.join(folder, "secret")) as f:
            secret = f.read().strip()
    except FileNotFoundError:
        return None
    parts = dict(p.split("=", 1) for p in headers.get("tiski-signature", "").split(",") if "=" in p)
    if "t" not in parts or "v1" not in parts:
        return False
    want = hmac.new(secret.encode(), (parts["t"] + ".").encode() + body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(want, parts["v1"])


class Handler(BaseHTTPRequestHandler):
    def do_POST(self):
        length = int(self.headers.get("Content-Length", "0"))
        body = self.rfile.read(length)
        headers = {k.lower(): v for k, v in self.headers.items()}
        with lock:
            state["count"] += 1
            n = state["count"]
            key = (self.path, headers.get("tiski-delivery", ""))
            tries = state["tries"].get(key, 0) + 1
            state["tries"][key] = tries
            record = {"path": self.path, "headers": headers, "body": body.decode("utf-8", "replace"),
                      "valid": check(headers, body)}
            tmp = os.path.join(folder, "%03d.tmp" % n)
            with open(tmp, "w") as f:
                json.dump(record, f)
            os.rename(tmp, os.path.join(folder, "%03d.json" % n))
        hang = re.match(r"^/hang-(\d+)", self.path)
        if hang and tries <= int(hang.group(1)):
            time.sleep(5)  # the client has given up by now; answering would fail
            self.close_connection = True
            return
        m = re.match(r"^/fail-(\d+)", self.path)
        code = 204
        if self.path.startswith("/always-500") or (m and tries <= int(m.group(1))):
            code = 500
        self.send_response(code)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
with open(os.path.join(folder, "port.tmp"), "w") as f:
    f.write(str(server.server_address[1]))
os.rename(os.path.join(folder, "port.tmp"), os.path.join(folder, "port"))
signal.signal(signal.SIGTERM, lambda *a: threading.Thread(target=server.shutdown).start())
try:
    server.serve_forever()
except KeyboardInterrupt:
    pass
