import { createHash } from 'node:crypto';
import type { JournalPort, RollbackStepName } from './journal.js';
import type { MigrationState } from './migration-machine.js';
import type { FunctionConfig, FunctionRef, LambdaPort } from './ports.js';

/** How a rollback ended. */
export interface RollbackOutcome {
  readonly status: 'restored' | 'stopped' | 'failed';
  readonly message: string;
}

const now = () => new Date().toISOString();
const sha = (b: Buffer) => createHash('sha256').update(b).digest('base64');

/** True when Lambda refused the old runtime because it is past its block-update date. */
export function isRuntimeBlocked(e: unknown): boolean {
  return (e as { kind?: string } | undefined)?.kind === 'runtime-blocked';
}

/**
 * Returns a function to its recorded pre-migration state: a bridge first when the code no longer runs on
 * the old runtime, then the old Runtime and Handler, then the original zip (byte for byte, so CodeSha256
 * equals the backup's). Each step looks at the function's actual state first. When Lambda refuses the old
 * runtime (past its block-update date) it stops in a working state and says what is left to do.
 */
export async function rollbackFunction(
  lambda: LambdaPort,
  journal: JournalPort,
  ref: FunctionRef,
  state: MigrationState,
  reason: string,
  onStep: (step: RollbackStepName, phase: 'start' | 'done' | 'skipped') => void = () => undefined,
): Promise<RollbackOutcome> {
  const { record, backup } = state;
  const id = record.id;
  await journal.append(ref, { type: 'rollback-start', time: now(), id, reason });
  if (!backup) {
    await journal.append(ref, {
      type: 'rollback-end',
      time: now(),
      id,
      status: 'restored',
      message: 'nothing had changed yet (no backup was needed)',
    });
    return { status: 'restored', message: 'nothing had changed yet' };
  }
  const original = await journal.loadBlob(backup.path);
  if (sha(original) !== backup.sha256) {
    const message = `the backup at ${backup.path} does not match its recorded SHA-256: not restoring from it${backup.version ? `; the original is also published as version ${backup.version}` : ''}`;
    await journal.append(ref, { type: 'rollback-end', time: now(), id, status: 'failed', message });
    return { status: 'failed', message };
  }
  const from = record.from;
  const step = async (
    name: RollbackStepName,
    needed: (c: FunctionConfig) => boolean,
    act: (c: FunctionConfig) => Promise<void>,
  ) => {
    await lambda.waitUntilUpdated(ref);
    const c = await lambda.getConfiguration(ref);
    if (!needed(c)) {
      await journal.append(ref, { type: 'step', time: now(), id, step: name, phase: 'skipped' });
      onStep(name, 'skipped');
      return;
    }
    await journal.append(ref, { type: 'step', time: now(), id, step: name, phase: 'start' });
    onStep(name, 'start');
    await act(c);
    await lambda.waitUntilUpdated(ref);
    await journal.append(ref, { type: 'step', time: now(), id, step: name, phase: 'done' });
    onStep(name, 'done');
  };
  const onOldConfig = (c: FunctionConfig) => c.runtime === from.runtime && c.handler === from.handler;
  // 1. Code that runs on both the current runtime and the old one: the migration's bridge (x86_64), or the
  //    original zip itself on its own architecture when it already has a bootstrap (a provided.* function).
  const bridge = record.artifacts.bridge
    ? { zip: await journal.loadBlob(record.artifacts.bridge.path), architecture: 'x86_64' as const }
    : from.runtime === 'go1.x'
      ? undefined
      : { zip: original, architecture: from.architecture };
  await step(
    'rollback-bridge',
    (c) =>
      !onOldConfig(c) &&
      (bridge
        ? c.codeSha256 !== sha(bridge.zip) || c.architectures[0] !== bridge.architecture
        : c.architectures[0] !== 'x86_64'),
    async (c) => {
      await lambda.updateCode(ref, {
        zip: bridge?.zip ?? original,
        architecture: bridge?.architecture ?? 'x86_64',
        revisionId: c.revisionId,
      });
    },
  );
  // 2. The old runtime and handler.
  try {
    await step(
      'rollback-configuration',
      (c) => !onOldConfig(c),
      async (c) => {
        await lambda.updateConfiguration(ref, {
          runtime: from.runtime,
          handler: from.handler,
          revisionId: c.revisionId,
        });
      },
    );
  } catch (e) {
    if (!isRuntimeBlocked(e)) throw e;
    const c = await lambda.getConfiguration(ref);
    const message =
      `AWS no longer accepts ${from.runtime} (${(e as Error).message.split('.')[0]}): stopped in a working state, ` +
      `the original binary running on ${c.runtime} x86_64 through the bridge.` +
      (backup.version
        ? ` The untouched original is published as version ${backup.version}: point an alias at it to serve it on ${from.runtime}.`
        : '');
    await journal.append(ref, { type: 'rollback-end', time: now(), id, status: 'stopped', message });
    return { status: 'stopped', message };
  }
  // 3. The original zip, byte for byte, on its original architecture.
  await step(
    'rollback-code',
    (c) => c.codeSha256 !== backup.sha256 || c.architectures[0] !== from.architecture,
    async (c) => {
      await lambda.updateCode(ref, {
        zip: original,
        architecture: from.architecture,
        revisionId: c.revisionId,
      });
    },
  );
  const c = await lambda.getConfiguration(ref);
  const ok = c.codeSha256 === backup.sha256 && onOldConfig(c) && c.architectures[0] === from.architecture;
  const message = ok
    ? `restored: ${from.runtime}, handler ${from.handler}, ${from.architecture}, CodeSha256 ${backup.sha256}`
    : `the function does not match the backup after rollback (runtime ${c.runtime}, handler ${c.handler}, CodeSha256 ${c.codeSha256})`;
  await journal.append(ref, {
    type: 'rollback-end',
    time: now(),
    id,
    status: ok ? 'restored' : 'failed',
    message,
  });
  return { status: ok ? 'restored' : 'failed', message };
}
