import os
from http.server import BaseHTTPRequestHandler, HTTPServer

# The address to listen on; the default keeps the dev server private on a laptop.
HOST = os.environ.get("BIND_ADDR", "127.0.0.1")
PORT = int(os.environ.get("PORT", "8000"))


class Handler(BaseHTTPRequestHandler):
    def do_GET(self):
        body = b"{{app}} API: ok\n"
        self.send_response(200)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


server = HTTPServer((HOST, PORT), Handler)
print(f"{{app}} listening on {HOST}:{PORT}")
server.serve_forever()
