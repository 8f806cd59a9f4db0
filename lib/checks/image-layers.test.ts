import { describe, expect, it } from "vitest";
import { checkSpecSchema } from "./check-spec";
import { recorded } from "./fixtures/recorded";
import { cleanCreatedBy, judgeImageLayers, parseHistory, type ImageLayerSpec } from "./image-layers";

const spec = (fields: Record<string, unknown>) => checkSpecSchema.parse({ id: "c", title: "t", image: "fixture/web", ...fields }) as ImageLayerSpec;
const fat = { inspect: recorded("image-inspect"), history: recorded("image-history") };
const slim = { inspect: recorded("image-inspect"), history: recorded("image-history-slim") };

describe("image history", () => {
  it("reads docker's history oldest first, with the Dockerfile's own words", () => {
    const history = parseHistory(recorded("image-history").stdout);
    expect(history[0].createdBy).toMatch(/^ADD file:[0-9a-f]{64} in \/$/);
    expect(history.map((h) => h.createdBy).slice(5, 8)).toEqual(["RUN dd if=/dev/urandom of=/big.bin bs=1M count=3", "RUN rm /big.bin", "COPY index.html /www/index.html"]);
    expect(history.at(-1)).toEqual({ createdBy: 'CMD ["httpd" "-f" "-p" "8080" "-h" "/www"]', sizeBytes: 0 });
  });

  it("cleans the bookkeeping of BuildKit and of the legacy builder", () => {
    expect(cleanCreatedBy("RUN |2 a=1 b=2 /bin/sh -c echo hi # buildkit")).toBe("RUN echo hi");
    expect(cleanCreatedBy("/bin/sh -c apt-get update")).toBe("RUN apt-get update");
    expect(cleanCreatedBy('/bin/sh -c #(nop)  CMD ["sh"]')).toBe('CMD ["sh"]');
  });
});

describe("layer checks", () => {
  it("finds the layer a step made and measures it", () => {
    const big = judgeImageLayers(spec({ kind: "layer-size", step: "urandom", maxMb: 1 }), fat);
    expect(big.passed).toBe(false);
    expect(big.message).toBe("The layer made by `RUN dd if=/dev/urandom of=/big.bin bs=1M count=3` holds 3.15 MB; it should be under 1 MB.");
    expect(big.details).toContain("3.15 MB  RUN dd if=/dev/urandom");
    expect(judgeImageLayers(spec({ kind: "layer-size", step: "urandom", maxMb: 1 }), slim)).toMatchObject({
      passed: true,
      message: "The layer made by `RUN dd if=/dev/urandom of=/big.bin bs=1M count=3 && rm /big.bin` holds 4.1 kB.",
    });
    expect(judgeImageLayers(spec({ kind: "layer-size", step: "urandom", minMb: 3 }), fat).passed).toBe(true);
    expect(judgeImageLayers(spec({ kind: "layer-size", step: "urandom", minMb: 3 }), slim).message).toMatch(/holds only 4\.1 kB; expected at least 3 MB/);
  });

  it("says so when no step matches", () => {
    expect(judgeImageLayers(spec({ kind: "layer-size", step: "apt-get", maxMb: 1 }), fat).message).toBe(
      "No layer of the image fixture/web:latest was made by a step matching /apt-get/. Was it built from your current Dockerfile?",
    );
  });

  it("counts filesystem layers, not history entries", () => {
    expect(judgeImageLayers(spec({ kind: "layer-count", max: 4 }), fat)).toEqual({ passed: true, message: "The image fixture/web:latest has 4 layers." });
    expect(judgeImageLayers(spec({ kind: "layer-count", max: 3 }), fat).message).toBe("The image fixture/web:latest has 4 layers; at most 3 expected.");
  });

  it("answers for a missing image before reading history", () => {
    expect(judgeImageLayers(spec({ kind: "layer-size", step: "x", maxMb: 1 }), { inspect: recorded("image-inspect-missing") }).message).toMatch(/^There is no image fixture\/web:latest yet\./);
  });
});
