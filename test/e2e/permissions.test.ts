import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_DIR } from '../../src/sandbox/seed.js';
import { aws } from '../helpers/awscli.js';
import { runCli, startWitnessedSandbox, type WitnessedSandbox } from '../helpers/cli.js';
import { tinyZip } from '../helpers/sandbox.js';

interface PlanDoc {
  functions: { functionName: string; blocked: string | null; risks: { level: string; message: string }[] }[];
}

const ROLE = 'arn:aws:iam::123456789012:role/sandbox-admin';

describe('the permission preflight: STS and IAM policy simulation against the sandbox', () => {
  let sb: WitnessedSandbox;
  const cli = (args: string[], url = sb.proc.url) =>
    runCli(['--state-dir', join(sb.dir, 'state'), '--endpoint-url', url, '--region', 'us-east-1', ...args], {
      env: { AWS_ACCESS_KEY_ID: 'AKIDTEST', AWS_SECRET_ACCESS_KEY: 'x' },
    });
  const plan = async (url?: string) => {
    const r = await cli(['plan', '--all', '--source', join(DEMO_DIR, 'functions'), '--json'], url);
    expect(r.code, r.stderr).toBe(0);
    const doc = JSON.parse(r.stdout) as PlanDoc;
    return Object.fromEntries(doc.functions.map((f) => [f.functionName, f]));
  };

  beforeAll(async () => {
    sb = await startWitnessedSandbox([
      '--deny',
      'lambda:PublishVersion@orders-*',
      '--deny',
      'lambda:UpdateFunctionCode@sample-*',
    ]);
  }, 300_000);
  afterAll(async () => {
    await sb?.stop();
  });

  it('blocks a function whose update the caller may not make, warns about a best-effort one', async () => {
    const before = (await sb.accessLog()).length;
    const by = await plan();
    expect(by['sample-lambda-amd64']!.blocked).toBe(
      `${ROLE} may not call lambda:UpdateFunctionCode (implicitDeny) on this function: grant them, or run with a role that has them`,
    );
    expect(by['orders-api']!.blocked).toBeNull();
    expect(by['orders-api']!.risks).toContainEqual({
      level: 'warning',
      code: 'backup-version-denied',
      principal: ROLE,
      actions: ['lambda:PublishVersion (implicitDeny)'],
      message: `${ROLE} may not call lambda:PublishVersion (implicitDeny): apply goes on without the published backup version (the downloaded backup remains)`,
    });
    // The document keeps the words and adds the code with its facts, for scripts.
    expect((by['sample-lambda-amd64'] as unknown as { block: unknown }).block).toEqual({
      code: 'permissions-denied',
      principal: ROLE,
      actions: ['lambda:UpdateFunctionCode (implicitDeny)'],
    });
    const calls = (await sb.accessLog()).slice(before).map((c) => c.operation);
    // The caller is asked once; one simulation per function that would change.
    expect(calls.filter((o) => o === 'GetCallerIdentity')).toHaveLength(1);
    expect(calls.filter((o) => o === 'SimulatePrincipalPolicy')).toHaveLength(2);
  }, 120_000);

  it('the sandbox enforces the same denial on the Lambda API, for the AWS CLI too', async () => {
    const zip = join(sb.dir, 'tiny.zip');
    await writeFile(zip, await tinyZip());
    const r = await aws(sb.proc.url, 'us-east-1', [
      'update-function-code',
      '--function-name',
      'sample-lambda-amd64',
      '--zip-file',
      `fileb://${zip}`,
    ]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/AccessDeniedException.*not authorized to perform: lambda:UpdateFunctionCode/);
  });

  it('apply migrates without the published backup version when PublishVersion is denied', async () => {
    const r = await cli(['apply', 'orders-api', '--source', join(DEMO_DIR, 'functions'), '--yes', '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect((JSON.parse(r.stdout) as { results: { status: string }[] }).results[0]!.status).toBe('migrated');
    expect(r.stderr).toMatch(/warning: .*PublishVersion/);
    const c = (
      await aws(sb.proc.url, 'us-east-1', ['get-function-configuration', '--function-name', 'orders-api'])
    ).json as { Runtime: string };
    expect(c.Runtime).toBe('provided.al2023');
  }, 120_000);

  it('says it did not check when the simulation is refused or the caller cannot be simulated', async () => {
    for (const [args, reason] of [
      [['--deny', 'iam:SimulatePrincipalPolicy'], /not authorized to perform: iam:SimulatePrincipalPolicy/],
      [
        ['--caller-arn', 'arn:aws:iam::123456789012:root'],
        /IAM cannot simulate the policies of arn:aws:iam::123456789012:root/,
      ],
    ] as const) {
      const other = await startWitnessedSandbox([...args]);
      try {
        const f = (await plan(other.proc.url))['sample-lambda-amd64']!;
        expect(f.blocked).toBeNull();
        const info = f.risks.find((x) => x.message.startsWith('permissions not checked: '));
        expect(info?.level).toBe('info');
        expect(info?.message).toMatch(reason);
      } finally {
        await other.stop();
      }
    }
  }, 240_000);
});
