import { createHash } from 'node:crypto';
import { beforeEach, describe, expect, it } from 'vitest';
import { applyPlan, type ApplyEvent, type ApplyResult } from '../../src/core/apply.js';
import { foldJournal, latestMigration } from '../../src/core/migration-machine.js';
import type { Artifact, FunctionPlan } from '../../src/core/plan.js';
import { LockedError, type LockPort } from '../../src/core/ports.js';
import { rollbackMigrations } from '../../src/core/rollback-many.js';
import { FakeAwsError, FakeLambda, fakeZip, MemoryJournal } from '../fakes/lambda.js';

const sha = (b: Buffer) => createHash('sha256').update(b).digest('base64');
const ref = { region: 'us-east-1', name: 'hello' };
const ORIGINAL = fakeZip('hello');
const BRIDGE = fakeZip('hello', 'bootstrap');
const FINAL = fakeZip('bootstrap');
const artifact = (zip: Buffer, architecture: 'x86_64' | 'arm64'): Artifact => ({
  zip,
  sha256: sha(zip),
  size: zip.length,
  architecture,
});

function planFor(lambda: FakeLambda): FunctionPlan {
  const c = lambda.peek(ref);
  return {
    functionName: 'hello',
    region: ref.region,
    from: {
      runtime: 'go1.x',
      handler: 'hello',
      architectures: ['x86_64'],
      codeSha256: c.codeSha256,
      revisionId: c.revisionId,
      codeSize: c.codeSize,
    },
    to: { runtime: 'provided.al2023', handler: 'bootstrap', architectures: ['arm64'] },
    strategy: 'rebuild',
    source: '/src/hello',
    steps: [],
    risks: [],
    blocked: null,
    binary: null,
    smoke: null,
    artifacts: { final: artifact(FINAL, 'arm64'), bridge: artifact(BRIDGE, 'x86_64') },
  };
}

async function run<T extends { type: string }>(
  stream: AsyncIterable<T>,
): Promise<{ events: T[]; results: ApplyResult[] }> {
  const events: T[] = [];
  let results: ApplyResult[] = [];
  for await (const e of stream) {
    const done = e as unknown as { type: string; results?: ApplyResult[] };
    if (done.type === 'done') results = done.results ?? [];
    else events.push(e);
  }
  return { events, results };
}

/**
 * A process that dies right after its `n`-th mutating call reached Lambda: from then on its Lambda calls and
 * journal lines fail, as if it had been killed (the function keeps whatever that call did).
 */
function dyingAfter(
  lambda: FakeLambda,
  journal: MemoryJournal,
  n: number,
): { lambda: FakeLambda; journal: MemoryJournal } {
  let mutating = 0;
  let dead = false;
  const died = () => Promise.reject(new Error('killed'));
  const l = Object.create(lambda) as FakeLambda;
  for (const m of ['updateCode', 'updateConfiguration', 'publishVersion'] as const) {
    const real = lambda[m].bind(lambda) as (...a: unknown[]) => Promise<unknown>;
    (l as unknown as Record<string, unknown>)[m] = async (...a: unknown[]) => {
      if (dead) return died();
      const out = await real(...a);
      if (m !== 'publishVersion' && ++mutating >= n) dead = true;
      return out;
    };
  }
  for (const m of [
    'getFunction',
    'getConfiguration',
    'waitUntilUpdated',
    'invoke',
    'downloadCode',
  ] as const) {
    const real = lambda[m].bind(lambda) as (...a: unknown[]) => Promise<unknown>;
    (l as unknown as Record<string, unknown>)[m] = (...a: unknown[]) => (dead ? died() : real(...a));
  }
  const j = Object.create(journal) as MemoryJournal;
  j.append = (r, e) => (dead ? died() : journal.append(r, e));
  return { lambda: l, journal: j };
}

const mutations = (lambda: FakeLambda) =>
  lambda.calls.filter((c) => /^(Update|Publish)/.test(c)).map((c) => c.split(' ')[0]);

describe('apply, against Lambda in memory', () => {
  let lambda: FakeLambda;
  let journal: MemoryJournal;
  beforeEach(() => {
    lambda = new FakeLambda();
    journal = new MemoryJournal();
    lambda.create(ref, 'go1.x', 'hello', ORIGINAL);
  });
  const apply = (plan = planFor(lambda), locks?: LockPort) =>
    run(applyPlan(lambda, journal, [plan], { concurrency: 1, ...(locks && { locks }) }));
  const rollback = () => run(rollbackMigrations(lambda, journal, [ref]));
  const shapeOf = () => {
    const c = lambda.peek(ref);
    return `${c.runtime} ${c.handler} ${c.architectures[0]} ${c.codeSha256}`;
  };

  it('orders its calls so the function always runs: backup version, bridge, runtime, code', async () => {
    const { results } = await apply();
    expect(results[0]).toMatchObject({ status: 'migrated' });
    expect(mutations(lambda)).toEqual([
      'PublishVersion',
      'UpdateFunctionCode',
      'UpdateFunctionConfiguration',
      'UpdateFunctionCode',
    ]);
    expect(shapeOf()).toBe(`provided.al2023 bootstrap arm64 ${sha(FINAL)}`);
    expect(latestMigration(await journal.read(ref))!.phase).toBe('migrated');
    expect(journal.backups(ref)[0]).toMatchObject({ sha256: sha(ORIGINAL), version: '1' });
  });

  it('every update is guarded by the RevisionId it read, and waited on before the next read', async () => {
    const guards: boolean[] = [];
    const real = { code: lambda.updateCode.bind(lambda), conf: lambda.updateConfiguration.bind(lambda) };
    lambda.updateCode = (r, u) => (guards.push(u.revisionId === lambda.peek(r).revisionId), real.code(r, u));
    lambda.updateConfiguration = (r, u) => (
      guards.push(u.revisionId === lambda.peek(r).revisionId),
      real.conf(r, u)
    );
    await apply();
    expect(guards).toEqual([true, true, true]);
    const calls = lambda.calls.filter((c) => !c.startsWith('Download'));
    for (let i = 0; i < calls.length; i++)
      if (calls[i]!.startsWith('Update')) expect(calls[i + 1], `after ${calls[i]}`).toMatch(/^Wait/);
  });

  it('resumes an interrupted migration from the step it reached, without repeating a change', async () => {
    const plan = planFor(lambda);
    // Killed right after the runtime switch: the function runs the bridge on provided.al2023.
    const dying = dyingAfter(lambda, journal, 2);
    await run(applyPlan(dying.lambda, dying.journal, [plan], { concurrency: 1 }));
    expect(shapeOf()).toBe(`provided.al2023 bootstrap x86_64 ${sha(BRIDGE)}`);
    expect(latestMigration(await journal.read(ref))).toMatchObject({
      phase: 'bridged',
      inFlight: 'configuration',
    });
    lambda.calls.length = 0;
    const resumed = await apply(plan);
    expect(resumed.results[0]!.status).toBe('migrated');
    expect(resumed.events.some((e) => e.type === 'warn' && e.message.startsWith('resuming'))).toBe(true);
    // Only the code is left: the configuration step finds the runtime switched and skips.
    expect(mutations(lambda)).toEqual(['UpdateFunctionCode']);
    expect(foldJournal(await journal.read(ref)).at(-1)!.phase).toBe('migrated');
  });

  it('after a rollback, apply starts a new migration from preflight (never resumes the rolled-back one)', async () => {
    await apply();
    const back = await rollback();
    expect(back.results[0]!.status).toBe('rolled-back');
    expect(shapeOf()).toBe(`go1.x hello x86_64 ${sha(ORIGINAL)}`);
    lambda.calls.length = 0;
    const again = await apply(planFor(lambda));
    expect(again.results[0]!.status).toBe('migrated');
    expect(again.events.some((e) => e.type === 'warn' && e.message.startsWith('resuming'))).toBe(false);
    expect(mutations(lambda)).toEqual([
      'PublishVersion',
      'UpdateFunctionCode',
      'UpdateFunctionConfiguration',
      'UpdateFunctionCode',
    ]);
    expect(foldJournal(await journal.read(ref)).map((m) => m.phase)).toEqual(['rolled-back', 'migrated']);
  });

  it('a failure after the first change rolls back to the exact original', async () => {
    let codeCalls = 0;
    const updateCode = lambda.updateCode.bind(lambda);
    // The bridge goes through; the final code is refused.
    lambda.updateCode = (r, u) =>
      ++codeCalls === 2 ? Promise.reject(new FakeAwsError('service', 'ServiceException')) : updateCode(r, u);
    const { results } = await apply();
    expect(results[0]).toMatchObject({
      status: 'rolled-back',
      message: expect.stringContaining('ServiceException; rollback: restored'),
    });
    expect(shapeOf()).toBe(`go1.x hello x86_64 ${sha(ORIGINAL)}`);
    expect(latestMigration(await journal.read(ref))!.phase).toBe('rolled-back');
  });

  it('a function changed since the plan is refused, nothing changed', async () => {
    const plan = planFor(lambda);
    await lambda.updateConfiguration(ref, { description: 'someone else' });
    await lambda.waitUntilUpdated(ref);
    lambda.calls.length = 0;
    const { results } = await apply(plan);
    expect(results[0]).toMatchObject({
      status: 'failed',
      message: expect.stringMatching(/changed since it was planned.*nothing was changed/),
    });
    expect(mutations(lambda)).toEqual([]);
  });

  it('past go1.x block-update date: no bridge, a warning, the configuration first, then the code', async () => {
    lambda.blocked.add('go1.x');
    const { results, events } = await apply();
    expect(results[0]!.status).toBe('migrated');
    expect(events.some((e) => e.type === 'warn' && e.message.includes('no bridge'))).toBe(true);
    expect(latestMigration(await journal.read(ref))!.phase).toBe('migrated');
  });

  it('another process holding the function: refused before any call, naming it', async () => {
    const locks: LockPort = {
      acquire: (r) =>
        Promise.reject(new LockedError(r, { pid: 99, purpose: 'rollback', since: 't', host: '' })),
    };
    lambda.calls.length = 0;
    const { results } = await apply(planFor(lambda), locks);
    expect(results[0]).toMatchObject({
      status: 'failed',
      message: expect.stringContaining('pid 99, rollback'),
    });
    expect(lambda.calls).toEqual([]);
  });

  it('rollback undoes a migration killed after each change, from what the function shows', async () => {
    for (const n of [1, 2, 3]) {
      lambda = new FakeLambda();
      journal = new MemoryJournal();
      lambda.create(ref, 'go1.x', 'hello', ORIGINAL);
      const dying = dyingAfter(lambda, journal, n);
      await run(applyPlan(dying.lambda, dying.journal, [planFor(lambda)], { concurrency: 1 }));
      const back = await rollback();
      expect(back.results[0]!.status, `killed after change ${n}`).toBe('rolled-back');
      expect(shapeOf(), `killed after change ${n}`).toBe(`go1.x hello x86_64 ${sha(ORIGINAL)}`);
      expect(latestMigration(await journal.read(ref))!.phase).toBe('rolled-back');
    }
  });
});

describe('the fake itself behaves like Lambda where the core depends on it', () => {
  it('refuses a stale RevisionId and an update while one is in progress; go1.x runs only its handler', async () => {
    const lambda = new FakeLambda();
    lambda.create(ref, 'go1.x', 'hello', ORIGINAL);
    await expect(
      lambda.updateConfiguration(ref, { description: 'x', revisionId: 'old' }),
    ).rejects.toMatchObject({ kind: 'precondition' });
    await lambda.updateConfiguration(ref, { description: 'x' });
    await expect(lambda.updateConfiguration(ref, { description: 'y' })).rejects.toMatchObject({
      kind: 'conflict',
    });
    await lambda.waitUntilUpdated(ref);
    expect((await lambda.invoke(ref)).functionError).toBeUndefined();
    await lambda.updateConfiguration(ref, { runtime: 'provided.al2023', handler: 'bootstrap' });
    expect((await lambda.invoke(ref)).functionError).toBe('Unhandled');
  });
});

export type { ApplyEvent };
