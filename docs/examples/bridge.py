#!/usr/bin/python3
"""An example bridge for Tiski's API channel (docs/channels.md), Python's standard library only.

It joins another source of customer messages -- here a folder standing in for a social-media
inbox or a phone system's SMS gateway -- to a Tiski tenant:

  inbound   every SOURCE/inbox/*.json {"id", "thread", "name", "text", "phone"?} is posted to
            POST /api/tenants/{tenant}/channel/messages with the tenant's API token (write
            scope); its "id" is the cid, so a retry after a crash is stored once. The answer's
            conversation id is remembered in SOURCE/threads.json (conversation -> thread).
  outbound  Tiski's webhook (message.created) reaches this server; the signature is checked,
            a delivery seen before is dropped, and an agent's message in a conversation of ours
            is "sent" to the customer: written to SOURCE/outbox/<delivery>.json {"thread",
            "text"}. A real bridge calls the source's send API here instead.

Configuration from the environment:
  TISKI_URL             e.g. https://chat.example.com
  TISKI_TOKEN           tsk_... (scopes read, write)
  TISKI_TENANT          the tenant's id
  TISKI_WEBHOOK_SECRET  the webhook's signing secret (shown once when it was made)
  BRIDGE_DIR            the source folder (inbox/, outbox/, threads.json)
  BRIDGE_PORT           where the webhook receiver listens on 127.0.0.1

Stops on SIGTERM/SIGINT.
"""
import hashlib
import hmac
import json
import os
import signal
import threading
import time
import urllib.error
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

TISKI = os.environ["TISKI_URL"].rstrip("/")
TOKEN = os.environ["TISKI_TOKEN"]
TENANT = os.environ["TISKI_TENANT"]
SECRET = os.environ["TISKI_WEBHOOK_SECRET"].encode()
FOLDER = os.environ["BRIDGE_DIR"]
PORT = int(os.environ.get("BRIDGE_PORT", "8099"))
for sub in ("inbox", "outbox", "done"):
    os.makedirs(os.path.join(FOLDER, sub), exist_ok=True)
lock = threading.Lock()
seen = set()  # webhook deliveries handled (a real bridge keeps these durably for a day)


def load_threads():
    try:
        with open(os.path.join(FOLDER, "threads.json")) as f:
            return json.load(f)
    except FileNotFoundError:
        return {}


def save_threads(threads):
    tmp = os.path.join(FOLDER, "threads.json.tmp")
    with open(tmp, "w") as f:
        json.dump(threads, f)
    os.replace(tmp, os.path.join(FOLDER, "threads.json"))


def post_inbound(msg):
    """One customer message to Tiski; the conversation it went to."""
    body = {"thread": msg["thread"], "cid": msg["id"], "body": msg["text"]}
    if msg.get("name"):
        body["name"] = msg["name"]
    if msg.get("phone"):
        body["keys"] = [{"kind": "phone", "value": msg["phone"]}]
    req = urllib.request.Request(
        f"{TISKI}/api/tenants/{TENANT}/channel/messages", data=json.dumps(body).encode(), method="POST",
        headers={"Authorization": "Bearer " + TOKEN, "Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=10) as r:
        return json.load(r)["conversation"]["id"]


def pump_inbox():
    """Posts what waits in the inbox, oldest first; a failure is retried on the next round."""
    while True:
        for name in sorted(os.listdir(os.path.join(FOLDER, "inbox"))):
            path = os.path.join(FOLDER, "inbox", name)
            try:
                with open(path) as f:
                    msg = json.load(f)
                conv = post_inbound(msg)
            except (OSError, ValueError, urllib.error.URLError) as e:
                print("bridge: will retry", name, e, flush=True)
                break
            with lock:
                threads = load_threads()
                threads[str(conv)] = msg["thread"]
                save_threads(threads)
            os.replace(path, os.path.join(FOLDER, "done", name))
        time.sleep(0.2)


def valid(header, body):
    parts = dict(p.split("=", 1) for p in header.split(",") if "=" in p)
    if "t" not in parts or "v1" not in parts or abs(time.time() - int(parts["t"])) > 300:
        return False
    want = hmac.new(SECRET, parts["t"].encode() + b"." + body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(want, parts["v1"])


class Webhook(BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        if not valid(self.headers.get("Tiski-Signature", ""), body):
            self.send_response(401)
            self.end_headers()
            return
        delivery = self.headers.get("Tiski-Delivery", "")
        event = json.loads(body)
        with lock:
            fresh = delivery not in seen
            seen.add(delivery)
            thread = load_threads().get(str(event["data"].get("message", {}).get("conversation")))
        msg = event["data"].get("message")
        if fresh and event["type"] == "message.created" and msg["author"] == "agent" and thread:
            out = os.path.join(FOLDER, "outbox", delivery + ".json")
            with open(out + ".tmp", "w") as f:
                json.dump({"thread": thread, "text": msg["body"], "agent": msg["author_name"]}, f)
            os.replace(out + ".tmp", out)
        self.send_response(204)  # anything else (the visitor's own lines, other events): nothing to do
        self.end_headers()

    def log_message(self, *args):
        pass


server = ThreadingHTTPServer(("127.0.0.1", PORT), Webhook)
threading.Thread(target=pump_inbox, daemon=True).start()
signal.signal(signal.SIGTERM, lambda *a: threading.Thread(target=server.shutdown).start())
with open(os.path.join(FOLDER, "ready"), "w") as f:
    f.write(str(server.server_address[1]))
try:
    server.serve_forever()
except KeyboardInterrupt:
    pass
