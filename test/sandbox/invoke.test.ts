import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CreateAliasCommand,
  InvokeCommand,
  PublishVersionCommand,
  UpdateFunctionConfigurationCommand,
  waitUntilFunctionUpdatedV2,
  type LambdaClient,
} from '@aws-sdk/client-lambda';
import { writeZip } from '../../src/archive/zip.js';
import { emulatorFor } from '../../src/sandbox/exec/emulation.js';
import type { InvocationOutcome } from '../../src/sandbox/exec/environment.js';
import { buildFixture } from '../helpers/go.js';
import { importFunction } from '../helpers/import.js';
import { invoke } from '../helpers/invoke.js';
import { lambdaClient, ROLE, withSandbox } from '../helpers/sandbox.js';

const zipOf = (entries: Record<string, Buffer>, mode = 0o755) =>
  writeZip(Object.entries(entries).map(([name, data]) => ({ name, data, mode })));

describe('Invoke: execution environments, REPORT lines, failures', () => {
  let stop: () => Promise<void>;
  let client: LambdaClient;
  let url: string;
  let size: (key: string) => number;
  const seen: InvocationOutcome[] = [];
  let behave: Buffer;
  let qemu = false;

  const create = (name: string, code: Buffer, extra: Record<string, unknown> = {}) =>
    importFunction(url, {
      FunctionName: name,
      Runtime: 'provided.al2023',
      Handler: 'bootstrap',
      Role: ROLE,
      Code: { ZipFile: code },
      Timeout: 5,
      ...extra,
    });

  beforeAll(async () => {
    behave = await buildFixture('behave');
    const s = await withSandbox({ updateDelayMs: 200, onInvocation: ({ outcome }) => seen.push(outcome) });
    stop = s.stop;
    url = s.sandbox.url;
    size = (key) => s.sandbox.pool.size(key);
    client = lambdaClient(url);
    await create('al2023', await zipOf({ bootstrap: behave }));
    await create('go1x', await zipOf({ behave }), { Runtime: 'go1.x', Handler: 'behave' });
    qemu = !((await emulatorFor('arm64')) instanceof Error);
  }, 300_000);
  afterAll(() => stop());

  it('cold, then warm: Init Duration only on the first; REPORT figures are measured', async () => {
    const cold = await invoke(client, {
      FunctionName: 'al2023',
      event: { print: 'hello from the function', echo: 42 },
    });
    expect(cold.out.StatusCode).toBe(200);
    expect(cold.out.ExecutedVersion).toBe('$LATEST');
    expect(cold.body.echo).toBe(42);
    expect(cold.log).toMatch(/^INIT_START /);
    expect(cold.log).toContain('init: behave starting');
    expect(cold.log).toContain(`START RequestId: ${String(cold.body.requestId)} Version: $LATEST`);
    expect(cold.log).toContain('hello from the function');
    expect(cold.log).toMatch(
      /REPORT RequestId: \S+\tDuration: \d+\.\d\d ms\tBilled Duration: \d+ ms\tMemory Size: 128 MB\tMax Memory Used: \d+ MB\tInit Duration: \d+\.\d\d ms\t/,
    );
    const r = cold.report!;
    expect(r.initDurationMs).toBeGreaterThan(0);
    expect(r.billedDurationMs).toBe(Math.ceil(r.durationMs + r.initDurationMs!));
    expect(r.maxMemoryUsedMb).toBeGreaterThan(1);
    expect(r.maxMemoryUsedMb).toBeLessThan(128);
    const env = cold.body.env as Record<string, string>;
    expect(env).toMatchObject({
      AWS_LAMBDA_FUNCTION_NAME: 'al2023',
      AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '128',
      AWS_REGION: 'us-east-1',
      _HANDLER: 'bootstrap',
      _LAMBDA_SERVER_PORT: '',
    });
    expect(env.AWS_LAMBDA_RUNTIME_API).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(env._X_AMZN_TRACE_ID).toMatch(/^Root=1-/);
    expect(cold.body.arn).toBe('arn:aws:lambda:us-east-1:123456789012:function:al2023');
    expect(Number(cold.body.deadlineIn)).toBeGreaterThan(3000);

    const warm = await invoke(client, { FunctionName: 'al2023', event: {} });
    expect(warm.report!.initDurationMs).toBeUndefined();
    expect(warm.log).not.toContain('INIT_START');
    expect(warm.body.pid).toBe(cold.body.pid);
    expect(warm.report!.billedDurationMs).toBe(Math.max(1, Math.ceil(warm.report!.durationMs)));
  });

  it('a configuration change retires the environments: the next invocation is cold again', async () => {
    const before = await invoke(client, { FunctionName: 'al2023' });
    await client.send(
      new UpdateFunctionConfigurationCommand({
        FunctionName: 'al2023',
        Environment: { Variables: { STAGE: 'two' } },
      }),
    );
    // While the update is InProgress, invocations still see the old configuration.
    const during = await invoke(client, { FunctionName: 'al2023' });
    expect((during.body.env as Record<string, string>).STAGE).toBe('');
    await waitUntilFunctionUpdatedV2({ client, maxWaitTime: 30, minDelay: 1 }, { FunctionName: 'al2023' });
    const after = await invoke(client, { FunctionName: 'al2023' });
    expect(after.report!.initDurationMs).toBeGreaterThan(0);
    expect((after.body.env as Record<string, string>).STAGE).toBe('two');
    expect(after.body.pid).not.toBe(before.body.pid);
  });

  it('5 concurrent invocations get 5 environments', async () => {
    const results = await Promise.all(
      Array.from({ length: 5 }, () => invoke(client, { FunctionName: 'go1x', event: { sleepMs: 400 } })),
    );
    expect(new Set(results.map((r) => r.body.pid)).size).toBe(5);
    expect(size('us-east-1/go1x/$LATEST')).toBe(5);
  });

  it('go1.x runs the handler binary over net/rpc with go1.x environment variables', async () => {
    const r = await invoke(client, { FunctionName: 'go1x', event: { echo: 'rpc' } });
    expect(r.body.echo).toBe('rpc');
    const env = r.body.env as Record<string, string>;
    expect(env._LAMBDA_SERVER_PORT).toMatch(/^\d+$/);
    expect(env.AWS_EXECUTION_ENV).toBe('AWS_Lambda_go1.x');
    expect(env.AWS_LAMBDA_RUNTIME_API).toBe('');
    expect(r.body.requestId).toBe(r.out.$metadata.requestId);
  });

  it('a function error answers X-Amz-Function-Error: Unhandled with {errorMessage, errorType}; the environment stays warm', async () => {
    for (const fn of ['al2023', 'go1x']) {
      const warm = await invoke(client, { FunctionName: fn });
      const r = await invoke(client, { FunctionName: fn, event: { error: 'card declined' } });
      expect(r.functionError).toBe('Unhandled');
      expect(r.body).toMatchObject({ errorMessage: 'card declined', errorType: 'errorString' });
      const next = await invoke(client, { FunctionName: fn });
      expect(next.body.pid).toBe(warm.body.pid);
    }
  });

  it('enforces the timeout: Task timed out, environment discarded', async () => {
    await create('slow', await zipOf({ bootstrap: behave }), { Timeout: 1 });
    const r = await invoke(client, { FunctionName: 'slow', event: { sleepMs: 5000 } });
    expect(r.functionError).toBe('Unhandled');
    expect(r.body.errorType).toBe('Sandbox.Timedout');
    expect(r.body.errorMessage).toMatch(/Task timed out after 1\.00 seconds$/);
    expect(r.log).toMatch(/Task timed out after 1\.00 seconds/);
    expect(r.report!.durationMs).toBeGreaterThanOrEqual(1000);
    const next = await invoke(client, { FunctionName: 'slow' });
    expect(next.report!.initDurationMs).toBeGreaterThan(0);
  });

  it('a crash gives Runtime.ExitError with the exit status', async () => {
    await create('crash-al', await zipOf({ bootstrap: behave }));
    await create('crash-go', await zipOf({ behave }), { Runtime: 'go1.x', Handler: 'behave' });
    for (const fn of ['crash-al', 'crash-go']) {
      const r = await invoke(client, { FunctionName: fn, event: { exit: 3 } });
      expect(r.functionError).toBe('Unhandled');
      expect(r.body.errorType).toBe('Runtime.ExitError');
      expect(r.body.errorMessage).toMatch(/^RequestId: \S+ Error: Runtime exited with error: exit status 3$/);
      expect(r.log).toContain('Runtime.ExitError');
      const next = await invoke(client, { FunctionName: fn });
      expect(next.report!.initDurationMs).toBeGreaterThan(0);
    }
  });

  it('going over MemorySize gives Runtime.OutOfMemory', async () => {
    const r = await invoke(client, { FunctionName: 'al2023', event: { allocMB: 300 } });
    expect(r.functionError).toBe('Unhandled');
    expect(r.body.errorType).toBe('Runtime.OutOfMemory');
    expect(r.report!.maxMemoryUsedMb).toBeGreaterThan(100);
  });

  it('Event invocations answer 202 and run in the background; DryRun answers 204 and runs nothing', async () => {
    const count = seen.length;
    const ev = await client.send(
      new InvokeCommand({
        FunctionName: 'al2023',
        InvocationType: 'Event',
        Payload: Buffer.from('{"echo":"bg"}'),
      }),
    );
    expect(ev.StatusCode).toBe(202);
    for (let i = 0; i < 200 && seen.length === count; i++) await new Promise((r) => setTimeout(r, 20));
    expect((JSON.parse(seen.at(-1)!.payload.toString()) as { echo: string }).echo).toBe('bg');
    const dry = await client.send(new InvokeCommand({ FunctionName: 'al2023', InvocationType: 'DryRun' }));
    expect(dry.StatusCode).toBe(204);
    expect(seen.length).toBe(count + 1);
  });

  it('routes an alias by its weights, and reports the version that ran', async () => {
    await create('weighted', await zipOf({ bootstrap: behave }));
    await client.send(new PublishVersionCommand({ FunctionName: 'weighted' }));
    await client.send(
      new UpdateFunctionConfigurationCommand({ FunctionName: 'weighted', Description: 'v2' }),
    );
    await waitUntilFunctionUpdatedV2({ client, maxWaitTime: 30, minDelay: 1 }, { FunctionName: 'weighted' });
    await client.send(new PublishVersionCommand({ FunctionName: 'weighted' }));
    await client.send(
      new CreateAliasCommand({
        FunctionName: 'weighted',
        Name: 'live',
        FunctionVersion: '1',
        RoutingConfig: { AdditionalVersionWeights: { '2': 0.5 } },
      }),
    );
    const versions = new Set<string>();
    for (let i = 0; i < 40; i++) {
      const r = await invoke(client, { FunctionName: 'weighted', Qualifier: 'live' });
      versions.add(r.out.ExecutedVersion!);
      expect(r.body.arn).toBe('arn:aws:lambda:us-east-1:123456789012:function:weighted:live');
      expect((r.body.env as Record<string, string>).AWS_LAMBDA_FUNCTION_VERSION).toBe(r.out.ExecutedVersion);
    }
    expect([...versions].sort()).toEqual(['1', '2']);
  });

  it('refuses payloads over 6 MB', async () => {
    await expect(
      client.send(new InvokeCommand({ FunctionName: 'al2023', Payload: Buffer.alloc(6_291_557, 0x20) })),
    ).rejects.toMatchObject({ name: 'RequestEntityTooLargeException', $metadata: { httpStatusCode: 413 } });
  });

  it('reports a missing or unusable entry point the way Lambda does', async () => {
    await create('nobootstrap', await zipOf({ main: behave }));
    const missing = await invoke(client, { FunctionName: 'nobootstrap' });
    expect(missing.body).toEqual({
      errorType: 'Runtime.InvalidEntrypoint',
      errorMessage: "Couldn't find valid bootstrap(s): [/var/task/bootstrap /opt/bootstrap]",
    });
    await create('notexec', await zipOf({ bootstrap: behave }, 0o644));
    const denied = await invoke(client, { FunctionName: 'notexec' });
    expect(denied.body).toMatchObject({
      errorType: 'Runtime.InvalidEntrypoint',
      errorMessage: 'fork/exec /var/task/bootstrap: permission denied',
    });
    await create('go1x-missing', await zipOf({ behave }), { Runtime: 'go1.x', Handler: 'main' });
    const go = await invoke(client, { FunctionName: 'go1x-missing' });
    expect(go.body).toEqual({
      errorType: 'PathError',
      errorMessage: 'fork/exec /var/task/main: no such file or directory',
    });
  });

  it('a binary whose ELF machine differs from Architectures fails with exec format error', async () => {
    const arm = await buildFixture('behave', { goarch: 'arm64' });
    await create('wrongarch', await zipOf({ bootstrap: arm }), { Architectures: ['x86_64'] });
    const r = await invoke(client, { FunctionName: 'wrongarch' });
    expect(r.body).toMatchObject({
      errorType: 'Runtime.InvalidEntrypoint',
      errorMessage: 'fork/exec /var/task/bootstrap: exec format error',
    });
  });

  it('an arm64 build runs through qemu-user, and the log says it was emulated', async (ctx) => {
    if (!qemu) ctx.skip();
    const arm = await buildFixture('behave', { goarch: 'arm64' });
    await create('arm', await zipOf({ bootstrap: arm }), { Architectures: ['arm64'], Timeout: 30 });
    const r = await invoke(client, { FunctionName: 'arm', event: { echo: 'graviton' } });
    expect(r.body.echo).toBe('graviton');
    expect(r.log).toMatch(/SANDBOX: arm64 emulated by qemu-aarch64/);
    expect(r.report!.initDurationMs).toBeGreaterThan(0);
  });

  it('a binary built with -tags lambda.norpc fails on go1.x, as on AWS', async () => {
    const norpc = await buildFixture('behave', { tags: ['lambda.norpc'] });
    await create('norpc', await zipOf({ behave: norpc }), { Runtime: 'go1.x', Handler: 'behave' });
    const r = await invoke(client, { FunctionName: 'norpc' });
    expect(r.body.errorType).toBe('Runtime.ExitError');
    expect(r.log).toContain(
      'expected AWS Lambda environment variables [AWS_LAMBDA_RUNTIME_API] are not defined',
    );
  });

  it('answers ResourceNotFoundException for a missing function, and a function error for runtimes it cannot run', async () => {
    await expect(client.send(new InvokeCommand({ FunctionName: 'ghost' }))).rejects.toMatchObject({
      name: 'ResourceNotFoundException',
    });
    await importFunction(url, {
      FunctionName: 'node',
      Runtime: 'nodejs20.x',
      Handler: 'index.handler',
      Role: ROLE,
      Code: { ZipFile: await zipOf({ 'index.mjs': Buffer.from('') }) },
    });
    const r = await invoke(client, { FunctionName: 'node' });
    expect(r.functionError).toBe('Unhandled');
    expect(r.body.errorType).toBe('Sandbox.UnsupportedRuntime');
  });
});
