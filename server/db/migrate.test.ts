import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { derivePostgresSchema } from "../../scripts/derive-postgres-schema";
import { migrationNames, migrationsDir } from "./migrate";

describe("migrations layout", () => {
  it("every migration exists for both databases, under the same name", () => {
    const sqlite = migrationNames(migrationsDir("sqlite"));
    expect(sqlite.length).toBeGreaterThan(0);
    expect(migrationNames(migrationsDir("postgresql"))).toEqual(sqlite);
    for (const dialect of ["sqlite", "postgresql"] as const) {
      for (const name of sqlite) {
        expect(name).toMatch(/^\d{4}_[a-z0-9_]+$/);
        expect(fs.existsSync(path.join(migrationsDir(dialect), name, "migration.sql")), `${dialect}/${name}/migration.sql`).toBe(true);
      }
    }
  });

  it("the PostgreSQL schema is derived from the current source schema", () => {
    const derived = derivePostgresSchema(fs.readFileSync("prisma/schema.prisma", "utf8"));
    expect(fs.readFileSync("prisma/postgresql/schema.prisma", "utf8")).toBe(derived);
    expect(derived).toMatch(/provider = "postgresql"/);
    expect(derived).not.toMatch(/provider = "sqlite"/);
  });
});
