import base from "../playwright.config";
export default { ...base, testDir: ".", webServer: { ...(base.webServer as object), cwd: "/work/main", command: "node --import tsx --import /tmp/ll-term/register.mjs server/index.ts" } };
