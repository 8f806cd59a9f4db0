// A small web server that reads its settings from config/app.json.
// `node index.js --selftest` only reads the settings and says whether they are usable.
const fs = require("node:fs");
const http = require("node:http");
const path = require("node:path");

const configFile = path.join(__dirname, "config", "app.json");
const config = JSON.parse(fs.readFileSync(configFile, "utf8"));
if (typeof config.greeting !== "string") throw new Error(`${configFile} has no "greeting"`);

if (process.argv.includes("--selftest")) {
  console.log(`selftest: ${configFile} is fine, greeting "${config.greeting}"`);
  process.exit(0);
}

const server = http.createServer((req, res) => {
  res.writeHead(200, { "Content-Type": "text/plain" });
  res.end(`${config.greeting}\n`);
});
server.listen(8080, "0.0.0.0", () => console.log("Listening on port 8080"));
process.on("SIGTERM", () => server.close(() => process.exit(0)));
