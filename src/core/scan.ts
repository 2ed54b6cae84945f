import { EventChannel, Limiter, mapLimit } from './concurrency.js';
import { DEPRECATED_GO_RUNTIMES, LAMBDA_QUOTAS } from '../lambda/facts.js';
import type { FunctionConfig, LambdaPort } from './ports.js';

/** The runtimes scan looks for by default: go1.x, and the deprecated custom runtimes. */
export const DEFAULT_SCAN_RUNTIMES = DEPRECATED_GO_RUNTIMES;

/** One candidate, as `scan --json` lists it. */
export interface Candidate {
  readonly functionName: string;
  readonly functionArn: string;
  readonly region: string;
  readonly version: string;
  readonly runtime: string;
  readonly architectures: readonly string[];
  readonly handler: string | null;
  readonly memorySize: number;
  readonly timeout: number;
  readonly codeSize: number;
  readonly lastModified: string;
  readonly managedBy: string | null;
  /** Set when the journal holds an unfinished migration of the function: what state it is in. */
  readonly interrupted?: string;
}

export interface ScanResult {
  readonly functions: Candidate[];
  readonly regions: string[];
  readonly errors: { region: string; message: string }[];
}

export type ScanEvent =
  | { readonly type: 'region-start'; readonly region: string }
  | { readonly type: 'region-done'; readonly region: string; readonly listed: number; readonly found: number }
  | { readonly type: 'region-failed'; readonly region: string; readonly message: string }
  | { readonly type: 'done'; readonly result: ScanResult };

/** Who deploys a function, from its tags: the next deploy by that tool would undo a migration. */
export function managedBy(tags: Readonly<Record<string, string>>): string | null {
  const stack = tags['aws:cloudformation:stack-name'];
  if (stack)
    return tags['lambda:createdBy'] === 'SAM' ? `SAM (stack ${stack})` : `CloudFormation (stack ${stack})`;
  if (tags['lambda:createdBy'] === 'SAM') return 'SAM';
  for (const [k, v] of Object.entries(tags)) {
    if (/terraform/i.test(k) || (/^managed[-_]?by$/i.test(k) && /terraform/i.test(v))) return 'Terraform';
    if (/^managed[-_]?by$/i.test(k)) return v;
    if (/^pulumi/i.test(k)) return 'Pulumi';
  }
  return null;
}

/** A function's configuration as a scan candidate. */
export function candidate(f: FunctionConfig, managed: string | null): Candidate {
  return {
    functionName: f.name,
    functionArn: f.arn,
    region: f.region,
    version: f.version,
    runtime: f.runtime ?? '',
    architectures: [...f.architectures],
    handler: f.handler ?? null,
    memorySize: f.memorySize,
    timeout: f.timeout,
    codeSize: f.codeSize,
    lastModified: f.lastModified,
    managedBy: managed,
  };
}

/**
 * Tag reads in flight for a listing round trip of `ms`: what GetFunction's quota can use at that round
 * trip, within 10..24. More would buy little once the pacer holds calls back, and every one is a socket
 * (a TLS handshake on AWS) and CPU that the other regions' work needs.
 */
export function tagConcurrencyFor(ms: number): number {
  return Math.min(24, Math.max(10, Math.ceil((LAMBDA_QUOTAS.getFunction * ms) / 1000) + 2));
}

/**
 * Lists every function of every region (regions in parallel, bounded), keeps those on `runtimes`, and reads
 * the tags of the candidates only (GetFunction has its own quota). A region that fails (not enabled, no
 * permission) is reported and the others go on. Yields progress, then `done` with the result.
 */
export async function* scanFunctions(
  port: LambdaPort,
  options: {
    regions: readonly string[];
    runtimes?: readonly string[];
    allVersions?: boolean;
    regionConcurrency?: number;
    tagConcurrency?: number;
  },
): AsyncGenerator<ScanEvent> {
  const runtimes = new Set(options.runtimes ?? DEFAULT_SCAN_RUNTIMES);
  const channel = new EventChannel<ScanEvent>();
  const functions: Candidate[] = [];
  const errors: { region: string; message: string }[] = [];
  const work = mapLimit(options.regions, options.regionConcurrency ?? 32, async (region) => {
    channel.push({ type: 'region-start', region });
    // Enough tag reads in flight to keep GetFunction's quota busy at the fastest listing round trip seen
    // (the first page is left out: it carries the client's start-up), unless the caller fixed the number.
    const gate = new Limiter(options.tagConcurrency ?? 10);
    let fastest = Infinity;
    const tagOf = new Map<string, Promise<string | null>>();
    try {
      // Tags are read as each page arrives, so GetFunction's quota is at work while the listing goes on.
      let listed = 0;
      const found: FunctionConfig[] = [];
      try {
        let asked = performance.now();
        for await (const page of port.listFunctionPages(region, {
          allVersions: options.allVersions === true,
        })) {
          if (listed > 0) {
            fastest = Math.min(fastest, performance.now() - asked);
            if (options.tagConcurrency === undefined) gate.setLimit(tagConcurrencyFor(fastest));
          }
          listed += page.length;
          for (const f of page) {
            if (!f.runtime || !runtimes.has(f.runtime)) continue;
            found.push(f);
            if (!tagOf.has(f.name)) {
              const ref = { region, name: f.name };
              tagOf.set(
                f.name,
                gate
                  .run(() => port.getFunction(ref))
                  .then(
                    (r) => managedBy(r.tags),
                    () => null,
                  ),
              );
            }
          }
          asked = performance.now();
        }
      } finally {
        await Promise.all(tagOf.values());
      }
      for (const f of found) functions.push(candidate(f, (await tagOf.get(f.name)) ?? null));
      channel.push({ type: 'region-done', region, listed, found: found.length });
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      errors.push({ region, message });
      channel.push({ type: 'region-failed', region, message });
    }
  }).finally(() => channel.close());
  yield* channel;
  await work;
  const order = (c: Candidate) =>
    `${c.region}\u0000${c.functionName}\u0000${c.version === '$LATEST' ? '' : c.version.padStart(10, '0')}`;
  functions.sort((a, b) => (order(a) < order(b) ? -1 : 1));
  yield {
    type: 'done',
    result: {
      functions,
      regions: [...options.regions],
      errors: errors.sort((a, b) => (a.region < b.region ? -1 : 1)),
    },
  };
}
