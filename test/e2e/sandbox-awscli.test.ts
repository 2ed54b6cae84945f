import { createHash } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openZip } from '../../src/archive/zip.js';
import { startSandboxProcess, type SandboxProcess } from '../helpers/cli.js';
import { tempDir, tinyZip } from '../helpers/sandbox.js';
import { aws } from '../helpers/awscli.js';

interface Fn {
  FunctionName: string;
  Runtime: string;
  Handler: string;
  Architectures: string[];
  CodeSha256: string;
  Version: string;
  RevisionId: string;
  LastUpdateStatus: string;
}

describe('the sandbox command, driven by the AWS CLI as an independent client', () => {
  let proc: SandboxProcess;
  let dir: string;
  let cleanup: () => Promise<void>;
  let url: string;
  const accessLog = () => join(dir, 'access.log');

  beforeAll(async () => {
    ({ dir, cleanup } = await tempDir());
    proc = await startSandboxProcess([
      '--data-dir',
      join(dir, 'data'),
      '--update-delay-ms',
      '300',
      '--no-throttle',
      '--access-log',
      accessLog(),
    ]);
    url = proc.url;
  }, 300_000);
  afterAll(async () => {
    await proc?.stop();
    await cleanup?.();
  });

  it('prints exactly one listening line first, on 127.0.0.1', () => {
    expect(proc.firstLine).toMatch(/^sandbox listening on http:\/\/127\.0\.0\.1:\d+$/);
  });

  it('is seeded with the demo functions in two regions', async () => {
    const us = await aws(url, 'us-east-1', ['list-functions']);
    const eu = await aws(url, 'eu-west-1', ['list-functions', '--function-version', 'ALL']);
    expect(us.code).toBe(0);
    const usFns = (us.json as { Functions: Fn[] }).Functions;
    const euFns = (eu.json as { Functions: Fn[] }).Functions;
    expect(usFns.find((f) => f.FunctionName === 'sample-lambda-amd64')).toMatchObject({
      Runtime: 'go1.x',
      Handler: 'go-lambda-skeleton-amd64',
      Architectures: ['x86_64'],
    });
    expect(usFns.find((f) => f.FunctionName === 'thumbnailer')).toMatchObject({
      Runtime: 'provided.al2023',
      Architectures: ['arm64'],
    });
    expect(euFns.map((f) => f.FunctionName).sort()).toEqual([
      'image-resizer',
      'legacy-billing',
      'node-webhook',
      'payments-webhook',
    ]);
    const aliases = await aws(url, 'us-east-1', ['list-aliases', '--function-name', 'orders-api']);
    expect((aliases.json as { Aliases: { Name: string; FunctionVersion: string }[] }).Aliases).toMatchObject([
      { Name: 'live', FunctionVersion: '1' },
    ]);
  });

  it('serves the deployed zip: SHA-256 matches CodeSha256, the handler is an executable x86-64 ELF', async () => {
    const got = (await aws(url, 'us-east-1', ['get-function', '--function-name', 'sample-lambda-amd64']))
      .json as {
      Configuration: Fn;
      Code: { Location: string };
    };
    const zip = Buffer.from(await (await fetch(got.Code.Location)).arrayBuffer());
    expect(createHash('sha256').update(zip).digest('base64')).toBe(got.Configuration.CodeSha256);
    const archive = await openZip(zip);
    const entry = archive.entries.find((e) => e.name === 'go-lambda-skeleton-amd64')!;
    expect(entry.unixMode! & 0o777).toBe(0o755);
    const elf = await archive.read(entry);
    expect(elf.subarray(0, 4).toString('latin1')).toBe('\x7fELF');
    expect(elf.readUInt16LE(0x12)).toBe(62);
  });

  it('creates, updates with the waiter, publishes, aliases and tags through the AWS CLI', async () => {
    const zipFile = join(dir, 'fn.zip');
    await writeFile(zipFile, await tinyZip());
    const created = await aws(url, 'us-west-2', [
      'create-function',
      '--function-name',
      'cli-fn',
      '--runtime',
      'provided.al2023',
      '--handler',
      'bootstrap',
      '--role',
      'arn:aws:iam::123456789012:role/r',
      '--zip-file',
      `fileb://${zipFile}`,
      '--architectures',
      'arm64',
    ]);
    expect(created.code).toBe(0);
    expect(created.json).toMatchObject({
      FunctionArn: 'arn:aws:lambda:us-west-2:123456789012:function:cli-fn',
      State: 'Pending',
    });
    expect(
      (await aws(url, 'us-west-2', ['wait', 'function-active-v2', '--function-name', 'cli-fn'])).code,
    ).toBe(0);
    await writeFile(zipFile, await tinyZip('bootstrap', 'v2'));
    const updated = await aws(url, 'us-west-2', [
      'update-function-code',
      '--function-name',
      'cli-fn',
      '--zip-file',
      `fileb://${zipFile}`,
    ]);
    expect((updated.json as Fn).LastUpdateStatus).toBe('InProgress');
    expect(
      (await aws(url, 'us-west-2', ['wait', 'function-updated-v2', '--function-name', 'cli-fn'])).code,
    ).toBe(0);
    const published = await aws(url, 'us-west-2', ['publish-version', '--function-name', 'cli-fn']);
    expect((published.json as Fn).Version).toBe('1');
    const alias = await aws(url, 'us-west-2', [
      'create-alias',
      '--function-name',
      'cli-fn',
      '--name',
      'prod',
      '--function-version',
      '1',
    ]);
    expect(alias.code).toBe(0);
    await aws(url, 'us-west-2', [
      'tag-resource',
      '--resource',
      'arn:aws:lambda:us-west-2:123456789012:function:cli-fn',
      '--tags',
      'a=1,b=2',
    ]);
    await aws(url, 'us-west-2', [
      'untag-resource',
      '--resource',
      'arn:aws:lambda:us-west-2:123456789012:function:cli-fn',
      '--tag-keys',
      'a',
    ]);
    const tags = await aws(url, 'us-west-2', [
      'list-tags',
      '--resource',
      'arn:aws:lambda:us-west-2:123456789012:function:cli-fn',
    ]);
    expect(tags.json).toEqual({ Tags: { b: '2' } });
    const conflict = await aws(url, 'us-west-2', [
      'update-function-configuration',
      '--function-name',
      'cli-fn',
      '--runtime',
      'go1.x',
    ]);
    expect(conflict.code).not.toBe(0);
    expect(conflict.stderr).toContain('InvalidParameterValueException');
    const missing = await aws(url, 'us-west-2', ['get-function', '--function-name', 'nope']);
    expect(missing.code).not.toBe(0);
    expect(missing.stderr).toContain('ResourceNotFoundException');
  });

  it('lists 120 functions page by page with the AWS CLI (MaxItems 50 a call)', async () => {
    const zip = (await tinyZip()).toString('base64');
    for (let i = 0; i < 120; i++) {
      const res = await fetch(`${url}/_sandbox/import`, {
        method: 'POST',
        headers: { authorization: 'AWS4-HMAC-SHA256 Credential=A/20260101/ap-south-1/lambda/aws4_request' },
        body: JSON.stringify({
          FunctionName: `bulk-${i}`,
          Runtime: 'go1.x',
          Handler: 'main',
          Role: 'arn:aws:iam::123456789012:role/r',
          Code: { ZipFile: zip },
        }),
      });
      expect(res.status).toBe(201);
    }
    const before = (await readFile(accessLog(), 'utf8')).split('\n').length;
    const listed = await aws(url, 'ap-south-1', ['list-functions', '--page-size', '50']);
    const names = (listed.json as { Functions: Fn[] }).Functions.map((f) => f.FunctionName);
    expect(names).toHaveLength(120);
    expect(new Set(names).size).toBe(120);
    const calls = (await readFile(accessLog(), 'utf8'))
      .split('\n')
      .slice(before - 1)
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { operation: string; region: string });
    expect(calls.filter((c) => c.operation === 'ListFunctions' && c.region === 'ap-south-1')).toHaveLength(3);
  });

  it('invokes a seeded go1.x function with the AWS CLI, log tail included', async () => {
    const outFile = join(dir, 'out.json');
    const r = await aws(url, 'us-east-1', [
      'invoke',
      '--function-name',
      'sample-lambda-amd64',
      '--payload',
      JSON.stringify({ path: '/hello', httpMethod: 'GET' }),
      '--log-type',
      'Tail',
      outFile,
    ]);
    expect(r.code).toBe(0);
    const meta = r.json as {
      StatusCode: number;
      ExecutedVersion: string;
      LogResult: string;
      FunctionError?: string;
    };
    expect(meta).toMatchObject({ StatusCode: 200, ExecutedVersion: '$LATEST' });
    expect(meta.FunctionError).toBeUndefined();
    const response = JSON.parse(await readFile(outFile, 'utf8')) as { statusCode: number; body: string };
    expect(response.statusCode).toBe(200);
    const body = JSON.parse(response.body) as {
      request: { path: string };
      context: { awsRequestId: string };
      functionName: string;
    };
    expect(body.request.path).toBe('/hello');
    expect(body.functionName).toBe('sample-lambda-amd64');
    const log = Buffer.from(meta.LogResult, 'base64').toString('utf8');
    expect(log).toContain(`START RequestId: ${body.context.awsRequestId} Version: $LATEST`);
    expect(log).toMatch(
      /REPORT RequestId: \S+\tDuration: [\d.]+ ms\tBilled Duration: \d+ ms\tMemory Size: 128 MB\tMax Memory Used: \d+ MB\tInit Duration: [\d.]+ ms/,
    );
  });

  it('stops cleanly on SIGTERM', async () => {
    expect(await proc.stop()).toBe(0);
  });
});
