import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  GetFunctionConfigurationCommand,
  InvokeCommand,
  UpdateFunctionConfigurationCommand,
  waitUntilFunctionUpdatedV2,
  type LambdaClient,
} from '@aws-sdk/client-lambda';
import { DEMO_DIR } from '../../src/sandbox/seed.js';
import { runCli, startWitnessedSandbox, type WitnessedSandbox } from '../helpers/cli.js';
import { lambdaClient } from '../helpers/sandbox.js';

const MUTATING = new Set([
  'CreateFunction',
  'UpdateFunctionCode',
  'UpdateFunctionConfiguration',
  'PublishVersion',
  'DeleteFunction',
  'CreateAlias',
  'UpdateAlias',
  'DeleteAlias',
  'TagResource',
  'UntagResource',
  'Invoke',
]);

describe('scan, plan, apply, rollback against the sandbox, with its access log as witness', () => {
  let sb: WitnessedSandbox;
  let dir: string;
  let us: LambdaClient;
  let eu: LambdaClient;
  const env = () => ({
    AWS_ACCESS_KEY_ID: 'AKIDTEST',
    AWS_SECRET_ACCESS_KEY: 'x',
    AWS_REGION: 'us-east-1',
    AWS_ENDPOINT_URL: sb.proc.url,
  });
  const cli = (args: string[]) =>
    runCli(['--state-dir', join(dir, 'state'), '--region', 'us-east-1,eu-west-1', ...args], { env: env() });
  const log = () => sb.accessLog();

  beforeAll(async () => {
    sb = await startWitnessedSandbox();
    dir = sb.dir;
    us = lambdaClient(sb.proc.url, 'us-east-1');
    eu = lambdaClient(sb.proc.url, 'eu-west-1');
  }, 300_000);
  afterAll(async () => {
    await sb?.stop();
  });

  it('scan --json lists the candidates of both regions with managedBy', async () => {
    const r = await cli(['scan', '--json', '--all-versions']);
    expect(r.code, r.stderr).toBe(0);
    const doc = JSON.parse(r.stdout) as {
      functions: { functionName: string; region: string; version: string; managedBy: string | null }[];
      errors: unknown[];
    };
    expect(doc.errors).toEqual([]);
    expect(doc.functions.map((f) => `${f.region}/${f.functionName}:${f.version}`)).toEqual([
      'eu-west-1/image-resizer:$LATEST',
      'eu-west-1/legacy-billing:$LATEST',
      'eu-west-1/payments-webhook:$LATEST',
      'us-east-1/orders-api:$LATEST',
      'us-east-1/orders-api:1',
      'us-east-1/sample-lambda-amd64:$LATEST',
    ]);
    expect(doc.functions.find((f) => f.functionName === 'orders-api')!.managedBy).toBe(
      'SAM (stack shop-prod)',
    );
  });

  it('plan makes no mutating call, and saves a plan that apply refuses once the function changed', async () => {
    const before = (await log()).length;
    const planFile = join(dir, 'plan.json');
    const r = await cli([
      'plan',
      '--all',
      '--source',
      join(DEMO_DIR, 'functions'),
      '--out',
      planFile,
      '--json',
      '--detailed-exitcode',
    ]);
    expect(r.code, r.stderr).toBe(2);
    const calls = (await log()).slice(before);
    expect(calls.length).toBeGreaterThan(5);
    expect(calls.filter((c) => MUTATING.has(c.operation))).toEqual([]);
    const doc = JSON.parse(r.stdout) as {
      functions: {
        functionName: string;
        strategy: string;
        blocked: string | null;
        to: { architectures: string[] };
      }[];
    };
    const by = Object.fromEntries(doc.functions.map((f) => [f.functionName, f]));
    expect(by['orders-api']).toMatchObject({
      strategy: 'rebuild',
      blocked: null,
      to: { architectures: ['arm64'] },
    });
    expect(by['payments-webhook']).toMatchObject({
      strategy: 'repackage',
      blocked: null,
      to: { architectures: ['x86_64'] },
    });
    expect(by['legacy-billing']!.blocked).toMatch(/predates v1\.18\.0/);

    await eu.send(
      new UpdateFunctionConfigurationCommand({
        FunctionName: 'payments-webhook',
        Description: 'changed after the plan',
      }),
    );
    await waitUntilFunctionUpdatedV2(
      { client: eu, maxWaitTime: 30, minDelay: 1 },
      { FunctionName: 'payments-webhook' },
    );
    const applied = await cli(['apply', '--plan', planFile, '--yes', '--json']);
    const results = (
      JSON.parse(applied.stdout) as { results: { functionName: string; status: string; message: string }[] }
    ).results;
    const pw = results.find((x) => x.functionName === 'payments-webhook')!;
    expect(pw.status).toBe('failed');
    expect(pw.message).toContain('changed since it was planned');
    expect(pw.message).toContain('nothing was changed');
    expect(results.find((x) => x.functionName === 'orders-api')!.status).toBe('migrated');
    expect(applied.code).toBe(3);
    const orders = await us.send(new GetFunctionConfigurationCommand({ FunctionName: 'orders-api' }));
    expect(orders).toMatchObject({
      Runtime: 'provided.al2023',
      Handler: 'bootstrap',
      Architectures: ['arm64'],
    });
  }, 300_000);

  it('plan NAME reads the function directly: no scan; a missing function or one not on go1.x says so', async () => {
    const before = (await log()).length;
    const r = await cli(['plan', 'eu-west-1/legacy-billing', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const ops = (await log()).slice(before).map((c) => c.operation);
    expect(ops).not.toContain('ListFunctions');
    expect(ops.filter((o) => o === 'GetFunctionConfiguration').length).toBeGreaterThanOrEqual(1);
    const missing = await cli(['plan', 'no-such-function']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('there is no function no-such-function in us-east-1, eu-west-1');
    const migrated = await cli(['plan', 'thumbnailer']);
    expect(migrated.code).toBe(1);
    expect(migrated.stderr).toContain(
      'thumbnailer runs provided.al2023, not go1.x, provided or provided.al2',
    );
  }, 120_000);

  it('apply without a terminal and without --yes exits 2 and changes nothing', async () => {
    const before = (await log()).filter((c) => MUTATING.has(c.operation)).length;
    const r = await cli(['apply', 'payments-webhook']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('Pass --yes');
    expect((await log()).filter((c) => MUTATING.has(c.operation)).length).toBe(before);
  }, 120_000);

  it('migrates a bridge-capable function while a background invoker sees no failed invocation', async () => {
    const mark = (await log()).length;
    let stop = false;
    let ok = 0;
    const failures: string[] = [];
    const invoker = (async () => {
      while (!stop) {
        const out = await eu.send(
          new InvokeCommand({
            FunctionName: 'payments-webhook',
            Payload: Buffer.from('{"type":"charge","amount":1}'),
          }),
        );
        const body = Buffer.from(out.Payload ?? new Uint8Array()).toString();
        if (out.FunctionError || body !== '"accepted charge of 1"')
          failures.push(`${out.FunctionError ?? ''} ${body}`);
        else ok++;
      }
    })();
    const r = await cli(['apply', 'payments-webhook', '--yes', '--json']);
    stop = true;
    await invoker;
    expect(r.code, r.stderr).toBe(0);
    expect((JSON.parse(r.stdout) as { results: { status: string }[] }).results[0]!.status).toBe('migrated');
    expect(failures).toEqual([]);
    expect(ok).toBeGreaterThan(10);
    const steps = (await log())
      .slice(mark)
      .filter(
        (c) => c.function === 'payments-webhook' && MUTATING.has(c.operation) && c.operation !== 'Invoke',
      )
      .map((c) => c.operation);
    expect(steps).toEqual([
      'PublishVersion',
      'UpdateFunctionCode',
      'UpdateFunctionConfiguration',
      'UpdateFunctionCode',
    ]);
  }, 300_000);

  it('rollback restores the exact original CodeSha256, go1.x, handler and x86_64; history shows it', async () => {
    const hist = JSON.parse((await cli(['history', '--json'])).stdout) as {
      migrations: { functionName: string; from: { codeSha256: string } }[];
    };
    const original = hist.migrations.find((m) => m.functionName === 'orders-api')!.from.codeSha256;
    const r = await cli(['rollback', 'orders-api', 'payments-webhook', '--yes', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const orders = await us.send(new GetFunctionConfigurationCommand({ FunctionName: 'orders-api' }));
    expect(orders).toMatchObject({
      Runtime: 'go1.x',
      Handler: 'orders-api',
      Architectures: ['x86_64'],
      CodeSha256: original,
    });
    const pw = await eu.send(new GetFunctionConfigurationCommand({ FunctionName: 'payments-webhook' }));
    expect(pw).toMatchObject({ Runtime: 'go1.x', Handler: 'payments-webhook', Architectures: ['x86_64'] });
    const again = JSON.parse((await cli(['history', '--json'])).stdout) as {
      migrations: { functionName: string; state: string }[];
    };
    expect(again.migrations.find((m) => m.functionName === 'orders-api')!.state).toBe('rolled back');
  }, 300_000);
});
