import type { ApplyEvent, ApplyResult } from './apply.js';
import { EventChannel } from './concurrency.js';
import type { JournalPort } from './journal.js';
import { decideRollback, latestMigration } from './migration-machine.js';
import { withFunctionLock, type FunctionRef, type LambdaPort, type LockPort } from './ports.js';
import { rollbackFunction } from './rollback.js';

/** The end of a rollback run: one result per function; `stopped` when some stopped on provided.* (go1.x refused). */
export interface RollbackDone {
  readonly type: 'done';
  readonly results: ApplyResult[];
  readonly stopped: boolean;
}

/**
 * Rolls functions back from their journals, one after another, as a stream of the same events apply
 * yields. Each function is locked, then its journal and live configuration decide (see decideRollback):
 * one with nothing to undo is skipped with the reason; a failure names where the original is. Once
 * `signal` is aborted, the functions not yet started are skipped.
 */
export async function* rollbackMigrations(
  lambda: LambdaPort,
  journal: JournalPort,
  refs: readonly FunctionRef[],
  options: { signal?: AbortSignal; locks?: LockPort } = {},
): AsyncGenerator<ApplyEvent | RollbackDone> {
  const results: ApplyResult[] = [];
  let stopped = false;
  for (const ref of refs) {
    const base = { functionName: ref.name, region: ref.region, journal: journal.path(ref) };
    if (options.signal?.aborted) {
      results.push({ ...base, status: 'skipped', message: 'not started: interrupted (nothing was changed)' });
      continue;
    }
    yield { type: 'function-start', ref };
    const channel = new EventChannel<ApplyEvent>();
    let backupPath: string | undefined;
    const work = withFunctionLock(options.locks, ref, 'rollback', async (): Promise<ApplyResult> => {
      const state = latestMigration(await journal.read(ref), journal.path(ref));
      backupPath = state?.backup?.path;
      await lambda.waitUntilUpdated(ref);
      const decision = decideRollback(state, await lambda.getConfiguration(ref));
      if (decision.kind === 'skip') return { ...base, status: 'skipped', message: decision.reason };
      const rb = await rollbackFunction(lambda, journal, ref, state!, 'rollback requested', (step, phase) =>
        channel.push(
          phase === 'start'
            ? { type: 'step-start', ref, step }
            : { type: 'step-done', ref, step, skipped: phase === 'skipped' },
        ),
      );
      stopped ||= rb.status === 'stopped';
      return { ...base, status: rb.status === 'failed' ? 'failed' : 'rolled-back', message: rb.message };
    }).finally(() => channel.close());
    yield* channel;
    let result: ApplyResult;
    try {
      result = await work;
    } catch (e) {
      result = {
        ...base,
        status: 'failed',
        message: `${(e as Error).message}${backupPath ? `; the original is at ${backupPath}` : ''}`,
      };
    }
    results.push(result);
    yield { type: 'function-done', ref, result };
  }
  yield { type: 'done', results, stopped };
}
