import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { XMLParser } from 'fast-xml-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { DEMO_IAC_DIR } from '../../src/sandbox/demo-stacks.js';
import { loadModel, validateQueryAnswer } from '../helpers/api-model.js';
import { aws } from '../helpers/awscli.js';
import { runCli, startWitnessedSandbox, type WitnessedSandbox } from '../helpers/cli.js';
import { spawnInPty, type PtySession } from '../helpers/pty.js';

interface PlanDoc {
  iac: {
    functions: {
      functionName: string;
      status: string;
      owner: string | null;
      definition: { origin: string; id: string; file: string } | null;
    }[];
    stacks: { stack: string; region: string; path: string; after: string; patch: string }[];
    patch: string;
  };
}

interface Config {
  Runtime: string;
  Handler: string;
  Architectures: string[];
  LastUpdateStatus: string;
}

describe('infrastructure code against the sandbox', () => {
  let sb: WitnessedSandbox;
  let session: PtySession | undefined;
  let env: NodeJS.ProcessEnv;
  let state: string;
  const cli = (args: string[]) => runCli(['--state-dir', state, ...args], { env, timeoutMs: 240_000 });
  const config = async (name: string, region = 'us-east-1') =>
    (await aws(sb.proc.url, region, ['get-function-configuration', '--function-name', name])).json as Config;
  const settled = async (name: string) => {
    for (let i = 0; i < 100 && (await config(name)).LastUpdateStatus === 'InProgress'; i++)
      await new Promise((r) => setTimeout(r, 100));
  };

  beforeAll(async () => {
    sb = await startWitnessedSandbox();
    state = join(sb.dir, 'state');
    env = {
      AWS_ACCESS_KEY_ID: 'AKIDTEST',
      AWS_SECRET_ACCESS_KEY: 'x',
      AWS_ENDPOINT_URL: sb.proc.url,
      NO_COLOR: '1',
    };
  }, 300_000);
  afterAll(async () => {
    session?.kill();
    await sb?.stop();
  });

  it('the AWS CLI reads the demo stack: the SAM template as written, and the stack that owns orders-api; the answers fit the CloudFormation model', async () => {
    const got = await aws(
      sb.proc.url,
      'us-east-1',
      ['get-template', '--stack-name', 'shop-prod', '--template-stage', 'Original'],
      'cloudformation',
    );
    expect(got.code, got.stderr).toBe(0);
    expect((got.json as { TemplateBody: string }).TemplateBody).toBe(
      readFileSync(join(DEMO_IAC_DIR, 'sam/template.yaml'), 'utf8'),
    );
    const owner = await aws(
      sb.proc.url,
      'us-east-1',
      ['describe-stack-resources', '--physical-resource-id', 'orders-api'],
      'cloudformation',
    );
    expect((owner.json as { StackResources: unknown[] }).StackResources).toEqual([
      expect.objectContaining({
        StackName: 'shop-prod',
        LogicalResourceId: 'OrdersApiFunction',
        PhysicalResourceId: 'orders-api',
        ResourceType: 'AWS::Lambda::Function',
      }),
    ]);
    const none = await aws(
      sb.proc.url,
      'us-east-1',
      ['get-template', '--stack-name', 'nope'],
      'cloudformation',
    );
    expect(none.code).not.toBe(0);
    expect(none.stderr).toMatch(/ValidationError.*Stack with id nope does not exist/);
    const tags = await aws(sb.proc.url, 'us-east-1', [
      'list-tags',
      '--resource',
      'arn:aws:lambda:us-east-1:123456789012:function:orders-api',
    ]);
    expect((tags.json as { Tags: Record<string, string> }).Tags).toMatchObject({
      'aws:cloudformation:stack-name': 'shop-prod',
      'aws:cloudformation:logical-id': 'OrdersApiFunction',
      'lambda:createdBy': 'SAM',
    });

    const model = loadModel('cloudformation', '2010-05-15');
    const xml = new XMLParser({
      ignoreAttributes: true,
      parseTagValue: false,
      isArray: (name) => name === 'member',
    });
    const query = async (form: Record<string, string>) =>
      (
        await fetch(sb.proc.url, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({ Version: '2010-05-15', ...form }).toString(),
        })
      ).text();
    for (const [op, form] of [
      ['GetTemplate', { StackName: 'shop-prod', TemplateStage: 'Original' }],
      ['DescribeStackResources', { PhysicalResourceId: 'orders-api' }],
      ['DescribeStacks', { StackName: 'shop-prod' }],
    ] as const)
      expect(
        validateQueryAnswer(model, op, await query({ Action: op, ...form }), (x) => xml.parse(x)),
        op,
      ).toEqual([]);
  }, 120_000);

  it('plan without --iac patches the deployed template of the CloudFormation-owned function (GetTemplate)', async () => {
    const patchFile = join(sb.dir, 'out', 'iac.patch');
    const r = await cli(['plan', 'orders-api', '--region', 'us-east-1', '--json', '--iac-patch', patchFile]);
    expect(r.code, r.stderr).toBe(0);
    const doc = JSON.parse(r.stdout) as PlanDoc;
    expect(doc.iac.functions).toEqual([
      expect.objectContaining({
        functionName: 'orders-api',
        status: 'patched',
        owner: 'SAM (stack shop-prod)',
        definition: expect.objectContaining({ origin: 'stack', id: 'OrdersApiFunction' }) as unknown,
      }),
    ]);
    // No source was given: orders-api is repackaged for x86_64, and the template says what the function will run.
    const written = `${patchFile}.stacks/us-east-1.shop-prod.template.yaml`;
    expect(r.stderr).toContain(`patched stack template written to ${written}`);
    const after = parse(readFileSync(written, 'utf8'), { logLevel: 'error' }) as {
      Resources: Record<string, { Properties: Record<string, unknown>; Metadata?: unknown }>;
    };
    const before = parse(readFileSync(join(DEMO_IAC_DIR, 'sam/template.yaml'), 'utf8'), {
      logLevel: 'error',
    }) as typeof after;
    Object.assign(before.Resources.OrdersApiFunction!.Properties, {
      Runtime: 'provided.al2023',
      Handler: 'bootstrap',
      Architectures: ['x86_64'],
    });
    before.Resources.OrdersApiFunction!.Metadata = { BuildMethod: 'go1.x' };
    expect(after).toEqual(before);
    expect(existsSync(patchFile)).toBe(false);
  }, 300_000);

  it('a --iac path that does not exist is refused before anything is planned', async () => {
    const r = await cli(['plan', 'orders-api', '--region', 'us-east-1', '--iac', join(sb.dir, 'nowhere')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /--iac .*nowhere: no such file or folder[\s\S]*Pass the folder that holds your templates/,
    );
    expect(r.stderr).not.toMatch(/downloading|inspecting/);
  });

  it('plan --iac: SAM, Terraform and serverless.yml in one patch that git applies; a blocked function is left alone', async () => {
    const repo = join(sb.dir, 'infra');
    cpSync(DEMO_IAC_DIR, repo, { recursive: true });
    execFileSync('git', ['init', '-q'], { cwd: repo });
    const patchFile = join(sb.dir, 'infra.patch');
    const r = await cli([
      'plan',
      'orders-api',
      'payments-webhook',
      'legacy-billing',
      '--region',
      'us-east-1,eu-west-1',
      '--iac',
      repo,
      '--iac-patch',
      patchFile,
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(
      /us-east-1\/orders-api: OrdersApiFunction in sam\/template.yaml:\d+ \(SAM\): patched/,
    );
    expect(r.stdout).toMatch(
      /eu-west-1\/payments-webhook: aws_lambda_function.payments_webhook in terraform\/main.tf:\d+ \(Terraform\): patched/,
    );
    expect(r.stdout).toMatch(/eu-west-1\/legacy-billing: not patched: the function cannot migrate yet/);
    expect(r.stderr).toContain(`apply it with: git -C ${repo} apply ${patchFile}`);
    execFileSync('git', ['-C', repo, 'apply', patchFile]);
    const tf = readFileSync(join(repo, 'terraform/main.tf'), 'utf8');
    expect(tf).toContain('runtime          = "provided.al2023"');
    expect(readFileSync(join(repo, 'serverless/serverless.yml'), 'utf8')).toContain('handler: bin/billing');
  }, 300_000);

  it('a deploy that puts go1.x back is shown as reverted by scan, history and the wizard', async () => {
    const applied = await cli(['apply', 'orders-api', '--region', 'us-east-1', '--yes']);
    expect(applied.code, applied.stderr).toBe(0);
    expect((await config('orders-api')).Runtime).toBe('provided.al2023');
    const hist = JSON.parse((await cli(['history', '--json', '--region', 'us-east-1'])).stdout) as {
      migrations: { functionName: string; backup: { version: string } | null }[];
    };
    const backup = hist.migrations.find((m) => m.functionName === 'orders-api')!.backup!.version;
    // What SAM's next deploy of the unpatched template does: the old zip, go1.x, the old handler.
    const old = (
      await aws(sb.proc.url, 'us-east-1', [
        'get-function',
        '--function-name',
        'orders-api',
        '--qualifier',
        backup,
      ])
    ).json as { Code: { Location: string } };
    const zip = join(sb.dir, 'old.zip');
    await writeFile(zip, Buffer.from(await (await fetch(old.Code.Location)).arrayBuffer()));
    expect(
      (
        await aws(sb.proc.url, 'us-east-1', [
          'update-function-code',
          '--function-name',
          'orders-api',
          '--zip-file',
          `fileb://${zip}`,
          '--architectures',
          'x86_64',
        ])
      ).code,
    ).toBe(0);
    await settled('orders-api');
    const put = await aws(sb.proc.url, 'us-east-1', [
      'update-function-configuration',
      '--function-name',
      'orders-api',
      '--runtime',
      'go1.x',
      '--handler',
      'orders-api',
    ]);
    expect(put.code, put.stderr).toBe(0);
    await settled('orders-api');

    const scan = await cli(['scan', '--region', 'us-east-1', '--json']);
    const found = (
      JSON.parse(scan.stdout) as {
        functions: { functionName: string; version: string; managedBy: string; reverted?: { to: string } }[];
      }
    ).functions.find((f) => f.functionName === 'orders-api' && f.version === '$LATEST');
    expect(found).toMatchObject({ managedBy: 'SAM (stack shop-prod)', reverted: { to: 'provided.al2023' } });
    const text = await cli(['scan', '--region', 'us-east-1']);
    expect(text.stdout).toMatch(
      /orders-api\s+\$LATEST\s+go1\.x.*reverted by a deploy of SAM \(stack shop-prod\): migrated to provided\.al2023/,
    );
    expect(text.stderr).toMatch(/1 function was reverted by a deploy/);
    const history = await cli(['history', '--region', 'us-east-1']);
    expect(history.stdout).toMatch(/reverted by a deploy of SAM \(stack shop-prod\): go1\.x again/);
    expect(history.stdout).toContain(
      'next: go-lambda-migrate plan us-east-1/orders-api --iac DIR --iac-patch FILE',
    );

    session = spawnInPty(['--state-dir', state, '--region', 'us-east-1'], env);
    const at = await session.waitFor(
      /reverted by a deploy of SAM \(stack shop-prod\)[\s\S]*reverted: a deploy put the old runtime back/,
      0,
      60_000,
    );
    // The wizard's history says it too.
    session.press('h');
    await session.waitFor(
      /Migrations recorded[\s\S]*orders-api[\s\S]*reverted by a deploy of SAM \(stack\s+shop-prod\):\s+go1\.x\s+again/,
      at,
      30_000,
    );
    session.press('q');
    expect(await session.exited).toBe(0);
  }, 300_000);
});
