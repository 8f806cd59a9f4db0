// Stands in for `npm install`. There is no internet in the lab, so it "installs" the
// packages listed in package.json by writing a small module for each, and takes its time
// about it, as a real install does. What matters for the lesson: it is slow, and it
// reads nothing but package.json.
const fs = require("node:fs");
const path = require("node:path");

const { labDependencies = [] } = JSON.parse(fs.readFileSync("package.json", "utf8"));
for (const name of labDependencies) {
  process.stdout.write(`installing ${name}... `);
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 1000); // one second each
  fs.mkdirSync(path.join("node_modules", name), { recursive: true });
  fs.writeFileSync(path.join("node_modules", name, "index.js"), `module.exports = ${JSON.stringify(name)};\n`);
  console.log("done");
}
fs.writeFileSync(path.join("node_modules", ".installed-at"), new Date().toISOString());
console.log(`installed ${labDependencies.length} packages`);
