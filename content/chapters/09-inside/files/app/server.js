const http = require("node:http");
const os = require("node:os");

// Says which user it runs as, so you can see what USER did.
const user = os.userInfo().username;

http
  .createServer((req, res) => {
    res.end(`Hello from inside, running as ${user}\n`);
  })
  .listen(8080, () => console.log("listening on 8080"));
