import { describe, expect, it } from "vitest";
import { formatSize, parseSize } from "./check-result";
import { checkSpecSchema } from "./check-spec";
import { recorded } from "./fixtures/recorded";
import { judgeImageConfig, normalizeImageName, type ImageConfigSpec } from "./image-config";

const spec = (fields: Record<string, unknown>) => checkSpecSchema.parse({ id: "c", title: "t", image: "fixture/web", ...fields }) as ImageConfigSpec;
const present = { inspect: recorded("image-inspect"), listed: recorded("image-ls-json") };
const missing = { inspect: recorded("image-inspect-missing"), tags: recorded("image-ls-tags").stdout.split("\n").filter(Boolean) };

describe("image checks on a real docker image inspect", () => {
  it("finds the image, or names the near misses when it is missing", () => {
    expect(judgeImageConfig(spec({ kind: "image-exists" }), present)).toEqual({ passed: true, message: "The image fixture/web:latest exists." });
    const result = judgeImageConfig(spec({ kind: "image-exists", image: "fixture/web:v2" }), {
      inspect: { ...missing.inspect, stderr: "Error response from daemon: No such image: fixture/web:v2\n" },
      tags: missing.tags,
    });
    expect(result.passed).toBe(false);
    expect(result.message).toBe("There is no image fixture/web:v2 yet. Near names you have: fixture/web:slim, fixture/web:latest. Build it with -t fixture/web:v2.");
  });

  it("reads labels, with the value that is there when it differs", () => {
    expect(judgeImageConfig(spec({ kind: "image-label", label: "rating", equals: "Five Stars" }), present).passed).toBe(true);
    expect(judgeImageConfig(spec({ kind: "image-label", label: "maintainer", equals: "me@example.com" }), present).message).toBe(
      'The label "maintainer" of the image fixture/web:latest is "anna@example.com"; expected "me@example.com".',
    );
    expect(judgeImageConfig(spec({ kind: "image-label", label: "owner", matches: "." }), present).message).toBe(
      'The image fixture/web:latest has no label "owner" (its labels: class, maintainer, rating).',
    );
  });

  it("reads env, user, exposed ports and CMD", () => {
    expect(judgeImageConfig(spec({ kind: "image-env", name: "WHO_AM_I", matches: "^A" }), present).passed).toBe(true);
    expect(judgeImageConfig(spec({ kind: "image-env", name: "PORT" }), present).message).toBe("The image fixture/web:latest sets no environment variable PORT.");
    expect(judgeImageConfig(spec({ kind: "image-user", notRoot: true }), present)).toEqual({ passed: true, message: 'The image fixture/web:latest runs as "nobody".' });
    expect(judgeImageConfig(spec({ kind: "image-user", equals: "app" }), present).message).toBe('The image fixture/web:latest runs as "nobody"; expected "app".');
    expect(judgeImageConfig(spec({ kind: "image-exposes", port: 8080 }), present).passed).toBe(true);
    expect(judgeImageConfig(spec({ kind: "image-exposes", port: 80 }), present).message).toBe("The image fixture/web:latest does not expose 80/tcp (it exposes 8080/tcp).");
    expect(judgeImageConfig(spec({ kind: "image-cmd", equals: ["httpd", "-f", "-p", "8080", "-h", "/www"] }), present).passed).toBe(true);
    expect(judgeImageConfig(spec({ kind: "image-cmd", equals: ["sh"] }), present).message).toBe(
      'The image fixture/web:latest starts ["httpd","-f","-p","8080","-h","/www"]; expected ["sh"].',
    );
  });

  it("tells a root image apart", () => {
    const root = JSON.parse(recorded("image-inspect").stdout);
    root[0].Config.User = "";
    const result = judgeImageConfig(spec({ kind: "image-user", notRoot: true }), { inspect: { ...present.inspect, stdout: JSON.stringify(root) } });
    expect(result.passed).toBe(false);
    expect(result.message).toMatch(/^The image fixture\/web:latest runs as root \(no USER set\)/);
  });

  it("compares the size docker image ls shows", () => {
    expect(judgeImageConfig(spec({ kind: "image-size", maxMb: 10 }), present).passed).toBe(true);
    expect(judgeImageConfig(spec({ kind: "image-size", maxMb: 1 }), present).message).toBe("The image fixture/web:latest is 9.46 MB; it should be under 1 MB.");
    expect(judgeImageConfig(spec({ kind: "image-size", minMb: 50 }), present).message).toBe("The image fixture/web:latest is only 9.46 MB; expected at least 50 MB.");
  });
});

describe("names and sizes", () => {
  it("normalizes image names the way docker shows them", () => {
    expect(normalizeImageName("example/hello")).toBe("example/hello:latest");
    expect(normalizeImageName("docker.io/library/busybox")).toBe("busybox:latest");
    expect(normalizeImageName("localhost:5000/hello")).toBe("localhost:5000/hello:latest");
    expect(normalizeImageName("localhost:5000/hello:v1")).toBe("localhost:5000/hello:v1");
  });

  it("formats and reads sizes in docker's decimal units", () => {
    expect([0, 999, 4096, 3149824, 62914560, 1.5e9].map(formatSize)).toEqual(["0 B", "999 B", "4.1 kB", "3.15 MB", "62.9 MB", "1.5 GB"]);
    expect(["9.461MB", "1.1GB", "512B", "4.1kB", "huge"].map(parseSize)).toEqual([9461000, 1.1e9, 512, 4100, NaN]);
  });
});
