import { execFileSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEMO_DIR } from '../../src/sandbox/seed.js';
import { startWitnessedSandbox, type WitnessedSandbox } from '../helpers/cli.js';
import { spawnInPty, spawnWizard, type PtySession } from '../helpers/pty.js';

/** What Ink writes before a frame as tall as the terminal: it erases the screen and the user's scrollback. */
const SCROLLBACK_CLEAR = '\x1b[3J';
const SCREEN_CLEAR = '\x1b[2J';

/**
 * True when the shell's prompt will start on a line of its own: the last thing printed (before the cursor is
 * shown again) is a newline.
 */
const endsOnItsOwnLine = (raw: string) =>
  raw.replace(new RegExp(`(${String.fromCharCode(27)}\\[\\?[\\d;]*[hl])+$`), '').endsWith('\n');

describe('the wizard never erases the scrollback, at 80x24 and 140x45', () => {
  let sb: WitnessedSandbox | undefined;
  let session: PtySession | undefined;
  // A sandbox of its own for each size: each run migrates orders-api.
  beforeEach(async () => {
    sb = await startWitnessedSandbox();
  }, 300_000);
  afterEach(async () => {
    session?.kill();
    await sb?.stop();
  });

  for (const [cols, rows] of [
    [80, 24],
    [140, 45],
  ] as const) {
    it(`${cols}x${rows}: select, review (scrolled), migrate, results, benchmark, scan again, history, quit`, async () => {
      const { dir, proc } = sb!;
      const state = join(dir, 'state');
      const eventFile = join(dir, 'event.json');
      await writeFile(eventFile, '{"orderId":"A-1"}');
      session = spawnWizard(
        proc.url,
        { stateDir: state, eventFile, sourceDir: join(DEMO_DIR, 'functions') },
        { rows, cols },
      );
      const s = session;
      // Lines the user had before: the wizard must leave them in the scrollback.
      let at = await s.waitFor(/2 candidates, 2 selected/);
      s.press('j ');
      at = await s.waitFor(/2 candidates, 1 selected/, at);
      s.press('\r');
      at = await s.waitFor(/Plan: 1 to migrate/, at, 180_000);
      // The review is longer than the terminal: it scrolls by rows, and its last rows are the IaC patch.
      for (let i = 0; i < 40; i++) s.press('\x1b[6~');
      at = await s.waitFor(/(IaC patch|patched stack template) written to/, at, 30_000);
      s.press('\r');
      at = await s.waitFor(/\(y\/n\)/, at);
      s.press('y');
      at = await s.waitFor(/Migration finished: 1 migrated/, at, 180_000);
      s.press('b');
      at = await s.waitFor(/\(y\/n\)/, at);
      s.press('y');
      at = await s.waitFor(/Benchmarks done/, at, 180_000);
      s.press('\r');
      at = await s.waitFor(/r scan again/, at);
      s.press('r');
      at = await s.waitFor(/candidates?, \d+ selected/, at, 60_000);
      s.press('h');
      await s.waitFor(/Migrations recorded/, at, 60_000);
      s.press('q');
      expect(await s.exited).toBe(0);
      const raw = s.raw();
      expect(raw.includes(SCROLLBACK_CLEAR), 'a scrollback clear was written').toBe(false);
      expect(raw.includes(SCREEN_CLEAR), 'a screen clear was written').toBe(false);
      expect(endsOnItsOwnLine(raw), JSON.stringify(raw.slice(-40))).toBe(true);
    }, 600_000);
  }

  it('Ctrl-C on the selection exits 130, with the prompt on a line of its own', async () => {
    const { dir, proc } = sb!;
    session = spawnInPty(
      ['--state-dir', join(dir, 'state'), '--region', 'us-east-1'],
      {
        AWS_ACCESS_KEY_ID: 'AKIDTEST',
        AWS_SECRET_ACCESS_KEY: 'x',
        AWS_ENDPOINT_URL: proc.url,
        NO_COLOR: '1',
      },
      { rows: 24, cols: 80 },
    );
    await session.waitFor(/2 candidates, 2 selected/);
    session.press('\x03');
    expect(await session.exited).toBe(130);
    expect(session.raw().includes(SCROLLBACK_CLEAR)).toBe(false);
    expect(endsOnItsOwnLine(session.raw())).toBe(true);
  }, 120_000);
});

describe('npm start on a terminal: the first start shows its progress, a later one goes straight to the list', () => {
  let session: PtySession | undefined;
  afterEach(() => session?.kill());

  it('announces the sandbox at once, shows each demo build, and builds nothing the second time', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'glm-first-run-'));
    try {
      // An empty demo-build cache: every Go demo function is built (with Go's own cache as it is: Go would
      // otherwise find its cache under the new XDG_CACHE_HOME too).
      const goCache = execFileSync('go', ['env', 'GOCACHE'], { encoding: 'utf8' }).trim();
      const env = { XDG_CACHE_HOME: join(dir, 'cache'), GOCACHE: goCache };
      const args = ['--sandbox', '--state-dir', join(dir, 'state')];
      session = spawnInPty(args, env, { rows: 24, cols: 80 });
      const first = session;
      await first.waitFor(/starting the embedded sandbox…/, 0, 10_000);
      let at = await first.waitFor(/Building the demo functions/, 0, 60_000);
      at = await first.waitFor(/building demo\/functions\/\S+ · \d+\.\d s/, at, 120_000);
      at = await first.waitFor(
        /✔ 6 of 6 built \(1 from the cache\) · [\d.]+ s · 7 demo functions ready/,
        at,
        300_000,
      );
      await first.waitFor(/5 candidates, 4 selected/, at, 60_000);
      // The progress stays above the wizard; the starting line was replaced by its first frame.
      expect(first.text().match(/starting the embedded sandbox/g)).toHaveLength(1);
      first.press('q');
      expect(await first.exited).toBe(0);

      session = spawnInPty(args, env, { rows: 24, cols: 80 });
      const second = session;
      await second.waitFor(/5 candidates, 4 selected/, 0, 60_000);
      second.press('q');
      expect(await second.exited).toBe(0);
      expect(second.text()).not.toMatch(/Building|building demo/);
      // Nothing was built: the starting line is erased (up one line, erase below) before the wizard draws.
      // eslint-disable-next-line no-control-regex
      expect(second.raw()).toMatch(/starting the embedded sandbox…\r?\n\x1b\[1A\r\x1b\[J/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 600_000);
});
