import { spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BenchReport } from '../../src/core/benchmark.js';
import { aws } from '../helpers/awscli.js';
import { CLI, runCli, startWitnessedSandbox, type WitnessedSandbox } from '../helpers/cli.js';
import { spawnInPty } from '../helpers/pty.js';

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

  it('gives $LATEST and a published version the same cold and warm counts, and puts the description back', async () => {
    const before = await config();
    const r = await cli([FN, '--vs', `${FN}:${version}`, '--cold', '5', '--warm', '20', '--json', '--yes']);
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout) as BenchReport;
    expect(report.samples).toHaveLength(2 * (5 + 20));
    const [published, latest] = report.targets;
    expect([published!.target, published!.role]).toEqual([`${FN}:${version}`, 'old']);
    expect([latest!.target, latest!.role, latest!.runtime]).toEqual([FN, 'new', 'go1.x']);
    for (const t of report.targets) {
      expect([t.cold!.n, t.warm!.n, t.short]).toEqual([5, 20, []]);
      expect(t.cold!.initMs!.min).toBeGreaterThan(0);
      expect(t.warm!.errors).toBe(0);
    }
    expect(report.samples.filter((s) => s.kind === 'warm').every((s) => s.initMs === null)).toBe(true);
    const c = report.comparisons[0]!;
    expect([c.target, c.baseline, c.emulated]).toEqual([FN, `${FN}:${version}`, false]);
    const init = c.changes['cold init']!;
    expect(init.low).toBeLessThanOrEqual(init.ratio);
    expect(init.high).toBeGreaterThanOrEqual(init.ratio);
    expect(report.verdict).toEqual(c);
    // The sandbox counted the invocations; CloudWatch's GetMetricData reads them back for the projection.
    expect(report.traffic!.source).toBe('cloudwatch');
    expect(report.traffic!.monthlyInvocations).toBeGreaterThanOrEqual(50);
    // One change before $LATEST's burst, one that puts the description back.
    expect((await updates()).filter((u) => u.function === FN)).toHaveLength(2);
    const after = await config();
    expect([after.Description, after.MemorySize]).toEqual([before.Description, before.MemorySize]);
  }, 180_000);

  it('--memory measures at that size and puts the old size back; --csv prints every invocation', async () => {
    const r = await cli([FN, '--memory', '512', '--cold', '1', '--warm', '2', '--csv', '--yes']);
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines[0]).toBe(
      'target,role,kind,duration_ms,billed_ms,memory_size_mb,max_memory_mb,init_ms,error,error_message,at_ms',
    );
    expect(lines.slice(1).map((l) => l.split(',').slice(0, 3).join(','))).toEqual([
      `${FN},new,cold`,
      `${FN},new,warm`,
      `${FN},new,warm`,
    ]);
    expect(lines.slice(1).every((l) => l.split(',')[5] === '512')).toBe(true);
    expect((await config()).MemorySize).toBe(128);
  }, 120_000);

  it('a side whose invocations all fail gets no ratio, no cost and no verdict, and exits 1', async () => {
    const r = await cli(['orders-api', '--vs', FN, '--cold', '1', '--warm', '2', '--yes']);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/: 3 failed: errorString: orderId is required/);
    expect(r.stdout).toMatch(/no comparison: 3 of 3 invocations of orders-api failed/);
    expect(r.stdout).toMatch(/Verdict: none \(invocations failed/);
    expect(r.stdout).not.toMatch(/Monthly at/);
    expect(r.stderr).toMatch(/3 of 6 invocations failed; give an event the function accepts/);
    const md = await cli([
      'orders-api',
      '--vs',
      FN,
      '--cold',
      '0',
      '--warm',
      '3',
      '--markdown',
      '--allow-errors',
      '--yes',
    ]);
    expect(md.code).toBe(1);
    expect(md.stdout).toMatch(/^\| Start \| Runtime \| n \| Avg Duration \(ms\) \|/m);
    expect(md.stdout).toMatch(/^\| warm \| go1\.x x86_64 \| 3 \| /m);
    expect(md.stdout).toMatch(/```mermaid\nxychart-beta\n/);
    expect(md.stdout).toMatch(/- \*\*go1\.x x86_64 vs go1\.x x86_64\*\*: warm duration/);
  }, 120_000);

  it('an arm64 function emulated here gets a native x86_64 column, the only one the verdict uses', async () => {
    const r = await cli([
      'thumbnailer',
      '--vs',
      FN,
      '--source',
      'demo/functions',
      '--cold',
      '2',
      '--warm',
      '4',
      '--json',
      '--yes',
    ]);
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout) as BenchReport;
    const [old, arm, native] = report.targets;
    expect([old!.role, arm!.role, native!.role]).toEqual(['old', 'new', 'native']);
    expect([arm!.architecture, arm!.emulated, native!.architecture, native!.emulated]).toEqual([
      'arm64',
      true,
      'x86_64',
      false,
    ]);
    expect(native!.temporary).toBe(true);
    expect([native!.cold!.n, native!.warm!.n]).toEqual([2, 4]);
    expect(report.comparisons.map((c) => c.emulated)).toEqual([true, false]);
    expect(report.verdict!.target).toBe(native!.target);
    // The copy is gone.
    const names = (
      (await aws(sb.proc.url, 'us-east-1', ['list-functions'])).json as {
        Functions: { FunctionName: string }[];
      }
    ).Functions.map((f) => f.FunctionName);
    expect(names.filter((n) => n.includes('-glm-'))).toEqual([]);
  }, 180_000);

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
      [CLI, ...args(), 'bench', FN, '--memory', '512', '--cold', '2', '--warm', '50', '--yes', '--json'],
      { env, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stderr = '';
    let stdout = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    const sent = new Promise<void>((resolve) =>
      child.stderr.on('data', (d: Buffer) => {
        stderr += d.toString();
        if (/\[10\/52\]/.test(stderr) && child.signalCode === null && !child.killed) {
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
    expect(report.samples.length).toBeLessThan(52);
    expect(report.warnings[0]).toMatch(/^interrupted after \d+ of 52 invocations\.$/);
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

  const copies = async () =>
    (
      (await aws(sb.proc.url, 'us-east-1', ['list-functions'])).json as {
        Functions: { FunctionName: string }[];
      }
    ).Functions.map((f) => f.FunctionName).filter((n) => n.includes('-glm-'));

  it('bench --candidate leaves no function behind, even when killed: the next run deletes it first', async () => {
    const child = spawn(
      process.execPath,
      [
        CLI,
        ...args(),
        'bench',
        FN,
        '--candidate',
        '--source',
        'demo/functions',
        '--cold',
        '1',
        '--warm',
        '200',
        '--yes',
      ],
      { env, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stderr = '';
    await new Promise<void>((resolve) =>
      child.stderr.on('data', (d: Buffer) => {
        stderr += d.toString();
        if (/\[20\/\d+\]/.test(stderr) && !child.killed) {
          child.kill('SIGKILL');
          resolve();
        }
      }),
    );
    await new Promise((resolve) => child.on('close', resolve));
    const left = await copies();
    expect(left.length, stderr).toBeGreaterThan(0);
    const next = await runCli([...args(), 'bench', FN, '--cold', '0', '--warm', '1', '--yes'], { env });
    expect(next.code, next.stderr).toBe(0);
    for (const name of left)
      expect(next.stderr).toContain(
        `deleted ${name} in us-east-1, a temporary function an interrupted benchmark left.`,
      );
    expect(await copies()).toEqual([]);
    const whole = await runCli(
      [
        ...args(),
        'bench',
        FN,
        '--candidate',
        '--source',
        'demo/functions',
        '--cold',
        '1',
        '--warm',
        '2',
        '--json',
        '--yes',
      ],
      { env },
    );
    expect(whole.code, whole.stderr).toBe(0);
    const report = JSON.parse(whole.stdout) as BenchReport;
    expect(report.targets.map((t) => [t.role, t.runtime, t.temporary])).toEqual([
      ['old', 'go1.x', false],
      ['new', 'provided.al2023', true],
      ['native', 'provided.al2023', true],
    ]);
    expect(await copies()).toEqual([]);
  }, 300_000);

  it('on a terminal, the table fills in while invocations run, on every side', async () => {
    const published = await aws(sb.proc.url, 'us-east-1', ['publish-version', '--function-name', FN]);
    const v = (published.json as { Version: string }).Version;
    const pty = spawnInPty(
      // Enough warm invocations to outlast several redraws (200 ms apart) on a fast machine too.
      [...args(), 'bench', FN, '--vs', `${FN}:${v}`, '--cold', '2', '--warm', '400', '--yes'],
      { AWS_ACCESS_KEY_ID: 'AKIDTEST', AWS_SECRET_ACCESS_KEY: 'x' },
      { rows: 24, cols: 80 },
    );
    // A frame with some warm samples on both sides, before the end.
    await pty.waitFor(
      /warm\s+\S+\s+([1-9]\d?|[1-3]\d\d)\/400[^\n]*\n\s*warm\s+\S+\s+([1-9]\d?|[1-3]\d\d)\/400/,
      0,
      90_000,
    );
    expect(await pty.exited).toBe(0);
    const text = pty.text();
    expect(text).toMatch(/warm\s+\S+\s+400\/400/);
    expect(text).toMatch(/ETA \d+s/);
  }, 120_000);
});
