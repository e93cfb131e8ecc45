#!/usr/bin/env python3
"""Fallback delay server for bench/run.py, scenario 5 (latency-bound).

Used only when nginx's echo module (libnginx-mod-http-echo, `echo_sleep`) is not
available. Every GET sleeps DELAY seconds in its own thread, then answers 1 KiB,
so N concurrent requests are all delayed by DELAY at the same time, like
`echo_sleep` does. Keep-alive (HTTP/1.1) is on, listen backlog is large so 50
simultaneous connects do not hit SYN retransmits.

GET /nginx_status answers counters in nginx's stub_status format (accepted
connections, requests; without delay), so run.py checks every tool's request
count the same way as with nginx.

usage: delay_server.py PORT [DELAY_SECONDS]   (binds 127.0.0.1 only)
"""
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

BODY = b"a" * 1024
LOCK = threading.Lock()
COUNTS = {"conns": 0, "reqs": 0}


def bump(key):
    with LOCK:
        COUNTS[key] += 1
        return COUNTS["conns"], COUNTS["reqs"]


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    delay = 0.2

    def setup(self):  # once per TCP connection
        bump("conns")
        super().setup()

    def do_GET(self):  # noqa: N802 (http.server naming)
        conns, reqs = bump("reqs")
        if self.path == "/nginx_status":
            body = (f"Active connections: 0 \nserver accepts handled requests\n"
                    f" {conns} {conns} {reqs} \n").encode()
        else:
            time.sleep(self.delay)
            body = BODY
        self.send_response(200)
        self.send_header("Content-Type", "application/octet-stream")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):  # quiet
        pass


class Server(ThreadingHTTPServer):
    request_queue_size = 1024
    daemon_threads = True
    allow_reuse_address = True


def main():
    port = int(sys.argv[1])
    Handler.delay = float(sys.argv[2]) if len(sys.argv) > 2 else 0.2
    Server(("127.0.0.1", port), Handler).serve_forever()


if __name__ == "__main__":
    main()
