import "server-only";
import path from "node:path";
import { PrismaBetterSqlite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaPg } from "@prisma/adapter-pg";
import { dialectOf, sqliteFileFromUrl as fileFromUrl } from "./dialect";
import { PrismaClient as PostgresClient } from "./generated/postgresql/client";
import { PrismaClient } from "./generated/sqlite/client";

export type { PrismaClient } from "./generated/sqlite/client";

/**
 * The configured database URL and its one Prisma client. Kept on globalThis so Next's bundled route handlers
 * and the custom server share them.
 */
const globalForDb = globalThis as unknown as { layerlabDatabaseUrl?: string; layerlabDb?: { url: string; client: PrismaClient } };

/** Points db() at the database of the validated config (startLab), or at a test's own database. */
export function configureDatabase(url: string): void {
  dialectOf(url);
  globalForDb.layerlabDatabaseUrl = url;
}

function databaseUrl(): string {
  const url = globalForDb.layerlabDatabaseUrl;
  if (!url) throw new Error("the database is not configured: the lab's start (startLab) or a test calls configureDatabase first");
  return url;
}

export function sqliteFileFromUrl(url: string): string {
  return fileFromUrl(url, (p) => path.resolve(p));
}

function connect(url: string): PrismaClient {
  if (dialectOf(url) === "sqlite") return new PrismaClient({ adapter: new PrismaBetterSqlite3({ url: sqliteFileFromUrl(url) }) });
  // A client generated for one provider refuses another provider's adapter, so PostgreSQL has its own
  // client, generated from the same models (prisma/postgresql/schema.prisma): the API is the same.
  return new PostgresClient({ adapter: new PrismaPg({ connectionString: url }) }) as unknown as PrismaClient;
}

/** The client for DATABASE_URL: SQLite for a file: URL, PostgreSQL for postgres(ql)://. */
export function db(): PrismaClient {
  const url = databaseUrl();
  if (globalForDb.layerlabDb?.url !== url) {
    // Only tests point the lab at another database while running (to run one suite against both databases).
    void globalForDb.layerlabDb?.client.$disconnect();
    globalForDb.layerlabDb = { url, client: connect(url) };
  }
  return globalForDb.layerlabDb.client;
}

export async function disconnectDb(): Promise<void> {
  const current = globalForDb.layerlabDb;
  globalForDb.layerlabDb = undefined;
  await current?.client.$disconnect();
}
