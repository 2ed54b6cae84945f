import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_DIR } from '../../src/sandbox/seed.js';
import { aws } from '../helpers/awscli.js';
import { startWitnessedSandbox, type WitnessedSandbox } from '../helpers/cli.js';
import { spawnInPty, spawnWizard, type PtySession } from '../helpers/pty.js';

const MUTATING = /^(Create|Update|Delete|Publish|Tag|Untag)|^Invoke$/;

interface Config {
  Runtime: string;
  Handler: string;
  Architectures: string[];
  CodeSha256: string;
}

describe('the wizard in a terminal, against the sandbox', () => {
  let sb: WitnessedSandbox;
  let session: PtySession | undefined;

  const config = async (name: string) =>
    (await aws(sb.proc.url, 'us-east-1', ['get-function-configuration', '--function-name', name]))
      .json as Config;
  const operations = async () => (await sb.accessLog()).map((l) => l.operation);

  beforeAll(async () => {
    sb = await startWitnessedSandbox();
  }, 300_000);
  afterAll(async () => {
    session?.kill();
    await sb?.stop();
  });

  it('scans, plans read-only, migrates, moves 10% of an alias, benchmarks, rolls back, shows the history', async () => {
    const before = await config('orders-api');
    // orders-api answers an event with an orderId, and fails on {}: the benchmark's errors row tells which it got.
    const eventFile = join(sb.dir, 'event.json');
    await writeFile(eventFile, '{"orderId":"A-1"}');
    session = spawnWizard(sb.proc.url, {
      stateDir: join(sb.dir, 'state'),
      eventFile,
      sourceDir: join(DEMO_DIR, 'functions'),
    });
    const s = session;
    let at = await s.waitFor(/2 candidates, 2 selected/);
    expect(s.text()).toMatch(
      /\[x\] us-east-1\/orders-api\s+go1\.x\s+x86_64\s+orders-api\s+SAM \(stack shop-prod\)/,
    );
    // Keep orders-api only: the cursor starts on it (the list is sorted by name within the region).
    s.press('j ');
    at = await s.waitFor(/2 candidates, 1 selected/, at);
    s.press('\r');
    at = await s.waitFor(/Plan: 1 to migrate, 0 blocked, 0 unchanged/, at, 120_000);
    expect(s.text().slice(at - 3000)).toMatch(/runtime:\s+go1\.x -> provided\.al2023/);
    expect(s.text().slice(at - 3000)).toMatch(
      /binary:\s+go1\.\d+[.\d]*, aws-lambda-go v1\.41\.0, Runtime API yes, RPC yes, cgo no \(repackage-ok\)/,
    );
    expect((await operations()).filter((o) => MUTATING.test(o))).toEqual([]);

    s.press('\r');
    at = await s.waitFor(/Migrate 1 function on the sandbox at http[\s\S]*\(y\/n\)/, at);
    s.press('y');
    at = await s.waitFor(/Migration finished: 1 migrated/, at, 120_000);
    const migrated = await config('orders-api');
    expect([migrated.Runtime, migrated.Handler, migrated.Architectures]).toEqual([
      'provided.al2023',
      'bootstrap',
      ['arm64'],
    ]);

    // p then c: the alias live keeps version 1 and sends 10% of its traffic to the new code.
    s.press('p');
    at = await s.waitFor(/y all the traffic · c a 10% canary · n no/, at);
    s.press('c');
    at = await s.waitFor(/enter back to the results/, at, 60_000);
    expect(s.text().slice(at - 1500)).toMatch(
      /us-east-1\/orders-api:live version 1 -> version 1 \(90%\) and \d+ \(10%\)/,
    );
    const live = (
      await aws(sb.proc.url, 'us-east-1', ['get-alias', '--function-name', 'orders-api', '--name', 'live'])
    ).json as {
      FunctionVersion: string;
      RoutingConfig: { AdditionalVersionWeights: Record<string, number> };
    };
    expect(live.FunctionVersion).toBe('1');
    expect(Object.values(live.RoutingConfig.AdditionalVersionWeights)).toEqual([0.1]);
    s.press('\r');
    at = await s.waitFor(/p promote aliases/, at);

    s.press('b');
    at = await s.waitFor(/Benchmark the 1 migrated function[\s\S]*\(y\/n\)/, at);
    s.press('y');
    // Live: a frame with some, not all, warm samples on both sides.
    await s.waitFor(/warm\s+go1\.x x86_64\s+\d\/10[^\n]*\n\s*warm\s+al2023 arm64~?\s+\d\/10/, at, 120_000);
    at = await s.waitFor(/Benchmarks done[\s\S]*enter back/, at, 180_000);
    const bench = s.text().slice(-5000);
    expect(bench).toMatch(/us-east-1\/orders-api against orders-api:\d+/);
    expect(bench).toMatch(/cold\s+go1\.x x86_64\s+3\/3/);
    expect(bench).toMatch(/cold\s+al2023 arm64~?\s+3\/3/);
    expect(bench).toMatch(/warm\s+al2023 arm64~?\s+10\/10/);
    expect(bench).not.toMatch(/failed/);
    // On an x86_64 host the arm64 build runs through qemu: a native x86_64 build of the same source is the
    // third column, and the only one the verdict uses.
    if (process.arch === 'x64') {
      expect(bench).toMatch(/warm\s+al2023 x86_64\*\s+10\/10/);
      expect(bench).toMatch(/~ emulated through qemu-user/);
      expect(bench).toMatch(/Verdict \(al2023 x86_64 vs go1\.x x86_64\)/);
    }
    s.press('\r');
    at = await s.waitFor(/u undo \(roll back\)/, at);

    s.press('u');
    at = await s.waitFor(/Roll back the 1 migrated function[\s\S]*\(y\/n\)/, at);
    s.press('y');
    at = await s.waitFor(/Rollback finished: 1 rolled back/, at, 120_000);
    const restored = await config('orders-api');
    expect([restored.Runtime, restored.Handler, restored.Architectures, restored.CodeSha256]).toEqual([
      'go1.x',
      before.Handler,
      ['x86_64'],
      before.CodeSha256,
    ]);

    // Back to the list (scan again), then the journal's history: the migration is there, rolled back.
    s.press('r');
    at = await s.waitFor(/2 candidates/, at);
    s.press('h');
    at = await s.waitFor(/Migrations recorded in .* \(1\), 0 selected/, at);
    expect(s.text().slice(at - 1500)).toMatch(
      /us-east-1\/orders-api \S+ go1\.x x86_64 → provided\.al2023 arm64 \(rebuild\): rolled back\n[\s\S]*us-east-1\/orders-api: rolled back; backup version \d+/,
    );

    s.press('q');
    expect(await s.exited).toBe(0);
  }, 300_000);

  it('apply in a terminal draws its live rows (steps and spinner) even with CI=true set', async () => {
    const apply = spawnInPty(
      [
        '--state-dir',
        join(sb.dir, 'state-apply'),
        '--region',
        'eu-west-1',
        'apply',
        'payments-webhook',
        '--yes',
      ],
      {
        AWS_ACCESS_KEY_ID: 'AKIDTEST',
        AWS_SECRET_ACCESS_KEY: 'x',
        AWS_ENDPOINT_URL: sb.proc.url,
        CI: 'true',
      },
    );
    try {
      await apply.waitFor(
        /eu-west-1\/payments-webhook (preflight|backup|bridge|configuration|code)\b.*\d\.\ds/,
        0,
        120_000,
      );
      expect(await apply.exited).toBe(0);
      expect(apply.text()).toMatch(/✔ eu-west-1\/payments-webhook migrated/);
    } finally {
      apply.kill();
    }
  }, 180_000);

  it('apply in a terminal asks with the account and the endpoint, and n changes nothing', async () => {
    const before = await config('orders-api');
    const apply = spawnInPty(
      ['--state-dir', join(sb.dir, 'state-ask'), '--region', 'us-east-1', 'apply', 'orders-api'],
      {
        AWS_ACCESS_KEY_ID: 'AKIDTEST',
        AWS_SECRET_ACCESS_KEY: 'x',
        AWS_ENDPOINT_URL: sb.proc.url,
        NO_COLOR: '1',
      },
    );
    try {
      const at = await apply.waitFor(
        /Migrate 1 function\? \(account 123456789012 as assumed-role\/sandbox-admin\/\S+, the sandbox at http:\/\/127\.0\.0\.1:\d+\)/,
        0,
        120_000,
      );
      apply.press('n\r');
      await apply.waitFor(/nothing was changed/, at);
      expect(await apply.exited).toBe(1);
      expect(await config('orders-api')).toEqual(before);
    } finally {
      apply.kill();
    }
  }, 180_000);
});
