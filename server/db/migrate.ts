import "server-only";
import fs from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";

/**
 * Applies prisma/migrations/<name>/migration.sql in name order, each once, in a transaction.
 * Prisma's own `migrate deploy` needs a schema-engine binary it downloads on first use; this needs nothing.
 */
export function applyMigrations(dbFile: string, migrationsDir = path.resolve("prisma/migrations")): string[] {
  fs.mkdirSync(path.dirname(dbFile), { recursive: true });
  const sqlite = new Database(dbFile);
  try {
    sqlite.pragma("journal_mode = WAL");
    sqlite.exec(`CREATE TABLE IF NOT EXISTS "_layerlab_migrations" ("name" TEXT PRIMARY KEY, "appliedAt" TEXT NOT NULL)`);
    const applied = new Set(
      sqlite.prepare(`SELECT name FROM "_layerlab_migrations"`).all().map((row) => (row as { name: string }).name),
    );
    const pending = fs
      .readdirSync(migrationsDir, { withFileTypes: true })
      .filter((entry) => entry.isDirectory() && !applied.has(entry.name))
      .map((entry) => entry.name)
      .sort();
    for (const name of pending) {
      const sql = fs.readFileSync(path.join(migrationsDir, name, "migration.sql"), "utf8");
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
