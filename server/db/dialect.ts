/** Which database a DATABASE_URL names: a SQLite file (the embedded default) or a PostgreSQL server. */
export type Dialect = "sqlite" | "postgresql";

export function dialectOf(url: string): Dialect {
  if (url.startsWith("file:")) return "sqlite";
  if (url.startsWith("postgres://") || url.startsWith("postgresql://")) return "postgresql";
  throw new Error(`DATABASE_URL must start with file: (SQLite) or postgres:// / postgresql:// (PostgreSQL), got ${url}`);
}

export function sqliteFileFromUrl(url: string, resolve: (p: string) => string): string {
  if (dialectOf(url) !== "sqlite") throw new Error(`DATABASE_URL must be a file: URL for SQLite, got ${url}`);
  return resolve(url.slice("file:".length));
}
