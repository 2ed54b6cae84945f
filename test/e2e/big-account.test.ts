import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mapLimit } from '../../src/core/concurrency.js';
import { startWitnessedSandbox, type WitnessedSandbox } from '../helpers/cli.js';
import { importFunction } from '../helpers/import.js';
import { spawnInPty, type PtySession } from '../helpers/pty.js';
import { tinyZip } from '../helpers/sandbox.js';

const REGIONS = [
  'us-east-1',
  'us-east-2',
  'us-west-2',
  'eu-west-1',
  'eu-central-1',
  'ap-south-1',
  'ap-northeast-1',
  'sa-east-1',
  'ca-central-1',
  'eu-north-1',
];

describe('the wizard on an account of 500 go1.x functions in 10 regions, at 80x24', () => {
  let sb: WitnessedSandbox;
  let session: PtySession | undefined;

  beforeAll(async () => {
    sb = await startWitnessedSandbox([
      '--no-seed',
      '--no-throttle',
      '--caller-arn',
      'arn:aws:iam::123456789012:user/ops-alice',
    ]);
    const zip = await tinyZip('handler');
    await mapLimit(
      Array.from({ length: 500 }, (_, i) => i),
      16,
      (i) =>
        importFunction(
          sb.proc.url,
          {
            FunctionName: `svc-${String(i).padStart(3, '0')}`,
            Runtime: 'go1.x',
            Handler: 'handler',
            Role: 'arn:aws:iam::123456789012:role/lambda-role',
            Code: { ZipFile: zip },
          },
          REGIONS[i % REGIONS.length],
        ),
    );
  }, 300_000);
  afterAll(async () => {
    session?.kill();
    await sb?.stop();
  });

  it('counts per region, pages, filters as typed, shows the details and inspects the highlighted one', async () => {
    session = spawnInPty(
      ['--state-dir', join(sb.dir, 'state'), '--region', 'all'],
      { AWS_ENDPOINT_URL: sb.proc.url, NO_COLOR: '1' },
      { rows: 24, cols: 80 },
    );
    const s = session;
    let at = await s.waitFor(/500 candidates, 500 selected/);
    // Who the calls are made as (STS GetCallerIdentity, answered by the sandbox), and where.
    await s.waitFor(/account 123456789012 · 33 regions · as user\/ops-alice/, at - 3000);
    // Ten regions of 50: each counted, in the order of their names when the counts are equal.
    await s.waitFor(/10 regions: ap-northeast-1 50 · ap-south-1 50 · ca-central-1 50/, at - 2000);
    await s.waitFor(/ap-northeast-1\/svc-006 · go1\.x x86_64 · handler handler · 128 MB · 3 s/, at - 2000);
    s.press('\x1b[6~');
    at = await s.waitFor(/↑ \d+ more/, at);
    s.press('/');
    at = await s.waitFor(/type to filter/, at);
    s.press('eu-north svc-4');
    at = await s.waitFor(/10 of 500 candidates match "eu-north svc-4", 500 selected \(490 not listed\)/, at);
    s.press('\r');
    at = await s.waitFor(/esc clear the filter/, at);
    // i downloads the highlighted function's code and inspects it: here a shell script, not a Go binary.
    s.press('i');
    at = await s.waitFor(/binary: handler: not-go \(not an ELF file\), not ELF, no Go build info/, at);
    s.press(' ');
    at = await s.waitFor(/499 selected/, at);
    s.press('\x1b');
    at = await s.waitFor(/500 candidates, 499 selected/, at);
    // Clearing the filter keeps the function highlighted, now among all of them, and its region's count.
    await s.waitFor(/› \[ \] eu-north-1\/svc-409/, at - 3000);
    await s.waitFor(/eu-north-1 50 \(49 selected\)/, at - 3000);
    s.press('q');
    expect(await s.exited).toBe(0);
    // Every frame fitted: Ink never cleared the screen to draw one taller than the terminal.
    expect(s.raw()).not.toContain('\x1b[2J');
    expect(s.raw()).not.toContain('\x1b[3J');
  }, 180_000);
});
