const http = require("node:http");

http
  .createServer((req, res) => res.end("{{app}} is up\n"))
  .listen({{port}}, "0.0.0.0", () => console.log("{{app}} listening on {{port}}"));
