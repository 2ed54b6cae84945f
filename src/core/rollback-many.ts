import type { ApplyEvent, ApplyResult } from './apply.js';
import { EventChannel } from './concurrency.js';
import { latestMigration, type JournalPort } from './journal.js';
import type { FunctionRef, LambdaPort } from './ports.js';
import { rollbackFunction } from './rollback.js';

/** The end of a rollback run: one result per function; `stopped` when some stopped on provided.* (go1.x refused). */
export interface RollbackDone {
  readonly type: 'done';
  readonly results: ApplyResult[];
  readonly stopped: boolean;
}

/**
 * Rolls functions back from their journals, one after another, as a stream of the same events apply
 * yields. A function with no migration, or one already rolled back, is skipped with the reason; a failure
 * names where the original is. Once `signal` is aborted, the functions not yet started are skipped.
 */
export async function* rollbackMigrations(
  lambda: LambdaPort,
  journal: JournalPort,
  refs: readonly FunctionRef[],
  journalPath: (ref: FunctionRef) => string,
  signal?: AbortSignal,
): AsyncGenerator<ApplyEvent | RollbackDone> {
  const results: ApplyResult[] = [];
  let stopped = false;
  for (const ref of refs) {
    const state = latestMigration(await journal.read(ref));
    const base = { functionName: ref.name, region: ref.region, journal: journalPath(ref) };
    if (signal?.aborted) {
      results.push({ ...base, status: 'skipped', message: 'not started: interrupted (nothing was changed)' });
      continue;
    }
    if (!state) {
      results.push({ ...base, status: 'skipped', message: 'no migration in the journal' });
      continue;
    }
    if (state.rollback?.status === 'restored') {
      results.push({ ...base, status: 'skipped', message: `already rolled back on ${state.rollback.time}` });
      continue;
    }
    yield { type: 'function-start', ref };
    const channel = new EventChannel<ApplyEvent>();
    const work = rollbackFunction(lambda, journal, ref, state, 'rollback requested', (step, phase) =>
      channel.push(
        phase === 'start'
          ? { type: 'step-start', ref, step }
          : { type: 'step-done', ref, step, skipped: phase === 'skipped' },
      ),
    ).finally(() => channel.close());
    yield* channel;
    let result: ApplyResult;
    try {
      const rb = await work;
      stopped ||= rb.status === 'stopped';
      result = { ...base, status: rb.status === 'failed' ? 'failed' : 'rolled-back', message: rb.message };
    } catch (e) {
      result = {
        ...base,
        status: 'failed',
        message: `${(e as Error).message}; the original is at ${state.backup?.path ?? '(no backup)'}`,
      };
    }
    results.push(result);
    yield { type: 'function-done', ref, result };
  }
  yield { type: 'done', results, stopped };
}
