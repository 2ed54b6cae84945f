import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LambdaClient } from '@aws-sdk/client-lambda';
import { bootstrapZip, bridgeZip } from '../../src/archive/package.js';
import { readDeployment } from '../../src/archive/deployment.js';
import { writeZip } from '../../src/archive/zip.js';
import { bundledLifecycle } from '../../src/lambda/lifecycle.js';
import { inspectBinary } from '../../src/golang/inspect-binary.js';
import { rebuildBootstrap, type RebuildEvent } from '../../src/golang/rebuild.js';
import { findModules, matchSource } from '../../src/golang/source-match.js';
import { emulatorFor } from '../../src/sandbox/exec/emulation.js';
import { smokeTest } from '../../src/sandbox/exec/smoke.js';
import { buildDemoBinary, defaultBuildCache, DEMO_FUNCTIONS, DEMO_DIR } from '../../src/sandbox/seed.js';
import { findGo } from '../../src/golang/go-toolchain.js';
import { FIXTURES } from '../helpers/go.js';
import { importFunction } from '../helpers/import.js';
import { invoke } from '../helpers/invoke.js';
import { lambdaClient, ROLE, withSandbox } from '../helpers/sandbox.js';

const OFFLINE = { GOFLAGS: '-mod=mod', GOPROXY: 'off', GOWORK: 'off' };

describe('rebuilding a demo function for arm64 and packaging it', () => {
  let stop: () => Promise<void>;
  let client: LambdaClient;
  let url: string;
  let qemu = false;

  beforeAll(async () => {
    const s = await withSandbox();
    stop = s.stop;
    url = s.sandbox.url;
    client = lambdaClient(url);
    qemu = !((await emulatorFor('arm64')) instanceof Error);
  });
  afterAll(() => stop());

  it('finds the source from the binary, rebuilds it as an arm64 bootstrap, smoke-tests it and runs it in the sandbox', async (ctx) => {
    const go = (await findGo())!;
    const fn = DEMO_FUNCTIONS.find((f) => f.name === 'orders-api')!;
    const deployed = await buildDemoBinary(go, fn, defaultBuildCache());
    const report = inspectBinary('orders-api', deployed, 'provided.al2023', bundledLifecycle());
    const match = await matchSource(
      await findModules([join(DEMO_DIR, 'functions')]),
      report.mainPath,
      fn.handler,
    );
    expect(match.status).toBe('found');
    expect(match.dir).toBe(join(DEMO_DIR, 'functions', 'orders-api'));

    const events: RebuildEvent[] = [];
    const built = await rebuildBootstrap(
      {
        packageDir: match.dir!,
        moduleGoVersion: match.module!.goVersion,
        architecture: 'arm64',
        tags: report.tags,
        env: OFFLINE,
      },
      (e) => events.push(e),
    );
    expect(events.at(-1)).toMatchObject({ type: 'built' });
    expect(built.args).toContain('GOARCH=arm64 CGO_ENABLED=0');
    const after = inspectBinary('bootstrap', built.binary, 'provided.al2023', bundledLifecycle());
    expect(after).toMatchObject({
      arch: 'arm64',
      linkage: 'static',
      tags: ['lambda.norpc'],
      rpc: false,
      runtimeApi: true,
    });
    expect(built.binary.length).toBeLessThan(deployed.length); // -s -w and no RPC server

    const original = await readDeployment(
      await writeZip([
        { name: 'orders-api', data: deployed, mode: 0o755 },
        { name: 'config.json', data: Buffer.from('{}') },
      ]),
    );
    const zip = await bootstrapZip(original, built.binary, 'orders-api');
    expect((await readDeployment(zip)).entries.map((e) => e.name)).toEqual(['bootstrap', 'config.json']);

    if (!qemu) ctx.skip();
    const smoke = await smokeTest({ zip, architecture: 'arm64', event: { orderId: 'A-1' }, timeout: 30 });
    expect(smoke.functionError).toBe(false);
    expect(smoke.response).toMatchObject({ orderId: 'A-1', status: 'shipped' });
    expect(smoke.emulatedBy).toMatch(/qemu-aarch64/);

    await importFunction(url, {
      FunctionName: 'orders-arm',
      Runtime: 'provided.al2023',
      Handler: 'bootstrap',
      Role: ROLE,
      Architectures: ['arm64'],
      Timeout: 30,
      Code: { ZipFile: zip },
    });
    const r = await invoke(client, { FunctionName: 'orders-arm', event: { orderId: 'B-2' } });
    expect(r.functionError).toBeUndefined();
    expect(r.body).toMatchObject({ orderId: 'B-2' });
  }, 300_000);

  it('a bridge zip made by the packager runs on go1.x and on provided.al2023', async () => {
    const go = (await findGo())!;
    const fn = DEMO_FUNCTIONS.find((f) => f.name === 'payments-webhook')!;
    const binary = await buildDemoBinary(go, fn, defaultBuildCache());
    const zip = await bridgeZip(
      await readDeployment(await writeZip([{ name: 'payments-webhook', data: binary, mode: 0o755 }])),
      'payments-webhook',
    );
    await importFunction(url, {
      FunctionName: 'bridge-go1x',
      Runtime: 'go1.x',
      Handler: 'payments-webhook',
      Role: ROLE,
      Code: { ZipFile: zip },
    });
    await importFunction(url, {
      FunctionName: 'bridge-al2023',
      Runtime: 'provided.al2023',
      Handler: 'bootstrap',
      Role: ROLE,
      Code: { ZipFile: zip },
    });
    for (const name of ['bridge-go1x', 'bridge-al2023']) {
      const r = await invoke(client, { FunctionName: name, event: { type: 'refund', amount: 3 } });
      expect(r.body, name).toBe('accepted refund of 3');
    }
  }, 300_000);
});

describe('rebuild failures say what to do', () => {
  it('a module that needs a newer Go', async () => {
    await expect(
      rebuildBootstrap({
        packageDir: join(FIXTURES, 'behave'),
        moduleGoVersion: '9.99',
        architecture: 'arm64',
        env: OFFLINE,
      }),
    ).rejects.toMatchObject({
      message: expect.stringContaining('needs Go 9.99'),
      hint: expect.stringContaining('Install Go 9.99'),
    });
  });

  it('dependencies that cannot be downloaded', async () => {
    await expect(
      rebuildBootstrap({ packageDir: join(FIXTURES, 'needs-module'), architecture: 'arm64', env: OFFLINE }),
    ).rejects.toMatchObject({
      message: expect.stringContaining('cannot be downloaded'),
      hint: expect.stringContaining('go mod download'),
    });
  }, 120_000);

  it('a package that needs cgo', async () => {
    await expect(
      rebuildBootstrap({ packageDir: join(FIXTURES, 'cgo'), architecture: 'arm64', env: OFFLINE }),
    ).rejects.toMatchObject({
      message: expect.stringContaining('needs cgo'),
      hint: expect.stringContaining('aarch64-linux-gnu-gcc'),
    });
  }, 120_000);

  it('source matching reports ambiguity instead of guessing', async () => {
    const fixtures = fileURLToPath(new URL('../fixtures/go/', import.meta.url));
    const modules = await findModules([fixtures, fixtures]);
    const m = await matchSource(modules, 'example.com/fixtures/behave', 'behave');
    expect(m.status).toBe('ambiguous');
    expect(m.candidates).toHaveLength(2);
    expect((await matchSource(modules, 'example.com/nowhere', undefined)).status).toBe('not-found');
  });
});
