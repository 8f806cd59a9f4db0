import { describe, expect, it } from "vitest";
import { coveringVariants, newSeed, pickVariant, renderTemplate, UnknownVariableError, variantChoicesSchema } from "./variant";

const choices = { app: ["hello", "greeter", "echo"], port: ["8080", "3000"] };

describe("pickVariant", () => {
  it("gives the drill as written for seed 0", () => {
    expect(pickVariant(choices, 0)).toEqual({ app: "hello", port: "8080" });
  });

  it("is deterministic for a seed", () => {
    expect(pickVariant(choices, 12345)).toEqual(pickVariant(choices, 12345));
  });

  it("spreads seeds over every value", () => {
    const apps = new Set(Array.from({ length: 60 }, (_, i) => pickVariant(choices, i + 1).app));
    const ports = new Set(Array.from({ length: 60 }, (_, i) => pickVariant(choices, i + 1).port));
    expect(apps).toEqual(new Set(choices.app));
    expect(ports).toEqual(new Set(choices.port));
  });

  it("picks each variable independently of the others", () => {
    const seeds = Array.from({ length: 40 }, (_, i) => i + 1);
    const withExtra = seeds.map((s) => pickVariant({ ...choices, base: ["a", "b"] }, s).app);
    expect(withExtra).toEqual(seeds.map((s) => pickVariant(choices, s).app));
  });
});

describe("coveringVariants", () => {
  it("names every value of every variable", () => {
    const rows = coveringVariants(choices);
    expect(rows).toHaveLength(3);
    expect(new Set(rows.map((r) => r.app))).toEqual(new Set(choices.app));
    expect(new Set(rows.map((r) => r.port))).toEqual(new Set(choices.port));
  });

  it("is one row for a drill without variables", () => {
    expect(coveringVariants({})).toEqual([{}]);
  });
});

describe("renderTemplate", () => {
  it("replaces placeholders, spaces inside braces allowed", () => {
    expect(renderTemplate("EXPOSE {{port}}\nCMD [\"{{ app }}\"]", { app: "hello", port: "8080" })).toBe('EXPOSE 8080\nCMD ["hello"]');
  });

  it("refuses an unknown variable instead of leaving it in", () => {
    expect(() => renderTemplate("{{nope}}", {})).toThrow(UnknownVariableError);
  });

  it("leaves other braces alone", () => {
    expect(renderTemplate("{{.State.Status}} ${HOME}", {})).toBe("{{.State.Status}} ${HOME}");
  });
});

describe("variantChoicesSchema", () => {
  it("accepts numbers as values and turns them into text", () => {
    expect(variantChoicesSchema.parse({ port: [8080, 3000] })).toEqual({ port: ["8080", "3000"] });
  });

  it("refuses a value that would break YAML or shell text", () => {
    expect(variantChoicesSchema.safeParse({ app: ["two words"] }).success).toBe(false);
    expect(variantChoicesSchema.safeParse({ app: [] }).success).toBe(false);
  });
});

describe("newSeed", () => {
  it("is a non-negative integer", () => {
    const seed = newSeed(() => 0.999999);
    expect(Number.isInteger(seed)).toBe(true);
    expect(seed).toBeGreaterThanOrEqual(0);
  });
});
