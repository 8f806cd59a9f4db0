// A small web server that takes its port and greeting from package.json's config.
// `node index.js --selftest` only checks that prepare.js found no problems.
const fs = require("node:fs");
const http = require("node:http");
const path = require("node:path");

if (process.argv.includes("--selftest")) {
  const report = fs.readFileSync(path.join(__dirname, "prepare-report.txt"), "utf8");
  if (!report.includes("no problems found")) {
    console.error("selftest: failed, because prepare found a problem. It is not shown here.");
    process.exit(1);
  }
  console.log("selftest: ok");
  process.exit(0);
}

const { config } = require("./package.json");
const server = http.createServer((req, res) => {
  res.writeHead(200, { "Content-Type": "text/plain" });
  res.end(`${config.greeting}\n`);
});
server.listen(Number(config.port), "0.0.0.0", () => console.log(`Listening on port ${config.port}`));
process.on("SIGTERM", () => server.close(() => process.exit(0)));
