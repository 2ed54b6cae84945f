import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  CreateAliasCommand,
  CreateFunctionCommand,
  GetFunctionCommand,
  ListFunctionsCommand,
  PublishVersionCommand,
  TagResourceCommand,
  UpdateFunctionConfigurationCommand,
  paginateListFunctions,
  type LambdaClient,
} from '@aws-sdk/client-lambda';
import { startSandbox } from '../../src/sandbox/server.js';
import { lambdaClient, ROLE, tempDir, tinyZip } from '../helpers/sandbox.js';
import { startSandboxProcess } from '../helpers/cli.js';

const create = async (client: LambdaClient, name: string) =>
  client.send(
    new CreateFunctionCommand({
      FunctionName: name,
      Runtime: 'provided.al2023',
      Handler: 'bootstrap',
      Role: ROLE,
      Code: { ZipFile: await tinyZip('bootstrap', name) },
    }),
  );

async function snapshot(client: LambdaClient) {
  const out: Record<string, unknown> = {};
  for await (const page of paginateListFunctions({ client }, { FunctionVersion: 'ALL' })) {
    for (const f of page.Functions ?? []) out[`${f.FunctionName}:${f.Version}`] = f;
  }
  return out;
}

describe('durable state', () => {
  const cleanups: (() => Promise<unknown>)[] = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });

  it('survives a restart: functions, versions, aliases, tags, code', async () => {
    const { dir, cleanup } = await tempDir();
    cleanups.push(cleanup);
    const first = await startSandbox({ dataDir: dir, throttle: false });
    const c1 = lambdaClient(first.url);
    await create(c1, 'a');
    await create(c1, 'b');
    await c1.send(new PublishVersionCommand({ FunctionName: 'a' }));
    await c1.send(new CreateAliasCommand({ FunctionName: 'a', Name: 'live', FunctionVersion: '1' }));
    await c1.send(
      new TagResourceCommand({
        Resource: 'arn:aws:lambda:us-east-1:123456789012:function:a',
        Tags: { k: 'v' },
      }),
    );
    await c1.send(new UpdateFunctionConfigurationCommand({ FunctionName: 'b', MemorySize: 1024 }));
    const before = await snapshot(c1);
    await first.close();

    const second = await startSandbox({ dataDir: dir, throttle: false });
    cleanups.push(() => second.close());
    const c2 = lambdaClient(second.url);
    expect(await snapshot(c2)).toEqual(before);
    const a = await c2.send(new GetFunctionCommand({ FunctionName: 'a', Qualifier: 'live' }));
    expect(a.Tags).toEqual({ k: 'v' });
    const zip = Buffer.from(await (await fetch(a.Code!.Location!)).arrayBuffer());
    expect(zip.equals(await tinyZip('bootstrap', 'a'))).toBe(true);
  });

  it('loses no acknowledged change when killed with SIGKILL in the middle of writes', async () => {
    const { dir, cleanup } = await tempDir();
    cleanups.push(cleanup);
    for (let round = 0; round < 3; round++) {
      const proc = await startSandboxProcess([
        '--no-seed',
        '--no-throttle',
        '--update-delay-ms',
        '0',
        '--data-dir',
        dir,
      ]);
      const client = lambdaClient(proc.url);
      const acked = new Map<string, number>();
      let stopWriting = false;
      const writer = async (w: number) => {
        for (let i = 0; !stopWriting; i++) {
          const name = `r${round}-w${w}-${i}`;
          try {
            await create(client, name);
            acked.set(name, 0);
            for (let d = 1; d <= 3 && !stopWriting; d++) {
              await client.send(
                new UpdateFunctionConfigurationCommand({ FunctionName: name, Description: String(d) }),
              );
              acked.set(name, d);
            }
          } catch {
            return; // the process died under us
          }
        }
      };
      const writers = [0, 1, 2, 3].map(writer);
      // Killed in the middle of writes: after a while, and once a few have been acknowledged (a busy
      // machine acknowledges fewer in the same time).
      const started = Date.now();
      while (Date.now() - started < 400 + round * 250 || (acked.size <= 5 && Date.now() - started < 20_000))
        await new Promise((r) => setTimeout(r, 25));
      proc.child.kill('SIGKILL');
      stopWriting = true;
      await Promise.all(writers);
      await new Promise((r) => proc.child.once('exit', r));
      expect(acked.size).toBeGreaterThan(5);

      const again = await startSandboxProcess(['--no-seed', '--no-throttle', '--data-dir', dir]);
      const c = lambdaClient(again.url);
      const state = await snapshot(c);
      for (const [name, description] of acked) {
        const f = state[`${name}:$LATEST`] as { Description: string } | undefined;
        expect(f, `${name} was acknowledged`).toBeDefined();
        expect(Number(f!.Description || '0')).toBeGreaterThanOrEqual(description);
      }
      const list = await c.send(new ListFunctionsCommand({}));
      expect(list.Functions!.length).toBeGreaterThan(0);
      expect(await again.stop()).toBe(0);
    }
    const leftovers = (await readdir(join(dir, 'functions', 'us-east-1'))).filter((n) =>
      n.startsWith('.tmp-'),
    );
    expect(leftovers).toEqual([]);
  }, 120_000);
});
