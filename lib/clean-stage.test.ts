import { describe, expect, it } from "vitest";
import { checkSpecSchema } from "@/lib/checks/check-spec";
import { exerciseNeeds, inTheWay } from "./clean-stage";
import type { LearnerContainer } from "./learner-containers";

const check = (spec: Record<string, unknown>) => checkSpecSchema.parse({ id: "c", title: "t", ...spec });
const container = (id: string, image: string, ports: number[], name = id): LearnerContainer => ({ id, name, image, status: "Up 1 minute", ports });

describe("what an exercise needs of the sandbox", () => {
  it("reads published ports and built tags from its commands, and ports and images from its checks", () => {
    const texts = [
      "```bash\ndocker image build -t example/docker-node-hello:latest .\ndocker container run --rm -d -p 8080:8080 example/docker-node-hello:latest\n```",
      "docker container run -d --name private -p 5443:5000 \\\n  registry:2\ncurl https://localhost:5443/v2/",
      "`docker build --tag=drill/shop-api .` then `docker run -p 127.0.0.1:3000:3000 drill/shop-api`",
    ];
    const checks = [
      check({ kind: "container-answers", image: "drill/shop-api", port: 5000, body: "up" }),
      check({ kind: "container", image: "registry:2", publishes: 5000, hostPort: 5443 }),
    ];
    expect(exerciseNeeds(texts, checks)).toEqual({
      ports: [3000, 5000, 5443, 8080],
      images: ["drill/shop-api:latest", "example/docker-node-hello:latest", "registry:2"],
    });
  });

  it("takes no container port, redirection or plain number for a published one", () => {
    expect(exerciseNeeds(["docker run -d example/x sleep 5000", "echo 1 > port:80", "EXPOSE 8080"], [])).toEqual({ ports: [], images: [] });
  });
});

describe("what is in the way", () => {
  const needs = { ports: [5000], images: ["drill/shop-api:latest"] };
  const chapterImages = new Set(["registry:2", "example/layers:fat"]);
  const other = (image: string) => chapterImages.has(image) || image.startsWith("drill/");

  it("a container holding a port the exercise uses, or running another exercise's image, with why", () => {
    const running = [
      container("aaaaaaaaaaaa", "registry:2", [5000], "registry"),
      container("bbbbbbbbbbbb", "example/layers:fat", []),
      container("cccccccccccc", "debian:bookworm-slim", [5000]),
      container("dddddddddddd", "debian:bookworm-slim", [9000]),
    ];
    expect(inTheWay(running, needs, other)).toEqual([
      { container: running[0], reasons: ["holds port 5000, which this exercise uses", "runs registry:2 from another exercise"] },
      { container: running[1], reasons: ["runs example/layers:fat from another exercise"] },
      { container: running[2], reasons: ["holds port 5000, which this exercise uses"] },
    ]);
  });

  it("never the exercise's own containers, even on its port", () => {
    const own = container("eeeeeeeeeeee", "drill/shop-api", [5000]);
    expect(inTheWay([own], needs, other)).toEqual([]);
    // Control: the same container is in the way of an exercise that does not build that image.
    expect(inTheWay([own], { ports: [5000], images: [] }, other)).toHaveLength(1);
  });
});
