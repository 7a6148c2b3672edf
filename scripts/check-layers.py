#!/usr/bin/env python3
"""Checks that every #include in src/ points down the layers, never up or sideways.

The libraries, lowest first: util, store, mail, chat, api, net, app. Inside chat the modules
are ordered the same way (a module may use the ones below it, never the ones above):

  base      chat/protocol*, pubsub, auth, rules/ (pure: the wire format, topics, tokens,
            the proactive rule language)
  core      chat/core/ (bus, events, jobs, sessions, sites)
  presence  chat/presence/
  routing   chat/routing/
  conversations, outbox, analytics, outcomes, conversions, cluster
  proactive chat/proactive/
  gateway   chat/gateway/
  root      chat/chat.*, chat/admin.*, chat/testing/ (composition root and test harness)

Tests (*_test.cc) may include anything of their own library. Exit status 1 lists violations.
"""
import pathlib
import re
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent / "src"
LIBS = ["util", "store", "mail", "chat", "api", "net", "app"]
CHAT = ["base", "core", "presence", "routing", "conversations", "proactive", "gateway", "root"]
CHAT_DIRS = {"rules": "base", "core": "core", "presence": "presence", "routing": "routing",
             "conversations": "conversations", "outbox": "conversations", "analytics": "conversations", "outcomes": "conversations", "conversions": "conversations", "desk": "conversations", "webhooks": "conversations", "privacy": "conversations", "accounts": "conversations", "contacts": "conversations", "mailboxes": "conversations", "attachments": "conversations", "cluster": "conversations", "proactive": "proactive",
             "gateway": "gateway", "testing": "root"}
CHAT_ROOT_FILES = {"chat", "chat_files", "chat_cluster", "admin"}


def level(path: str):
    parts = path.split("/")
    lib = LIBS.index(parts[0]) if parts[0] in LIBS else None
    if lib is None:
        return None
    sub = 0
    if parts[0] == "chat":
        if len(parts) > 2:
            sub = CHAT.index(CHAT_DIRS.get(parts[1], "root"))
        else:
            stem = parts[1].split(".")[0]
            sub = CHAT.index("root") if stem in CHAT_ROOT_FILES else 0
    return (lib, sub)


def main() -> int:
    bad = []
    for f in sorted(ROOT.rglob("*")):
        if f.suffix not in (".h", ".cc"):
            continue
        rel = f.relative_to(ROOT).as_posix()
        mine = level(rel)
        if mine is None:
            continue
        is_test = f.stem.endswith("_test")
        for n, line in enumerate(f.read_text().splitlines(), 1):
            m = re.match(r'#include "([^"]+)"', line)
            if not m:
                continue
            theirs = level(m.group(1))
            if theirs is None:
                continue
            if is_test and theirs[0] == mine[0]:
                continue
            if theirs > mine:
                bad.append(f"src/{rel}:{n}: includes {m.group(1)}, a layer above it")
    for b in bad:
        print(b)
    if bad:
        print(f"{len(bad)} include(s) point up the layers (see scripts/check-layers.py)")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
