import { describe, expect, it } from 'vitest';
import { writeZip } from '../../src/archive/zip.js';
import { emulatorFor } from '../../src/sandbox/exec/emulation.js';
import { smokeTest } from '../../src/sandbox/exec/smoke.js';
import { buildFixture } from '../helpers/go.js';

describe('the local smoke test (the runner outside the server)', () => {
  it('runs a bare bootstrap once with the default event and returns the response and REPORT figures', async () => {
    const r = await smokeTest({
      bootstrap: await buildFixture('behave'),
      architecture: 'x86_64',
      event: { echo: { foo: 'bar' } },
    });
    expect(r.functionError).toBe(false);
    expect((r.response as { echo: unknown }).echo).toEqual({ foo: 'bar' });
    expect(r.cold).toBe(true);
    expect(r.report.initDurationMs).toBeGreaterThan(0);
    expect(r.report.maxMemoryUsedMb).toBeGreaterThan(0);
    expect(r.log).toContain('REPORT RequestId:');
  }, 120_000);

  it('reports a failing bootstrap as a function error', async () => {
    const r = await smokeTest({
      bootstrap: await buildFixture('behave'),
      architecture: 'x86_64',
      event: { exit: 2 },
    });
    expect(r.functionError).toBe(true);
    expect(r.response).toMatchObject({ errorType: 'Runtime.ExitError' });
  }, 120_000);

  it('runs a go1.x zip over RPC', async () => {
    const zip = await writeZip([{ name: 'handler', data: await buildFixture('behave'), mode: 0o755 }]);
    const r = await smokeTest({ zip, runtime: 'go1.x', handler: 'handler', architecture: 'x86_64' });
    expect(r.functionError).toBe(false);
    expect((r.response as { env: Record<string, string> }).env.AWS_EXECUTION_ENV).toBe('AWS_Lambda_go1.x');
  }, 120_000);

  it('runs an arm64 bootstrap through qemu', async (ctx) => {
    if ((await emulatorFor('arm64')) instanceof Error) ctx.skip();
    const r = await smokeTest({
      bootstrap: await buildFixture('behave', { goarch: 'arm64' }),
      architecture: 'arm64',
      timeout: 30,
    });
    expect(r.functionError).toBe(false);
    expect(r.emulatedBy).toMatch(/^qemu-aarch64/);
  }, 180_000);
});
