#!/usr/bin/python3
"""A real SMTP server for Tiski's tests (Debian's python3-aiosmtpd), on 127.0.0.1.

    smtp_sink.py DIR [PORT]

Listens on PORT (0 = any free port), writes its port to DIR/port once it accepts mail, and
stores every accepted message as DIR/NNN.eml (the bytes as received, envelope in
DIR/NNN.env as "from\\nto"). Recipients decide the answer, so tests can script failures:
  reject@...          550 (a permanent refusal)
  tempfail-N@...      451 for the first N attempts to that address, then accepted
Stops on SIGTERM/SIGINT.
"""
import asyncio
import os
import signal
import sys

from aiosmtpd.controller import Controller


class Sink:
    def __init__(self, folder):
        self.folder = folder
        self.count = 0
        self.tries = {}

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        local = address.split("@")[0].lower()
        if local == "reject":
            return "550 5.1.1 no such mailbox here"
        if local.startswith("tempfail-"):
            n = int(local.split("-")[1])
            seen = self.tries.get(address, 0)
            self.tries[address] = seen + 1
            if seen < n:
                return "451 4.3.0 try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.count += 1
        base = os.path.join(self.folder, "%03d" % self.count)
        with open(base + ".tmp", "wb") as f:
            f.write(envelope.original_content or envelope.content)
        with open(base + ".env", "w") as f:
            f.write(envelope.mail_from + "\n" + ",".join(envelope.rcpt_tos) + "\n")
        os.rename(base + ".tmp", base + ".eml")
        return "250 2.0.0 stored"


def main():
    folder = sys.argv[1]
    port = int(sys.argv[2]) if len(sys.argv) > 2 else 0
    os.makedirs(folder, exist_ok=True)
    if port == 0:
        import socket
        s = socket.socket()
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
        s.close()
    ctl = Controller(Sink(folder), hostname="127.0.0.1", port=port)
    ctl.start()
    with open(os.path.join(folder, "port.tmp"), "w") as f:
        f.write(str(port))
    os.rename(os.path.join(folder, "port.tmp"), os.path.join(folder, "port"))
    loop = asyncio.new_event_loop()
    stop = asyncio.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    loop.run_until_complete(stop.wait())
    ctl.stop()


if __name__ == "__main__":
    main()
