import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { initialSeed, liveLines, seedLines, seedLogLine, seedReducer } from '../../src/commands/seed-view.js';
import { announceStart } from '../../src/cli/announce.js';
import type { SeedEvent } from '../../src/sandbox/seed.js';

const sink = (columns = 80) => {
  const out = Object.assign(
    new Writable({
      write(chunk: Buffer, _e, done) {
        out.text += chunk.toString();
        done();
      },
    }),
    { text: '', columns },
  );
  return out;
};

describe("the first start's progress view", () => {
  const events: [SeedEvent, number][] = [
    [
      {
        type: 'seeding',
        functions: [
          { key: 'us-east-1/orders-api', build: true },
          { key: 'eu-west-1/legacy-billing', build: true },
          { key: 'eu-west-1/node-webhook', build: false },
        ],
      },
      0,
    ],
    [{ type: 'build-start', key: 'us-east-1/orders-api', source: 'demo/functions/orders-api' }, 100],
    [{ type: 'build-start', key: 'eu-west-1/legacy-billing', source: 'demo/functions/legacy-billing' }, 200],
    [{ type: 'build-done', key: 'eu-west-1/legacy-billing' }, 2_700],
  ];
  const state = events.reduce((s, [e, at]) => seedReducer(s, e, at), initialSeed(0));

  it('names what is built, n of m, and the time each took and the whole has taken', () => {
    const lines = seedLines(state, 5_000);
    expect(lines[0]).toMatch(/Building the demo functions/);
    expect(lines[1]).toMatch(/us-east-1\/orders-api\s+building demo\/functions\/orders-api · 4\.9 s$/);
    expect(lines[2]).toMatch(/✔ eu-west-1\/legacy-billing\s+built in 2\.5 s$/);
    expect(lines[3]).toMatch(/1 of 2 built \(1 from the cache\) · 5\.0 s$/);
    expect(lines).toHaveLength(4);
  });

  it('shows nothing when every build is cached, and its last line says how many functions are ready', () => {
    const cached = seedReducer(
      initialSeed(0),
      { type: 'seeding', functions: [{ key: 'a/b', build: false }] },
      0,
    );
    expect(seedLines(cached, 10)).toEqual([]);
    const done = [
      [{ type: 'build-done', key: 'us-east-1/orders-api' }, 3_000],
      [
        {
          type: 'created',
          keys: ['us-east-1/orders-api', 'eu-west-1/legacy-billing', 'eu-west-1/node-webhook'],
        },
        3_100,
      ],
    ] as [SeedEvent, number][];
    const end = done.reduce((s, [e, at]) => seedReducer(s, e, at), state);
    expect(seedLines(end, 3_200).at(-1)).toBe(
      '✔ 2 of 2 built (1 from the cache) · 3.2 s · 3 demo functions ready',
    );
  });

  it('without a terminal, writes a line per build started and one when the functions exist', () => {
    expect(events.map(([e]) => seedLogLine(e)).filter(Boolean)).toEqual([
      'building demo function us-east-1/orders-api from demo/functions/orders-api',
      'building demo function eu-west-1/legacy-billing from demo/functions/legacy-billing',
    ]);
    expect(seedLogLine({ type: 'created', keys: ['a/b'] })).toBe('seeded 1 demo functions: a/b');
  });

  it('redraws in place: up over what it drew (the announced line first), lines cut to the width', () => {
    const out = sink(30);
    const screen = liveLines(out, 1);
    screen.draw(['one', 'x'.repeat(50)]);
    expect(out.text).toBe(`\x1b[1A\r\x1b[2Kone\n\x1b[2K${'x'.repeat(28)}…\n\x1b[J`);
    out.text = '';
    screen.print('kept');
    // Up over the two lines, the line for good, then the two lines again below it.
    expect(out.text).toBe(`\x1b[2A\r\x1b[Jkept\n\x1b[2Kone\n\x1b[2K${'x'.repeat(28)}…\n\x1b[J`);
    out.text = '';
    screen.draw([]);
    expect(out.text).toBe('\x1b[2A\r\x1b[J');
  });

  it('the entry announces the embedded sandbox on a terminal only, for the commands that start one', () => {
    const tty = {
      isTTY: true,
      text: '',
      write(s: string) {
        this.text += s;
      },
    };
    expect(announceStart(['--sandbox'], tty)).toBe(1);
    expect(tty.text).toBe('go-lambda-migrate: starting the embedded sandbox…\n');
    expect(announceStart(['scan', '--sandbox'], { ...tty, isTTY: false })).toBe(0);
    expect(announceStart(['sandbox', '--sandbox'], tty)).toBe(0);
    expect(announceStart(['--sandbox', '--help'], tty)).toBe(0);
    expect(announceStart(['scan'], tty)).toBe(0);
    expect(announceStart(['inspect', '--', '--sandbox'], tty)).toBe(0);
  });
});
