#!/usr/bin/env python3
"""An HTTP proxy in front of an S3-compatible server that fails a given share
of requests, the way S3 and networks do: 503 SlowDown, 500 InternalError, 429,
a connection cut before the request reaches the server, or cut after the
server acted but before the reply arrives. Used by snaplake's S3 fault tests.

usage: s3_fault_proxy.py --port P --upstream HOST:PORT --fault-percent N [--seed S]
       s3_fault_proxy.py --port P --upstream HOST:PORT --fault-percent 0 --answer STATUS CODE [HEADER:VALUE]
The second form answers every request with that error, as a real store would
(e.g. 301 PermanentRedirect x-amz-bucket-region:eu-west-1 for a wrong region).
"""
import argparse
import http.client
import random
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

ERROR_XML = ('<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>{code}</Code>'
             '<Message>injected by the test proxy</Message><RequestId>proxy</RequestId></Error>')
FAULTS = ["503", "500", "429", "cut-before", "cut-after"]


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):
        pass

    def _fault(self):
        with self.server.lock:
            self.server.requests += 1
            if self.server.rng.random() * 100 >= self.server.fault_percent:
                return None
            self.server.faults += 1
            fault = self.server.rng.choice(FAULTS)
            print(f"fault {fault} {self.command} {self.path.split('?')[0]}", flush=True)
            return fault

    def _error(self, status, code):
        body = ERROR_XML.format(code=code).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/xml")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _cut(self):
        self.close_connection = True
        try:
            self.connection.shutdown(2)
        except OSError:
            pass

    def _handle(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        if self.server.answer:
            status, code, *headers = self.server.answer
            payload = ERROR_XML.format(code=code).encode()
            self.send_response(int(status))
            for h in headers:
                name, value = h.split(":", 1)
                self.send_header(name, value)
            self.send_header("Content-Type", "application/xml")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(payload)
            return
        fault = self._fault()
        if fault == "503":
            return self._error(503, "SlowDown")
        if fault == "500":
            return self._error(500, "InternalError")
        if fault == "429":
            return self._error(429, "SlowDown")
        if fault == "cut-before":
            return self._cut()
        host, port = self.server.upstream
        conn = http.client.HTTPConnection(host, port, timeout=120)
        headers = {k: v for k, v in self.headers.items() if k.lower() not in ("connection", "keep-alive")}
        conn.request(self.command, self.path, body=body if body or self.command in ("PUT", "POST") else None,
                     headers=headers)
        resp = conn.getresponse()
        data = resp.read()
        conn.close()
        if fault == "cut-after":
            return self._cut()
        self.send_response(resp.status)
        for k, v in resp.getheaders():
            if k.lower() not in ("transfer-encoding", "connection", "content-length", "server", "date"):
                self.send_header(k, v)
        if self.command == "HEAD":
            self.send_header("Content-Length", resp.getheader("Content-Length", "0"))
        else:
            self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)

    do_GET = do_PUT = do_POST = do_DELETE = do_HEAD = _handle


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--upstream", required=True)
    parser.add_argument("--fault-percent", type=float, required=True)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--answer", nargs="+", default=None)
    args = parser.parse_args()
    server = ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
    server.daemon_threads = True
    host, port = args.upstream.rsplit(":", 1)
    server.upstream = (host, int(port))
    server.fault_percent = args.fault_percent
    server.rng = random.Random(args.seed)
    server.answer = args.answer
    server.lock = threading.Lock()
    server.requests = 0
    server.faults = 0
    print("ready", flush=True)
    try:
        server.serve_forever()
    finally:
        sys.stderr.write(f"requests={server.requests} faults={server.faults}\n")


if __name__ == "__main__":
    main()
