import { spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BenchReport } from '../../src/core/benchmark.js';
import { aws } from '../helpers/awscli.js';
import { CLI, runCli, startWitnessedSandbox, type WitnessedSandbox } from '../helpers/cli.js';

const FN = 'sample-lambda-amd64';

describe('bench against the sandbox', () => {
  let sb: WitnessedSandbox;
  let version: string;
  const cli = (args: string[]) =>
    runCli(['--endpoint-url', sb.proc.url, '--region', 'us-east-1', 'bench', ...args], {
      env: { AWS_ACCESS_KEY_ID: 'AKIDTEST', AWS_SECRET_ACCESS_KEY: 'x' },
    });
  const config = async () =>
    (await aws(sb.proc.url, 'us-east-1', ['get-function-configuration', '--function-name', FN])).json as {
      Description: string;
      MemorySize: number;
      RevisionId: string;
    };
  const updates = async () =>
    (await sb.accessLog()).filter((l) => l.operation === 'UpdateFunctionConfiguration');

  beforeAll(async () => {
    sb = await startWitnessedSandbox(['--update-delay-ms', '200']);
    const published = await aws(sb.proc.url, 'us-east-1', ['publish-version', '--function-name', FN]);
    version = (published.json as { Version: string }).Version;
  }, 300_000);
  afterAll(async () => {
    await sb?.stop();
  });

  it('forces cold starts on $LATEST, compares with a published version, and puts the description back', async () => {
    const before = await config();
    const r = await cli([FN, '--vs', `${FN}:${version}`, '--cold', '3', '--warm', '4', '--json', '--yes']);
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout) as BenchReport;
    expect(report.samples).toHaveLength(2 * (3 + 4));
    const [latest, published] = report.targets;
    expect(latest!.target).toBe(FN);
    expect(latest!.runtime).toBe('go1.x');
    expect(latest!.cold!.n).toBe(3);
    expect(latest!.cold!.initMs!.min).toBeGreaterThan(0);
    expect(latest!.warm!.n).toBe(4);
    expect(latest!.warm!.errors).toBe(0);
    expect(report.samples.filter((s) => s.kind === 'warm').every((s) => s.initMs === null)).toBe(true);
    // A published version's environments cannot be recycled: its first call is cold, the rest warm.
    expect(published!.target).toBe(`${FN}:${version}`);
    expect(published!.cold!.n + published!.warm!.n).toBe(7);
    expect(published!.cold!.n).toBeLessThan(3);
    expect(report.comparison!.baseline).toBe(`${FN}:${version}`);
    expect(report.comparison!.ratios['warm duration p50']).toBeCloseTo(
      latest!.warm!.durationMs.p50 / published!.warm!.durationMs.p50,
      6,
    );
    // Three cold starts, one change each, then one change that puts the description back.
    expect((await updates()).filter((u) => u.function === FN)).toHaveLength(4);
    const after = await config();
    expect([after.Description, after.MemorySize]).toEqual([before.Description, before.MemorySize]);
  }, 120_000);

  it('--memory measures at that size and puts the old size back; --csv prints every invocation', async () => {
    const r = await cli([FN, '--memory', '512', '--cold', '1', '--warm', '2', '--csv', '--yes']);
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines[0]).toBe('target,kind,duration_ms,billed_ms,memory_size_mb,max_memory_mb,init_ms,error');
    expect(lines.slice(1).map((l) => l.split(',').slice(0, 2).join(','))).toEqual([
      `${FN},cold`,
      `${FN},warm`,
      `${FN},warm`,
    ]);
    expect(lines.slice(1).every((l) => l.split(',')[4] === '512')).toBe(true);
    expect((await config()).MemorySize).toBe(128);
  }, 120_000);

  it('the text table and Markdown show ratios; a failing handler is counted, and exits 3 or 1', async () => {
    const text = await cli([FN, '--vs', 'orders-api', '--cold', '1', '--warm', '2', '--yes']);
    expect(text.code).toBe(3); // orders-api rejects the {} event: its invocations are function errors
    expect(text.stdout).toMatch(/warm: errors\s+0\s+2/);
    expect(text.stdout).toMatch(
      /warm: USD per 1M invocations\s+\d+\.\d\d\s+\d+\.\d\d\s+\d\.\d\d× \([−+]\d+%\)/,
    );
    const md = await cli(['orders-api', '--cold', '0', '--warm', '2', '--markdown', '--yes']);
    expect(md.code).toBe(1);
    expect(md.stdout).toMatch(/^\| figure \| orders-api \|$/m);
    expect(md.stderr).toMatch(/2 of 2 invocations failed/);
  }, 120_000);

  it('bad input: usage errors exit 2, a missing function or bad event exits 1 with a hint; nothing changes', async () => {
    const revision = (await config()).RevisionId;
    const noYes = await cli([FN]);
    expect(noYes.code).toBe(2);
    expect(noYes.stderr).toMatch(/Pass --yes/);
    expect((await cli([FN, '--cold', '0', '--warm', '0', '--yes'])).code).toBe(2);
    expect((await cli([FN, '--cold', 'many', '--yes'])).stderr).toMatch(/--cold takes a whole number/);
    const missing = await cli(['no-such-function', '--yes']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/error: .*no-such-function[\s\S]*hint:/);
    const memory = await cli([`${FN}:${version}`, '--memory', '256', '--yes']);
    expect(memory.code).toBe(1);
    expect(memory.stderr).toMatch(/a published version's configuration cannot change/);
    await writeFile(join(sb.dir, 'event.json'), '{not json');
    const event = await cli([FN, '--event', join(sb.dir, 'event.json'), '--yes']);
    expect(event.code).toBe(1);
    expect(event.stderr).toMatch(/cannot read the event/);
    expect((await config()).RevisionId).toBe(revision);
  }, 120_000);
});

describe('bench interrupted', () => {
  let sb: WitnessedSandbox;
  const env = { ...process.env, AWS_ACCESS_KEY_ID: 'AKIDTEST', AWS_SECRET_ACCESS_KEY: 'x' };
  const args = () => [
    '--endpoint-url',
    sb.proc.url,
    '--region',
    'us-east-1',
    '--state-dir',
    join(sb.dir, 'state'),
  ];
  const config = async () =>
    (await aws(sb.proc.url, 'us-east-1', ['get-function-configuration', '--function-name', FN])).json as {
      Description: string;
      MemorySize: number;
    };
  /** Starts bench with many cold starts and sends `signal` once a few invocations are done. */
  async function interrupted(
    signal: NodeJS.Signals,
  ): Promise<{ code: number | null; stderr: string; stdout: string }> {
    const child = spawn(
      process.execPath,
      [CLI, ...args(), 'bench', FN, '--memory', '512', '--cold', '50', '--warm', '0', '--yes', '--json'],
      { env, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stderr = '';
    let stdout = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    const sent = new Promise<void>((resolve) =>
      child.stderr.on('data', (d: Buffer) => {
        stderr += d.toString();
        if (/\[3\/50\]/.test(stderr) && child.signalCode === null && !child.killed) {
          child.kill(signal);
          resolve();
        }
      }),
    );
    const code = await new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
    await sent;
    return { code, stderr, stdout };
  }

  beforeAll(async () => {
    sb = await startWitnessedSandbox(['--update-delay-ms', '200']);
  }, 300_000);
  afterAll(async () => {
    await sb?.stop();
  });

  it('Ctrl-C stops, puts the memory size and description back, and prints the figures so far', async () => {
    const before = await config();
    const r = await interrupted('SIGINT');
    expect(r.code, r.stderr).toBe(130);
    expect(r.stderr).toMatch(/stopping: putting back the description and memory size/);
    const report = JSON.parse(r.stdout) as BenchReport;
    expect(report.samples.length).toBeGreaterThanOrEqual(3);
    expect(report.samples.length).toBeLessThan(50);
    expect(report.warnings[0]).toMatch(/^interrupted after \d+ of 50 invocations\.$/);
    expect(await config()).toMatchObject({ Description: before.Description, MemorySize: before.MemorySize });
  }, 120_000);

  it('killed outright, it leaves its undo file, and the next bench puts the function back first', async () => {
    const before = await config();
    const r = await interrupted('SIGKILL');
    expect(r.code).toBeNull();
    const left = await config();
    expect(left.MemorySize).toBe(512);
    expect(left.Description).toMatch(/\[go-lambda-migrate bench \d+-\d+\]$/);
    const next = await runCli([...args(), 'bench', FN, '--cold', '0', '--warm', '1', '--yes'], { env });
    expect(next.code, next.stderr).toBe(0);
    expect(next.stderr).toContain(
      `${FN}: an interrupted benchmark had left its description and memory size changed; they are back to "${before.Description}" and ${before.MemorySize} MB.`,
    );
    expect(await config()).toMatchObject({ Description: before.Description, MemorySize: before.MemorySize });
  }, 120_000);
});
