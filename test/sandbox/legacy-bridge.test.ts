import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  UpdateFunctionCodeCommand,
  UpdateFunctionConfigurationCommand,
  waitUntilFunctionUpdatedV2,
  type LambdaClient,
} from '@aws-sdk/client-lambda';
import { writeZip } from '../../src/archive/zip.js';
import { findGo } from '../../src/golang/go-toolchain.js';
import { buildDemoBinary, defaultBuildCache, DEMO_FUNCTIONS } from '../../src/sandbox/seed.js';
import { importFunction } from '../helpers/import.js';
import { invoke } from '../helpers/invoke.js';
import { lambdaClient, ROLE, withSandbox } from '../helpers/sandbox.js';

/** The original go1.x zip plus a `bootstrap` symlink to the handler: runs on go1.x and on provided.*. */
const bridgeZip = (handler: string, binary: Buffer) =>
  writeZip([
    { name: handler, data: binary, mode: 0o755 },
    { name: 'bootstrap', symlinkTarget: handler },
  ]);

describe('the demo binaries on go1.x and after the switch to provided.al2023', () => {
  let stop: () => Promise<void>;
  let client: LambdaClient;
  let url: string;
  const binaries: Record<string, Buffer> = {};

  beforeAll(async () => {
    const go = (await findGo())!;
    for (const name of ['legacy-billing', 'payments-webhook']) {
      binaries[name] = await buildDemoBinary(
        go,
        DEMO_FUNCTIONS.find((f) => f.name === name)!,
        defaultBuildCache(),
      );
    }
    const s = await withSandbox({ updateDelayMs: 100 });
    stop = s.stop;
    url = s.sandbox.url;
    client = lambdaClient(url);
  }, 300_000);
  afterAll(() => stop());

  async function migrate(name: string, handler: string) {
    await importFunction(url, {
      FunctionName: name,
      Runtime: 'go1.x',
      Handler: handler,
      Role: ROLE,
      Code: { ZipFile: await writeZip([{ name: handler, data: binaries[name]!, mode: 0o755 }]) },
    });
    const onGo1x = await invoke(client, {
      FunctionName: name,
      event: { customer: 'acme', cents: 500, type: 'charge', amount: 5 },
    });
    await client.send(
      new UpdateFunctionCodeCommand({
        FunctionName: name,
        ZipFile: await bridgeZip(handler, binaries[name]!),
      }),
    );
    await waitUntilFunctionUpdatedV2({ client, maxWaitTime: 30, minDelay: 1 }, { FunctionName: name });
    const bridged = await invoke(client, {
      FunctionName: name,
      event: { customer: 'acme', cents: 500, type: 'charge', amount: 5 },
    });
    await client.send(
      new UpdateFunctionConfigurationCommand({
        FunctionName: name,
        Runtime: 'provided.al2023',
        Handler: 'bootstrap',
      }),
    );
    await waitUntilFunctionUpdatedV2({ client, maxWaitTime: 30, minDelay: 1 }, { FunctionName: name });
    const onProvided = await invoke(client, {
      FunctionName: name,
      event: { customer: 'acme', cents: 500, type: 'charge', amount: 5 },
    });
    return { onGo1x, bridged, onProvided };
  }

  it('the legacy RPC-only function answers on go1.x, and on provided.al2023 hangs until the init phase times out', async () => {
    const { onGo1x, bridged, onProvided } = await migrate('legacy-billing', 'billing');
    expect(onGo1x.functionError).toBeUndefined();
    expect(onGo1x.body).toEqual({ customer: 'acme', taxCents: 100, billed: true });
    expect(bridged.body).toEqual(onGo1x.body);
    expect(onProvided.functionError).toBe('Unhandled');
    // As the real v1.13.3 does (test/sandbox/stand-ins.test.ts): no message, no exit, no event asked for.
    expect(onProvided.body.errorType).toBe('Sandbox.Timedout');
    expect(onProvided.body.errorMessage).toMatch(/Init phase timed out after 10\.00 seconds/);
    expect(onProvided.log).not.toContain('expected AWS Lambda environment variables');
  }, 60_000);

  it('a v1.41 binary in a bridge zip runs on go1.x and on provided.al2023 alike', async () => {
    const { onGo1x, bridged, onProvided } = await migrate('payments-webhook', 'payments-webhook');
    expect(onGo1x.body).toBe('accepted charge of 5');
    expect(bridged.body).toBe('accepted charge of 5');
    expect(onProvided.functionError).toBeUndefined();
    expect(onProvided.body).toBe('accepted charge of 5');
    expect(onProvided.report!.initDurationMs).toBeGreaterThan(0);
  });
});
