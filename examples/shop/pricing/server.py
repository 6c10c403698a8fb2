"""The pricing service of the example shop: Python, standard library only.

GET /price?sku=S answers {"sku": S, "price": P} after a few milliseconds of "work";
GET /health answers ok. It listens on 127.0.0.1 at the port in $PORT, speaks HTTP/1.1 with
keep-alive, and knows nothing of faultline: faults reach it only through the proxy in front.
"""

import hashlib
import json
import os
import sys
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse


def price_of(sku: str) -> float:
    digest = hashlib.sha256(sku.encode("utf-8")).digest()
    return round(5 + int.from_bytes(digest[:2], "big") / 65535 * 95, 2)


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:
        url = urlparse(self.path)
        if url.path == "/health":
            self.answer(200, {"status": "ok"})
            return
        if url.path == "/price":
            sku = parse_qs(url.query).get("sku", [""])[0]
            if not sku:
                self.answer(400, {"error": "sku is required"})
                return
            time.sleep(0.003)
            self.answer(200, {"sku": sku, "price": price_of(sku)})
            return
        self.answer(404, {"error": "not found"})

    def answer(self, status: int, body: dict) -> None:
        data = json.dumps(body).encode("utf-8")
        self.send_response(status)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format: str, *args: object) -> None:
        # One line per request would fill the log; errors still go to stderr.
        pass


def main() -> None:
    port = int(os.environ["PORT"])
    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    server.daemon_threads = True
    print(f"pricing listening on {port}", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
        sys.stdout.flush()


if __name__ == "__main__":
    main()
