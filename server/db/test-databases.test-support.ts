import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import type { Dialect } from "./dialect";

/**
 * Real databases for integration tests: a fresh SQLite file, or a fresh database in the throwaway
 * PostgreSQL cluster of scripts/postgres-for-tests.sh (started here if the test runner has not).
 * Data-access suites run once per dialect: `describe.each(TEST_DIALECTS)` with useTestDatabase.
 */
export const TEST_DIALECTS: Dialect[] = ["sqlite", "postgresql"];

export interface TestDatabase {
  dialect: Dialect;
  url: string;
  drop(): Promise<void>;
}

function postgresClusterUrl(): string {
  if (process.env.LAYERLAB_TEST_POSTGRES_URL) return process.env.LAYERLAB_TEST_POSTGRES_URL;
  const url = execFileSync("bash", [path.resolve("scripts/postgres-for-tests.sh")], { encoding: "utf8" }).trim();
  process.env.LAYERLAB_TEST_POSTGRES_URL = url;
  return url;
}

export async function createTestDatabase(dialect: Dialect): Promise<TestDatabase> {
  if (dialect === "sqlite") {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "layerlab-db-"));
    return { dialect, url: `file:${path.join(dir, "test.db")}`, drop: async () => fs.rmSync(dir, { recursive: true, force: true }) };
  }
  const clusterUrl = postgresClusterUrl();
  const name = `layerlab_test_${randomBytes(6).toString("hex")}`;
  const admin = async (sql: string) => {
    const client = new pg.Client({ connectionString: clusterUrl });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  };
  await admin(`CREATE DATABASE "${name}"`);
  const url = new URL(clusterUrl);
  url.pathname = `/${name}`;
  return { dialect, url: url.toString(), drop: () => admin(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`) };
}

/**
 * Points db() at a fresh, migrated database of this dialect for the enclosing describe block.
 * Call from beforeAll; call the returned function from afterAll.
 */
export async function useTestDatabase(dialect: Dialect): Promise<{ database: TestDatabase; release(): Promise<void> }> {
  const database = await createTestDatabase(dialect);
  const { configureDatabase } = await import("./client");
  configureDatabase(database.url);
  const { migrateDatabase } = await import("./migrate");
  await migrateDatabase(database.url);
  return {
    database,
    async release() {
      const { disconnectDb } = await import("./client");
      await disconnectDb();
      await database.drop();
    },
  };
}
