import type { GlobalOptions } from '../cli/global.js';
import type { JournalPort } from '../core/journal.js';
import { unfinishedRefs } from '../core/history.js';
import type { FunctionRef, LambdaPort } from '../core/ports.js';
import { scanFunctions } from '../core/scan.js';
import { UsageError, UserError } from '../errors.js';
import { resolveRegions } from './regions.js';

/**
 * The functions a plan or apply covers: FUNCTION names (each looked up among the candidates of the
 * regions in scope; `REGION/NAME` pins a region), or every candidate with --all; with a journal, functions
 * with an unfinished migration count as candidates too.
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
  const found: FunctionRef[] = [];
  for await (const e of scanFunctions(port, { regions })) {
    if (e.type === 'region-failed') log(`warning: ${e.region}: ${e.message}`);
    if (e.type === 'done')
      for (const f of e.result.functions)
        if (f.version === '$LATEST') found.push({ region: f.region, name: f.functionName });
  }
  for (const ref of journal ? await unfinishedRefs(journal, regions) : [])
    if (!found.some((f) => f.region === ref.region && f.name === ref.name)) found.push(ref);
  if (all) return found;
  const out: FunctionRef[] = [];
  for (const n of names) {
    const [region, name] = n.includes('/') ? n.split('/', 2) : [undefined, n];
    const hits = found.filter((f) => f.name === name && (!region || f.region === region));
    if (hits.length === 0) {
      throw new UserError(
        `${n} is not a go1.x, provided or provided.al2 function in ${region ?? regions.join(', ')}.`,
        'Check the name and --region; `go-lambda-migrate scan` lists the candidates.',
      );
    }
    out.push(...hits);
  }
  return out;
}
