import { afterEach, describe, expect, it } from 'vitest';
import {
  CreateFunctionCommand,
  GetFunctionConfigurationCommand,
  UpdateFunctionCodeCommand,
  UpdateFunctionConfigurationCommand,
} from '@aws-sdk/client-lambda';
import { lambdaClient, ROLE, tinyZip, withSandbox } from '../helpers/sandbox.js';
import { importFunction } from '../helpers/import.js';

const MAIN_ZIP = await tinyZip('main');
const blocked = (runtime: string) =>
  `The runtime parameter of ${runtime} is no longer supported for creating or updating AWS Lambda functions. We recommend you use a supported runtime while creating or updating functions.`;

describe('runtime lifecycle rules follow --today', () => {
  let stop: (() => Promise<void>) | undefined;
  afterEach(async () => {
    await stop?.();
    stop = undefined;
  });

  async function sandboxOn(today: string) {
    const s = await withSandbox({ today });
    stop = s.stop;
    return { url: s.sandbox.url, client: lambdaClient(s.sandbox.url) };
  }

  const go1x = {
    FunctionName: 'fn',
    Runtime: 'go1.x' as const,
    Handler: 'main',
    Role: ROLE,
    Code: { ZipFile: MAIN_ZIP },
  };

  it('before go1.x block-create, go1.x functions can be created', async () => {
    const { client } = await sandboxOn('2024-01-15');
    const out = await client.send(new CreateFunctionCommand(go1x));
    expect(out.Runtime).toBe('go1.x');
  });

  it('after block-create, creating fails; updating code and configuration still works', async () => {
    const { url, client } = await sandboxOn('2026-11-27');
    await expect(client.send(new CreateFunctionCommand(go1x))).rejects.toMatchObject({
      name: 'InvalidParameterValueException',
      message: blocked('go1.x'),
      $metadata: { httpStatusCode: 400 },
    });
    await importFunction(url, go1x);
    const code = await client.send(
      new UpdateFunctionCodeCommand({ FunctionName: 'fn', ZipFile: await tinyZip('main', 'v2') }),
    );
    expect(code.Runtime).toBe('go1.x');
    await client.send(
      new UpdateFunctionConfigurationCommand({ FunctionName: 'fn', Runtime: 'go1.x', MemorySize: 256 }),
    );
  });

  it('after block-update, setting go1.x or updating the code of a go1.x function fails; other changes succeed', async () => {
    const { url, client } = await sandboxOn('2027-03-03');
    await importFunction(url, go1x);
    await expect(
      client.send(
        new UpdateFunctionCodeCommand({ FunctionName: 'fn', ZipFile: await tinyZip('main', 'v2') }),
      ),
    ).rejects.toMatchObject({ name: 'InvalidParameterValueException', message: blocked('go1.x') });
    await expect(
      client.send(new UpdateFunctionConfigurationCommand({ FunctionName: 'fn', Runtime: 'go1.x' })),
    ).rejects.toMatchObject({ name: 'InvalidParameterValueException', message: blocked('go1.x') });
    const mem = await client.send(
      new UpdateFunctionConfigurationCommand({ FunctionName: 'fn', MemorySize: 512 }),
    );
    expect(mem.MemorySize).toBe(512);
    // Moving off go1.x is still allowed, and afterwards the code can change again.
    await client.send(
      new UpdateFunctionConfigurationCommand({
        FunctionName: 'fn',
        Runtime: 'provided.al2023',
        Handler: 'bootstrap',
      }),
    );
    await client.send(
      new UpdateFunctionCodeCommand({
        FunctionName: 'fn',
        ZipFile: await tinyZip(),
        Architectures: ['arm64'],
      }),
    );
    // ...but going back to go1.x is refused: AWS's advice is versions and aliases.
    await expect(
      client.send(
        new UpdateFunctionConfigurationCommand({ FunctionName: 'fn', Runtime: 'go1.x', Handler: 'main' }),
      ),
    ).rejects.toMatchObject({ name: 'InvalidParameterValueException' });
    const now = await client.send(new GetFunctionConfigurationCommand({ FunctionName: 'fn' }));
    expect(now).toMatchObject({ Runtime: 'provided.al2023', Architectures: ['arm64'] });
  });

  it('provided.al2 is creatable before its block-create date and not after', async () => {
    const input = { ...go1x, FunctionName: 'al2', Runtime: 'provided.al2' as const, Handler: 'bootstrap' };
    const early = await sandboxOn('2026-11-27');
    await early.client.send(new CreateFunctionCommand(input));
    await stop!();
    stop = undefined;
    const late = await sandboxOn('2027-02-01');
    await expect(late.client.send(new CreateFunctionCommand(input))).rejects.toMatchObject({
      message: blocked('provided.al2'),
    });
  });
});
