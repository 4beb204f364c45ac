"""A real SMTP server for the tests (aiosmtpd, from PyPI): accepts every message
on 127.0.0.1:PORT and writes each one, as received, to DIR/NNNN.eml.

    python smtp_sink.py PORT DIR

Prints "ready" once it listens; stops on SIGTERM.
"""

import asyncio
import pathlib
import signal
import sys

from aiosmtpd.controller import Controller


class Sink:
    def __init__(self, folder: pathlib.Path):
        self.folder = folder
        self.count = 0

    async def handle_DATA(self, server, session, envelope):
        self.count += 1
        name = self.folder / f"{self.count:04d}.eml"
        head = f"X-Envelope-From: {envelope.mail_from}\r\nX-Envelope-To: {', '.join(envelope.rcpt_tos)}\r\n"
        name.write_bytes(head.encode() + envelope.original_content)
        return "250 Message accepted for delivery"


def main() -> None:
    port, folder = int(sys.argv[1]), pathlib.Path(sys.argv[2])
    folder.mkdir(parents=True, exist_ok=True)
    controller = Controller(Sink(folder), hostname="127.0.0.1", port=port)
    controller.start()
    print("ready", flush=True)
    stop = asyncio.new_event_loop()
    done = asyncio.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.call_soon_threadsafe(done.set))
    stop.run_until_complete(done.wait())
    controller.stop()


if __name__ == "__main__":
    main()
