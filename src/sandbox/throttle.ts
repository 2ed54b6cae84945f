import { LAMBDA_QUOTAS } from '../lambda/facts.js';
/** A token bucket: `rate` tokens a second, bursts up to `rate`. */
export class TokenBucket {
  private tokens: number;
  private last: number;

  constructor(
    private readonly rate: number,
    now: number,
  ) {
    this.tokens = rate;
    this.last = now;
  }

  /** Takes a token; returns 0 when granted, else the seconds to wait before one is available. */
  take(now: number): number {
    this.tokens = Math.min(this.rate, this.tokens + ((now - this.last) / 1000) * this.rate);
    this.last = now;
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return 0;
    }
    return Math.max(1, Math.ceil((1 - this.tokens) / this.rate));
  }
}

/** Which quota a call counts against. Invoke and code downloads count against none. */
export type QuotaClass = 'get-function' | 'control' | 'none';

/** Lambda's per-region control-plane quotas: GetFunction 100 req/s, every other control-plane call 15 req/s. */
export const QUOTA_RATES: Record<Exclude<QuotaClass, 'none'>, number> = {
  'get-function': LAMBDA_QUOTAS.getFunction,
  control: LAMBDA_QUOTAS.control,
};

/** Per-region token buckets for each quota. */
export class RegionThrottle {
  private readonly buckets = new Map<string, TokenBucket>();

  /** Returns 0 when the call may go ahead, else Retry-After seconds. */
  check(region: string, quota: QuotaClass, now: number): number {
    if (quota === 'none') return 0;
    const key = `${region}\u0000${quota}`;
    let bucket = this.buckets.get(key);
    if (!bucket) {
      bucket = new TokenBucket(QUOTA_RATES[quota], now);
      this.buckets.set(key, bucket);
    }
    return bucket.take(now);
  }
}
