import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GetFunctionConfigurationCommand, InvokeCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import { DEMO_DIR } from '../../src/sandbox/seed.js';
import { runCli, startSandboxProcess, startWitnessedSandbox, type WitnessedSandbox } from '../helpers/cli.js';
import { lockHolder } from '../helpers/lock-holder.js';
import { createTinyFunction, lambdaClient } from '../helpers/sandbox.js';

interface Invoker {
  stop(): Promise<{ ok: number; failures: string[] }>;
}

/** Invokes a function every 100 ms until stopped, keeping every failed invocation. */
function backgroundInvoker(client: LambdaClient, name: string, event: unknown): Invoker {
  let stopped = false;
  let ok = 0;
  const failures: string[] = [];
  const loop = (async () => {
    while (!stopped) {
      try {
        const out = await client.send(
          new InvokeCommand({ FunctionName: name, Payload: Buffer.from(JSON.stringify(event)) }),
        );
        if (out.FunctionError)
          failures.push(`${out.FunctionError}: ${Buffer.from(out.Payload ?? new Uint8Array()).toString()}`);
        else ok++;
      } catch (e) {
        failures.push((e as Error).message);
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  })();
  return {
    stop: async () => {
      stopped = true;
      await loop;
      return { ok, failures };
    },
  };
}

describe('a migration never causes an outage, and every state has a way forward and back', () => {
  let sb: WitnessedSandbox;
  let us: LambdaClient;
  const state = () => join(sb.dir, 'state');
  const cli = (args: string[], env: NodeJS.ProcessEnv = {}) =>
    runCli(['--state-dir', state(), '--region', 'us-east-1', ...args], {
      env: {
        AWS_ACCESS_KEY_ID: 'AKIDTEST',
        AWS_SECRET_ACCESS_KEY: 'x',
        AWS_ENDPOINT_URL: sb.proc.url,
        ...env,
      },
      timeoutMs: 300_000,
    });
  const config = async (name: string) => us.send(new GetFunctionConfigurationCommand({ FunctionName: name }));
  const source = join(DEMO_DIR, 'functions');

  beforeAll(async () => {
    // Updates stay InProgress for 200 ms, as they do for a while on AWS: long enough for an invoker to see
    // any configuration that cannot run.
    sb = await startWitnessedSandbox(['--update-delay-ms', '200']);
    us = lambdaClient(sb.proc.url, 'us-east-1', 3);
  }, 300_000);
  afterAll(async () => {
    await sb?.stop();
  });

  it('killed while switching the runtime, rolled back, then applied again: no failed invocation, migrated, restorable', async () => {
    const name = 'sample-lambda-amd64';
    const original = await config(name);
    // Journal line 8 is the start of the configuration step.
    const killed = await cli(['apply', name, '--yes', '--source', source], {
      GO_LAMBDA_MIGRATE_TEST_KILL_AFTER: '8',
    });
    expect(killed.code).toBeNull();
    const rb = await cli(['rollback', name, '--yes', '--json']);
    expect(rb.code, rb.stderr).toBe(0);
    expect(await config(name)).toMatchObject({ Runtime: 'go1.x', CodeSha256: original.CodeSha256 });

    const invoker = backgroundInvoker(us, name, { path: '/' });
    const again = await cli(['apply', name, '--yes', '--json', '--source', source]);
    const seen = await invoker.stop();
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).not.toContain('resuming');
    expect((JSON.parse(again.stdout) as { results: { status: string }[] }).results[0]!.status).toBe(
      'migrated',
    );
    expect(seen.failures).toEqual([]);
    expect(seen.ok).toBeGreaterThan(5);
    expect(await config(name)).toMatchObject({ Runtime: 'provided.al2023', Architectures: ['arm64'] });

    // history says what is true now, and lists both migrations, newest first.
    const hist = JSON.parse((await cli(['history', name, '--json'])).stdout) as {
      migrations: { phase: string; latest: boolean; live?: { shape: string; agrees: boolean } }[];
    };
    expect(hist.migrations.map((m) => [m.phase, m.latest])).toEqual([
      ['migrated', true],
      ['rolled-back', false],
    ]);
    expect(hist.migrations[0]!.live).toMatchObject({ shape: 'target', agrees: true });

    const back = await cli(['rollback', name, '--yes', '--json']);
    expect(back.code, back.stderr).toBe(0);
    expect(await config(name)).toMatchObject({
      Runtime: original.Runtime,
      Handler: original.Handler,
      Architectures: original.Architectures,
      CodeSha256: original.CodeSha256,
    });
  }, 600_000);

  it('killed after the runtime switch, apply NAME finishes it although it is no longer a go1.x function', async () => {
    const name = 'orders-api';
    const original = await config(name);
    // Journal line 9: the configuration step is done; the function runs the bridge on provided.al2023.
    const killed = await cli(['apply', name, '--yes', '--source', source], {
      GO_LAMBDA_MIGRATE_TEST_KILL_AFTER: '9',
    });
    expect(killed.code).toBeNull();
    expect(await config(name)).toMatchObject({ Runtime: 'provided.al2023', Architectures: ['x86_64'] });

    // No longer a go1.x function, but scan keeps it in the list, marked: the journal says it is halfway.
    const scan = JSON.parse((await cli(['scan', '--json'])).stdout) as {
      functions: { functionName: string; runtime: string; interrupted?: string }[];
    };
    expect(scan.functions.filter((f) => f.functionName === name)).toEqual([
      expect.objectContaining({
        runtime: 'provided.al2023',
        interrupted: expect.stringMatching(/^interrupted \(configuration-switched\)/) as string,
      }),
    ]);
    const hist = await cli(['history', name]);
    expect(hist.stdout).toContain('interrupted (configuration-switched)');
    // The listing's words name no command; the CLI adds the one that moves it on.
    expect(hist.stdout).toMatch(
      /next: go-lambda-migrate apply \S+ \(to finish\) or go-lambda-migrate rollback/,
    );
    expect(hist.stdout).toContain('the switched code');

    const invoker = backgroundInvoker(us, name, { orderId: 'o-1', items: 2 });
    const again = await cli(['apply', name, '--yes', '--json']);
    const seen = await invoker.stop();
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).toContain('resuming the interrupted migration');
    expect((JSON.parse(again.stdout) as { results: { status: string }[] }).results[0]!.status).toBe(
      'migrated',
    );
    expect(seen.failures).toEqual([]);
    expect(await config(name)).toMatchObject({ Runtime: 'provided.al2023', Architectures: ['arm64'] });

    const back = await cli(['rollback', name, '--yes']);
    expect(back.code, back.stderr).toBe(0);
    expect(await config(name)).toMatchObject({
      Runtime: 'go1.x',
      Handler: original.Handler,
      Architectures: ['x86_64'],
      CodeSha256: original.CodeSha256,
    });
    // A second rollback has nothing to do.
    const twice = JSON.parse((await cli(['rollback', name, '--yes', '--json'])).stdout) as {
      results: { status: string; message: string }[];
    };
    expect(twice.results[0]).toMatchObject({
      status: 'skipped',
      message: expect.stringMatching(/already rolled back/),
    });
  }, 600_000);

  it('one process per function: another process holding it is named, and its lock is taken over once it dies', async () => {
    const name = 'orders-api';
    const holder = await lockHolder(join(state(), 'locks', 'us-east-1', `${name}.lock`));
    try {
      const apply = await cli(['apply', name, '--yes', '--json', '--source', source]);
      const result = (JSON.parse(apply.stdout) as { results: { status: string; message: string }[] })
        .results[0]!;
      expect(result.status).toBe('failed');
      expect(result.message).toContain(`another go-lambda-migrate process (pid ${holder.pid}, apply, since`);
      expect(apply.code).toBe(1);
      const bench = await cli(['bench', name, '--cold', '1', '--warm', '1', '--yes']);
      expect(bench.code).toBe(1);
      expect(bench.stderr).toContain(`pid ${holder.pid}`);
      const promote = await cli(['promote', name, '--alias', 'live', '--yes']);
      expect(promote.stderr).toContain(`pid ${holder.pid}`);
    } finally {
      holder.kill('SIGKILL');
      await new Promise((r) => holder.once('exit', r));
    }
    const bench = await cli([
      'bench',
      name,
      '--cold',
      '1',
      '--warm',
      '1',
      '--yes',
      '--event',
      join(sb.dir, 'ev.json'),
    ]);
    expect(bench.stderr).not.toContain('another go-lambda-migrate process');
  }, 300_000);

  it('history lists every migration newest first, and filters by region and function', async () => {
    const all = JSON.parse((await cli(['history', '--json'])).stdout) as {
      migrations: { functionName: string; region: string; startedAt: string }[];
    };
    expect(all.migrations.length).toBeGreaterThanOrEqual(3);
    const times = all.migrations.map((m) => m.startedAt);
    expect(times).toEqual([...times].sort().reverse());
    const elsewhere = await runCli(
      ['--state-dir', state(), '--region', 'eu-west-1', 'history', '--journal-only'],
      {},
    );
    expect(elsewhere.stdout).toBe('');
    expect(elsewhere.stderr).toContain('no migrations recorded');
    const one = JSON.parse(
      (await cli(['history', 'us-east-1/orders-api', '--json', '--journal-only'])).stdout,
    ) as {
      migrations: { functionName: string; live?: unknown }[];
    };
    expect(new Set(one.migrations.map((m) => m.functionName))).toEqual(new Set(['orders-api']));
    expect(one.migrations[0]!.live).toBeUndefined();
  }, 120_000);

  it('one sandbox per data folder: a second is refused, and --sandbox attaches to the running one', async () => {
    const folder = join(sb.dir, 'shared-state');
    const first = await startSandboxProcess(['--state-dir', folder, '--no-seed', '--update-delay-ms', '0']);
    try {
      const second = await runCli(['sandbox', '--state-dir', folder, '--no-seed'], { timeoutMs: 60_000 });
      expect(second.code).toBe(1);
      expect(second.stderr).toContain(`another sandbox (pid ${first.child.pid}`);
      expect(second.stderr).toContain(`at ${first.url}) already serves ${join(folder, 'sandbox')}`);
      await createTinyFunction(first.url, 'us-east-1', 'made-in-the-running-one');
      const attached = await runCli(
        [
          '--sandbox',
          '--state-dir',
          folder,
          '--region',
          'us-east-1',
          'scan',
          '--json',
          '--runtime',
          'provided.al2023',
        ],
        {
          timeoutMs: 120_000,
        },
      );
      expect(attached.code, attached.stderr).toBe(0);
      expect(attached.stderr).toContain(`using the sandbox already running at ${first.url}`);
      expect(attached.stdout).toContain('made-in-the-running-one');
    } finally {
      await first.stop();
    }
    // Once it stopped, the folder is free again.
    const third = await startSandboxProcess(['--state-dir', folder, '--no-seed']);
    await third.stop();
  }, 300_000);
});
