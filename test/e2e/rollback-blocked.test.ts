import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GetFunctionConfigurationCommand, InvokeCommand } from '@aws-sdk/client-lambda';
import { writeZip } from '../../src/archive/zip.js';
import { findGo } from '../../src/golang/go-toolchain.js';
import { buildDemoBinary, defaultBuildCache, DEMO_FUNCTIONS } from '../../src/sandbox/seed.js';
import { runCli, startSandboxProcess, type SandboxProcess } from '../helpers/cli.js';
import { importFunction } from '../helpers/import.js';
import { lambdaClient, ROLE, tempDir } from '../helpers/sandbox.js';

describe('rollback after go1.x block-update date', () => {
  let proc: SandboxProcess | undefined;
  let dir: string;
  let cleanup: () => Promise<void>;
  beforeAll(async () => {
    ({ dir, cleanup } = await tempDir());
  });
  afterAll(async () => {
    await proc?.stop();
    await cleanup?.();
  });

  it('stops in a working state on provided.* x86_64 and names the published backup version', async () => {
    const binary = await buildDemoBinary(
      (await findGo())!,
      DEMO_FUNCTIONS.find((f) => f.name === 'payments-webhook')!,
      defaultBuildCache(),
    );
    const data = join(dir, 'data');
    proc = await startSandboxProcess([
      '--data-dir',
      data,
      '--no-seed',
      '--update-delay-ms',
      '0',
      '--today',
      '2026-11-27',
    ]);
    await importFunction(
      proc.url,
      {
        FunctionName: 'hooks',
        Runtime: 'go1.x',
        Handler: 'payments-webhook',
        Role: ROLE,
        Code: { ZipFile: await writeZip([{ name: 'payments-webhook', data: binary, mode: 0o755 }]) },
      },
      'eu-west-1',
    );
    const cli = (args: string[]) =>
      runCli(['--state-dir', join(dir, 'state'), '--region', 'eu-west-1', ...args], {
        env: { AWS_ACCESS_KEY_ID: 'a', AWS_SECRET_ACCESS_KEY: 'b', AWS_ENDPOINT_URL: proc!.url },
      });
    const applied = await cli(['apply', 'hooks', '--yes']);
    expect(applied.code, applied.stderr).toBe(0);
    await proc.stop();

    proc = await startSandboxProcess([
      '--data-dir',
      data,
      '--no-seed',
      '--update-delay-ms',
      '0',
      '--today',
      '2027-03-04',
    ]);
    const rolled = await cli(['rollback', 'hooks', '--yes', '--json']);
    expect(rolled.code, rolled.stderr).toBe(3);
    const [result] = (JSON.parse(rolled.stdout) as { results: { status: string; message: string }[] })
      .results;
    expect(result!.message).toMatch(/AWS no longer accepts go1\.x/);
    expect(result!.message).toMatch(/published as version \d+/);
    const client = lambdaClient(proc.url, 'eu-west-1');
    const c = await client.send(new GetFunctionConfigurationCommand({ FunctionName: 'hooks' }));
    expect(c).toMatchObject({ Runtime: 'provided.al2023', Architectures: ['x86_64'] });
    const out = await client.send(
      new InvokeCommand({ FunctionName: 'hooks', Payload: Buffer.from('{"type":"t","amount":2}') }),
    );
    expect(out.FunctionError).toBeUndefined();
    expect(Buffer.from(out.Payload!).toString()).toBe('"accepted t of 2"');
  }, 300_000);
});
