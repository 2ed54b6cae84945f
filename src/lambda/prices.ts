import type { Architecture } from './lifecycle.js';

/**
 * Lambda's on-demand prices in us-east-1, first tier (AWS's pricing page): per GB-second by architecture,
 * and per request. Other regions and the volume tiers differ by a few percent; the ratio between x86_64 and
 * arm64 is what a comparison rests on.
 */
export const PRICES = {
  perGbSecond: { x86_64: 0.0000166667, arm64: 0.0000133334 } satisfies Record<Architecture, number>,
  perRequest: 0.2 / 1_000_000,
  region: 'us-east-1',
} as const;

/** What one million invocations cost at `billedMs` each, with `memoryMb` on `architecture`, requests included. */
export function costPerMillion(billedMs: number, memoryMb: number, architecture: Architecture): number {
  const gbSeconds = (billedMs / 1000) * (memoryMb / 1024);
  return 1_000_000 * (gbSeconds * PRICES.perGbSecond[architecture] + PRICES.perRequest);
}
