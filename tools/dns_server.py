"""A real DNS server for the tests (dnslib, from PyPI): answers TXT queries
from a JSON file {"name": ["text", ...]} read again at every query, over UDP
and TCP on 127.0.0.1:PORT. A name not in the file is NXDOMAIN; a name there
with no texts exists but has no TXT record.

    python dns_server.py PORT RECORDS.json

Prints "ready" once it listens; stops on SIGTERM.
"""

import json
import signal
import sys
import threading

from dnslib import QTYPE, RCODE, RR, TXT
from dnslib.server import BaseResolver, DNSServer


class FileResolver(BaseResolver):
    def __init__(self, path):
        self.path = path

    def resolve(self, request, handler):
        reply = request.reply()
        name = str(request.q.qname).rstrip(".").lower()
        try:
            with open(self.path, encoding="utf-8") as file:
                records = json.load(file)
        except FileNotFoundError:
            records = {}
        if name not in records:
            reply.header.rcode = RCODE.NXDOMAIN
        elif request.q.qtype in (QTYPE.TXT, QTYPE.ANY):
            for text in records[name]:
                reply.add_answer(RR(name, QTYPE.TXT, rdata=TXT(text), ttl=0))
        return reply


class Quiet:
    """dnslib logs every query by default; the tests read only "ready"."""

    def __getattr__(self, name):
        return lambda *args, **kwargs: None


def main() -> None:
    port, path = int(sys.argv[1]), sys.argv[2]
    resolver = FileResolver(path)
    servers = [
        DNSServer(resolver, port=port, address="127.0.0.1", tcp=tcp, logger=Quiet())
        for tcp in (False, True)
    ]
    for server in servers:
        server.start_thread()
    print("ready", flush=True)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    stop.wait()
    for server in servers:
        server.stop()


if __name__ == "__main__":
    main()
