import "server-only";
import fs from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import pg from "pg";
import { dialectOf, type Dialect } from "./dialect";
import { sqliteFileFromUrl } from "./client";

/**
 * Applies prisma/migrations/<dialect>/<name>/migration.sql in name order, each once, in a transaction,
 * recording each in "_layerlab_migrations". Prisma's own `migrate deploy` needs a schema-engine binary
 * it downloads on first use; this needs nothing beyond the npm packages. See prisma/README.md.
 */
export function migrationsDir(dialect: Dialect): string {
  return path.resolve("prisma/migrations", dialect);
}

/** Migration names on disk, in the order they apply. */
export function migrationNames(dir: string): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();
}

function readMigration(dir: string, name: string): string {
  return fs.readFileSync(path.join(dir, name, "migration.sql"), "utf8");
}

/** Migrates the database DATABASE_URL names; returns the names newly applied. */
export async function migrateDatabase(url: string): Promise<string[]> {
  return dialectOf(url) === "sqlite" ? applyMigrations(sqliteFileFromUrl(url)) : applyPostgresMigrations(url);
}

export function applyMigrations(dbFile: string, dir = migrationsDir("sqlite")): string[] {
  fs.mkdirSync(path.dirname(dbFile), { recursive: true });
  const sqlite = new Database(dbFile);
  try {
    sqlite.pragma("journal_mode = WAL");
    sqlite.exec(`CREATE TABLE IF NOT EXISTS "_layerlab_migrations" ("name" TEXT PRIMARY KEY, "appliedAt" TEXT NOT NULL)`);
    const applied = new Set(
      sqlite.prepare(`SELECT name FROM "_layerlab_migrations"`).all().map((row) => (row as { name: string }).name),
    );
    const pending = migrationNames(dir).filter((name) => !applied.has(name));
    for (const name of pending) {
      const sql = readMigration(dir, name);
      sqlite.transaction(() => {
        sqlite.exec(sql);
        sqlite.prepare(`INSERT INTO "_layerlab_migrations" (name, appliedAt) VALUES (?, ?)`).run(name, new Date().toISOString());
      })();
    }
    return pending;
  } finally {
    sqlite.close();
  }
}

/** Any number from a fixed hash: the advisory lock two lab replicas starting together take in turn. */
const MIGRATION_LOCK = 0x6c61_7962;

export async function applyPostgresMigrations(url: string, dir = migrationsDir("postgresql")): Promise<string[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query("SELECT pg_advisory_lock($1)", [MIGRATION_LOCK]);
    await client.query(`CREATE TABLE IF NOT EXISTS "_layerlab_migrations" ("name" TEXT PRIMARY KEY, "appliedAt" TEXT NOT NULL)`);
    const { rows } = await client.query<{ name: string }>(`SELECT name FROM "_layerlab_migrations"`);
    const applied = new Set(rows.map((row) => row.name));
    const pending = migrationNames(dir).filter((name) => !applied.has(name));
    for (const name of pending) {
      // PostgreSQL's DDL is transactional: a migration applies whole or not at all.
      await client.query("BEGIN");
      try {
        await client.query(readMigration(dir, name));
        await client.query(`INSERT INTO "_layerlab_migrations" (name, "appliedAt") VALUES ($1, $2)`, [name, new Date().toISOString()]);
        await client.query("COMMIT");
      } catch (error) {
        await client.query("ROLLBACK");
        throw new Error(`migration ${name} failed: ${(error as Error).message}`, { cause: error });
      }
    }
    return pending;
  } finally {
    await client.query("SELECT pg_advisory_unlock($1)", [MIGRATION_LOCK]).catch(() => undefined);
    await client.end();
  }
}
