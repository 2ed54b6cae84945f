import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CreateFunctionCommand,
  GetFunctionConfigurationCommand,
  PublishVersionCommand,
  UpdateFunctionCodeCommand,
  UpdateFunctionConfigurationCommand,
  waitUntilFunctionActiveV2,
  waitUntilFunctionUpdatedV2,
  type LambdaClient,
} from '@aws-sdk/client-lambda';
import { lambdaClient, ROLE, tinyZip, withSandbox } from '../helpers/sandbox.js';

describe('updates: InProgress, conflicts, waiters, RevisionId', () => {
  let stop: () => Promise<void>;
  let client: LambdaClient;

  beforeAll(async () => {
    const s = await withSandbox({ updateDelayMs: 1200 });
    stop = s.stop;
    client = lambdaClient(s.sandbox.url);
    const created = await client.send(
      new CreateFunctionCommand({
        FunctionName: 'slow',
        Runtime: 'provided.al2023',
        Handler: 'bootstrap',
        Role: ROLE,
        Code: { ZipFile: await tinyZip() },
      }),
    );
    expect(created.State).toBe('Pending');
    expect(created.StateReasonCode).toBe('Creating');
  });
  afterAll(() => stop());

  it('stays Pending until the delay passes; the SDK waiter sees it Active', async () => {
    await expect(
      client.send(new UpdateFunctionConfigurationCommand({ FunctionName: 'slow', MemorySize: 256 })),
    ).rejects.toMatchObject({
      name: 'ResourceConflictException',
      message: expect.stringContaining('currently in the following state: Pending'),
    });
    const r = await waitUntilFunctionActiveV2(
      { client, maxWaitTime: 30, minDelay: 1 },
      { FunctionName: 'slow' },
    );
    expect(r.state).toBe('SUCCESS');
  });

  it('refuses code, configuration and publish while an update is InProgress', async () => {
    const updated = await client.send(
      new UpdateFunctionConfigurationCommand({ FunctionName: 'slow', MemorySize: 256 }),
    );
    expect(updated.LastUpdateStatus).toBe('InProgress');
    const arn = 'arn:aws:lambda:us-east-1:123456789012:function:slow';
    const conflict = {
      name: 'ResourceConflictException',
      message: `The operation cannot be performed at this time. An update is in progress for resource: ${arn}`,
      $metadata: { httpStatusCode: 409 },
    };
    await expect(
      client.send(
        new UpdateFunctionCodeCommand({ FunctionName: 'slow', ZipFile: await tinyZip('bootstrap', 'x') }),
      ),
    ).rejects.toMatchObject(conflict);
    await expect(
      client.send(new UpdateFunctionConfigurationCommand({ FunctionName: 'slow', Timeout: 9 })),
    ).rejects.toMatchObject(conflict);
    await expect(client.send(new PublishVersionCommand({ FunctionName: 'slow' }))).rejects.toMatchObject(
      conflict,
    );
    const r = await waitUntilFunctionUpdatedV2(
      { client, maxWaitTime: 30, minDelay: 1 },
      { FunctionName: 'slow' },
    );
    expect(r.state).toBe('SUCCESS');
    const after = await client.send(new GetFunctionConfigurationCommand({ FunctionName: 'slow' }));
    expect(after).toMatchObject({ LastUpdateStatus: 'Successful', MemorySize: 256 });
  });

  it('code update then configuration update, each followed by the waiter', async () => {
    const code = await client.send(
      new UpdateFunctionCodeCommand({
        FunctionName: 'slow',
        ZipFile: await tinyZip('bootstrap', 'v3'),
        Architectures: ['arm64'],
      }),
    );
    expect(code.LastUpdateStatus).toBe('InProgress');
    await waitUntilFunctionUpdatedV2({ client, maxWaitTime: 30, minDelay: 1 }, { FunctionName: 'slow' });
    await client.send(
      new UpdateFunctionConfigurationCommand({ FunctionName: 'slow', Handler: 'bootstrap2' }),
    );
    await waitUntilFunctionUpdatedV2({ client, maxWaitTime: 30, minDelay: 1 }, { FunctionName: 'slow' });
    const after = await client.send(new GetFunctionConfigurationCommand({ FunctionName: 'slow' }));
    expect(after).toMatchObject({
      Handler: 'bootstrap2',
      Architectures: ['arm64'],
      CodeSha256: code.CodeSha256,
    });
  });

  it('guards changes with RevisionId: a stale one gets PreconditionFailedException (412)', async () => {
    const current = await client.send(new GetFunctionConfigurationCommand({ FunctionName: 'slow' }));
    const stale = '00000000-0000-4000-8000-000000000000';
    const precondition = {
      name: 'PreconditionFailedException',
      message: expect.stringContaining('does not match the latest Revision Id'),
      $metadata: { httpStatusCode: 412 },
    };
    await expect(
      client.send(
        new UpdateFunctionConfigurationCommand({ FunctionName: 'slow', Timeout: 7, RevisionId: stale }),
      ),
    ).rejects.toMatchObject(precondition);
    await expect(
      client.send(
        new UpdateFunctionCodeCommand({ FunctionName: 'slow', ZipFile: await tinyZip(), RevisionId: stale }),
      ),
    ).rejects.toMatchObject(precondition);
    await expect(
      client.send(new PublishVersionCommand({ FunctionName: 'slow', RevisionId: stale })),
    ).rejects.toMatchObject(precondition);
    const ok = await client.send(
      new UpdateFunctionConfigurationCommand({
        FunctionName: 'slow',
        Timeout: 7,
        RevisionId: current.RevisionId,
      }),
    );
    expect(ok.Timeout).toBe(7);
  });
});
