import { createHash, randomUUID } from 'node:crypto';
import { EventChannel, mapLimit } from './concurrency.js';
import {
  latestMigration,
  type JournalPort,
  type MigrationRecord,
  type MigrationState,
  type StepName,
} from './journal.js';
import type { FunctionPlan } from './plan.js';
import type { FunctionConfig, FunctionRef, LambdaPort } from './ports.js';
import { isRuntimeBlocked, rollbackFunction } from './rollback.js';

/** One function's result, as CLI.md's `apply --json` lists it. */
export interface ApplyResult {
  readonly functionName: string;
  readonly region: string;
  readonly status: 'migrated' | 'rolled-back' | 'failed' | 'skipped';
  readonly message: string;
  readonly journal: string;
}

export type ApplyEvent =
  | { readonly type: 'function-start'; readonly ref: FunctionRef }
  | { readonly type: 'step-start'; readonly ref: FunctionRef; readonly step: string }
  | {
      readonly type: 'step-done';
      readonly ref: FunctionRef;
      readonly step: string;
      readonly skipped: boolean;
    }
  | { readonly type: 'warn'; readonly ref: FunctionRef; readonly message: string }
  | { readonly type: 'function-done'; readonly ref: FunctionRef; readonly result: ApplyResult };

export interface ApplyOptions {
  readonly concurrency: number;
  readonly verifyEvent?: unknown;
  /** Path shown for each function's journal. */
  readonly journalPath: (ref: FunctionRef) => string;
  /** Once aborted, functions not yet started are skipped; those in flight finish (or roll back) as usual. */
  readonly signal?: AbortSignal;
}

const now = () => new Date().toISOString();
const sha = (b: Buffer) => createHash('sha256').update(b).digest('base64');

/** A refusal before anything changed: the function is left exactly as it was. */
class Refused extends Error {}

const STEPS: StepName[] = ['preflight', 'backup', 'bridge', 'configuration', 'code', 'verify'];

type BackupCache = Map<string, Promise<{ path: string; size: number }>>;

async function migrateOne(
  lambda: LambdaPort,
  journal: JournalPort,
  plan: FunctionPlan,
  options: ApplyOptions,
  emit: (e: ApplyEvent) => void,
  backups: BackupCache,
): Promise<ApplyResult> {
  const ref: FunctionRef = { region: plan.region, name: plan.functionName };
  const result = (status: ApplyResult['status'], message: string): ApplyResult => ({
    functionName: plan.functionName,
    region: plan.region,
    status,
    message,
    journal: options.journalPath(ref),
  });
  if (plan.blocked) return result('skipped', `blocked: ${plan.blocked}`);
  if (plan.strategy === 'none' || !plan.artifacts.final) return result('skipped', 'nothing to change');

  let state: MigrationState | undefined = latestMigration(await journal.read(ref));
  if (state && state.ended?.status === 'migrated' && !state.rollback) {
    const c = await lambda.getConfiguration(ref);
    if (c.runtime === state.record.to.runtime && c.architectures[0] === state.record.to.architecture) {
      return result('skipped', `already migrated on ${state.ended.time}`);
    }
  }
  const resuming = state !== undefined && !state.ended;
  if (!resuming) {
    // Undo is written before the change: the artifacts and the record reach the disk before the first call.
    const id = randomUUID();
    const final = await journal.saveBlob(ref, `${id}-final.zip`, plan.artifacts.final.zip);
    const bridge = plan.artifacts.bridge
      ? await journal.saveBlob(ref, `${id}-bridge.zip`, plan.artifacts.bridge.zip)
      : undefined;
    const record: MigrationRecord = {
      id,
      from: { ...plan.from, architecture: plan.from.architectures[0]! },
      to: { runtime: plan.to.runtime, handler: plan.to.handler, architecture: plan.to.architectures[0]! },
      strategy: plan.strategy,
      artifacts: {
        final: { path: final, sha256: plan.artifacts.final.sha256 },
        ...(bridge && { bridge: { path: bridge, sha256: plan.artifacts.bridge!.sha256 } }),
      },
      verify: options.verifyEvent !== undefined,
    };
    await journal.append(ref, { type: 'migration-start', time: now(), record });
    state = latestMigration(await journal.read(ref))!;
  } else
    emit({
      type: 'warn',
      ref,
      message: `resuming the interrupted migration ${state!.record.id} from its journal`,
    });
  const { record } = state!;
  const id = record.id;
  let changed = ['bridge', 'configuration', 'code', 'verify'].some((s) => state!.done.has(s));

  const mark = async (step: StepName, phase: 'start' | 'done' | 'skipped', extra: object = {}) => {
    await journal.append(ref, { type: 'step', time: now(), id, step, phase, ...extra });
    if (phase === 'start') emit({ type: 'step-start', ref, step });
    else emit({ type: 'step-done', ref, step, skipped: phase === 'skipped' });
  };
  // GetFunction, not GetFunctionConfiguration: it has its own, larger quota (100 req/s against 15).
  const current = async (): Promise<FunctionConfig> => {
    await lambda.waitUntilUpdated(ref);
    return (await lambda.getFunction(ref)).config;
  };

  try {
    for (const step of STEPS) {
      if (state!.done.has(step)) continue;
      switch (step) {
        case 'preflight': {
          await mark(step, 'start');
          const c = await current();
          if (c.revisionId !== record.from.revisionId || c.codeSha256 !== record.from.codeSha256) {
            throw new Refused(
              `the function changed since it was planned (RevisionId ${c.revisionId}, CodeSha256 ${c.codeSha256}): plan again`,
            );
          }
          if (c.state !== 'Active' || c.lastUpdateStatus !== 'Successful')
            throw new Refused(`the function is ${c.state}/${c.lastUpdateStatus}: try again later`);
          await mark(step, 'done');
          break;
        }
        case 'backup': {
          await mark(step, 'start');
          const got = await lambda.getFunction(ref);
          if (got.config.codeSha256 !== record.from.codeSha256)
            throw new Refused('the function changed before its backup: plan again');
          // A verified copy of exactly this code may already be on disk (functions deployed from one zip);
          // functions of this run that share a zip share one download.
          let pending = backups.get(record.from.codeSha256);
          if (!pending) {
            pending = (async () => {
              const found = await journal.findBlob(record.from.codeSha256);
              if (found) return { path: found, size: (await journal.loadBlob(found)).length };
              const zip = await lambda.downloadCode(got.codeLocation);
              if (sha(zip) !== record.from.codeSha256)
                throw new Refused('the downloaded code does not match CodeSha256: try again');
              const saved = await journal.saveBlob(ref, `${id}-original.zip`, zip);
              if (sha(await journal.loadBlob(saved)) !== record.from.codeSha256)
                throw new Refused(`the backup written to ${saved} does not read back intact`);
              return { path: saved, size: zip.length };
            })();
            backups.set(record.from.codeSha256, pending);
            pending.catch(() => backups.delete(record.from.codeSha256));
          }
          const { path, size } = await pending;
          let version: string | undefined;
          try {
            version = (
              await lambda.publishVersion(ref, {
                description: `go-lambda-migrate backup before ${id}`,
                codeSha256: record.from.codeSha256,
                revisionId: got.config.revisionId,
              })
            ).version;
          } catch (e) {
            emit({
              type: 'warn',
              ref,
              message: `could not publish a backup version (${(e as Error).message}); the local backup is at ${path}`,
            });
          }
          await mark(step, 'done', {
            backup: { path, sha256: record.from.codeSha256, size, ...(version && { version }) },
          });
          break;
        }
        case 'bridge': {
          if (!record.artifacts.bridge) {
            await mark(step, 'skipped');
            break;
          }
          const c = await current();
          if (c.codeSha256 === record.artifacts.bridge.sha256 || c.runtime === record.to.runtime) {
            await mark(step, 'skipped');
            break;
          }
          await mark(step, 'start');
          const before = changed;
          changed = true; // an ambiguous failure may still have changed the function: roll back to be safe
          try {
            await lambda.updateCode(ref, {
              zip: await journal.loadBlob(record.artifacts.bridge.path),
              architecture: 'x86_64',
              revisionId: c.revisionId,
            });
          } catch (e) {
            if (!isRuntimeBlocked(e)) throw e;
            changed = before;
            // Past the old runtime's block-update date its code cannot change: switch the configuration first.
            emit({
              type: 'warn',
              ref,
              message: `${record.from.runtime} code can no longer be updated, so no bridge: invocations fail until the new code is in place`,
            });
            await mark(step, 'skipped', { detail: 'old runtime blocked for updates' });
            break;
          }
          await lambda.waitUntilUpdated(ref);
          await mark(step, 'done');
          break;
        }
        case 'configuration': {
          const c = await current();
          if (c.runtime === record.to.runtime && c.handler === record.to.handler) {
            await mark(step, 'skipped');
            break;
          }
          await mark(step, 'start');
          changed = true;
          await lambda.updateConfiguration(ref, {
            runtime: record.to.runtime,
            handler: record.to.handler,
            revisionId: c.revisionId,
          });
          await lambda.waitUntilUpdated(ref);
          await mark(step, 'done');
          break;
        }
        case 'code': {
          const c = await current();
          if (
            c.codeSha256 === record.artifacts.final.sha256 &&
            c.architectures[0] === record.to.architecture
          ) {
            await mark(step, 'skipped');
            break;
          }
          await mark(step, 'start');
          changed = true;
          await lambda.updateCode(ref, {
            zip: await journal.loadBlob(record.artifacts.final.path),
            architecture: record.to.architecture,
            revisionId: c.revisionId,
          });
          await lambda.waitUntilUpdated(ref);
          await mark(step, 'done');
          break;
        }
        case 'verify': {
          if (!record.verify || options.verifyEvent === undefined) {
            await mark(step, 'skipped');
            break;
          }
          await mark(step, 'start');
          const r = await lambda.invoke(ref, Buffer.from(JSON.stringify(options.verifyEvent)));
          if (r.functionError)
            throw new Error(
              `verification failed: ${r.functionError}: ${r.payload.toString('utf8').slice(0, 300)}`,
            );
          await mark(step, 'done');
          break;
        }
      }
    }
    const message = `${record.from.runtime} ${record.from.architecture} → ${record.to.runtime} ${record.to.architecture} (${record.strategy})`;
    await journal.append(ref, { type: 'migration-end', time: now(), id, status: 'migrated', message });
    return result('migrated', message);
  } catch (e) {
    const reason = (e as Error).message;
    if (e instanceof Refused || !changed) {
      await journal.append(ref, {
        type: 'migration-end',
        time: now(),
        id,
        status: 'failed',
        message: reason,
      });
      return result('failed', `${reason} (nothing was changed)`);
    }
    emit({ type: 'warn', ref, message: `${reason}: rolling back` });
    const after = latestMigration(await journal.read(ref))!;
    try {
      const rb = await rollbackFunction(lambda, journal, ref, after, reason, (step, phase) =>
        emit(
          phase === 'start'
            ? { type: 'step-start', ref, step }
            : { type: 'step-done', ref, step, skipped: phase === 'skipped' },
        ),
      );
      const status = rb.status === 'failed' ? 'failed' : 'rolled-back';
      await journal.append(ref, {
        type: 'migration-end',
        time: now(),
        id,
        status,
        message: `${reason}; rollback: ${rb.message}`,
      });
      return result(status, `${reason}; rollback: ${rb.message}`);
    } catch (rbErr) {
      const message = `${reason}; the automatic rollback failed too: ${(rbErr as Error).message}. Run \`go-lambda-migrate rollback ${plan.functionName}\`; the original is at ${after.backup?.path ?? '(no backup)'}`;
      await journal.append(ref, { type: 'migration-end', time: now(), id, status: 'failed', message });
      return result('failed', message);
    }
  }
}

/**
 * Carries out a plan: per function, journaled steps (preflight, verified backup, bridge, configuration,
 * code, verify), each mutating call guarded by RevisionId and followed by the wait for Successful; a
 * failure after the first change rolls that function back. Functions run concurrently. Run again after a
 * crash, it continues from each journal, checking the function's actual state before every step.
 */
export async function* applyPlan(
  lambda: LambdaPort,
  journal: JournalPort,
  plans: readonly FunctionPlan[],
  options: ApplyOptions,
): AsyncGenerator<ApplyEvent | { type: 'done'; results: ApplyResult[] }> {
  const channel = new EventChannel<ApplyEvent>();
  const backups: BackupCache = new Map();
  const work = mapLimit(plans, options.concurrency, async (plan): Promise<ApplyResult> => {
    const ref = { region: plan.region, name: plan.functionName };
    if (options.signal?.aborted) {
      return {
        functionName: plan.functionName,
        region: plan.region,
        status: 'skipped',
        message: 'not started: interrupted (nothing was changed)',
        journal: options.journalPath(ref),
      };
    }
    channel.push({ type: 'function-start', ref });
    let result: ApplyResult;
    try {
      result = await migrateOne(lambda, journal, plan, options, (e) => channel.push(e), backups);
    } catch (e) {
      result = {
        functionName: plan.functionName,
        region: plan.region,
        status: 'failed',
        message: (e as Error).message,
        journal: options.journalPath(ref),
      };
    }
    channel.push({ type: 'function-done', ref, result });
    return result;
  }).finally(() => channel.close());
  yield* channel;
  const results = await work;
  yield { type: 'done', results };
}
