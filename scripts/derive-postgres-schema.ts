/**
 * Derives prisma/postgresql/schema.prisma from prisma/schema.prisma, the one source of the models.
 * Prisma generates a client per provider, and a SQLite client refuses the PostgreSQL adapter, so
 * the PostgreSQL client is generated from this copy. Only the datasource and output differ.
 *   npx tsx scripts/derive-postgres-schema.ts          write it
 *   npx tsx scripts/derive-postgres-schema.ts --check  exit 1 when it is stale
 */
import fs from "node:fs";
import path from "node:path";

const root = path.resolve(import.meta.dirname, "..");
const source = path.join(root, "prisma/schema.prisma");
const target = path.join(root, "prisma/postgresql/schema.prisma");

export function derivePostgresSchema(schema: string): string {
  const replace = (text: string, from: RegExp, to: string): string => {
    if (!from.test(text)) throw new Error(`prisma/schema.prisma: expected to find ${from} to derive the PostgreSQL schema`);
    return text.replace(from, to);
  };
  let out = replace(schema, /provider = "sqlite"/, 'provider = "postgresql"');
  out = replace(out, /output(\s*)= "\.\.\/server\/db\/generated\/sqlite"/, 'output$1= "../../server/db/generated/postgresql"');
  return `// GENERATED from prisma/schema.prisma by scripts/derive-postgres-schema.ts: edit that file instead.\n${out}`;
}

if (process.argv[1] && path.resolve(process.argv[1]) === import.meta.filename) {
  const derived = derivePostgresSchema(fs.readFileSync(source, "utf8"));
  const current = fs.existsSync(target) ? fs.readFileSync(target, "utf8") : "";
  if (process.argv.includes("--check")) {
    if (current !== derived) {
      console.error("prisma/postgresql/schema.prisma is stale: run npx tsx scripts/derive-postgres-schema.ts");
      process.exit(1);
    }
  } else if (current !== derived) {
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.writeFileSync(target, derived);
  }
}
