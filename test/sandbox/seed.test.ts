import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GetFunctionCommand, ListFunctionsCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import { openZip } from '../../src/archive/zip.js';
import { DEMO_FUNCTIONS, seedDemoFunctions } from '../../src/sandbox/seed.js';
import { lambdaClient, withSandbox } from '../helpers/sandbox.js';
import type { Sandbox } from '../../src/sandbox/server.js';

describe('demo functions built from the Go sources in demo/', () => {
  let sandbox: Sandbox;
  let stop: () => Promise<void>;
  const clients: Record<string, LambdaClient> = {};

  beforeAll(async () => {
    const s = await withSandbox();
    sandbox = s.sandbox;
    stop = s.stop;
    const created = await seedDemoFunctions(sandbox.context);
    expect(created).toHaveLength(DEMO_FUNCTIONS.length);
    for (const region of ['us-east-1', 'eu-west-1']) clients[region] = lambdaClient(sandbox.url, region);
  }, 300_000);
  afterAll(() => stop());

  it('seeds every demo function once; seeding again creates nothing', async () => {
    expect(await seedDemoFunctions(sandbox.context)).toEqual([]);
    const us = await clients['us-east-1']!.send(new ListFunctionsCommand({}));
    const eu = await clients['eu-west-1']!.send(new ListFunctionsCommand({}));
    expect(us.Functions!.length + eu.Functions!.length).toBe(DEMO_FUNCTIONS.length);
  });

  it.each(DEMO_FUNCTIONS.filter((f) => f.source).map((f) => [f.name, f] as const))(
    '%s: the handler in the zip is an executable ELF for its architecture',
    async (_name, fn) => {
      const got = await clients[fn.region]!.send(new GetFunctionCommand({ FunctionName: fn.name }));
      expect(got.Configuration).toMatchObject({
        Runtime: fn.runtime,
        Handler: fn.handler,
        Architectures: [fn.architecture],
      });
      const zip = Buffer.from(await (await fetch(got.Code!.Location!)).arrayBuffer());
      const archive = await openZip(zip);
      const entries = archive.entries;
      const bin = entries.find((e) => e.name === fn.handler)!;
      expect(bin.unixMode! & 0o777).toBe(0o755);
      const elf = await archive.read(bin);
      expect(elf.readUInt16LE(0x12)).toBe(fn.architecture === 'arm64' ? 183 : 62);
      for (const extra of fn.extraFiles ?? []) expect(entries.map((e) => e.name)).toContain(extra);
      // Build info names the aws-lambda-go version the demo claims.
      const lib = fn.name === 'legacy-billing' ? 'v1.13.3' : 'v1.41.0';
      expect(elf.includes(Buffer.from(`dep\tgithub.com/aws/aws-lambda-go\t${lib}`))).toBe(true);
      // The RPC-only legacy binary knows nothing of the Runtime API; the others do.
      expect(elf.includes(Buffer.from('AWS_LAMBDA_RUNTIME_API'))).toBe(fn.name !== 'legacy-billing');
    },
  );

  it('orders-api carries its CloudFormation tag and a published version behind alias live', async () => {
    const got = await clients['us-east-1']!.send(
      new GetFunctionCommand({ FunctionName: 'orders-api', Qualifier: 'live' }),
    );
    expect(got.Configuration!.Version).toBe('1');
    expect(got.Tags).toMatchObject({ 'aws:cloudformation:stack-name': 'shop-prod' });
  });
});
