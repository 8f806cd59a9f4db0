import { z } from "zod";

/**
 * Every environment variable layerlab reads, validated once at start-up.
 * A bad value stops the server with a message naming the variable, never a crash later.
 */
const bool = z
  .enum(["1", "0", "true", "false", "yes", "no"])
  .transform((v) => v === "1" || v === "true" || v === "yes");

const megabytes = z.coerce.number().int().positive();

export const configSchema = z.object({
  PORT: z.coerce.number().int().min(1).max(65535).default(3000),
  HOST: z.string().min(1).default("0.0.0.0"),
  /** Public origin(s) the browser uses; WebSocket upgrades from other origins are refused. Comma-separated. */
  LAYERLAB_ORIGINS: z.string().default(""),
  LAYERLAB_DATA_DIR: z.string().default(".data"),
  /** A SQLite file (file:path, the embedded default) or a PostgreSQL server (postgres:// or postgresql://). */
  DATABASE_URL: z
    .string()
    .regex(/^(file:.+|postgres(ql)?:\/\/.+)$/, "must be file:<path> for SQLite or postgres://… / postgresql://… for PostgreSQL")
    .default("file:.data/layerlab.db"),
  LAYERLAB_DEV: bool.default(false),
  /** Set when the server runs behind TLS, so the session cookie is marked Secure. */
  LAYERLAB_SECURE_COOKIES: bool.default(false),

  /** Names this lab's sandboxes (a label), so two labs on one host (e.g. tests beside a dev server) never touch each other's. */
  LAYERLAB_INSTANCE: z.string().regex(/^[a-z0-9-]{1,32}$/, "lowercase letters, digits and - only").default("main"),
  LAYERLAB_SANDBOX_DRIVER: z.enum(["podman"]).default("podman"),
  LAYERLAB_SANDBOX_IMAGE: z.string().min(1).default("localhost/layerlab/sandbox:latest"),
  LAYERLAB_NETWORK: z.string().min(1).default("layerlab"),
  LAYERLAB_SUBNET: z
    .string()
    .regex(/^\d+\.\d+\.\d+\.0\/24$/, "must be an IPv4 /24 such as 10.231.7.0/24")
    .default("10.231.7.0/24"),
  /** Address of the lab registry as seen from inside a sandbox. */
  LAYERLAB_REGISTRY: z.string().min(1).default("10.231.7.2:5000"),
  LAYERLAB_EGRESS: z.enum(["none", "mirrors", "open"]).default("mirrors"),
  LAYERLAB_POOL_SIZE: z.coerce.number().int().min(0).max(500).default(2),
  LAYERLAB_IDLE_TIMEOUT_MIN: z.coerce.number().positive().default(60),
  LAYERLAB_MAX_LIFETIME_MIN: z.coerce.number().positive().default(8 * 60),
  LAYERLAB_SANDBOX_MEMORY_MB: megabytes.default(2048),
  LAYERLAB_SANDBOX_CPUS: z.coerce.number().positive().default(1),
  LAYERLAB_SANDBOX_PIDS: z.coerce.number().int().positive().default(2048),
  LAYERLAB_SANDBOX_DISK_MB: megabytes.default(10240),
  /**
   * Minutes a sandbox may burn its whole CPU share while its learner types nothing before it is throttled (until
   * they type again). At least 1: terminal input reaches the lab at most every 30 s.
   */
  LAYERLAB_RUNAWAY_MIN: z.coerce.number().min(1).default(5),

  /**
   * Admission: how many sandboxes the lab runs at once follows from the host (memory, CPU, disk; see
   * server/admission/capacity.ts); this caps it further. 0: no cap beyond what the host allows.
   */
  LAYERLAB_MAX_SANDBOXES: z.coerce.number().int().min(0).default(0),
  /** Disk kept free for the database and the OS: the larger of this share of the data disk and LAYERLAB_DISK_RESERVE_MB. */
  LAYERLAB_DISK_RESERVE_PCT: z.coerce.number().min(0).max(90).default(10),
  LAYERLAB_DISK_RESERVE_MB: z.coerce.number().int().min(0).default(2048),
  /** Host memory never promised to sandboxes (the lab server, the database, the OS). */
  LAYERLAB_MEMORY_RESERVE_MB: z.coerce.number().int().min(0).default(2048),
  /** Sandboxes' memory limits may add up to this many times the host's memory (1: every limit can be met at once). */
  LAYERLAB_MEMORY_OVERCOMMIT: z.coerce.number().min(0.1).max(100).default(1),
  /** Sandboxes' CPU limits may add up to this many times the host's cores: a learner's shell is idle most of the time. */
  LAYERLAB_CPU_OVERCOMMIT: z.coerce.number().min(0.1).max(100).default(8),
  /**
   * Sandboxes started ahead for each open workshop room (from 30 minutes before its start), at most: its first
   * seats get a ready sandbox before anyone joins, within the lab's places (server/workshop/room-warmer.ts). 0: off.
   */
  LAYERLAB_WARM_SEATS: z.coerce.number().int().min(0).max(500).default(40),
  /**
   * Days a learner's kept home (files, Docker's images and build cache, snapshotted when their sandbox expired
   * or their workshop ended) waits for their next visit. 0: homes are not kept.
   */
  LAYERLAB_SNAPSHOT_RETENTION_DAYS: z.coerce.number().min(0).default(14),
  /** Largest kept home per learner, compressed; a larger one keeps the files without Docker's storage. */
  LAYERLAB_SNAPSHOT_MAX_MB: megabytes.default(3072),
  /** The lab registry's podman container, restarted by the lab when it stops answering (scripts/lib/common.sh names it). */
  LAYERLAB_REGISTRY_CONTAINER: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/, "a podman container name").default("layerlab-registry"),
  /**
   * The shared, read-only store of the course's base images, unpacked (scripts/images/base-store.ts seeds it): new
   * sandboxes find them there instead of pulling. "off": sandboxes pull from the lab registry as before.
   */
  LAYERLAB_BASE_STORE: z.union([z.literal("off"), z.string().regex(/^\//, "an absolute path, or off")]).default("/var/lib/layerlab/base-store"),
});

export type Config = z.infer<typeof configSchema>;

export class ConfigError extends Error {}

export function parseConfig(env: Record<string, string | undefined>): Config {
  const result = configSchema.safeParse(env);
  if (!result.success) {
    const lines = result.error.issues.map(
      (issue) => `  ${issue.path.join(".")}: ${issue.message} (got ${JSON.stringify(env[String(issue.path[0])])})`,
    );
    throw new ConfigError(`Invalid configuration in the environment:\n${lines.join("\n")}`);
  }
  return result.data;
}

/** The lab's configuration from this process's environment: the one place that reads process.env. */
export function configFromEnvironment(): Config {
  return parseConfig(process.env);
}
