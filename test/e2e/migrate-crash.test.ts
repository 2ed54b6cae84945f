import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GetFunctionCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import { writeZip } from '../../src/archive/zip.js';
import type { JournalEntry } from '../../src/core/journal.js';
import { latestMigration } from '../../src/core/migration-machine.js';
import { findGo } from '../../src/golang/go-toolchain.js';
import { buildDemoBinary, defaultBuildCache, DEMO_FUNCTIONS } from '../../src/sandbox/seed.js';
import { runCli, startSandboxProcess, type SandboxProcess } from '../helpers/cli.js';
import { importFunction } from '../helpers/import.js';
import { lambdaClient, ROLE, tempDir } from '../helpers/sandbox.js';

const sha = (b: Buffer) => createHash('sha256').update(b).digest('base64');

describe('apply survives SIGKILL after every journaled step, and faults and throttling', () => {
  let proc: SandboxProcess;
  let dir: string;
  let cleanup: () => Promise<void>;
  let zip: Buffer;
  const cli = (args: string[], region: string, extraEnv: NodeJS.ProcessEnv = {}) =>
    runCli(['--state-dir', join(dir, 'state'), '--region', region, ...args], {
      env: {
        AWS_ACCESS_KEY_ID: 'AKIDTEST',
        AWS_SECRET_ACCESS_KEY: 'x',
        AWS_ENDPOINT_URL: proc.url,
        ...extraEnv,
      },
      timeoutMs: 300_000,
    });
  const journal = async (region: string, name: string) =>
    (await readFile(join(dir, 'state', 'journal', region, `${name}.jsonl`), 'utf8').catch(() => ''))
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as JournalEntry);

  beforeAll(async () => {
    ({ dir, cleanup } = await tempDir());
    const binary = await buildDemoBinary(
      (await findGo())!,
      DEMO_FUNCTIONS.find((f) => f.name === 'payments-webhook')!,
      defaultBuildCache(),
    );
    zip = await writeZip([{ name: 'payments-webhook', data: binary, mode: 0o755 }]);
  }, 300_000);
  afterAll(async () => {
    await proc?.stop();
    await cleanup?.();
  });

  it('killed after each of the journal lines of a migration, apply run again ends migrated, original recoverable', async () => {
    proc = await startSandboxProcess([
      '--data-dir',
      join(dir, 'data-crash'),
      '--no-seed',
      '--update-delay-ms',
      '0',
      '--no-throttle',
    ]);
    const client: LambdaClient = lambdaClient(proc.url, 'eu-west-1');
    const lines = 13; // start, 5 steps (start, done), verify skipped, end
    for (let k = 1; k <= lines - 1; k++) {
      const name = `crash-${k}`;
      await importFunction(
        proc.url,
        {
          FunctionName: name,
          Runtime: 'go1.x',
          Handler: 'payments-webhook',
          Role: ROLE,
          Code: { ZipFile: zip },
        },
        'eu-west-1',
      );
      const planFile = join(dir, `${name}.plan.json`);
      expect((await cli(['plan', name, '--out', planFile], 'eu-west-1')).code).toBe(0);
      const killed = await cli(['apply', '--plan', planFile, '--yes'], 'eu-west-1', {
        GO_LAMBDA_MIGRATE_TEST_KILL_AFTER: String(k),
      });
      expect(killed.code, `run ${k} should have been killed`).toBeNull();
      expect(await journal('eu-west-1', name)).toHaveLength(k);

      const again = await cli(['apply', '--plan', planFile, '--yes', '--json'], 'eu-west-1');
      expect(again.code, again.stderr).toBe(0);
      const [result] = (JSON.parse(again.stdout) as { results: { status: string }[] }).results;
      expect(result!.status).toBe('migrated');

      const entries = await journal('eu-west-1', name);
      const state = latestMigration(entries)!;
      expect(state.ended?.status).toBe('migrated');
      const got = await client.send(new GetFunctionCommand({ FunctionName: name }));
      expect(got.Configuration).toMatchObject({
        Runtime: 'provided.al2023',
        Handler: 'bootstrap',
        Architectures: ['x86_64'],
      });
      expect(got.Configuration!.CodeSha256).toBe(state.record.artifacts.final.sha256);
      // No step was done twice: each mutating step has at most one 'done'.
      for (const step of ['bridge', 'configuration', 'code']) {
        expect(
          entries.filter((e) => e.type === 'step' && e.step === step && e.phase === 'done').length,
          `${name} ${step}`,
        ).toBeLessThanOrEqual(1);
      }
      // The original is recoverable: the backup reads back with the original's SHA-256.
      expect(sha(await readFile(state.backup!.path))).toBe(sha(zip));
    }
  }, 600_000);

  it('with --fault-rate 0.1 and throttling on, a 50-function apply leaves no function half-done', async () => {
    await proc.stop();
    proc = await startSandboxProcess([
      '--data-dir',
      join(dir, 'data-faults'),
      '--no-seed',
      '--update-delay-ms',
      '0',
      '--fault-rate',
      '0.1',
    ]);
    const region = 'ap-south-1';
    for (let i = 0; i < 50; i++) {
      await importFunction(
        proc.url,
        {
          FunctionName: `fleet-${String(i).padStart(2, '0')}`,
          Runtime: 'go1.x',
          Handler: 'payments-webhook',
          Role: ROLE,
          Code: { ZipFile: zip },
        },
        region,
      );
    }
    const r = await cli(['apply', '--all', '--yes', '--json', '--concurrency', '8'], region);
    const results = (
      JSON.parse(r.stdout || '{"results":[]}') as { results: { functionName: string; status: string }[] }
    ).results;
    expect(results, r.stderr.slice(-2000)).toHaveLength(50);
    const client = lambdaClient(proc.url, region, 10);
    for (const res of results) {
      expect(['migrated', 'rolled-back']).toContain(res.status);
      const c = (await client.send(new GetFunctionCommand({ FunctionName: res.functionName })))
        .Configuration!;
      const migrated = c.Runtime === 'provided.al2023' && c.Handler === 'bootstrap';
      const original = c.Runtime === 'go1.x' && c.Handler === 'payments-webhook' && c.CodeSha256 === sha(zip);
      expect(migrated || original, `${res.functionName}: ${c.Runtime} ${c.Handler} ${c.CodeSha256}`).toBe(
        true,
      );
      expect(migrated).toBe(res.status === 'migrated');
    }
  }, 600_000);
});
