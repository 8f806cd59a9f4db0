import "server-only";
import path from "node:path";
import { PrismaBetterSqlite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaClient } from "./generated/client";

/** The one Prisma client. Kept on globalThis so Next's bundled route handlers and the custom server share it. */
const globalForDb = globalThis as unknown as { layerlabDb?: PrismaClient };

export function sqliteFileFromUrl(url: string): string {
  if (!url.startsWith("file:")) throw new Error(`DATABASE_URL must be a file: URL for SQLite, got ${url}`);
  return path.resolve(url.slice("file:".length));
}

export function db(): PrismaClient {
  if (!globalForDb.layerlabDb) {
    const url = process.env.DATABASE_URL ?? "file:.data/layerlab.db";
    const adapter = new PrismaBetterSqlite3({ url: sqliteFileFromUrl(url) });
    globalForDb.layerlabDb = new PrismaClient({ adapter });
  }
  return globalForDb.layerlabDb;
}
