import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI, startWitnessedSandbox, type WitnessedSandbox } from '../helpers/cli.js';

/** Runs the CLI with no AWS variable at all, and a home without ~/.aws: nothing for the SDK to find. */
function bare(args: string[], home: string, extra: NodeJS.ProcessEnv = {}) {
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: home, NO_COLOR: '1', ...extra };
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('the sandbox without AWS credentials', () => {
  let sb: WitnessedSandbox;
  let home: string;
  let other: Server;
  let otherUrl: string;
  beforeAll(async () => {
    sb = await startWitnessedSandbox();
    home = await mkdtemp(join(tmpdir(), 'glm-home-'));
    // An endpoint that is not this tool's sandbox (AWS, another emulator): it does not say it is one.
    other = createServer((_req, res) => res.writeHead(404).end());
    await new Promise<void>((r) => other.listen(0, '127.0.0.1', r));
    otherUrl = `http://127.0.0.1:${(other.address() as { port: number }).port}`;
  }, 300_000);
  afterAll(async () => {
    other?.close();
    await sb?.stop();
    await rm(home, { recursive: true, force: true });
  });

  it('its banner says what to export for the AWS CLI, and that this tool needs nothing', () => {
    expect(sb.proc.stderr()).toContain(
      `export AWS_ENDPOINT_URL=${sb.proc.url} AWS_ACCESS_KEY_ID=sandbox AWS_SECRET_ACCESS_KEY=sandbox AWS_REGION=us-east-1`,
    );
    expect(sb.proc.stderr()).toContain('go-lambda-migrate needs no AWS credentials for it');
  });

  it('scan, plan and history work against it with no AWS variable set, in every region', async () => {
    const state = join(home, 'state');
    const scan = await bare(['scan', '--endpoint-url', sb.proc.url, '--state-dir', state, '--json'], home);
    expect(scan.code, scan.stderr).toBe(0);
    const names = (
      JSON.parse(scan.stdout) as { functions: { region: string; functionName: string }[] }
    ).functions.map((f) => `${f.region}/${f.functionName}`);
    expect(names).toEqual(expect.arrayContaining(['us-east-1/orders-api', 'eu-west-1/payments-webhook']));
    // The SDK's own variable for the endpoint works the same.
    const plan = await bare(['plan', 'us-east-1/orders-api', '--state-dir', state], home, {
      AWS_ENDPOINT_URL: sb.proc.url,
    });
    expect(plan.code, plan.stderr).toBe(0);
    expect(plan.stdout).toMatch(/Plan: 1 to migrate/);
    expect((await bare(['history', '--endpoint-url', sb.proc.url, '--state-dir', state], home)).code).toBe(0);
  }, 120_000);

  it('any other endpoint without credentials: the error says what to set', async () => {
    const r = await bare(['plan', 'orders-api', '--endpoint-url', otherUrl, '--region', 'us-east-1'], home);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/No AWS credentials found: set --profile, AWS_PROFILE or AWS_ACCESS_KEY_ID/);
  }, 60_000);
});
