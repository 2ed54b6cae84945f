import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LambdaClient } from '@aws-sdk/client-lambda';
import { writeZip } from '../../src/archive/zip.js';
import { bundledLifecycle } from '../../src/lambda/lifecycle.js';
import { inspectBinary } from '../../src/golang/inspect-binary.js';
import { importBinary, importFunction } from '../helpers/import.js';
import { invoke } from '../helpers/invoke.js';
import { buildWithRelease, type RealRelease } from '../helpers/real-lambda-go.js';
import { lambdaClient, ROLE, withSandbox } from '../helpers/sandbox.js';
import { createLambdaPort } from '../../src/aws/lambda-port.js';
import { createBuildPort } from '../../src/commands/build-port.js';
import { planFunction } from '../../src/core/plan.js';
import { emulatorFor } from '../../src/sandbox/exec/emulation.js';
import { hostArchitecture } from '../../src/golang/elf-machine.js';
import { isoDay } from '../../src/lambda/lifecycle.js';
import { riskText } from '../../src/ui/plan-words.js';

// The real aws-lambda-go releases, built into the same small handler (it echoes `name` and lambdacontext's
// request id, panics on `panic`, fails on `fail`), run by the sandbox the way Lambda runs them.
describe('functions built with the real aws-lambda-go releases', () => {
  let stop: () => Promise<void>;
  let url: string;
  let client: LambdaClient;
  const bins = new Map<string, Buffer>();

  beforeAll(async () => {
    const s = await withSandbox();
    stop = s.stop;
    url = s.sandbox.url;
    client = lambdaClient(url);
    for (const v of ['v1.13.3', 'v1.18.0', 'v1.19.1', 'v1.54.0'] as RealRelease[])
      bins.set(v, await buildWithRelease(v));
    bins.set('v1.18.0-norpc', await buildWithRelease('v1.18.0', { tags: ['lambda.norpc'] }));
  }, 300_000);
  afterAll(() => stop());

  const deploy = (name: string, bin: string, runtime: 'go1.x' | 'provided.al2023') =>
    importBinary(url, name, bins.get(bin)!, runtime);

  it('v1.13.3 answers on go1.x, with the request id', async () => {
    await deploy('old-go1x', 'v1.13.3', 'go1.x');
    const r = await invoke(client, { FunctionName: 'old-go1x', event: { name: 'a' } });
    expect(r.functionError).toBeUndefined();
    expect(r.body.hello).toBe('a');
    expect(r.body.requestId).toBe(r.out.$metadata.requestId ?? r.body.requestId);
    expect(String(r.body.requestId)).not.toBe('');
  });

  it('v1.13.3 on provided.al2023 does not exit: it hangs until the init phase times out (10 s)', async () => {
    await deploy('old-provided', 'v1.13.3', 'provided.al2023');
    const t0 = Date.now();
    const r = await invoke(client, { FunctionName: 'old-provided', event: { name: 'a' } });
    expect(Date.now() - t0).toBeGreaterThanOrEqual(9_500);
    expect(r.functionError).toBe('Unhandled');
    expect(r.body).toMatchObject({ errorType: 'Sandbox.Timedout' });
    expect(String(r.body.errorMessage)).toMatch(/Init phase timed out after 10\.00 seconds/);
    expect(r.log).not.toMatch(/expected AWS Lambda environment variables/);
    // And inspect says so, instead of an exit message the library never prints.
    const report = inspectBinary('bootstrap', bins.get('v1.13.3')!, 'provided.al2023', bundledLifecycle());
    expect(report.verdict).toBe('rebuild-required');
    expect(report.reasons.join('\n')).toMatch(/hangs until the init phase times out/);
    expect(report.reasons.join('\n')).not.toMatch(/expected AWS Lambda environment variables/);
  }, 30_000);

  it.each(['v1.18.0', 'v1.54.0'])(
    '%s on provided.al2023: after a panic the next invocation gets a new environment, with an INIT',
    async (v) => {
      const name = `panics-${v.replaceAll('.', '-')}`;
      await deploy(name, v, 'provided.al2023');
      const first = await invoke(client, { FunctionName: name, event: { name: 'warm-up' } });
      expect(first.report?.initDurationMs).toBeDefined();
      const boom = await invoke(client, { FunctionName: name, event: { panic: true } });
      expect(boom.functionError).toBe('Unhandled');
      expect(String(boom.body.errorMessage)).toMatch(/asked to panic/);
      const after = await invoke(client, { FunctionName: name, event: { name: 'after' } });
      expect(after.functionError).toBeUndefined();
      expect(after.body.hello).toBe('after');
      expect(after.report?.initDurationMs).toBeDefined();
      expect(after.log).toMatch(/INIT_START/);
      // A returned error is not a crash: the environment stays warm.
      const failed = await invoke(client, { FunctionName: name, event: { fail: true } });
      expect(failed.functionError).toBe('Unhandled');
      const warm = await invoke(client, { FunctionName: name, event: { name: 'warm' } });
      expect(warm.report?.initDurationMs).toBeUndefined();
    },
    60_000,
  );

  it('v1.18.0 leaves lambdacontext.AwsRequestID empty on the Runtime API path; v1.19.1 fills it', async () => {
    await deploy('rid-1180', 'v1.18.0', 'provided.al2023');
    await deploy('rid-1191', 'v1.19.1', 'provided.al2023');
    await deploy('rid-1180-go1x', 'v1.18.0', 'go1.x');
    expect((await invoke(client, { FunctionName: 'rid-1180', event: {} })).body.requestId).toBe('');
    expect((await invoke(client, { FunctionName: 'rid-1191', event: {} })).body.requestId).not.toBe('');
    // On go1.x (RPC) the same v1.18.0 binary has it: the change shows only after the migration.
    expect((await invoke(client, { FunctionName: 'rid-1180-go1x', event: {} })).body.requestId).not.toBe('');
  }, 60_000);

  it('a lambda.norpc binary fails on go1.x: it has no RPC server to start', async () => {
    await deploy('norpc-go1x', 'v1.18.0-norpc', 'go1.x');
    const r = await invoke(client, { FunctionName: 'norpc-go1x', event: {} });
    expect(r.functionError).toBe('Unhandled');
    await deploy('norpc-provided', 'v1.18.0-norpc', 'provided.al2023');
    expect((await invoke(client, { FunctionName: 'norpc-provided', event: { name: 'x' } })).body.hello).toBe(
      'x',
    );
  }, 60_000);

  const planOf = (name: string) =>
    planFunction(
      createLambdaPort({ endpointUrl: url, staticCredentials: { accessKeyId: 'a', secretAccessKey: 'b' } }),
      createBuildPort([]),
      bundledLifecycle(),
      { region: 'us-east-1', name },
      { target: 'provided.al2023', arch: 'x86_64', strategy: 'auto', today: isoDay() },
    );

  it('plan warns that a v1.18.0 function will lose its request id on provided.*', async () => {
    await deploy('plan-1180', 'v1.18.0', 'go1.x');
    const plan = await planOf('plan-1180');
    expect(plan.blocked).toBeNull();
    const risk = plan.risks.find((r) => r.code === 'request-id-empty');
    expect(risk).toMatchObject({ level: 'warning', version: 'v1.18.0', fixedIn: 'v1.19.1' });
    expect(riskText(risk!, 'cli')).toMatch(/AwsRequestID empty/);
    // Its own smoke test shows it: the rebuilt or repackaged code answers with an empty request id.
    expect(plan.smoke?.response).toMatch(/"requestId":""/);
    await deploy('plan-1191', 'v1.19.1', 'go1.x');
    expect((await planOf('plan-1191')).risks.map((r) => r.code)).not.toContain('request-id-empty');
  }, 60_000);

  it('plan says a lambda.norpc binary on go1.x fails today, and claims no bridge for it', async () => {
    await deploy('plan-norpc', 'v1.18.0-norpc', 'go1.x');
    const plan = await planOf('plan-norpc');
    expect(plan.blocked).toBeNull();
    expect(plan.risks.map((r) => r.code)).toContain('fails-on-go1x');
    expect(plan.risks.map((r) => r.code)).not.toContain('no-bridge');
    expect(plan.steps.map((s) => s.action)).not.toContain('bridge');
    expect(plan.artifacts.bridge).toBeUndefined();
  }, 60_000);

  it('a binary linked against glibc 2.34 fails on go1.x (2.17) and provided.al2 (2.26), and runs on provided.al2023', async () => {
    const dynamic = await buildWithRelease('v1.54.0', { cgo: true });
    const zip = (file: string) => writeZip([{ name: file, data: dynamic, mode: 0o755 }]);
    const runtimes = [
      ['glibc-go1x', 'go1.x', 'handler'],
      ['glibc-al2', 'provided.al2', 'bootstrap'],
      ['glibc-al2023', 'provided.al2023', 'bootstrap'],
    ] as const;
    for (const [name, runtime, file] of runtimes)
      await importFunction(url, {
        FunctionName: name,
        Runtime: runtime,
        Handler: file,
        Role: ROLE,
        Code: { ZipFile: await zip(file) },
      });
    for (const [name, , file] of runtimes.slice(0, 2)) {
      const r = await invoke(client, { FunctionName: name, event: { name: 'x' } });
      expect(r.functionError).toBe('Unhandled');
      expect(r.body.errorType).toBe('Runtime.ExitError');
      expect(r.log).toContain(`/var/task/${file}: /lib64/libc.so.6: version \`GLIBC_2.34' not found`);
    }
    const ok = await invoke(client, { FunctionName: 'glibc-al2023', event: { name: 'x' } });
    expect(ok.functionError).toBeUndefined();
    expect(ok.body.hello).toBe('x');
    // inspect agrees: rebuild-required for provided.al2, fine for provided.al2023.
    expect(inspectBinary('bootstrap', dynamic, 'provided.al2', bundledLifecycle()).verdict).toBe(
      'rebuild-required',
    );
    expect(inspectBinary('bootstrap', dynamic, 'provided.al2023', bundledLifecycle()).verdict).toBe(
      'repackage-ok',
    );
  }, 120_000);

  it('arm64 builds of v1.19.1 and v1.54.0 answer on provided.al2023 arm64, with the request id', async (ctx) => {
    if ((await emulatorFor('arm64')) instanceof Error && hostArchitecture() !== 'arm64') ctx.skip();
    for (const v of ['v1.19.1', 'v1.54.0'] as const) {
      const name = `arm-${v.replaceAll('.', '-')}`;
      await importFunction(url, {
        FunctionName: name,
        Runtime: 'provided.al2023',
        Handler: 'bootstrap',
        Architectures: ['arm64'],
        Role: ROLE,
        Timeout: 30,
        Code: {
          ZipFile: await writeZip([
            { name: 'bootstrap', data: await buildWithRelease(v, { goarch: 'arm64' }), mode: 0o755 },
          ]),
        },
      });
      const r = await invoke(client, { FunctionName: name, event: { name: 'arm' } });
      expect(r.functionError).toBeUndefined();
      expect(r.body.hello).toBe('arm');
      expect(r.body.requestId).not.toBe('');
    }
  }, 180_000);
});
