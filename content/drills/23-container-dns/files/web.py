# The {{app}} front: shows what the {{api}} service says, calling it by its container name.
import time
import urllib.error
import urllib.request
from http.server import BaseHTTPRequestHandler, HTTPServer

API = "http://{{api}}:{{apiPort}}/"


def ask_api():
    for _ in range(20):
        try:
            with urllib.request.urlopen(API, timeout=5) as answer:
                return answer.read().decode()
        except urllib.error.URLError as error:
            # The API may still be starting: a refused connection is tried again, other errors are not.
            if not isinstance(error.reason, ConnectionRefusedError):
                raise
            time.sleep(0.25)
    raise RuntimeError(f"{API} refused every connection")


class Handler(BaseHTTPRequestHandler):
    def do_GET(self):
        try:
            status, body = 200, f"{{app}}: {{api}} says {ask_api()}"
        except urllib.error.URLError as error:
            status, body = 502, f"cannot reach {{api}}: {error.reason}\n"
        except Exception as error:
            status, body = 502, f"cannot reach {{api}}: {error}\n"
        data = body.encode()
        self.send_response(status)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


print("{{app}} listening on 3000")
HTTPServer(("0.0.0.0", 3000), Handler).serve_forever()
