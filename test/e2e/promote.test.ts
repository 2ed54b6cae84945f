import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_DIR } from '../../src/sandbox/seed.js';
import { aws } from '../helpers/awscli.js';
import { runCli, startWitnessedSandbox, type WitnessedSandbox } from '../helpers/cli.js';

interface Alias {
  FunctionVersion: string;
  RoutingConfig?: { AdditionalVersionWeights?: Record<string, number> };
}

describe('promote: moving an alias to the migrated code, by a share or wholly, and back', () => {
  let sb: WitnessedSandbox;
  const cli = (args: string[]) =>
    runCli(
      ['--endpoint-url', sb.proc.url, '--region', 'us-east-1', '--state-dir', join(sb.dir, 'state'), ...args],
      {
        env: { AWS_ACCESS_KEY_ID: 'AKIDTEST', AWS_SECRET_ACCESS_KEY: 'x' },
      },
    );
  const alias = async () =>
    (await aws(sb.proc.url, 'us-east-1', ['get-alias', '--function-name', 'orders-api', '--name', 'live']))
      .json as Alias;

  beforeAll(async () => {
    sb = await startWitnessedSandbox();
  }, 300_000);
  afterAll(async () => {
    await sb?.stop();
  });

  it('refuses while $LATEST is still on go1.x, and changes nothing', async () => {
    const r = await cli(['promote', 'orders-api', '--alias', 'live', '--yes']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/\$LATEST is still on go1\.x[\s\S]*hint: Migrate it first/);
    expect((await alias()).FunctionVersion).toBe('1');
  });

  it('after apply: a 25% canary, then all the traffic, then back to the go1.x version', async () => {
    const applied = await cli(['apply', 'orders-api', '--source', join(DEMO_DIR, 'functions'), '--yes']);
    expect(applied.code, applied.stderr).toBe(0);

    const canary = await cli([
      'promote',
      'orders-api',
      '--alias',
      'live',
      '--weight',
      '0.25',
      '--yes',
      '--json',
    ]);
    expect(canary.code, canary.stderr).toBe(0);
    const published = (JSON.parse(canary.stdout) as { published: string }).published;
    expect(await alias()).toMatchObject({
      FunctionVersion: '1',
      RoutingConfig: { AdditionalVersionWeights: { [published]: 0.25 } },
    });
    const version = (
      await aws(sb.proc.url, 'us-east-1', [
        'get-function-configuration',
        '--function-name',
        'orders-api',
        '--qualifier',
        published,
      ])
    ).json as { Runtime: string; Architectures: string[] };
    expect([version.Runtime, version.Architectures]).toEqual(['provided.al2023', ['arm64']]);

    const all = await cli(['promote', 'orders-api', '--alias', 'live', '--yes']);
    expect(all.code, all.stderr).toBe(0);
    expect(all.stdout).toContain(
      `us-east-1/orders-api:live: version 1 (75%) and ${published} (25%) -> version ${published}`,
    );
    const after = await alias();
    expect(after.FunctionVersion).toBe(published);
    expect(Object.keys(after.RoutingConfig?.AdditionalVersionWeights ?? {})).toEqual([]);

    const back = await cli(['promote', 'orders-api', '--alias', 'live', '--to-version', '1', '--yes']);
    expect(back.code, back.stderr).toBe(0);
    expect((await alias()).FunctionVersion).toBe('1');
  }, 120_000);

  it('bad input: no alias, a weight out of range, both --weight and --to-version, an unknown alias', async () => {
    expect((await cli(['promote', 'orders-api', '--yes'])).stderr).toMatch(/--alias NAME is needed/);
    expect((await cli(['promote', 'orders-api', '--alias', 'live', '--weight', '1', '--yes'])).code).toBe(2);
    expect(
      (
        await cli([
          'promote',
          'orders-api',
          '--alias',
          'live',
          '--weight',
          '0.5',
          '--to-version',
          '1',
          '--yes',
        ])
      ).code,
    ).toBe(2);
    const missing = await cli(['promote', 'orders-api', '--alias', 'nope', '--yes']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/error: GetAlias nope of orders-api[\s\S]*hint:/);
    expect((await cli(['promote', 'orders-api', '--alias', 'live'])).code).toBe(2); // no --yes, no terminal
  });
});
