#!/usr/bin/env python3
"""A real SMTP server for the tests (aiosmtpd), keeping every message it
receives in memory, with a small HTTP API to read them back:

    GET /messages?to=<address>  ->  [{"from", "to", "subject", "text", "html", "headers"}]

Prints "ready <smtp port> <http port>" once both listen. Ports come from
--smtp-port / --http-port (0 = any free port); --delay-ms makes each message
take that long to accept (a slow mail server).
"""
import argparse
import asyncio
import email
import email.policy
import json
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

from aiosmtpd.controller import Controller

messages = []
lock = threading.Lock()


class Keep:
    def __init__(self, delay_ms=0):
        self.delay = delay_ms / 1000

    async def handle_DATA(self, server, session, envelope):
        if self.delay:
            await asyncio.sleep(self.delay)
        parsed = email.message_from_bytes(envelope.content, policy=email.policy.default)
        text = parsed.get_body(preferencelist=("plain",))
        html = parsed.get_body(preferencelist=("html",))
        with lock:
            messages.append({
                "from": envelope.mail_from,
                "to": [r.lower() for r in envelope.rcpt_tos],
                "subject": str(parsed["subject"] or ""),
                "text": text.get_content() if text else "",
                "html": html.get_content() if html else "",
                "headers": {k: str(v) for k, v in parsed.items()},
            })
        return "250 Message accepted for delivery"


class Api(BaseHTTPRequestHandler):
    def do_GET(self):
        url = urlparse(self.path)
        if url.path != "/messages":
            self.send_error(404)
            return
        to = parse_qs(url.query).get("to", [""])[0].lower()
        with lock:
            found = [m for m in messages if not to or to in m["to"]]
        body = json.dumps(found).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Access-Control-Allow-Origin", "*")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--smtp-port", type=int, default=0)
    parser.add_argument("--http-port", type=int, default=0)
    parser.add_argument("--delay-ms", type=int, default=0)
    args = parser.parse_args()
    smtp_port = args.smtp_port or free_port()
    controller = Controller(Keep(args.delay_ms), hostname="127.0.0.1", port=smtp_port)
    controller.start()
    api = ThreadingHTTPServer(("127.0.0.1", args.http_port), Api)
    print(f"ready {smtp_port} {api.server_address[1]}", flush=True)
    try:
        api.serve_forever()
    finally:
        controller.stop()


if __name__ == "__main__":
    main()
