import type { Architecture } from './lifecycle.js';

/** Lambda's on-demand prices in one region: per GB-second by architecture (first tier), and per request. */
export interface RegionPrices {
  readonly perGbSecond: Readonly<Record<Architecture, number>>;
  readonly perRequest: number;
  /** The region these prices are AWS's list prices for. */
  readonly region: string;
}

/**
 * Lambda's on-demand prices, first tier, from AWS's pricing page: us-east-1 (N. Virginia), and us-east-2
 * (Ohio), which the page gives the same first tier. Since 2025-08-01 the INIT phase is billed for every
 * runtime, so a cold start's billed duration includes it.
 */
const LISTED: Readonly<Record<string, RegionPrices>> = Object.fromEntries(
  ['us-east-1', 'us-east-2'].map((region) => [
    region,
    { perGbSecond: { x86_64: 0.0000166667, arm64: 0.0000133334 }, perRequest: 0.2 / 1_000_000, region },
  ]),
);

/** us-east-1's prices (kept for the text that quotes them). */
export const PRICES: RegionPrices = LISTED['us-east-1']!;

/**
 * The prices for `region`: its own when this tool lists them; otherwise us-east-1's, which `region` of the
 * answer says (other regions differ by a few percent; the x86_64/arm64 ratio is the same).
 */
export function pricesFor(region: string | undefined): RegionPrices {
  return (region && LISTED[region]) || PRICES;
}

/** What one million invocations cost at `billedMs` each, with `memoryMb` on `architecture`, requests included. */
export function costPerMillion(
  billedMs: number,
  memoryMb: number,
  architecture: Architecture,
  prices: RegionPrices = PRICES,
): number {
  const gbSeconds = (billedMs / 1000) * (memoryMb / 1024);
  return 1_000_000 * (gbSeconds * prices.perGbSecond[architecture] + prices.perRequest);
}
