import { EventChannel, Limiter, mapLimit } from './concurrency.js';
import { DEPRECATED_GO_RUNTIMES } from '../lambda/facts.js';
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
  /**
   * Set when the journal says the function was migrated but it runs another runtime now: a deploy (of the
   * code that owns it) put the old definition back.
   */
  readonly reverted?: { readonly migration: string; readonly migratedAt: string; readonly to: string };
}

/** A reverted candidate in words: what it is on, what it was migrated to, and who deployed it back. */
export function revertedText(c: Candidate): string {
  return `reverted by a deploy${c.managedBy ? ` of ${c.managedBy}` : ''}: migrated to ${c.reverted!.to} on ${c.reverted!.migratedAt.slice(0, 10)}, ${c.runtime} again`;
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
  if (stack) {
    if (tags['lambda:createdBy'] === 'SAM') return `SAM (stack ${stack})`;
    // The Serverless Framework names a function's resource KEYLambdaFunction in the stack it deploys.
    if (tags['aws:cloudformation:logical-id']?.endsWith('LambdaFunction'))
      return `Serverless Framework (stack ${stack})`;
    return `CloudFormation (stack ${stack})`;
  }
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

/** A function's ARN without its version or alias: what tags belong to. */
export function unqualifiedArn(arn: string): string {
  return arn.replace(/(:function:[^:]+):.*$/, '$1');
}

/** ARNs a tag read asks for at once: GetResources takes up to 100. */
const TAG_BATCH = 100;
/** GetFunction calls in flight per region when the tag reads fall back to them. */
const FALLBACK_CONCURRENCY = 10;

/**
 * Reads tags in batches of up to 100 ARNs as candidates are found (one GetResources call each). When a
 * batch's call fails (no tag:GetResources permission, say), its functions are read one by one with
 * GetFunction, which returns their tags too; a function that cannot be read either way has no owner found.
 */
function tagReader(port: LambdaPort, region: string) {
  const batches: Promise<Map<string, Record<string, string>>>[] = [];
  const gate = new Limiter(FALLBACK_CONCURRENCY);
  let pending: string[] = [];
  const seen = new Set<string>();
  const oneByOne = async (arns: readonly string[]) => {
    const out = new Map<string, Record<string, string>>();
    await Promise.all(
      arns.map((arn) =>
        gate
          .run(() => port.getFunction({ region, name: arn.slice(arn.lastIndexOf(':') + 1) }))
          .then(
            (r) => void out.set(arn, r.tags),
            () => undefined,
          ),
      ),
    );
    return out;
  };
  const flush = () => {
    if (pending.length === 0) return;
    const arns = pending;
    pending = [];
    batches.push(port.functionTags(region, arns).catch(() => oneByOne(arns)));
  };
  return {
    add(arn: string): void {
      if (seen.has(arn)) return;
      seen.add(arn);
      pending.push(arn);
      if (pending.length >= TAG_BATCH) flush();
    },
    async all(): Promise<Map<string, Record<string, string>>> {
      flush();
      const out = new Map<string, Record<string, string>>();
      for (const batch of await Promise.all(batches)) for (const [k, v] of batch) out.set(k, v);
      return out;
    },
  };
}

/**
 * Lists every function of every region (regions in parallel, bounded), keeps those on `runtimes`, and reads
 * the tags of the candidates only, a hundred at a time while the listing goes on. A region that fails (not
 * enabled, no permission) is reported and the others go on. Yields progress, then `done` with the result.
 */
export async function* scanFunctions(
  port: LambdaPort,
  options: {
    regions: readonly string[];
    runtimes?: readonly string[];
    allVersions?: boolean;
    regionConcurrency?: number;
  },
): AsyncGenerator<ScanEvent> {
  const runtimes = new Set(options.runtimes ?? DEFAULT_SCAN_RUNTIMES);
  const channel = new EventChannel<ScanEvent>();
  const functions: Candidate[] = [];
  const errors: { region: string; message: string }[] = [];
  const work = mapLimit(options.regions, options.regionConcurrency ?? 32, async (region) => {
    channel.push({ type: 'region-start', region });
    const tags = tagReader(port, region);
    try {
      let listed = 0;
      const found: FunctionConfig[] = [];
      const list = async () => {
        for await (const page of port.listFunctionPages(region, {
          allVersions: options.allVersions === true,
        })) {
          listed += page.length;
          for (const f of page) {
            if (!f.runtime || !runtimes.has(f.runtime)) continue;
            found.push(f);
            tags.add(unqualifiedArn(f.arn));
          }
        }
      };
      const failed = await list().then(
        () => undefined,
        (e: unknown) => ({ error: e }),
      );
      // Reads already under way are waited for, even when the listing failed.
      const tagsOf = await tags.all();
      if (failed) throw failed.error;
      for (const f of found) functions.push(candidate(f, managedBy(tagsOf.get(unqualifiedArn(f.arn)) ?? {})));
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
