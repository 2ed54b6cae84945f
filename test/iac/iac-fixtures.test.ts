/* eslint-disable @typescript-eslint/no-explicit-any, @typescript-eslint/no-unsafe-member-access -- the tests edit parsed documents of any shape */
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { parse as parseHcl } from '@cdktf/hcl2json';
import ts from 'typescript';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { planIac, type IacFunction } from '../../src/core/iac-plan.js';
import type { SourceFile } from '../../src/iac/model.js';

const FIXTURES = join(import.meta.dirname, '../fixtures/iac');
const target = { runtime: 'provided.al2023', arch: 'arm64' as const };
const temps: string[] = [];
afterAll(() => temps.forEach((d) => rmSync(d, { recursive: true, force: true })));

function readTree(root: string, dir = root): SourceFile[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory()
      ? readTree(root, p)
      : [{ path: relative(root, p), text: readFileSync(p, 'utf8') }];
  });
}

const fn = (name: string, tags: Record<string, string> = {}, region = 'us-east-1'): IacFunction => ({
  ref: { region, name },
  tags,
  target,
});

/** Applies the patch with git in a copy of the fixture, and returns the patched files. */
function gitApply(fixture: string, patch: string): (path: string) => string {
  const dir = mkdtempSync(join(tmpdir(), 'glm-iac-'));
  temps.push(dir);
  cpSync(join(FIXTURES, fixture), dir, { recursive: true });
  execFileSync('git', ['init', '-q'], { cwd: dir });
  writeFileSync(join(dir, 'change.patch'), patch);
  execFileSync('git', ['apply', '--check', 'change.patch'], { cwd: dir });
  execFileSync('git', ['apply', 'change.patch'], { cwd: dir });
  return (path) => readFileSync(join(dir, path), 'utf8');
}

/** The lines the patch removes: each must be one of the properties the migration changes. */
const removed = (patch: string) =>
  patch
    .split('\n')
    .filter((l) => l.startsWith('-') && !l.startsWith('---'))
    .map((l) => l.slice(1).trim());

async function run(fixture: string, functions: IacFunction[]) {
  const files = readTree(join(FIXTURES, fixture));
  const report = await planIac(functions, files);
  const read = gitApply(fixture, report.patch);
  return { report, files, read, before: (p: string) => files.find((f) => f.path === p)!.text };
}

describe('IaC patches: applied with git apply, re-parsed, only the migration changed', () => {
  it('SAM: Runtime, Handler, Architectures and Metadata BuildMethod; !Sub, !GetAtt, !Ref and comments kept', async () => {
    const { report, read, before } = await run('sam', [
      fn('orders-api-prod', {
        'aws:cloudformation:stack-name': 'shop-prod',
        'aws:cloudformation:logical-id': 'OrdersApiFunction',
        'lambda:createdBy': 'SAM',
      }),
    ]);
    expect(report.functions[0]).toMatchObject({
      status: 'patched',
      owner: 'SAM (stack shop-prod)',
      definition: { format: 'sam', id: 'OrdersApiFunction', file: 'template.yaml' },
    });
    expect(removed(report.patch)).toEqual(['Handler: orders-api   # the go1.x binary', 'Runtime: go1.x']);
    const after = read('template.yaml');
    expect(after).toContain('Handler: bootstrap   # the go1.x binary');
    expect(after).toContain('FunctionName: !Sub orders-api-${Stage}');
    expect(after).toContain('Type: AWS::Serverless::Function # the public API');
    const a = parse(after, { logLevel: 'error' }) as Record<string, any>;
    const b = parse(before('template.yaml'), { logLevel: 'error' }) as Record<string, any>;
    b.Resources.OrdersApiFunction.Properties.Runtime = 'provided.al2023';
    b.Resources.OrdersApiFunction.Properties.Handler = 'bootstrap';
    b.Resources.OrdersApiFunction.Properties.Architectures = ['arm64'];
    b.Resources.OrdersApiFunction.Metadata = { BuildMethod: 'go1.x' };
    expect(a).toEqual(b);
  });

  it('CloudFormation YAML: a runtime from a parameter is patched at its default (and AllowedValues), the plan says so', async () => {
    const { report, read, before } = await run('cloudformation-yaml', [fn('payments-webhook')]);
    expect(report.functions[0]).toMatchObject({
      status: 'patched',
      owner: 'CloudFormation',
      definition: { format: 'cloudformation', id: 'WebhookFunction' },
    });
    expect(report.functions[0]!.notes.join(' ')).toMatch(
      /parameter GoRuntime: its default is patched to provided.al2023/,
    );
    expect(removed(report.patch)).toEqual([
      'Default: go1.x          # bumped by hand until now',
      'AllowedValues: [go1.x, provided.al2]',
      'Handler: "payments-webhook"',
      '- x86_64',
    ]);
    const after = read('stack.yaml');
    expect(after).toContain('Handler: "bootstrap"');
    expect(after).toContain('S3Key: !Join ["/", [payments, !Ref "AWS::StackName", webhook.zip]]');
    const a = parse(after, { logLevel: 'error' }) as Record<string, any>;
    const b = parse(before('stack.yaml'), { logLevel: 'error' }) as Record<string, any>;
    b.Parameters.GoRuntime.Default = 'provided.al2023';
    b.Parameters.GoRuntime.AllowedValues = ['provided.al2023', 'provided.al2'];
    b.Resources.WebhookFunction.Properties.Handler = 'bootstrap';
    b.Resources.WebhookFunction.Properties.Architectures = ['arm64'];
    expect(a).toEqual(b);
  });

  it('CloudFormation JSON: a runtime from a mapping is patched in the mapping; Architectures added as JSON', async () => {
    const { report, read, before } = await run('cloudformation-json', [fn('legacy-billing')]);
    expect(report.functions[0]).toMatchObject({
      status: 'patched',
      definition: { format: 'cloudformation', id: 'BillingFunction' },
    });
    expect(report.functions[0]!.notes.join(' ')).toMatch(/mapping Runtimes \(key go\): 2 value/);
    const after = read('stack.json');
    const a = JSON.parse(after) as Record<string, any>;
    const b = JSON.parse(before('stack.json')) as Record<string, any>;
    b.Mappings.Runtimes.prod.go = 'provided.al2023';
    b.Mappings.Runtimes.dev.go = 'provided.al2023';
    b.Resources.BillingFunction.Properties.Handler = 'bootstrap';
    b.Resources.BillingFunction.Properties.Architectures = ['arm64'];
    expect(a).toEqual(b);
    expect(removed(report.patch)).toEqual([
      '"prod": { "go": "go1.x" },',
      '"dev": { "go": "go1.x" }',
      '"Handler": "billing",',
    ]);
  });

  it('Terraform: a resource (name from a variable) and the community module (runtime from a local); the archive zips bootstrap', async () => {
    const { report, read, before } = await run('terraform', [
      fn('payments-webhook'),
      fn('reports-generator'),
    ]);
    expect(report.functions.map((f) => [f.status, f.definition?.id])).toEqual([
      ['patched', 'aws_lambda_function.webhook'],
      ['patched', 'module.reports'],
    ]);
    const parsed = async (p: string, text: string) => await parseHcl(p, text);
    const a = await parsed('main.tf', read('main.tf'));
    const b = await parsed('main.tf', before('main.tf'));
    const fnB = b.resource.aws_lambda_function.webhook[0];
    fnB.runtime = 'provided.al2023';
    fnB.handler = 'bootstrap';
    fnB.architectures = ['arm64'];
    b.data.archive_file.webhook[0].source_file = '${path.module}/bin/bootstrap';
    b.module.reports[0].handler = 'bootstrap';
    b.module.reports[0].architectures = ['arm64'];
    expect(a).toEqual(b);
    const va = await parsed('variables.tf', read('variables.tf'));
    const vb = await parsed('variables.tf', before('variables.tf'));
    vb.locals[0].go_runtime = 'provided.al2023';
    expect(va).toEqual(vb);
    expect(read('main.tf')).toContain(
      '  runtime          = "provided.al2023" # go1.x until the migration\n  architectures    = ["arm64"]\n',
    );
    expect(report.functions[1]!.notes.join(' ')).toMatch(/local go_runtime/);
  });

  it('Serverless: the function gets its own runtime, architecture and artifact; the provider keeps go1.x for the others', async () => {
    const { report, read, before } = await run('serverless', [
      fn('legacy-billing', {}, 'eu-west-1'),
      fn('billing-prod-invoices', {}, 'eu-west-1'),
    ]);
    expect(report.functions.map((f) => [f.status, f.definition?.id])).toEqual([
      ['patched', 'legacy-billing'],
      ['patched', 'invoices'],
    ]);
    expect(report.functions[0]!.notes.join(' ')).toMatch(/provider.runtime stays go1.x/);
    const a = parse(read('serverless.yml')) as Record<string, any>;
    const b = parse(before('serverless.yml')) as Record<string, any>;
    for (const key of ['legacy-billing', 'invoices']) {
      Object.assign(b.functions[key], {
        handler: 'bootstrap',
        runtime: 'provided.al2023',
        architecture: 'arm64',
        package: { artifact: `build/${key}.zip` },
      });
    }
    expect(a).toEqual(b);
    expect(removed(report.patch)).toEqual(['handler: bin/billing', 'handler: bin/invoices']);
  });

  it('CDK: runtime, architecture and handler in the construct props; the file still compiles', async () => {
    const { report, read } = await run('cdk', [fn('sample-lambda-amd64')]);
    expect(report.functions[0]).toMatchObject({
      status: 'patched',
      owner: 'CDK',
      definition: { format: 'cdk', id: 'ThumbnailFn', file: 'lib/orders-stack.ts' },
    });
    const after = read('lib/orders-stack.ts');
    const source = ts.createSourceFile('orders-stack.ts', after, ts.ScriptTarget.ES2022, true);
    expect((source as unknown as { parseDiagnostics: unknown[] }).parseDiagnostics).toEqual([]);
    const props: Record<string, string> = {};
    const visit = (n: ts.Node) => {
      if (
        ts.isPropertyAssignment(n) &&
        ts.isObjectLiteralExpression(n.parent) &&
        n.parent.properties.some((p) => p.name?.getText() === 'functionName')
      )
        props[n.name.getText()] = n.initializer.getText();
      ts.forEachChild(n, visit);
    };
    visit(source);
    expect(props).toEqual({
      functionName: "'sample-lambda-amd64'",
      runtime: 'lambda.Runtime.PROVIDED_AL2023',
      architecture: 'lambda.Architecture.ARM_64',
      handler: "'bootstrap'",
      code: "lambda.Code.fromAsset('bin/thumbnail')",
      memorySize: '128',
      environment: '{ MODE: `prod-${id}` }',
    });
    expect(removed(report.patch)).toEqual([
      'runtime: lambda.Runtime.GO_1_X, // "go1.x" until now',
      "handler: 'main',",
    ]);
  });
});

describe('IaC bad input', () => {
  const sam = readFileSync(join(FIXTURES, 'sam/template.yaml'), 'utf8');
  const tags = { 'aws:cloudformation:logical-id': 'OrdersApiFunction' };

  it('a file that does not parse is reported with its path, line and message; the other files still count', async () => {
    const report = await planIac(
      [fn('orders-api-prod', tags)],
      [
        {
          path: 'broken/template.yaml',
          text: 'Resources:\n  Fn:\n    Type: AWS::Lambda::Function\n   Properties: [\n',
        },
        { path: 'broken/main.tf', text: 'resource "aws_lambda_function" "x" {\n  runtime = \n}\n' },
        { path: 'good/template.yaml', text: sam },
      ],
    );
    expect(report.problems).toEqual([
      expect.objectContaining({ file: 'broken/template.yaml', line: expect.any(Number) as number }),
      expect.objectContaining({
        file: 'broken/main.tf',
        line: 2,
        message: expect.stringMatching(/Invalid expression/) as string,
      }),
    ]);
    expect(report.functions[0]).toMatchObject({
      status: 'patched',
      definition: { file: 'good/template.yaml' },
    });
  });

  it('a function two files claim is ambiguous: reported with both, patched in neither', async () => {
    const report = await planIac(
      [fn('orders-api-prod', tags)],
      [
        { path: 'template.yaml', text: sam },
        { path: 'copy/template.yaml', text: sam },
      ],
    );
    expect(report.functions[0]).toMatchObject({ status: 'ambiguous', definition: null });
    expect(report.functions[0]!.claims!.map((c) => c.file)).toEqual(['template.yaml', 'copy/template.yaml']);
    expect(report.patch).toBe('');
  });

  it('a definition already on the target is up to date: no change, no patch', async () => {
    const report = await planIac(
      [fn('payments-webhook')],
      [
        {
          path: 'main.tf',
          text: 'resource "aws_lambda_function" "w" {\n  function_name = "payments-webhook"\n  runtime = "provided.al2023"\n  handler = "bootstrap"\n  architectures = ["arm64"]\n  filename = "w.zip"\n}\n',
        },
      ],
    );
    expect(report.functions[0]).toMatchObject({ status: 'up-to-date' });
    expect(report.patch).toBe('');
  });
});
