// Serves index.html, and says when the dependencies were installed: a rebuild that
// reuses the cached install step keeps the old time.
const fs = require("node:fs");
const http = require("node:http");

const installedAt = fs.readFileSync("node_modules/.installed-at", "utf8");

const server = http.createServer((req, res) => {
  const page = fs.readFileSync("index.html", "utf8");
  res.writeHead(200, { "Content-Type": "text/html" });
  res.end(`${page}<p>Dependencies installed at ${installedAt}</p>\n`);
});
server.listen(8080, "0.0.0.0", () => console.log("Listening on port 8080"));
process.on("SIGTERM", () => server.close(() => process.exit(0)));
