/**
 * Token buckets, one per principal (user, API key, or all anonymous clients together). A bucket
 * holds up to `burst` tokens and refills at `requestsPerSecond`; each request takes one. State is
 * this proxy's memory only: with N proxies behind a balancer a client may get up to N times the
 * rate. Buckets of idle principals are dropped once there are many (a full bucket carries no
 * information, so dropping it changes nothing).
 */

export interface RateLimitSettings {
  requestsPerSecond: number;
  burst: number;
}

interface Bucket {
  tokens: number;
  /** When `tokens` was last brought up to date, ms. */
  at: number;
}

/** Most buckets kept before idle ones are dropped. */
const MAX_BUCKETS = 10_000;

export class RateLimiter {
  private readonly buckets = new Map<string, Bucket>();

  constructor(
    private readonly settings: RateLimitSettings,
    private readonly now: () => number,
  ) {}

  /** Takes a token from `key`'s bucket; false (nothing taken) when it is empty. */
  tryTake(key: string): boolean {
    const t = this.now();
    const { requestsPerSecond, burst } = this.settings;
    let b = this.buckets.get(key);
    if (b === undefined) {
      b = { tokens: burst, at: t };
      this.buckets.set(key, b);
      if (this.buckets.size > MAX_BUCKETS) this.dropIdle(t);
    } else if (t > b.at) {
      b.tokens = Math.min(burst, b.tokens + ((t - b.at) / 1000) * requestsPerSecond);
      b.at = t;
    }
    if (b.tokens < 1) return false;
    b.tokens -= 1;
    return true;
  }

  /** Number of buckets held (tests). */
  get size(): number {
    return this.buckets.size;
  }

  /** Drops buckets that have refilled completely; if none, the oldest created. */
  private dropIdle(t: number): void {
    const { requestsPerSecond, burst } = this.settings;
    for (const [key, b] of this.buckets) {
      if (b.tokens + ((t - b.at) / 1000) * requestsPerSecond >= burst) this.buckets.delete(key);
    }
    if (this.buckets.size > MAX_BUCKETS) this.buckets.delete(this.buckets.keys().next().value as string);
  }
}
