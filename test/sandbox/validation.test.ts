import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CreateFunctionCommand,
  GetFunctionConfigurationCommand,
  UpdateFunctionCodeCommand,
  UpdateFunctionConfigurationCommand,
  type CreateFunctionCommandInput,
  type LambdaClient,
} from '@aws-sdk/client-lambda';
import { lambdaClient, ROLE, tinyZip, withSandbox } from '../helpers/sandbox.js';
import { importFunction } from '../helpers/import.js';

const TINY = await tinyZip();
const base = (name: string): CreateFunctionCommandInput => ({
  FunctionName: name,
  Runtime: 'provided.al2023',
  Handler: 'bootstrap',
  Role: ROLE,
  Code: { ZipFile: TINY },
});

describe("validation with AWS's exception names, codes and messages", () => {
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

  it('refuses go1.x and provided with arm64', async () => {
    for (const runtime of ['go1.x', 'provided'] as const) {
      await expect(
        importFunction(url, {
          ...base(`arm-${runtime.replace('.', '')}`),
          Runtime: runtime,
          Architectures: ['arm64'],
        }),
      ).rejects.toMatchObject({
        status: 400,
        type: 'InvalidParameterValueException',
        message: `Runtime ${runtime} does not support the following architectures [arm64]. Please select different architectures from [x86_64, arm64] or select a different runtime.`,
      });
    }
    await importFunction(url, { ...base('legacy'), Runtime: 'go1.x', Handler: 'main' });
    await expect(
      client.send(
        new UpdateFunctionCodeCommand({
          FunctionName: 'legacy',
          ZipFile: await tinyZip(),
          Architectures: ['arm64'],
        }),
      ),
    ).rejects.toMatchObject({ name: 'InvalidParameterValueException', $metadata: { httpStatusCode: 400 } });
    // The order that works: switch the runtime first, then the architecture.
    await client.send(
      new UpdateFunctionConfigurationCommand({
        FunctionName: 'legacy',
        Runtime: 'provided.al2023',
        Handler: 'bootstrap',
      }),
    );
    const moved = await client.send(
      new UpdateFunctionCodeCommand({
        FunctionName: 'legacy',
        ZipFile: await tinyZip(),
        Architectures: ['arm64'],
      }),
    );
    expect(moved.Architectures).toEqual(['arm64']);
    await expect(
      client.send(new UpdateFunctionConfigurationCommand({ FunctionName: 'legacy', Runtime: 'go1.x' })),
    ).rejects.toMatchObject({ name: 'InvalidParameterValueException' });
  });

  it('checks model constraints with ValidationException, as Lambda does', async () => {
    const cases: [Partial<CreateFunctionCommandInput>, string][] = [
      [
        { MemorySize: 127 },
        "Value '127' at 'memorySize' failed to satisfy constraint: Member must have value greater than or equal to 128",
      ],
      [
        { MemorySize: 10241 },
        "Value '10241' at 'memorySize' failed to satisfy constraint: Member must have value less than or equal to 10240",
      ],
      [
        { Timeout: 0 },
        "at 'timeout' failed to satisfy constraint: Member must have value greater than or equal to 1",
      ],
      [
        { Timeout: 901 },
        "at 'timeout' failed to satisfy constraint: Member must have value less than or equal to 900",
      ],
      [
        { Handler: 'has space' },
        "at 'handler' failed to satisfy constraint: Member must satisfy regular expression pattern",
      ],
      [
        { Handler: 'h'.repeat(129) },
        "at 'handler' failed to satisfy constraint: Member must have length less than or equal to 128",
      ],
      [
        { Runtime: 'go2.x' as never },
        "Value 'go2.x' at 'runtime' failed to satisfy constraint: Member must satisfy enum value set",
      ],
      [
        { Architectures: ['x86_64', 'arm64'] },
        "at 'architectures' failed to satisfy constraint: Member must have length less than or equal to 1",
      ],
      [{ Role: 'not-a-role' }, "at 'role' failed to satisfy constraint"],
    ];
    for (const [change, message] of cases) {
      await expect(
        client.send(new CreateFunctionCommand({ ...base('bad'), ...change })),
      ).rejects.toMatchObject({
        name: 'ValidationException',
        message: expect.stringContaining(message),
        $metadata: { httpStatusCode: 400 },
      });
    }
  });

  it('refuses a body that is not a zip, and a zip over 50 MB', async () => {
    await expect(
      client.send(
        new CreateFunctionCommand({ ...base('notzip'), Code: { ZipFile: Buffer.from('hello, not a zip') } }),
      ),
    ).rejects.toMatchObject({
      name: 'InvalidParameterValueException',
      message: 'Could not unzip uploaded file. Please check your file, then try to upload again.',
    });
    const big = Buffer.alloc(52_428_801);
    await expect(
      client.send(new CreateFunctionCommand({ ...base('big'), Code: { ZipFile: big } })),
    ).rejects.toMatchObject({
      name: 'RequestEntityTooLargeException',
      $metadata: { httpStatusCode: 413 },
      message: 'Request must be smaller than 69905067 bytes for the CreateFunction operation',
    });
  });

  it('answers errors on the wire as Lambda does: status, x-amzn-ErrorType, {Type, Message}', async () => {
    const res = await fetch(`${url}/2015-03-31/functions/missing/configuration`);
    expect(res.status).toBe(404);
    expect(res.headers.get('x-amzn-errortype')).toBe('ResourceNotFoundException');
    // The model's ResourceNotFoundException spells it `Message` (others, e.g. ResourceConflictException, `message`).
    expect(await res.json()).toEqual({
      Type: 'User',
      Message: 'Function not found: arn:aws:lambda:us-east-1:123456789012:function:missing',
    });
  });

  it('leaves a function untouched when a change is refused', async () => {
    await client.send(new CreateFunctionCommand(base('keep')));
    const before = await client.send(new GetFunctionConfigurationCommand({ FunctionName: 'keep' }));
    await expect(
      client.send(new UpdateFunctionConfigurationCommand({ FunctionName: 'keep', MemorySize: 5 })),
    ).rejects.toThrow();
    await expect(
      client.send(new UpdateFunctionCodeCommand({ FunctionName: 'keep', ZipFile: Buffer.from('garbage') })),
    ).rejects.toThrow();
    const { $metadata: _a, ...after } = await client.send(
      new GetFunctionConfigurationCommand({ FunctionName: 'keep' }),
    );
    const { $metadata: _b, ...expected } = before;
    expect(after).toEqual(expected);
  });
});
