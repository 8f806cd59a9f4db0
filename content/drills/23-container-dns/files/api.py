# The {{api}} service: one line of status.
from http.server import BaseHTTPRequestHandler, HTTPServer


class Handler(BaseHTTPRequestHandler):
    def do_GET(self):
        body = b"{{status}}\n"
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


print("{{api}} listening on {{apiPort}}")
HTTPServer(("0.0.0.0", {{apiPort}}), Handler).serve_forever()
