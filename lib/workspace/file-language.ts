/** Which of Monaco's languages highlights a file, judged by its name as a learner would name it. */

const BY_EXTENSION: Record<string, string> = {
  sh: "shell",
  bash: "shell",
  js: "javascript",
  mjs: "javascript",
  cjs: "javascript",
  ts: "typescript",
  json: "json",
  yaml: "yaml",
  yml: "yaml",
  py: "python",
  go: "go",
  rs: "rust",
  java: "java",
  md: "markdown",
  html: "html",
  css: "css",
  ini: "ini",
  toml: "ini",
  conf: "ini",
  xml: "xml",
  sql: "sql",
  c: "c",
  h: "c",
  cpp: "cpp",
};

export function languageForPath(path: string): string {
  const name = path.slice(path.lastIndexOf("/") + 1);
  if (isDockerfile(name)) return "dockerfile";
  const dot = name.lastIndexOf(".");
  return (dot > 0 && BY_EXTENSION[name.slice(dot + 1).toLowerCase()]) || "plaintext";
}

/** Dockerfile, Containerfile, Dockerfile.dev, app.Dockerfile: what `docker build -f` is usually pointed at. */
function isDockerfile(name: string): boolean {
  return /^(Dockerfile|Containerfile)(\..+)?$/i.test(name) || /\.(dockerfile|containerfile)$/i.test(name);
}
