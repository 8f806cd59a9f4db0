// Checks the app's settings before the image is finished. What it finds goes to
// /app/prepare-report.txt, headed by a code that names this very package.json;
// the build's output only says whether it found something.
const crypto = require("node:crypto");
const fs = require("node:fs");

const raw = fs.readFileSync("package.json");
const config = JSON.parse(raw).config ?? {};
const problems = [];
const port = Number(config.port);
if (!Number.isInteger(port) || port < 1024 || port > 65535) {
  problems.push(`config.port is ${JSON.stringify(config.port)}: the app listens on the port EXPOSE names, 8080.`);
}
if (typeof config.greeting !== "string") problems.push("config.greeting is missing.");

const code = crypto.createHash("sha256").update(raw).digest("hex").slice(0, 8);
const found = problems.length ? problems.map((p) => `problem: ${p}`) : ["no problems found"];
fs.writeFileSync("prepare-report.txt", [`prepare report ${code}`, ...found, ""].join("\n"));
console.log(problems.length ? `prepare: ${problems.length} problem(s), see the report` : "prepare: ok");
