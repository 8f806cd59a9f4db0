import { readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ExecResult } from "./driver";
import { asLearner, cleanUpInOrder, createTestDriver, requireSandboxImage, testLimits } from "./int-test-kit.test-support";

/**
 * The book's commands, typed as a learner types them (a login shell as learner) in one real
 * sandbox. Base images come from the lab registry through the sandbox's registry mirror, so the
 * registry container must be running. Tests share the sandbox and run in order, like a chapter.
 */
const { driver, cleanup } = createTestDriver("book");
let sandbox = "";

/** Runs a learner's commands in ~/docker-node-hello and insists they succeed, showing all output if not. */
async function learner(script: string, timeoutMs = 300_000): Promise<ExecResult> {
  const r = await asLearner(driver, sandbox, `set -e; mkdir -p ~/docker-node-hello; cd ~/docker-node-hello\n${script}`, timeoutMs);
  expect(r.exitCode, `exit ${r.exitCode}${r.timedOut ? " (timed out)" : ""}\n--- stdout\n${r.stdout}\n--- stderr\n${r.stderr}`).toBe(0);
  return r;
}

/** Chapter 01's own app (what a learner gets), so the book's commands are tried against the exercise itself. */
const chapterFile = (name: string) => readFileSync(path.join("content/chapters/01-anatomy/files", name), "utf8").trimEnd();

// The book's Dockerfile as printed (the chapter's own is a step further along), around the chapter's app.
const files: Record<string, string> = {
  "package.json": chapterFile("package.json"),
  "index.js": chapterFile("index.js"),
  Dockerfile: [
    "FROM node:18",
    "",
    'ARG email="anna@example.com"',
    'LABEL "maintainer"=$email',
    'LABEL "rating"="Five Stars" "class"="First Class"',
    "",
    "USER root",
    "",
    "ENV AP=/data/app",
    "ENV SCPATH=/etc/supervisor/conf.d",
    "",
    "RUN mkdir -p /var/log/supervisor",
    "",
    "# Application Code",
    "COPY *.js* $AP/",
    "",
    "WORKDIR $AP",
    "",
    "RUN npm install",
    "",
    "USER node",
    'CMD ["node", "index.js"]',
  ].join("\n"),
};

beforeAll(async () => {
  await requireSandboxImage();
  sandbox = (await driver.create({ labels: {}, limits: testLimits })).id;
  const docker = await driver.exec(sandbox, ["layerlab-docker-start"], { user: "root", timeoutMs: 90_000 });
  expect(docker.exitCode, docker.stderr).toBe(0);
  for (const [name, content] of Object.entries(files)) await driver.writeFile(sandbox, `docker-node-hello/${name}`, content + "\n");
});

afterAll(() => cleanUpInOrder(cleanup));

describe("the book's commands in a sandbox", () => {
  it("docker image build -t example/docker-node-hello:latest .", async () => {
    const r = await learner("docker image build -t example/docker-node-hello:latest . 2>&1");
    expect(r.stdout).toMatch(/naming to docker\.io\/example\/docker-node-hello:latest/);
  });

  it("docker container run --rm -d -p 8080:8080 …, then curl localhost:8080", async () => {
    const r = await learner(`
      id=$(docker container run --rm -d -p 8080:8080 example/docker-node-hello:latest)
      for i in $(seq 50); do curl -fsS localhost:8080 && break; sleep 0.2; done
      docker container stop "$id" >/dev/null`);
    expect(r.stdout).toBe("Hello World. Wish you were here.\n");
  });

  it("docker image inspect shows the labels", async () => {
    const r = await learner("docker image inspect example/docker-node-hello:latest --format '{{json .Config.Labels}}'");
    expect(JSON.parse(r.stdout)).toMatchObject({ maintainer: "anna@example.com", rating: "Five Stars", class: "First Class" });
  });

  it("--build-arg changes the ARG", async () => {
    const r = await learner(`
      docker image build --build-arg email=me@example.com -t example/docker-node-hello:latest . >/dev/null 2>&1
      docker image inspect example/docker-node-hello:latest --format '{{index .Config.Labels "maintainer"}}'`);
    expect(r.stdout).toBe("me@example.com\n");
  });

  it("--env reaches the application, as the book prints the command", async () => {
    const r = await learner(`
      id=$(docker container run --rm -d --publish mode=ingress,published=8080,target=8080 --env WHO="Sean and Karl" example/docker-node-hello:latest)
      for i in $(seq 50); do curl -fsS localhost:8080 && break; sleep 0.2; done
      docker container stop "$id" >/dev/null`);
    expect(r.stdout).toBe("Hello Sean and Karl. Wish you were here.\n");
  });

  it("docker context list shows the default context and no warning", async () => {
    const r = await asLearner(driver, sandbox, "docker context list");
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stderr).toBe("");
    expect(r.stdout).toMatch(/^default \*.*unix:\/\/\/var\/run\/docker\.sock/m);
    expect(r.stdout + r.stderr).not.toMatch(/overrides the active context/);
  });

  it("the base images carry only their own labels, none of the lab's", async () => {
    const r = await learner("docker image pull -q node:18 >/dev/null && docker image inspect node:18 --format '{{json .Config.Labels}}'");
    expect(r.stdout).not.toMatch(/layerlab|image\.source/);
  });

  it("docker image history lists the layers the Dockerfile made", async () => {
    const r = await learner("docker image history example/docker-node-hello:latest");
    expect(r.stdout).toMatch(/CMD \["node" "index\.js"\]/);
    expect(r.stdout).toMatch(/WORKDIR \/data\/app/);
    expect(r.stdout).toMatch(/COPY \*\.js\* \/data\/app\//);
    // The CREATED BY column is truncated ("npm i…") unless --no-trunc.
    expect(r.stdout).toMatch(/RUN .*npm i/);
  });

  // Slow in a rootless engine: without native overlay diff (user namespace), the legacy builder's
  // commit of every step walks the whole node:18 root file system, ~10 s a step on 2 busy cores.
  // The broken build reuses the first build's cache up to the broken step.
  it("DOCKER_BUILDKIT=0 builds with intermediate containers, and a broken build's last good layer can be run", { timeout: 420_000 }, async () => {
    const legacy = await learner("DOCKER_BUILDKIT=0 docker image build -t example/docker-node-hello:legacy . 2>&1");
    expect(legacy.stdout).toMatch(/---> Running in [0-9a-f]{12}/);
    expect(legacy.stdout).toMatch(/Successfully tagged example\/docker-node-hello:legacy/);

    const broken = await asLearner(driver, sandbox, "cd ~/docker-node-hello && sed 's/RUN npm install/RUN npm installer/' Dockerfile > Dockerfile.broken && DOCKER_BUILDKIT=0 docker image build -f Dockerfile.broken . 2>&1");
    expect(broken.exitCode).not.toBe(0);
    expect(broken.stdout).toMatch(/npm installer.*returned a non-zero code/s);
    const layers = [...broken.stdout.matchAll(/^ ---> ([0-9a-f]{12})$/gm)].map((m) => m[1]);
    const lastGood = layers.at(-1);
    expect(lastGood).toBeDefined();
    const r = await learner(`docker container run --rm ${lastGood} /bin/bash -c 'pwd; ls /data/app'`);
    expect(r.stdout).toBe("/data/app\nindex.js\npackage.json\n");
  });

  it("--target stops at a named stage", async () => {
    const r = await learner(`
      mkdir -p ~/stages && cd ~/stages
      printf '%s\\n' 'FROM busybox AS base' 'RUN echo base > /stage' 'FROM base AS test' 'RUN echo test > /stage' 'FROM base AS final' 'CMD ["cat", "/stage"]' > Dockerfile
      docker image build --target test -t example/stages:test . >/dev/null 2>&1
      docker container run --rm example/stages:test cat /stage
      docker image build -t example/stages:final . >/dev/null 2>&1
      docker container run --rm example/stages:final`);
    expect(r.stdout).toBe("test\nbase\n");
  });

  it("RUN --mount=type=cache keeps its cache between builds", async () => {
    const r = await learner(`
      mkdir -p ~/cache && cd ~/cache
      printf '%s\\n' 'FROM busybox' 'ARG BUST' 'RUN --mount=type=cache,target=/cache echo "$BUST" >> /cache/runs && wc -l < /cache/runs > /runs' 'CMD ["cat", "/runs"]' > Dockerfile
      docker image build --build-arg BUST=1 -t example/cache . >/dev/null 2>&1
      docker image build --build-arg BUST=2 -t example/cache . >/dev/null 2>&1
      docker container run --rm example/cache`);
    expect(r.stdout.trim()).toBe("2");
  });

  it("docker buildx build --platform linux/amd64,linux/arm64 --push, then imagetools and manifest inspect list both", async () => {
    const r = await learner(`
      docker container run -d --name registry -p 5000:5000 registry:2 >/dev/null
      for i in $(seq 50); do curl -fsS localhost:5000/v2/ >/dev/null && break; sleep 0.2; done
      mkdir -p ~/multi && cd ~/multi
      printf '%s\\n' 'FROM busybox' 'RUN uname -m > /arch' 'CMD ["cat", "/arch"]' > Dockerfile
      set -o pipefail
      docker buildx build --platform linux/amd64,linux/arm64 -t localhost:5000/example/multi:latest --push . 2>&1 | tail -12
      echo ---imagetools
      docker buildx imagetools inspect localhost:5000/example/multi:latest
      echo ---manifest
      docker manifest inspect --insecure localhost:5000/example/multi:latest
      echo ---run
      docker container run --rm --platform linux/arm64 localhost:5000/example/multi:latest`);
    const [build, imagetools, manifest, run] = r.stdout.split(/^---\w+$/m);
    // Once (of many runs, on a loaded machine) the tag held a single-platform manifest: the build's end says why.
    expect(imagetools, build).toMatch(/Platform:\s+linux\/amd64/);
    expect(imagetools, build).toMatch(/Platform:\s+linux\/arm64/);
    const platforms = (JSON.parse(manifest) as { manifests: { platform: { architecture: string } }[] }).manifests.map((m) => m.platform.architecture);
    expect(platforms).toEqual(expect.arrayContaining(["amd64", "arm64"]));
    expect(run.trim()).toBe("aarch64");
  });

  it("a private registry with basic auth: docker login, push, pull", async () => {
    const r = await learner(`
      mkdir -p ~/auth && htpasswd -Bbn learner s3cret > ~/auth/htpasswd
      docker container run -d --name authreg -p 5001:5000 -v ~/auth:/auth \\
        -e REGISTRY_AUTH=htpasswd -e REGISTRY_AUTH_HTPASSWD_REALM=Registry -e REGISTRY_AUTH_HTPASSWD_PATH=/auth/htpasswd registry:2 >/dev/null
      for i in $(seq 50); do curl -s -o /dev/null localhost:5001/v2/ && break; sleep 0.2; done
      docker image tag example/docker-node-hello:latest localhost:5001/hello:latest
      if docker image push localhost:5001/hello:latest >/dev/null 2>&1; then echo pushed-without-login; fi
      echo s3cret | docker login localhost:5001 --username learner --password-stdin
      docker image push localhost:5001/hello:latest >/dev/null
      docker image rm localhost:5001/hello:latest >/dev/null
      docker image pull localhost:5001/hello:latest >/dev/null && echo pulled
      docker logout localhost:5001`);
    expect(r.stdout).not.toContain("pushed-without-login");
    expect(r.stdout).toContain("Login Succeeded");
    expect(r.stdout).toContain("pulled");
  });

  it("docker container export, then tar -tvf", async () => {
    const r = await learner(`
      docker container create --name exported example/docker-node-hello:latest >/dev/null
      docker container export exported -o ~/export.tar
      docker container rm exported >/dev/null
      tar -tvf ~/export.tar | grep -E ' data/app/(index\\.js|package\\.json)$' | awk '{print $NF}'`);
    expect(r.stdout).toBe("data/app/index.js\ndata/app/package.json\n");
  });
});
