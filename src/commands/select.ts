import type { GlobalOptions } from '../cli/global.js';
import type { JournalPort } from '../core/journal.js';
import { unfinishedRefs } from '../core/history.js';
import type { FunctionRef, LambdaPort } from '../core/ports.js';
import { DEFAULT_SCAN_RUNTIMES, scanFunctions } from '../core/scan.js';
import { UsageError, UserError } from '../errors.js';
import { resolveRegions } from './regions.js';

/** A candidate: a function on a deprecated Go runtime, or one the journal holds an unfinished migration of. */
async function isCandidate(
  runtime: string | undefined,
  ref: FunctionRef,
  journal: JournalPort | undefined,
): Promise<boolean> {
  if (runtime !== undefined && DEFAULT_SCAN_RUNTIMES.includes(runtime)) return true;
  return (
    journal !== undefined && (await unfinishedRefs(journal, [ref.region])).some((r) => r.name === ref.name)
  );
}

/** Reads one function by name in each region of `scope`: where it exists, with its runtime. */
async function lookUp(
  port: LambdaPort,
  name: string,
  scope: readonly string[],
  log: (line: string) => void,
): Promise<{ ref: FunctionRef; runtime: string | undefined }[]> {
  const failed: unknown[] = [];
  const found = await Promise.all(
    scope.map(async (region) => {
      try {
        const c = await port.getConfiguration({ region, name });
        return [{ ref: { region, name }, runtime: c.runtime }];
      } catch (e) {
        if ((e as { kind?: string }).kind === 'not-found') return [];
        // One region failing (not enabled, no permission) leaves the others; a single region says why.
        if (scope.length === 1) throw e;
        log(`warning: ${region}: ${(e as Error).message}`);
        failed.push(e);
        return [];
      }
    }),
  );
  // No region answered (an endpoint that cannot be reached, say): that is the error, not a missing function.
  if (failed.length === scope.length) throw failed[0];
  return found.flat();
}

/**
 * The functions a plan or apply covers: FUNCTION names, each read directly (`REGION/NAME` in that region,
 * `NAME` in each region in scope), or every candidate with --all (a scan). A function must be on go1.x,
 * provided or provided.al2, or have an unfinished migration in the journal.
 */
export async function selectFunctions(
  port: LambdaPort,
  globals: GlobalOptions,
  names: readonly string[],
  all: boolean,
  log: (line: string) => void,
  journal?: JournalPort,
): Promise<FunctionRef[]> {
  if (names.length === 0 && !all) throw new UsageError('name the functions to migrate, or pass --all.');
  if (names.length > 0 && all) throw new UsageError('give FUNCTION names or --all, not both.');
  const regions = await resolveRegions(globals, port);
  if (all) {
    const found: FunctionRef[] = [];
    for await (const e of scanFunctions(port, { regions })) {
      if (e.type === 'region-failed') log(`warning: ${e.region}: ${e.message}`);
      if (e.type === 'done') {
        // Nothing scanned is not "nothing to migrate".
        if (e.result.errors.length === regions.length && regions.length > 0)
          throw new UserError(
            `no region could be scanned: ${e.result.errors[0]!.message}`,
            'Check the network, the credentials and --endpoint-url, then run the command again.',
          );
        for (const f of e.result.functions)
          if (f.version === '$LATEST') found.push({ region: f.region, name: f.functionName });
      }
    }
    for (const ref of journal ? await unfinishedRefs(journal, regions) : [])
      if (!found.some((f) => f.region === ref.region && f.name === ref.name)) found.push(ref);
    return found;
  }
  const out: FunctionRef[] = [];
  for (const n of names) {
    const [region, name] = n.includes('/') ? n.split('/', 2) : [undefined, n];
    const scope = region ? [region] : regions;
    const hits = await lookUp(port, name, scope, log);
    if (hits.length === 0)
      throw new UserError(
        `there is no function ${name} in ${scope.join(', ')}.`,
        'Check the name and --region; `go-lambda-migrate scan` lists the candidates.',
      );
    const kept: FunctionRef[] = [];
    for (const h of hits) if (await isCandidate(h.runtime, h.ref, journal)) kept.push(h.ref);
    if (kept.length === 0)
      throw new UserError(
        `${n} runs ${[...new Set(hits.map((h) => h.runtime ?? 'a container image'))].join(', ')}, not go1.x, provided or provided.al2: there is nothing to migrate.`,
        '`go-lambda-migrate scan` lists the candidates; `history` the functions already migrated.',
      );
    out.push(...kept);
  }
  return out;
}
