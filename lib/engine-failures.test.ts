import { describe, expect, it } from "vitest";
import { EngineFailureScanner, recogniseEngineFailure } from "./engine-failures";

// As BuildKit printed it in the failed CI run of chapter 09 step 3 (digests shortened).
const RACE =
  '#14 ERROR: failed to prepare extraction snapshot "extract-771744199-MArs sha256:1d41b7b3d27c": parent snapshot sha256:8ea3b23f387b does not exist: not found';

describe("recogniseEngineFailure", () => {
  it("names the unpack race and says to build again", () => {
    expect(recogniseEngineFailure(`#14 exporting layers done\n${RACE}\n`)).toMatchObject({ id: "unpack-race", advice: expect.stringMatching(/run the same build again/) });
  });

  it("names a docker-container builder that cannot boot offline, and says how to go back", () => {
    // As buildx printed it in a sandbox for `docker buildx inspect --bootstrap` of a docker-container builder.
    const boot =
      'ERROR: Error response from daemon: failed to resolve reference "docker.io/moby/buildkit:buildx-stable-1": failed to do request: Head "https://registry-1.docker.io/v2/moby/buildkit/manifests/buildx-stable-1": dial tcp: lookup registry-1.docker.io on 10.0.2.3:53: read udp 10.0.2.100:34001->10.0.2.3:53: i/o timeout';
    expect(recogniseEngineFailure(`#1 [internal] booting buildkit\n${boot}\n`)).toMatchObject({ id: "buildkit-image-offline", advice: expect.stringMatching(/docker buildx use default/) });
    // Control: another image missing from the lab is the learner's to fix, not this.
    expect(recogniseEngineFailure('ERROR: failed to resolve reference "docker.io/library/alpine:3.19": not found')).toBeNull();
  });

  it("leaves a learner's own build errors alone", () => {
    expect(recogniseEngineFailure('ERROR: failed to solve: process "/bin/sh -c npm ci" did not complete successfully: exit code: 1')).toBeNull();
    expect(recogniseEngineFailure("Error response from daemon: No such container: ID")).toBeNull();
  });
});

describe("EngineFailureScanner", () => {
  const bytes = (s: string) => new TextEncoder().encode(s);

  it("finds the line split across chunks and coloured, once per command", () => {
    const scanner = new EngineFailureScanner();
    const coloured = `\x1b[31m${RACE}\x1b[0m\r\n`;
    const middle = Math.floor(coloured.length / 2);
    expect(scanner.push(bytes(coloured.slice(0, middle)))).toEqual([]);
    expect(scanner.push(bytes(coloured.slice(middle))).map((f) => f.id)).toEqual(["unpack-race"]);
    // The same command printing it again: already said.
    expect(scanner.push(bytes(`${RACE}\n`))).toEqual([]);
    scanner.commandFinished();
    expect(scanner.push(bytes(`${RACE}\n`)).map((f) => f.id)).toEqual(["unpack-race"]);
  });

  it("keeps a bounded tail when no line ends", () => {
    const scanner = new EngineFailureScanner();
    for (let i = 0; i < 100; i++) expect(scanner.push(bytes("x".repeat(10_000)))).toEqual([]);
    // A flood without newlines does not hide a failure that follows on a line of its own.
    expect(scanner.push(bytes(`\n${RACE}\n`)).map((f) => f.id)).toEqual(["unpack-race"]);
  });
});
