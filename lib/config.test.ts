import { describe, expect, it } from "vitest";
import { ConfigError, parseConfig } from "./config";

describe("parseConfig", () => {
  it("fills defaults from an empty environment", () => {
    const config = parseConfig({});
    expect(config.PORT).toBe(3000);
    expect(config.LAYERLAB_EGRESS).toBe("mirrors");
    expect(config.LAYERLAB_POOL_SIZE).toBe(2);
  });

  it("coerces numbers and booleans", () => {
    const config = parseConfig({ PORT: "4000", LAYERLAB_DEV: "true", LAYERLAB_SANDBOX_MEMORY_MB: "512" });
    expect(config.PORT).toBe(4000);
    expect(config.LAYERLAB_DEV).toBe(true);
    expect(config.LAYERLAB_SANDBOX_MEMORY_MB).toBe(512);
  });

  it("names the variable and the bad value", () => {
    expect(() => parseConfig({ PORT: "eighty" })).toThrow(ConfigError);
    expect(() => parseConfig({ LAYERLAB_EGRESS: "sometimes" })).toThrow(/LAYERLAB_EGRESS.*"sometimes"/);
    expect(() => parseConfig({ LAYERLAB_SUBNET: "10.0.0.0/8" })).toThrow(/LAYERLAB_SUBNET: must be an IPv4 \/24/);
  });

  it("takes a SQLite file or a PostgreSQL URL as DATABASE_URL, and nothing else", () => {
    expect(parseConfig({}).DATABASE_URL).toBe("file:.data/layerlab.db");
    expect(parseConfig({ DATABASE_URL: "postgresql://lab@db.example/layerlab" }).DATABASE_URL).toMatch(/^postgresql:/);
    expect(parseConfig({ DATABASE_URL: "postgres://lab@db.example/layerlab" }).DATABASE_URL).toMatch(/^postgres:/);
    expect(() => parseConfig({ DATABASE_URL: "mysql://lab@db/layerlab" })).toThrow(/DATABASE_URL: must be file:<path> for SQLite/);
  });
});
