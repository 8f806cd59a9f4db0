import { describe, expect, it } from "vitest";
import { parseContainerList, publishedPorts, rankForStep } from "./learner-containers";

const line = (fields: Record<string, string>) => JSON.stringify({ Command: '"node index.js"', Labels: "", ...fields });

// As Docker 29 prints them (fields trimmed to the ones that matter and a few it adds).
const LS = [
  line({ ID: "3f1c2a9b8d7e", Names: "registry", Image: "registry:2", Status: "Up 3 minutes", Ports: "0.0.0.0:5000->5000/tcp, [::]:5000->5000/tcp" }),
  line({ ID: "a1b2c3d4e5f6", Names: "eager_turing", Image: "example/docker-node-hello:latest", Status: "Up 10 seconds", Ports: "0.0.0.0:8080->8080/tcp" }),
  line({ ID: "0123456789ab", Names: "quiet", Image: "debian:bookworm-slim", Status: "Up 1 second", Ports: "80/tcp" }),
].join("\n");

describe("the learner's containers", () => {
  it("reads docker container ls's JSON lines: id, name, image, and the ports it publishes", () => {
    expect(parseContainerList(LS)).toEqual([
      { id: "3f1c2a9b8d7e", name: "registry", image: "registry:2", status: "Up 3 minutes", ports: [5000] },
      { id: "a1b2c3d4e5f6", name: "eager_turing", image: "example/docker-node-hello:latest", status: "Up 10 seconds", ports: [8080] },
      { id: "0123456789ab", name: "quiet", image: "debian:bookworm-slim", status: "Up 1 second", ports: [] },
    ]);
  });

  it("skips what is not a container line, and reads nothing from a hostile one", () => {
    const noisy = `WARNING: something\n{"ID":"nothex!","Names":"x","Image":"y","Status":"Up"}\n{not json\n${LS}`;
    expect(parseContainerList(noisy).map((c) => c.id)).toEqual(["3f1c2a9b8d7e", "a1b2c3d4e5f6", "0123456789ab"]);
    expect(parseContainerList("")).toEqual([]);
  });

  it("published ports, ranges included; an exposed port alone holds none", () => {
    expect(publishedPorts("0.0.0.0:8000-8002->8000-8002/tcp, 9000/tcp")).toEqual([8000, 8001, 8002]);
    expect(publishedPorts("127.0.0.1:5443->5000/tcp")).toEqual([5443]);
    expect(publishedPorts("5000/tcp")).toEqual([]);
  });

  it("offers first the container of the image the step names, latest tag or not", () => {
    const all = parseContainerList(LS);
    expect(rankForStep(all, "docker container run --rm -d -p 8080:8080 example/docker-node-hello:latest").map((c) => c.name)).toEqual(["eager_turing", "registry", "quiet"]);
    expect(rankForStep(all, "docker run example/docker-node-hello").map((c) => c.name)[0]).toBe("eager_turing");
    // Positive control: a text naming no image keeps Docker's order.
    expect(rankForStep(all, "docker container stop ID").map((c) => c.name)).toEqual(["registry", "eager_turing", "quiet"]);
  });
});
