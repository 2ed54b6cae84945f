import { render } from 'ink-testing-library';
import { describe, expect, it } from 'vitest';
import type { ApplyEvent, ApplyResult } from '../../src/core/apply.js';
import { applyPlan } from '../../src/core/apply.js';
import { benchMany } from '../../src/core/benchmark.js';
import { fakeBenchPort } from '../fakes/bench-port.js';
import type { Block, FunctionPlan, Plan } from '../../src/core/plan.js';
import type { PromoteResult } from '../../src/core/promote.js';
import type { FunctionRef, LambdaPort } from '../../src/core/ports.js';
import type { Candidate } from '../../src/core/scan.js';
import { UserError } from '../../src/errors.js';
import type { WizardServices } from '../../src/ui/wizard/services.js';
import { initialWizard, wizardReducer } from '../../src/ui/wizard/state.js';
import { bindingsFor } from '../../src/ui/wizard/keys.js';
import { Wizard, type WizardOutcome } from '../../src/ui/wizard/Wizard.js';

const candidate = (region: string, name: string, runtime = 'go1.x'): Candidate => ({
  functionName: name,
  functionArn: `arn:aws:lambda:${region}:123456789012:function:${name}`,
  region,
  version: '$LATEST',
  runtime,
  architectures: ['x86_64'],
  handler: name,
  memorySize: 128,
  timeout: 3,
  codeSize: 1000,
  lastModified: '',
  managedBy: null,
});

const functionPlan = (ref: FunctionRef, blocked: Block | null = null): FunctionPlan => ({
  functionName: ref.name,
  region: ref.region,
  from: {
    runtime: 'go1.x',
    handler: ref.name,
    architectures: ['x86_64'],
    codeSha256: 'x',
    revisionId: 'r',
    codeSize: 1000,
  },
  to: { runtime: 'provided.al2023', handler: 'bootstrap', architectures: ['arm64'], codeSize: 900 },
  strategy: blocked ? 'none' : 'rebuild',
  source: null,
  steps: [{ action: 'configuration', detail: 'Runtime go1.x → provided.al2023' }],
  risks: [],
  blocked,
  binary: null,
  smoke: null,
  artifacts: {},
});

/** A gate the test opens: work in the fake services waits on it. */
function gate(): { wait: Promise<void>; open: () => void } {
  let open!: () => void;
  return { wait: new Promise<void>((r) => (open = r)), open };
}

/** Services over fixed data; apply migrates one function at a time, each after `step` opens. */
/** Targets whose invocations fail with the wizard's own event (a typed event makes them pass). */
let failingOld: string[] = [];

function fakeServices(candidates: Candidate[], step = gate(), planning?: Promise<void>) {
  const calls: { planned: FunctionRef[][]; applied: string[] } = { planned: [], applied: [] };
  const services: WizardServices = {
    where: 'a fake',
    sources: [],
    identity: () => Promise.resolve('arn:aws:sts::123456789012:assumed-role/Admin/alice'),
    inspect: (ref) =>
      Promise.resolve({ text: `bootstrap of ${ref.name}: x86_64 → rebuild-required`, ok: false }),
    stateDir: '/state',
    regions: () => Promise.resolve(['eu-west-1', 'us-east-1']),
    async *scan(regions) {
      await Promise.resolve();
      for (const region of regions) {
        const found = candidates.filter((c) => c.region === region).length;
        yield { type: 'region-done', region, listed: found, found };
      }
      yield { type: 'done', result: { functions: candidates, regions: [...regions], errors: [] } };
    },
    async *plan(refs) {
      await Promise.resolve();
      calls.planned.push([...refs]);
      if (planning) {
        for (const ref of refs.slice(0, 3)) {
          yield { type: 'function-start', ref };
          yield { type: 'function-done', plan: functionPlan(ref) };
        }
        for (const ref of refs.slice(3)) yield { type: 'progress', ref, message: 'building bootstrap' };
        await planning;
      }
      const plan: Plan = {
        version: 1,
        createdAt: '',
        options: { target: 'provided.al2023', arch: 'arm64', strategy: 'auto' },
        functions: refs.map((r) =>
          functionPlan(
            r,
            r.name === 'legacy'
              ? { code: 'cannot-rebuild', binary: 'RPC only', source: { kind: 'not-found' }, forced: false }
              : null,
          ),
        ),
      };
      yield { type: 'done', plan };
    },
    async *apply(functions, signal) {
      const results: ApplyResult[] = [];
      for (const f of functions) {
        const ref = { region: f.region, name: f.functionName };
        const base = {
          functionName: f.functionName,
          region: f.region,
          journal: 'j',
          fromRuntime: f.from.runtime,
        };
        if (signal.aborted) {
          results.push({ ...base, status: 'skipped', message: 'not started: interrupted' });
          continue;
        }
        yield { type: 'function-start', ref } satisfies ApplyEvent;
        yield { type: 'step-start', ref, step: 'configuration' } satisfies ApplyEvent;
        await step.wait;
        calls.applied.push(f.functionName);
        results.push({ ...base, status: 'migrated', message: 'now on provided.al2023' });
        yield { type: 'function-done', ref, result: results.at(-1)! } satisfies ApplyEvent;
      }
      yield { type: 'done', results };
    },
    history: () =>
      Promise.resolve({
        errors: [],
        rows: candidates.map((c) => ({
          functionName: c.functionName,
          region: c.region,
          migration: 'm1',
          startedAt: '2026-11-20T10:00:00.000Z',
          endedAt: '2026-11-20T10:01:00.000Z',
          from: {
            runtime: 'go1.x',
            handler: c.functionName,
            architecture: 'x86_64' as const,
            codeSha256: 'x',
            revisionId: 'r',
          },
          to: { runtime: 'provided.al2023', handler: 'bootstrap', architecture: 'arm64' as const },
          strategy: 'rebuild',
          phase: 'migrated' as const,
          state: 'migrated',
          message: null,
          backup: { path: '/state/backups/x.zip', sha256: 'x', size: 1, version: '7' },
          journal: 'j',
          latest: true,
        })),
      }),
    async *promote(refs, weight) {
      await Promise.resolve();
      for (const ref of refs) {
        if (ref.name !== 'orders') {
          yield { type: 'no-alias', ref };
          continue;
        }
        const after: PromoteResult['after'] =
          weight !== undefined
            ? { functionVersion: '1', weights: { '9': weight } }
            : { functionVersion: '9', weights: {} };
        yield {
          type: 'moved',
          ref,
          result: { alias: 'live', before: { functionVersion: '1', weights: {} }, after, published: '9' },
        };
      }
      yield { type: 'done' };
    },
    bench: (request, signal, chosen) =>
      benchMany(
        fakeBenchPort({ failing: chosen ? [] : failingOld }).port,
        (request.kind === 'backup' ? request.refs : []).map((ref) => ({
          key: `${ref.region}/${ref.name}`,
          against: `${ref.name}:1`,
          targets: [
            { role: 'old' as const, ref: { ...ref, qualifier: '1' } },
            { role: 'new' as const, ref },
          ],
        })),
        { cold: 1, warm: 2, event: chosen ?? Buffer.from('{}'), signal },
      ),
    eventFrom: (text) =>
      text.startsWith('{')
        ? Promise.resolve(Buffer.from(text))
        : Promise.reject(new Error(`cannot read ${text}`)),
    lastEvent: () => Promise.resolve(undefined),
    // eslint-disable-next-line require-yield
    async *rollback() {
      await Promise.resolve();
      throw new UserError('the journal is unreadable', 'Check the state folder.');
    },
  };
  return { services, calls, step };
}

async function until(frame: () => string | undefined, pattern: RegExp): Promise<string> {
  for (let i = 0; i < 200; i++) {
    const f = frame() ?? '';
    if (pattern.test(f)) return f;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`no ${String(pattern)} in:\n${frame()}`);
}

function show(services: WizardServices) {
  let outcome: WizardOutcome | undefined;
  const app = render(
    <Wizard
      services={services}
      choices={{ target: 'provided.al2023', arch: 'arm64', strategy: 'auto' }}
      color={false}
      onOutcome={(o) => (outcome = o)}
    />,
  );
  return { ...app, outcome: () => outcome };
}

/** The wizard with one function, through plan and a migration that succeeds, on its results screen. */
async function migratedOne(name: string) {
  const { services, step } = fakeServices([candidate('eu-west-1', name)]);
  step.open();
  const app = show(services);
  await until(app.lastFrame, /1 selected/);
  app.stdin.write('\r');
  await until(app.lastFrame, /Plan: 1 to migrate/);
  app.stdin.write('\r');
  app.stdin.write('y');
  await until(app.lastFrame, /Migration finished: 1 migrated/);
  return app;
}

describe('the wizard', () => {
  it('selects go1.x candidates to start with; space, a, t, x and s change the selection and choices', async () => {
    const { services } = fakeServices([
      candidate('eu-west-1', 'billing'),
      candidate('eu-west-1', 'resizer', 'provided.al2'),
    ]);
    const app = show(services);
    await until(app.lastFrame, /2 candidates, 1 selected/);
    expect(app.lastFrame()).toMatch(/› \[x\] eu-west-1\/billing/);
    // Who the calls are made as, and where, in the header.
    expect(app.lastFrame()).toMatch(
      /go-lambda-migrate · a fake\naccount 123456789012 · regions eu-west-1, us-east-1 · as assumed-role\/Admin\/alice\n/,
    );
    app.stdin.write('j');
    app.stdin.write(' ');
    await until(app.lastFrame, /2 candidates, 2 selected/);
    app.stdin.write('a');
    await until(app.lastFrame, /2 candidates, 0 selected/);
    app.stdin.write('t');
    app.stdin.write('x');
    app.stdin.write('s');
    await until(app.lastFrame, /target provided\.al2 · arch x86_64 · strategy rebuild/);
    expect(app.lastFrame()).toMatch(
      /space select · a all\/none · i inspect · t target · x arch · s\sstrategy · enter plan/,
    );
    app.stdin.write('\r'); // nothing selected: nothing to plan, and the wizard says why
    await until(app.lastFrame, /Nothing is selected: space selects the highlighted function/);
    expect(app.lastFrame()).toMatch(/0 selected/);
    app.stdin.write('k'); // the notice is about the last key only
    await until(app.lastFrame, /› \[ \] eu-west-1\/billing/);
    expect(app.lastFrame()).not.toMatch(/Nothing is selected/);
    app.unmount();
  });

  it('500 candidates in 6 regions: counts per region, pages, a typed filter, details and inspect', async () => {
    const regions = ['us-east-1', 'eu-west-1', 'ap-south-1', 'us-west-2', 'eu-central-1', 'sa-east-1'];
    // In scan's order: by region, then name.
    const many = Array.from({ length: 500 }, (_, i) => ({
      ...candidate(regions[i % 6]!, `svc-${String(i).padStart(3, '0')}`),
      managedBy: i % 5 === 1 ? 'Terraform' : null,
      lastModified: '2026-11-30T14:02:11.000+0000',
      codeSize: 5 * 1024 * 1024,
    })).sort((a, b) => (`${a.region}/${a.functionName}` < `${b.region}/${b.functionName}` ? -1 : 1));
    const { services, calls } = fakeServices(many);
    const app = show(services);
    let frame = await until(app.lastFrame, /500 candidates, 500 selected/);
    expect(frame).toMatch(/6 regions: eu-west-1 84 · us-east-1 84 · ap-south-1 83 · eu-central-1 83/);
    // A frame fits the terminal (24 rows here), the list with it.
    expect(frame.split('\n').length).toBeLessThan(24);
    expect(frame).toMatch(/↓ \d+ more/);
    // The details of the highlighted function, below the list.
    expect(frame).toMatch(
      /ap-south-1\/svc-002 · go1\.x x86_64 · handler svc-002 · 128 MB · 3 s · code 5\.0 MB/,
    );
    expect(frame).toMatch(/owner: none found in its tags · last modified 2026-11-30 14:02 UTC/);
    expect(frame).toMatch(/binary: not inspected \(i downloads the code and inspects it\)/);
    app.stdin.write('\x1b[6~'); // page down
    frame = await until(app.lastFrame, /↑ \d+ more/);
    app.stdin.write('\x1b[F'); // end
    await until(app.lastFrame, /› \[x\] us-west-2\/svc-495/);
    app.stdin.write('\x1b[H'); // home
    await until(app.lastFrame, /› \[x\] ap-south-1\/svc-002/);
    // i inspects the highlighted function's deployed binary.
    app.stdin.write('i');
    await until(app.lastFrame, /binary: bootstrap of svc-002: x86_64 → rebuild-required/);
    // / then text filters (every word must match); the keys typed are text, not commands.
    app.stdin.write('/');
    await until(
      app.lastFrame,
      /filter: ▏[\s\S]*type to filter · ↑↓ move · enter keep the filter · esc clear it/,
    );
    app.stdin.write('eu-west');
    await until(app.lastFrame, /84 of 500 candidates match "eu-west", 500 selected \(416 not listed\)/);
    app.stdin.write(' terraform');
    frame = await until(app.lastFrame, /17 of 500 candidates match "eu-west terraform"/);
    expect(frame).toMatch(/› \[x\] eu-west-1\/svc-001 /);
    expect(frame).toMatch(/eu-west-1\/svc-031 /);
    expect(frame).not.toMatch(/svc-007 /);
    app.stdin.write('\r'); // keep the filter: keys are commands again
    await until(app.lastFrame, /\/ change the filter · esc clear the filter/);
    app.stdin.write('a'); // a unselects the 17 shown only
    await until(
      app.lastFrame,
      /17 of 500 candidates match "eu-west terraform", 483 selected \(483 not listed\)/,
    );
    app.stdin.write('\x1b'); // esc clears the filter
    frame = await until(app.lastFrame, /500 candidates, 483 selected/);
    expect(frame).toMatch(/eu-west-1 84 \(67 selected\)/);
    // The function highlighted under the filter still is.
    expect(frame).toMatch(/› \[ \] eu-west-1\/svc-001 /);
    app.stdin.write('/zzz');
    await until(
      app.lastFrame,
      /0 of 500 candidates match "zzz"[\s\S]*No candidate matches the filter: esc clears it/,
    );
    app.stdin.write('\x1b');
    await until(app.lastFrame, /500 candidates, 483 selected/);
    app.stdin.write('\r');
    await until(app.lastFrame, /Plan: 483 to migrate/);
    expect(calls.planned[0]).toHaveLength(483);
    app.unmount();
  });

  it('says so in the header when STS cannot tell who the caller is, and scans all the same', async () => {
    const { services } = fakeServices([candidate('eu-west-1', 'billing')]);
    const app = show({
      ...services,
      identity: () => Promise.reject(new Error('The security token included in the request is invalid')),
    });
    const frame = await until(app.lastFrame, /1 candidate, 1 selected/);
    expect(frame).toMatch(
      /account unknown · regions eu-west-1, us-east-1 \(The security token included in the request/,
    );
    app.unmount();
  });

  it('a scan no region answered is an error to retry, not an empty account', async () => {
    const { services } = fakeServices([]);
    const message = 'ListFunctions in eu-west-1: cannot reach the Lambda endpoint (ECONNREFUSED).';
    const app = show({
      ...services,
      async *scan(regions) {
        await Promise.resolve();
        const errors = regions.map((region) => ({ region, message }));
        for (const e of errors) yield { type: 'region-failed', ...e };
        yield { type: 'done', result: { functions: [], regions: [...regions], errors } };
      },
    });
    const frame = await until(
      app.lastFrame,
      /no region could be scanned: ListFunctions in eu-west-1: cannot reach/,
    );
    expect(frame).not.toMatch(/Nothing to migrate/);
    expect(frame).toMatch(/r retry · q quit/);
    app.unmount();
  });

  it('reviews the plan, goes back with b, and shows that nothing is migrated without y', async () => {
    const { services, calls } = fakeServices([
      candidate('eu-west-1', 'legacy'),
      candidate('eu-west-1', 'orders'),
    ]);
    const app = show(services);
    await until(app.lastFrame, /2 selected/);
    app.stdin.write('\r');
    await until(app.lastFrame, /Plan: 1 to migrate, 1 blocked, 0 unchanged/);
    expect(app.lastFrame()).toMatch(/! eu-west-1\/legacy {2}\(blocked\)/);
    // The wizard's own words: no command-line option where the wizard has none to offer.
    expect(app.lastFrame()).toMatch(
      /blocked: RPC only; no source was found to rebuild it from \(start the wizard/,
    );
    app.stdin.write('b');
    await until(app.lastFrame, /2 candidates, 2 selected/);
    app.stdin.write('\r');
    await until(app.lastFrame, /Plan: 1 to migrate/);
    app.stdin.write('\r');
    await until(app.lastFrame, /Migrate 1 function on a fake\?[\s\S]*\(y\/n\)/);
    app.stdin.write('n');
    await until(app.lastFrame, /enter migrate/);
    expect(calls.planned.map((p) => p.map((r) => r.name))).toEqual([
      ['legacy', 'orders'],
      ['legacy', 'orders'],
    ]);
    expect(calls.applied).toEqual([]);
    app.stdin.write('q');
    expect(app.outcome()).toBe('ok');
  });

  it('Ctrl-C while migrating lets the function in flight finish, starts no other, then quits', async () => {
    const { services, calls, step } = fakeServices([
      candidate('eu-west-1', 'a'),
      candidate('eu-west-1', 'b'),
    ]);
    const app = show(services);
    await until(app.lastFrame, /2 selected/);
    app.stdin.write('\r');
    await until(app.lastFrame, /Plan: 2 to migrate/);
    app.stdin.write('\r');
    await until(app.lastFrame, /\(y\/n\)/);
    app.stdin.write('y');
    await until(app.lastFrame, /eu-west-1\/a configuration/);
    app.stdin.write('\x03');
    await until(app.lastFrame, /Stopping: the functions in flight finish/);
    expect(app.outcome()).toBeUndefined();
    step.open();
    await until(() => (app.outcome() ? 'quit' : ''), /quit/);
    expect(calls.applied).toEqual(['a']);
    // The migration was stopped halfway: the wizard exits 3, as a partial run does.
    expect(app.outcome()).toBe('interrupted-work');
  });

  it('Ctrl-C with nothing running quits at once, as interrupted (exit 130)', async () => {
    const { services } = fakeServices([candidate('eu-west-1', 'a')]);
    const app = show(services);
    await until(app.lastFrame, /1 selected/);
    app.stdin.write('\x03');
    await until(() => (app.outcome() ? 'quit' : ''), /quit/);
    expect(app.outcome()).toBe('interrupted');
  });

  it('an error in the work shows its message and hint, and the wizard can scan again', async () => {
    const app = await migratedOne('a');
    app.stdin.write('u');
    await until(app.lastFrame, /Roll back the 1 migrated function/);
    expect(app.lastFrame()).toMatch(/Aliases are not moved: one promoted to the new code/);
    app.stdin.write('y');
    await until(app.lastFrame, /error: the journal is unreadable\s+hint: Check the state folder\./);
    app.stdin.write('r');
    await until(app.lastFrame, /1 candidate, 1 selected/);
    app.stdin.write('q');
    expect(app.outcome()).toBe('ok');
  });

  it('after a migration, b and y benchmark each function against its backup version; enter goes back', async () => {
    const app = await migratedOne('orders');
    await until(app.lastFrame, /b benchmark against the go1\.x backup · u undo/);
    app.stdin.write('b');
    await until(app.lastFrame, /Benchmark the 1 migrated function on a fake against the go1\.x backup/);
    app.stdin.write('y');
    const frame = await until(app.lastFrame, /Benchmarks done[\s\S]*enter back/);
    expect(frame).toMatch(/eu-west-1\/orders against orders:1/);
    expect(frame).toMatch(/cold\s+al2023 x86_64\s+1\/1/);
    expect(frame).toMatch(/warm\s+al2023 arm64\s+2\/2/);
    expect(frame).toMatch(/Verdict \(al2023 arm64 vs al2023 x86_64\)/);
    app.stdin.write('\r');
    await until(app.lastFrame, /Migration finished: 1 migrated/);
    app.stdin.write('q');
    expect(app.outcome()).toBe('ok');
  });

  it('a benchmark whose invocations fail shows the error, no verdict, and runs again with a typed event', async () => {
    failingOld = ['orders:1'];
    try {
      const app = await migratedOne('orders');
      app.stdin.write('b');
      await until(app.lastFrame, /Benchmark the 1 migrated function/);
      app.stdin.write('y');
      let frame = await until(app.lastFrame, /e another event · l the last event · enter back/);
      expect(frame).toMatch(/al2023 x86_64: 3 failed: errorString: orderId is required/);
      expect(frame).toMatch(/no comparison: 3 of 3 invocations of orders:1 failed/);
      expect(frame).toMatch(/Verdict: none \(invocations failed/);
      app.stdin.write('e');
      await until(app.lastFrame, /Event \(JSON, or the path of a JSON file\)/);
      app.stdin.write('nope');
      app.stdin.write('\r');
      await until(app.lastFrame, /cannot read nope/);
      for (let i = 0; i < 4; i++) app.stdin.write('\x7f');
      app.stdin.write('{"orderId":"1"}');
      await until(app.lastFrame, /\{"orderId":"1"\}/);
      app.stdin.write('\r');
      frame = await until(app.lastFrame, /Benchmarks done[\s\S]*enter back/);
      expect(frame).toMatch(/Verdict \(al2023 arm64 vs al2023 x86_64\)/);
      app.unmount();
    } finally {
      failingOld = [];
    }
  });

  it('planning many functions shows those in progress first and counts what does not fit', async () => {
    const many = Array.from({ length: 30 }, (_, i) =>
      candidate('eu-west-1', `fn-${String(i).padStart(2, '0')}`),
    );
    const done = gate();
    const { services } = fakeServices(many, gate(), done.wait);
    const app = show(services);
    await until(app.lastFrame, /30 candidates, 30 selected/);
    app.stdin.write('\r');
    const frame = await until(app.lastFrame, /Planning 30 functions, 3 done/);
    expect(frame).toMatch(/eu-west-1\/fn-03 building bootstrap/);
    expect(frame).not.toMatch(/fn-00/);
    expect(frame).toMatch(/… and 15 more/);
    done.open();
    await until(app.lastFrame, /Plan: 30 to migrate/);
    app.unmount();
  });

  it('after a migration, p and c send 10% of each alias to the new code; enter goes back', async () => {
    const app = await migratedOne('orders');
    app.stdin.write('p');
    await until(
      app.lastFrame,
      /Move every alias of the 1 migrated function on a fake[\s\S]*y all the traffic · c a 10% canary · n no/,
    );
    app.stdin.write('c');
    const frame = await until(app.lastFrame, /enter back to the results/);
    expect(frame).toMatch(/✔ eu-west-1\/orders:live version 1 -> version 1 \(90%\) and 9 \(10%\)/);
    app.stdin.write('\r');
    await until(app.lastFrame, /p promote aliases/);
    app.unmount();
  });

  it('h lists the journaled migrations; a selected one can be benchmarked, then esc goes back to the list', async () => {
    const { services } = fakeServices([candidate('eu-west-1', 'orders'), candidate('eu-west-1', 'billing')]);
    const app = show(services);
    await until(app.lastFrame, /2 candidates/);
    app.stdin.write('h');
    let frame = await until(app.lastFrame, /Migrations recorded in \/state \(2\), 0 selected/);
    expect(frame).toMatch(
      /› \[ \] eu-west-1\/orders 2026-11-20T10:00 go1\.x x86_64 → provided\.al2023 arm64 \(rebuild\): migrated\n[\s\S]*eu-west-1\/orders: migrated; backup version 7/,
    );
    expect(frame).not.toMatch(/u roll back/);
    app.stdin.write(' ');
    await until(app.lastFrame, /1 selected[\s\S]*b benchmark · u roll back · esc back/);
    app.stdin.write('b');
    await until(app.lastFrame, /Benchmark the 1 selected function on a fake/);
    app.stdin.write('y');
    frame = await until(app.lastFrame, /Benchmarks done[\s\S]*enter back/);
    expect(frame).toMatch(/eu-west-1\/orders against orders:1/);
    app.stdin.write('\r');
    await until(app.lastFrame, /Migrations recorded in \/state \(2\), 1 selected/);
    app.stdin.write('\x1b');
    await until(app.lastFrame, /2 candidates, 2 selected/);
    app.unmount();
  });

  it('r on the results scans again', async () => {
    const app = await migratedOne('a');
    app.stdin.write('r');
    await until(app.lastFrame, /1 candidate, 1 selected/);
    app.unmount();
  });

  it('a benchmark is not over before its functions are listed; back returns to the screen it came from', () => {
    const intents = (st: ReturnType<typeof initialWizard>) => bindingsFor(st).map((b) => b.intent);
    let s = initialWizard({ target: 'provided.al2023', arch: 'arm64', strategy: 'auto' });
    s = wizardReducer(s, { type: 'bench-start', request: { kind: 'backup', refs: [] } });
    expect(s.screen.kind).toBe('benchmarking');
    expect(intents(s)).not.toContain('results');
    s = wizardReducer(s, {
      type: 'bench-events',
      events: [{ type: 'targets', targets: [{ key: 'r/a', against: null }] }],
      at: 0,
    });
    expect(intents(s)).not.toContain('results');
    s = wizardReducer(s, {
      type: 'bench-events',
      events: [{ type: 'failed', key: 'r/a', message: 'x' }],
      at: 0,
    });
    expect(intents(s)).toContain('results');
    expect(s.printed).toHaveLength(1);
    expect(wizardReducer(s, { type: 'back' }).screen.kind).toBe('scanning');
  });

  it("names the backup's runtime (provided.al2 is not go1.x) and says where enter goes back to", () => {
    const done = (fromRuntime: string) =>
      wizardReducer(initialWizard({ target: 'provided.al2023', arch: 'arm64', strategy: 'auto' }), {
        type: 'work-done',
        what: 'migration',
        results: [
          {
            functionName: 'f',
            region: 'eu-west-1',
            status: 'migrated',
            message: '',
            journal: 'j',
            fromRuntime,
          },
        ],
        stopped: false,
      });
    const hints = (st: ReturnType<typeof done>) => bindingsFor(st).map((x) => x.hint);
    expect(hints(done('provided.al2'))).toContain('b benchmark against the provided.al2 backup');
    expect(hints(done('go1.x'))).toContain('b benchmark against the go1.x backup');
    const promoting = wizardReducer(done('go1.x'), { type: 'promote-start' });
    const finished = wizardReducer(promoting, { type: 'promote-event', event: { type: 'done' } });
    expect(hints(finished)).toContain('enter back to the results');
  });

  it('the reducer ignores keys that do not belong to the screen on show', () => {
    const s = initialWizard({ target: 'provided.al2023', arch: 'arm64', strategy: 'auto' });
    expect(wizardReducer(s, { type: 'toggle' })).toBe(s);
    expect(wizardReducer(s, { type: 'scroll', delta: 3, max: 10 })).toBe(s);
    expect(wizardReducer(s, { type: 'back' })).toBe(s);
  });

  it('apply with an aborted signal starts nothing and touches no function', async () => {
    const untouchable = new Proxy({} as LambdaPort, {
      get: () => () => {
        throw new Error('the port was called');
      },
    });
    const controller = new AbortController();
    controller.abort();
    const events: string[] = [];
    let results: ApplyResult[] = [];
    for await (const e of applyPlan(
      untouchable,
      {
        append: () => Promise.reject(new Error('journal')),
        read: () => Promise.resolve([]),
        path: () => 'j',
      } as never,
      [functionPlan({ region: 'eu-west-1', name: 'a' })],
      { concurrency: 2, signal: controller.signal },
    )) {
      if (e.type === 'done') results = e.results;
      else events.push(e.type);
    }
    expect(events).toEqual([]);
    expect(results.map((r) => [r.functionName, r.status, r.message])).toEqual([
      ['a', 'skipped', 'not started: interrupted (nothing was changed)'],
    ]);
  });
});
