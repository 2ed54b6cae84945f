import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';

const COMMANDS = [
  'wizard',
  'scan',
  'inspect',
  'plan',
  'apply',
  'rollback',
  'bench',
  'history',
  'sandbox',
  'templates',
  'promote',
];

describe('the command line', () => {
  it('prints the version and the command list', async () => {
    const v = await runCli(['--version']);
    expect(v.code).toBe(0);
    expect(v.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
    const help = await runCli(['--help']);
    expect(help.code).toBe(0);
    for (const c of COMMANDS) expect(help.stdout).toContain(`  ${c}`);
  });

  it('has --help for every command, listing its options and the global ones', async () => {
    for (const c of COMMANDS) {
      const r = await runCli([c, '--help']);
      expect(r.code, c).toBe(0);
      expect(r.stdout).toContain('Usage: go-lambda-migrate');
      expect(r.stdout).toContain('--endpoint-url URL');
    }
    expect((await runCli(['sandbox', '--help'])).stdout).toContain('--update-delay-ms N');
    expect((await runCli(['plan', '--help'])).stdout).toContain('--detailed-exitcode');
  });

  it('names every option of a command in its usage line (the option list and the synopsis agree)', async () => {
    for (const c of COMMANDS) {
      const help = (await runCli([c, '--help'])).stdout;
      const usage = help.slice(0, help.indexOf('\n\n'));
      const own = help.slice(help.indexOf('\nOptions:\n'), help.indexOf('\nGlobal options:\n'));
      const names = [...(help.includes('\nOptions:\n') ? own : '').matchAll(/^ {2}(--[a-z-]+)/gm)].map(
        (m) => m[1]!,
      );
      for (const name of names) expect(usage, `${c}: ${name}`).toMatch(new RegExp(`${name}(?![\\w-])`));
      for (const line of usage.split('\n')) expect(line.length, `${c}: ${line}`).toBeLessThanOrEqual(100);
    }
  });

  it('an endpoint that cannot be reached is the error: not a missing function, not an empty plan', async () => {
    const env = { AWS_ACCESS_KEY_ID: 'AKIDTEST', AWS_SECRET_ACCESS_KEY: 'x' };
    const where = ['--endpoint-url', 'http://127.0.0.1:1', '--region', 'us-east-1', '--region', 'eu-west-1'];
    const one = await runCli(['plan', 'orders-api', ...where], { env });
    expect(one.code).toBe(1);
    expect(one.stderr).toMatch(/^error: .*cannot reach the Lambda endpoint/m);
    expect(one.stderr).not.toMatch(/there is no function|not go1\.x/);
    const all = await runCli(['plan', '--all', ...where], { env });
    expect(all.code).toBe(1);
    expect(all.stderr).toMatch(/^error: no region could be scanned: .*cannot reach the Lambda endpoint/m);
    expect(all.stdout).not.toMatch(/Plan: 0 to migrate/);
  });

  it('apply without --yes and without a terminal refuses before it plans (no AWS call at all)', async () => {
    const env = { AWS_ACCESS_KEY_ID: 'AKIDTEST', AWS_SECRET_ACCESS_KEY: 'x' };
    // An endpoint nothing listens on: any call would fail with "cannot reach".
    const r = await runCli(
      ['apply', 'orders-api', '--endpoint-url', 'http://127.0.0.1:1', '--region', 'us-east-1'],
      {
        env,
      },
    );
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /^error: apply changes functions and needs a confirmation, and there is no terminal/m,
    );
    expect(r.stderr).toMatch(/hint: Pass --yes to confirm/);
    expect(r.stderr).not.toMatch(/cannot reach|Plan:/);
  });

  it('exits 2 on usage errors, with a hint, and writes nothing to stdout', async () => {
    for (const args of [
      ['frobnicate'],
      ['sandbox', '--bogus'],
      ['sandbox', '--port', 'abc'],
      ['sandbox', '--fault-rate', '2'],
      ['sandbox', '--today', '27/11/2026'],
      ['--endpoint-url', 'localhost:4566', 'scan'],
      ['--endpoint-url', 'ftp://example.com', 'scan'],
    ]) {
      const r = await runCli(args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(/^error: .+\nhint: /);
    }
  });

  it('the wizard without a terminal exits 2 and names the non-interactive commands', async () => {
    const r = await runCli([]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('scan, inspect, plan, apply, promote, rollback');
  });

  it('an option value before any command word is not taken for the command (the wizard is the default)', async () => {
    const r = await runCli(['--source', '/tmp/src', '--arch', 'x86_64']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('the wizard needs an interactive terminal');
  });

  it('accepts global options before the command', async () => {
    const r = await runCli(['--region', 'eu-west-1', '--state-dir', '/tmp/x', 'sandbox', '--help']);
    expect(r.code).toBe(0);
  });

  it('says how to install Go when seeding needs it and it is missing', async () => {
    const r = await runCli(['sandbox', '--data-dir', '/tmp/glm-nogo-test', '--port', '0'], {
      env: { PATH: '/nonexistent', GO: '/nonexistent/go' },
    });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('Go is needed to build the sandbox demo functions');
    expect(r.stderr).toContain('hint: Install Go');
  });

  it('bad input a newcomer meets says what is wrong and what to do, before any AWS call', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'glm-cli-'));
    try {
      const folder = await runCli(['inspect', dir]);
      expect(folder.code).toBe(1);
      expect(folder.stderr).toMatch(
        /is a folder: inspect reads a \.zip, a binary file, or a function \(by name\)[\s\S]*hint: Name the file inside it/,
      );
      await writeFile(join(dir, 'empty'), '');
      const empty = await runCli(['inspect', join(dir, 'empty')]);
      expect(empty.code).toBe(1);
      expect(empty.stderr).toContain('is empty (0 bytes): it is neither a zip nor a binary');
      const mars = await runCli(['scan', '--region', 'us-east-1,mars-north-1']);
      expect(mars.code).toBe(2);
      expect(mars.stderr).toMatch(
        /--region mars-north-1: not an AWS region Lambda runs in[\s\S]*--region all/,
      );
      const source = await runCli([
        'plan',
        'orders-api',
        '--region',
        'us-east-1',
        '--source',
        join(dir, 'nowhere'),
      ]);
      expect(source.code).toBe(1);
      expect(source.stderr).toMatch(/--source .*nowhere: no such folder/);
      const nothing = await runCli(['rollback', '--all', '--yes', '--state-dir', join(dir, 'state')]);
      expect(nothing.code).toBe(0);
      expect(nothing.stderr).toContain('nothing to roll back: no migration is recorded in');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
