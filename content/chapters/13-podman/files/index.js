// docker-node-hello: a tiny web server. It uses only Node's own modules,
// so the image builds without downloading anything from the npm registry.
const http = require("node:http");
const os = require("node:os");

const port = Number(process.env.PORT || 8080);
const who = process.env.WHO || "World";

const server = http.createServer((req, res) => {
  res.writeHead(200, { "Content-Type": "text/plain" });
  res.end(`Hello ${who}. Wish you were here.\n`);
});

server.listen(port, "0.0.0.0", () => {
  console.log(`Running on http://0.0.0.0:${port} as ${os.userInfo().username}`);
});

// As PID 1 in a container, Node ignores SIGTERM unless it handles it;
// without this, `docker container stop` would wait 10 seconds and then kill it.
process.on("SIGTERM", () => server.close(() => process.exit(0)));
