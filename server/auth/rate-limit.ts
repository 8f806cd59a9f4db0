import "server-only";
import { HttpError } from "../http/http-error";
import { PEER_HEADER } from "./peer-header";

/**
 * In-memory token buckets: each key may spend `burst` attempts at once, and earns one back every
 * `refillMs`. One lab process serves a room, so memory is the right place; a restart forgives everyone.
 */
export interface BucketRule {
  burst: number;
  refillMs: number;
}

interface Bucket {
  tokens: number;
  updatedAt: number;
}

export class RateLimiter {
  private readonly buckets = new Map<string, Bucket>();

  constructor(
    private readonly rule: BucketRule,
    private readonly now: () => number = Date.now,
  ) {}

  /** Spends one attempt for the key; false (and nothing spent) when none is left. */
  take(key: string): boolean {
    const bucket = this.refilled(key);
    if (bucket.tokens < 1) return false;
    bucket.tokens -= 1;
    return true;
  }

  /** Milliseconds until the key has an attempt again (0 if it has one now). */
  retryAfterMs(key: string): number {
    const bucket = this.refilled(key);
    return bucket.tokens >= 1 ? 0 : Math.ceil((1 - bucket.tokens) * this.rule.refillMs);
  }

  private refilled(key: string): Bucket {
    const now = this.now();
    const bucket = this.buckets.get(key) ?? { tokens: this.rule.burst, updatedAt: now };
    bucket.tokens = Math.min(this.rule.burst, bucket.tokens + (now - bucket.updatedAt) / this.rule.refillMs);
    bucket.updatedAt = now;
    this.buckets.set(key, bucket);
    // Full buckets carry no information: forget them so the map stays as small as the active crowd.
    if (this.buckets.size > 10_000) for (const [k, b] of this.buckets) if (b.tokens >= this.rule.burst && k !== key) this.buckets.delete(k);
    return bucket;
  }
}

/** Throws 429 (code rate_limited, a Retry-After header) with a sentence saying when to try again. */
export function enforceLimit(limiter: RateLimiter, key: string, what: string): void {
  if (limiter.take(key)) return;
  const seconds = Math.max(1, Math.ceil(limiter.retryAfterMs(key) / 1000));
  throw new HttpError(429, `Too many ${what} from your network. Wait ${seconds} s and try again.`, "rate_limited", { "retry-after": String(seconds) });
}

/** The address to count attempts against: the connection's peer, as the custom server saw it. */
export function clientAddress(request: Request): string {
  return request.headers.get(PEER_HEADER) ?? "unknown";
}

/**
 * The lab's named limits. A whole room often shares one address (the venue's Wi-Fi), so joins are generous
 * and wrong codes are not: guessing a code is what the limit stops.
 */
const LIMITS = {
  /**
   * New learner sessions (POST /api/session), per address: a burst of 60, then one more every 2 s (30 a
   * minute). A room of 60 behind one NAT address all get in at once; a script gets 60, then 30 a minute.
   */
  session: { burst: 60, refillMs: 2_000 },
  /** Any join attempt, per address: a room of 200 behind one NAT still gets in within a couple of minutes. */
  join: { burst: 120, refillMs: 500 },
  /** Wrong or unusable codes, per address. */
  joinFailure: { burst: 10, refillMs: 6_000 },
  /** Sign-in attempts, per address. */
  login: { burst: 20, refillMs: 3_000 },
  /** Failed sign-ins, per address and username. */
  loginFailure: { burst: 5, refillMs: 60_000 },
  /** A learner's sandbox restarts and fresh starts, per learner (server/sandbox/sandbox-controls.ts). */
  sandboxControl: { burst: 4, refillMs: 30_000 },
} satisfies Record<string, BucketRule>;

export type LimitName = keyof typeof LIMITS;

/**
 * The named limiters, one per lab runtime (server/lab.ts), each created on first use. It only hands out limiters;
 * the caller refuses with enforceLimit.
 */
export class RateLimits {
  private readonly limiters = new Map<LimitName, RateLimiter>();

  of(name: LimitName): RateLimiter {
    let found = this.limiters.get(name);
    if (!found) this.limiters.set(name, (found = new RateLimiter(LIMITS[name])));
    return found;
  }
}
