import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CreateFunctionCommand,
  DeleteFunctionCommand,
  GetFunctionCommand,
  GetFunctionConfigurationCommand,
  ListFunctionsCommand,
  paginateListFunctions,
  UpdateFunctionCodeCommand,
  UpdateFunctionConfigurationCommand,
  type LambdaClient,
} from '@aws-sdk/client-lambda';
import { lambdaClient, ROLE, tinyZip, withSandbox } from '../helpers/sandbox.js';

describe('sandbox control plane through @aws-sdk/client-lambda', () => {
  let stop: () => Promise<void>;
  let client: LambdaClient;
  let url: string;

  beforeAll(async () => {
    const s = await withSandbox();
    stop = s.stop;
    url = s.sandbox.url;
    client = lambdaClient(url);
  });
  afterAll(() => stop());

  it('creates a function and reports AWS-shaped configuration', async () => {
    const zip = await tinyZip();
    const out = await client.send(
      new CreateFunctionCommand({
        FunctionName: 'hello',
        Runtime: 'provided.al2023',
        Handler: 'bootstrap',
        Role: ROLE,
        Architectures: ['arm64'],
        Code: { ZipFile: zip },
      }),
    );
    expect(out.FunctionArn).toBe('arn:aws:lambda:us-east-1:123456789012:function:hello');
    expect(out.CodeSha256).toBe(createHash('sha256').update(zip).digest('base64'));
    expect(out.CodeSize).toBe(zip.length);
    expect(out.Version).toBe('$LATEST');
    expect(out.MemorySize).toBe(128);
    expect(out.Timeout).toBe(3);
    expect(out.Architectures).toEqual(['arm64']);
    expect(out.LastModified).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+0000$/);
    expect(out.RevisionId).toMatch(/^[0-9a-f-]{36}$/);
    expect(out.State).toBe('Active');
  });

  it('refuses a duplicate with ResourceConflictException', async () => {
    await expect(
      client.send(
        new CreateFunctionCommand({
          FunctionName: 'hello',
          Runtime: 'provided.al2023',
          Handler: 'bootstrap',
          Role: ROLE,
          Code: { ZipFile: await tinyZip() },
        }),
      ),
    ).rejects.toMatchObject({ name: 'ResourceConflictException', $metadata: { httpStatusCode: 409 } });
  });

  it('serves the exact zip at Code.Location', async () => {
    const fn = await client.send(new GetFunctionCommand({ FunctionName: 'hello' }));
    const res = await fetch(fn.Code!.Location!);
    expect(res.status).toBe(200);
    const bytes = Buffer.from(await res.arrayBuffer());
    expect(createHash('sha256').update(bytes).digest('base64')).toBe(fn.Configuration!.CodeSha256);
    const tampered = fn.Code!.Location!.replace(/expires=\d+/, 'expires=9999999999999');
    expect((await fetch(tampered)).status).toBe(403);
  });

  it('finds functions by name, partial ARN and full ARN; reports missing ones as AWS does', async () => {
    for (const ref of [
      'hello',
      '123456789012:function:hello',
      'arn:aws:lambda:us-east-1:123456789012:function:hello',
    ]) {
      const c = await client.send(new GetFunctionConfigurationCommand({ FunctionName: ref }));
      expect(c.FunctionName).toBe('hello');
    }
    await expect(client.send(new GetFunctionCommand({ FunctionName: 'nope' }))).rejects.toMatchObject({
      name: 'ResourceNotFoundException',
      message: 'Function not found: arn:aws:lambda:us-east-1:123456789012:function:nope',
      $metadata: { httpStatusCode: 404 },
    });
  });

  it('keeps regions apart: the region comes from the request signature', async () => {
    const eu = lambdaClient(url, 'eu-west-1');
    await expect(eu.send(new GetFunctionCommand({ FunctionName: 'hello' }))).rejects.toMatchObject({
      name: 'ResourceNotFoundException',
    });
    await eu.send(
      new CreateFunctionCommand({
        FunctionName: 'hello',
        Runtime: 'provided.al2',
        Handler: 'bootstrap',
        Role: ROLE,
        Code: { ZipFile: await tinyZip() },
      }),
    );
    const c = await eu.send(new GetFunctionConfigurationCommand({ FunctionName: 'hello' }));
    expect(c.FunctionArn).toBe('arn:aws:lambda:eu-west-1:123456789012:function:hello');
    expect(c.Runtime).toBe('provided.al2');
    await eu.send(new DeleteFunctionCommand({ FunctionName: 'hello' }));
  });

  it('updates code and configuration, changing RevisionId each time', async () => {
    const before = await client.send(new GetFunctionConfigurationCommand({ FunctionName: 'hello' }));
    const code = await client.send(
      new UpdateFunctionCodeCommand({
        FunctionName: 'hello',
        ZipFile: await tinyZip('bootstrap', 'v2'),
        Architectures: ['x86_64'],
      }),
    );
    expect(code.RevisionId).not.toBe(before.RevisionId);
    expect(code.Architectures).toEqual(['x86_64']);
    expect(code.CodeSha256).not.toBe(before.CodeSha256);
    const conf = await client.send(
      new UpdateFunctionConfigurationCommand({
        FunctionName: 'hello',
        MemorySize: 512,
        Timeout: 30,
        Description: 'd',
        Environment: { Variables: { STAGE: '1' } },
      }),
    );
    expect(conf).toMatchObject({
      MemorySize: 512,
      Timeout: 30,
      Description: 'd',
      Environment: { Variables: { STAGE: '1' } },
    });
    expect(conf.RevisionId).not.toBe(code.RevisionId);
  });

  it('DryRun validates without changing anything', async () => {
    const before = await client.send(new GetFunctionConfigurationCommand({ FunctionName: 'hello' }));
    const dry = await client.send(
      new UpdateFunctionCodeCommand({
        FunctionName: 'hello',
        ZipFile: await tinyZip('bootstrap', 'dry'),
        DryRun: true,
      }),
    );
    expect(dry.CodeSha256).not.toBe(before.CodeSha256);
    const after = await client.send(new GetFunctionConfigurationCommand({ FunctionName: 'hello' }));
    expect(after.CodeSha256).toBe(before.CodeSha256);
    expect(after.RevisionId).toBe(before.RevisionId);
  });

  it('lists 120 functions page by page, at most 50 a page', async () => {
    const zip = await tinyZip();
    for (let i = 0; i < 120; i++) {
      await client.send(
        new CreateFunctionCommand({
          FunctionName: `page-${String(i).padStart(3, '0')}`,
          Runtime: 'provided.al2023',
          Handler: 'bootstrap',
          Role: ROLE,
          Code: { ZipFile: zip },
        }),
      );
    }
    const first = await client.send(new ListFunctionsCommand({ MaxItems: 1000 }));
    expect(first.Functions).toHaveLength(50);
    expect(first.NextMarker).toBeTruthy();
    const names: string[] = [];
    let pages = 0;
    for await (const page of paginateListFunctions({ client, pageSize: 50 }, {})) {
      pages++;
      names.push(...page.Functions!.map((f) => f.FunctionName!));
    }
    expect(pages).toBe(3);
    expect(names.filter((n) => n.startsWith('page-'))).toHaveLength(120);
    expect(new Set(names).size).toBe(names.length);
    expect(names).toEqual([...names].sort());
  });
});
