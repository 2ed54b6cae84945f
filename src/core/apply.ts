import { createHash, randomUUID } from 'node:crypto';
import { EventChannel, mapLimit } from './concurrency.js';
import type { JournalPort, MigrationRecord, StepName } from './journal.js';
import {
  BLOCKED_DETAIL,
  decideApply,
  FORWARD_STEPS,
  latestMigration,
  type MigrationState,
} from './migration-machine.js';
import type { FunctionPlan } from './plan.js';
import { refusalSentence } from './findings.js';
import {
  withFunctionLock,
  type FunctionConfig,
  type FunctionRef,
  type LambdaPort,
  type LockPort,
} from './ports.js';
import { isRuntimeBlocked, rollbackFunction } from './rollback.js';

/** One function's result, as the `apply --json` document lists it. */
export interface ApplyResult {
  readonly functionName: string;
  readonly region: string;
  readonly status: 'migrated' | 'rolled-back' | 'failed' | 'skipped';
  readonly message: string;
  readonly journal: string;
  /** The runtime the function was on before (go1.x, provided.al2, provided): what its backup runs. */
  readonly fromRuntime?: string;
}

export type ApplyEvent =
  | { readonly type: 'function-start'; readonly ref: FunctionRef }
  | { readonly type: 'step-start'; readonly ref: FunctionRef; readonly step: string }
  | {
      readonly type: 'step-done';
      readonly ref: FunctionRef;
      readonly step: string;
      /** Why a skipped step was skipped, when it was not simply done before (a resumed migration). */
      readonly why?: string;
      readonly skipped: boolean;
    }
  | { readonly type: 'warn'; readonly ref: FunctionRef; readonly message: string }
  | { readonly type: 'function-done'; readonly ref: FunctionRef; readonly result: ApplyResult };

export interface ApplyOptions {
  readonly concurrency: number;
  readonly verifyEvent?: unknown;
  /** Once aborted, functions not yet started are skipped; those in flight finish (or roll back) as usual. */
  readonly signal?: AbortSignal;
  /** One process per function at a time: taken before a function's first call, released after its last. */
  readonly locks?: LockPort;
}

const now = () => new Date().toISOString();
const sha = (b: Buffer) => createHash('sha256').update(b).digest('base64');

/** A refusal before anything changed: the function is left exactly as it was. */
class Refused extends Error {}

type BackupCache = Map<string, Promise<{ path: string; size: number }>>;

/** What a step needs: the function, its record, the ports, and how to journal and report. */
interface StepContext {
  readonly ref: FunctionRef;
  readonly record: MigrationRecord;
  readonly lambda: LambdaPort;
  readonly journal: JournalPort;
  readonly options: ApplyOptions;
  readonly backups: BackupCache;
  readonly emit: (e: ApplyEvent) => void;
  /** Journals the step's start (and reports it) right before its call. */
  readonly starting: () => Promise<void>;
  /** The function's configuration once no update is in progress (GetFunction: the larger quota). */
  readonly current: () => Promise<FunctionConfig>;
}

/** How a step ended: done (with what to journal), or skipped because there was nothing to do. */
type StepOutcome =
  | { readonly phase: 'done'; readonly extra?: object }
  | { readonly phase: 'skipped'; readonly detail?: string };

const DONE: StepOutcome = { phase: 'done' };
const SKIPPED: StepOutcome = { phase: 'skipped' };

/** apply's steps. Each looks at the function's actual state first, so a resumed run never does one twice. */
const STEP_ACTIONS: Record<StepName, (s: StepContext) => Promise<StepOutcome>> = {
  async preflight({ record, current, starting }) {
    await starting();
    const c = await current();
    if (c.revisionId !== record.from.revisionId || c.codeSha256 !== record.from.codeSha256) {
      throw new Refused(
        `the function changed since it was planned (RevisionId ${c.revisionId}, CodeSha256 ${c.codeSha256}): plan again`,
      );
    }
    if (c.state !== 'Active' || c.lastUpdateStatus !== 'Successful')
      throw new Refused(`the function is ${c.state}/${c.lastUpdateStatus}: try again later`);
    return DONE;
  },

  async backup({ ref, record, lambda, journal, backups, emit, starting }) {
    await starting();
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
        const saved = await journal.saveBlob(ref, `${record.id}-original.zip`, zip);
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
          description: `go-lambda-migrate backup before ${record.id}`,
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
    return {
      phase: 'done',
      extra: { backup: { path, sha256: record.from.codeSha256, size, ...(version && { version }) } },
    };
  },

  async bridge({ ref, record, lambda, journal, emit, starting, current }) {
    if (!record.artifacts.bridge) return SKIPPED;
    const c = await current();
    if (c.codeSha256 === record.artifacts.bridge.sha256 || c.runtime === record.to.runtime) return SKIPPED;
    await starting();
    try {
      await lambda.updateCode(ref, {
        zip: await journal.loadBlob(record.artifacts.bridge.path),
        architecture: 'x86_64',
        revisionId: c.revisionId,
      });
    } catch (e) {
      if (!isRuntimeBlocked(e)) throw e;
      // Past the old runtime's block-update date its code cannot change: switch the configuration first.
      emit({
        type: 'warn',
        ref,
        message: `${record.from.runtime} code can no longer be updated, so no bridge: invocations fail until the new code is in place`,
      });
      return { phase: 'skipped', detail: BLOCKED_DETAIL };
    }
    await lambda.waitUntilUpdated(ref);
    return DONE;
  },

  async configuration({ ref, record, lambda, starting, current }) {
    const c = await current();
    if (c.runtime === record.to.runtime && c.handler === record.to.handler) return SKIPPED;
    await starting();
    await lambda.updateConfiguration(ref, {
      runtime: record.to.runtime,
      handler: record.to.handler,
      revisionId: c.revisionId,
    });
    await lambda.waitUntilUpdated(ref);
    return DONE;
  },

  async code({ ref, record, lambda, journal, starting, current }) {
    const c = await current();
    if (c.codeSha256 === record.artifacts.final.sha256 && c.architectures[0] === record.to.architecture)
      return SKIPPED;
    await starting();
    await lambda.updateCode(ref, {
      zip: await journal.loadBlob(record.artifacts.final.path),
      architecture: record.to.architecture,
      revisionId: c.revisionId,
    });
    await lambda.waitUntilUpdated(ref);
    return DONE;
  },

  async verify({ ref, record, lambda, options, starting }) {
    if (!record.verify || options.verifyEvent === undefined)
      return { phase: 'skipped', detail: 'not asked for (no verify event)' };
    await starting();
    const r = await lambda.invoke(ref, Buffer.from(JSON.stringify(options.verifyEvent)));
    if (r.functionError)
      throw new Error(`verification failed: ${r.functionError}: ${r.payload.toString('utf8').slice(0, 300)}`);
    return DONE;
  },
};

/** Writes a new migration's record, with its artifacts on disk first: undo is written before the change. */
async function startMigration(
  journal: JournalPort,
  ref: FunctionRef,
  plan: FunctionPlan,
  verify: boolean,
): Promise<MigrationState> {
  const id = randomUUID();
  const final = await journal.saveBlob(ref, `${id}-final.zip`, plan.artifacts.final!.zip);
  const bridge = plan.artifacts.bridge
    ? await journal.saveBlob(ref, `${id}-bridge.zip`, plan.artifacts.bridge.zip)
    : undefined;
  const record: MigrationRecord = {
    id,
    from: { ...plan.from, architecture: plan.from.architectures[0]! },
    to: { runtime: plan.to.runtime, handler: plan.to.handler, architecture: plan.to.architectures[0]! },
    strategy: plan.strategy,
    artifacts: {
      final: { path: final, sha256: plan.artifacts.final!.sha256 },
      ...(bridge && { bridge: { path: bridge, sha256: plan.artifacts.bridge!.sha256 } }),
    },
    verify,
  };
  await journal.append(ref, { type: 'migration-start', time: now(), record });
  return latestMigration(await journal.read(ref), journal.path(ref))!;
}

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
    journal: journal.path(ref),
    fromRuntime: plan.from.runtime,
  });
  if (plan.blocked) return result('skipped', 'blocked in the plan (the plan says why)');
  if (plan.strategy === 'none' || !plan.artifacts.final) return result('skipped', 'nothing to change');

  // GetFunction, not GetFunctionConfiguration: it has its own, larger quota (100 req/s against 15).
  const current = async (): Promise<FunctionConfig> => {
    await lambda.waitUntilUpdated(ref);
    return (await lambda.getFunction(ref)).config;
  };
  // The journal and the function together decide: new, resume, nothing, or refuse.
  let state = latestMigration(await journal.read(ref), journal.path(ref));
  const decision = decideApply(state, await current());
  switch (decision.kind) {
    case 'already-migrated':
      return result('skipped', `already migrated on ${decision.time}`);
    case 'refuse':
      return result('failed', `${refusalSentence(decision.reason)} (nothing was changed)`);
    case 'resume': {
      state = decision.state;
      const r = state.record;
      const other =
        r.to.runtime !== plan.to.runtime || r.to.architecture !== plan.to.architectures[0]
          ? `; it goes to ${r.to.runtime} ${r.to.architecture}, not to the plan's ${plan.to.runtime} ${plan.to.architectures[0]}: apply again afterwards for that`
          : '';
      emit({
        type: 'warn',
        ref,
        message: `resuming the interrupted migration ${r.id} from its journal (${state.phase})${other}`,
      });
      break;
    }
    case 'new':
      state = await startMigration(journal, ref, plan, options.verifyEvent !== undefined);
      break;
  }
  const { record } = state;
  const id = record.id;
  let changed = state.changed;

  try {
    for (const step of FORWARD_STEPS.slice(state.done.length)) {
      const context: StepContext = {
        ref,
        record,
        lambda,
        journal,
        options,
        backups,
        emit,
        current,
        starting: async () => {
          await journal.append(ref, { type: 'step', time: now(), id, step, phase: 'start' });
          // An ambiguous failure of a mutating call may still have changed the function: roll back to be safe.
          if (step === 'bridge' || step === 'configuration' || step === 'code') changed = true;
          emit({ type: 'step-start', ref, step });
        },
      };
      const changedBefore = changed;
      const outcome = await STEP_ACTIONS[step](context);
      // The bridge refused because the old runtime is blocked changed nothing.
      if (outcome.phase === 'skipped' && outcome.detail === BLOCKED_DETAIL) changed = changedBefore;
      await journal.append(ref, {
        type: 'step',
        time: now(),
        id,
        step,
        phase: outcome.phase,
        ...(outcome.phase === 'done'
          ? outcome.extra
          : outcome.detail !== undefined && { detail: outcome.detail }),
      });
      emit({
        type: 'step-done',
        ref,
        step,
        skipped: outcome.phase === 'skipped',
        ...(outcome.phase === 'skipped' && outcome.detail !== undefined && { why: outcome.detail }),
      });
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
    return rollBackAfterFailure(lambda, journal, ref, reason, emit, result);
  }
}

/** A failure after the first change: the function goes back to its original, and the migration ends. */
async function rollBackAfterFailure(
  lambda: LambdaPort,
  journal: JournalPort,
  ref: FunctionRef,
  reason: string,
  emit: (e: ApplyEvent) => void,
  result: (status: ApplyResult['status'], message: string) => ApplyResult,
): Promise<ApplyResult> {
  emit({ type: 'warn', ref, message: `${reason}: rolling back` });
  const after = latestMigration(await journal.read(ref), journal.path(ref))!;
  const id = after.record.id;
  try {
    const rb = await rollbackFunction(lambda, journal, ref, after, reason, (step, phase) =>
      emit(
        phase === 'start'
          ? { type: 'step-start', ref, step }
          : { type: 'step-done', ref, step, skipped: phase === 'skipped' },
      ),
    );
    const status = rb.status === 'failed' ? 'failed' : 'rolled-back';
    const message = `${reason}; rollback: ${rb.message}`;
    await journal.append(ref, { type: 'migration-end', time: now(), id, status, message });
    return result(status, message);
  } catch (rbErr) {
    const message = `${reason}; the automatic rollback failed too: ${(rbErr as Error).message}. Run \`go-lambda-migrate rollback ${ref.name}\`; the original is at ${after.backup?.path ?? '(no backup)'}`;
    await journal.append(ref, { type: 'migration-end', time: now(), id, status: 'failed', message });
    return result('failed', message);
  }
}

/**
 * Carries out a plan: per function, journaled steps (preflight, verified backup, bridge, configuration,
 * code, verify), each mutating call guarded by RevisionId and followed by the wait for Successful; a
 * failure after the first change rolls that function back. Functions run concurrently, each under its
 * lock. Run again after a crash, it continues each unfinished migration from the state its journal and
 * the function show (see migration-machine).
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
    const failed = (status: ApplyResult['status'], message: string): ApplyResult => ({
      functionName: plan.functionName,
      region: plan.region,
      status,
      message,
      journal: journal.path(ref),
    });
    if (options.signal?.aborted) return failed('skipped', 'not started: interrupted (nothing was changed)');
    channel.push({ type: 'function-start', ref });
    let result: ApplyResult;
    try {
      result = await withFunctionLock(options.locks, ref, 'apply', () =>
        migrateOne(lambda, journal, plan, options, (e) => channel.push(e), backups),
      );
    } catch (e) {
      result = failed('failed', (e as Error).message);
    }
    channel.push({ type: 'function-done', ref, result });
    return result;
  }).finally(() => channel.close());
  yield* channel;
  const results = await work;
  yield { type: 'done', results };
}
