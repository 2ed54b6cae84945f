import { LAMBDA_QUOTAS } from '../lambda/facts.js';
/** Hands out `rate` tokens a second, bursts up to `burst`; `take` waits for one. */
export class RateLimiter {
  private tokens: number;
  private last = Date.now();
  private queue: Promise<void> = Promise.resolve();

  constructor(
    private readonly rate: number,
    private readonly burst: number = rate,
  ) {
    this.tokens = burst;
  }

  /** Resolves when the caller may make one call. Callers are served in order. */
  take(): Promise<void> {
    const turn = this.queue.then(async () => {
      for (;;) {
        const now = Date.now();
        this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) / 1000) * this.rate);
        this.last = now;
        if (this.tokens >= 1) {
          this.tokens -= 1;
          return;
        }
        await new Promise((r) => setTimeout(r, Math.ceil(((1 - this.tokens) / this.rate) * 1000)));
      }
    });
    this.queue = turn;
    return turn;
  }
}

/**
 * The share of a quota the pacer uses: running exactly at the quota leaves its bucket empty, so any jitter
 * on the way (a busy event loop, the network) turns into 429s and backoff.
 */
const HEADROOM = 0.97;

/** Which quota a call counts against. */
export type QuotaKind = 'getFunction' | 'control' | 'none';

/**
 * A pacer for Lambda's per-region quotas (GetFunction 100 req/s, every other control-plane call 15 req/s
 * together): concurrent work waits its turn instead of bouncing off 429s and backoff. The SDK's retries
 * still absorb what pacing cannot see (other clients of the same account).
 */
export function quotaPacer(
  quotas: { getFunction: number; control: number } = LAMBDA_QUOTAS,
): (region: string, kind: QuotaKind) => Promise<void> {
  const limiters = new Map<string, RateLimiter>();
  return async (region, kind) => {
    if (kind === 'none') return;
    const key = `${region}/${kind}`;
    let l = limiters.get(key);
    if (!l) {
      l = new RateLimiter(quotas[kind] * HEADROOM, Math.max(1, Math.floor(quotas[kind] * HEADROOM)));
      limiters.set(key, l);
    }
    await l.take();
  };
}
