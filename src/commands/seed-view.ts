import type { Writable } from 'node:stream';
import type { SeedEvent } from '../sandbox/seed.js';

/** One demo function being seeded. */
interface SeedRow {
  readonly key: string;
  readonly build: boolean;
  readonly state: 'waiting' | 'building' | 'built';
  readonly source?: string;
  readonly startedAt?: number;
  readonly endedAt?: number;
}

/** Seeding the demo functions, as the progress view shows it. */
export interface SeedProgress {
  readonly startedAt: number;
  readonly rows: readonly SeedRow[];
  readonly created?: readonly string[];
}

export const initialSeed = (at: number): SeedProgress => ({ startedAt: at, rows: [] });

/** The progress after `e`, seen at `at` (ms). */
export function seedReducer(s: SeedProgress, e: SeedEvent, at: number): SeedProgress {
  switch (e.type) {
    case 'seeding':
      return { ...s, rows: e.functions.map((f) => ({ ...f, state: 'waiting' })) };
    case 'build-start':
      return {
        ...s,
        rows: s.rows.map((r) =>
          r.key === e.key ? { ...r, state: 'building', source: e.source, startedAt: at } : r,
        ),
      };
    case 'build-done':
      return { ...s, rows: s.rows.map((r) => (r.key === e.key ? { ...r, state: 'built', endedAt: at } : r)) };
    case 'created':
      return { ...s, created: e.keys };
  }
}

const SPINNER = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];
const secs = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/**
 * The view: a title, one line per build, and a line with how many are built of how many and for how long.
 * Functions whose build is cached are counted on one line, not listed. Empty when nothing is built.
 */
export function seedLines(s: SeedProgress, now: number): string[] {
  const builds = s.rows.filter((r) => r.build);
  if (builds.length === 0) return [];
  const width = Math.max(...builds.map((r) => r.key.length));
  const built = builds.filter((r) => r.state === 'built').length;
  const reused = s.rows.length - builds.length;
  const spinner = SPINNER[Math.floor(now / 100) % SPINNER.length]!;
  return [
    'Building the demo functions (first start only: later starts reuse the builds)',
    ...builds.map((r) => {
      const name = r.key.padEnd(width);
      if (r.state === 'built') return `  ✔ ${name}  built in ${secs(r.endedAt! - r.startedAt!)}`;
      if (r.state === 'building')
        return `  ${spinner} ${name}  building ${r.source} · ${secs(now - r.startedAt!)}`;
      return `  · ${name}  waiting`;
    }),
    `${s.created ? '✔' : spinner} ${built} of ${builds.length} built` +
      `${reused > 0 ? ` (${reused} from the cache)` : ''} · ${secs(now - s.startedAt)}` +
      `${s.created ? ` · ${s.created.length} demo functions ready` : ''}`,
  ];
}

/** A plain line per event, for a log that is not a terminal. */
export function seedLogLine(e: SeedEvent): string | undefined {
  switch (e.type) {
    case 'seeding':
      return undefined;
    case 'build-start':
      return `building demo function ${e.key} from ${e.source}`;
    case 'build-done':
      return undefined;
    case 'created':
      return e.keys.length > 0 ? `seeded ${e.keys.length} demo functions: ${e.keys.join(', ')}` : undefined;
  }
}

/**
 * Lines redrawn in place at the bottom of a terminal: each draw moves the cursor up over the last one and
 * writes the new lines, each cut to the terminal's width so that none wraps (a wrapped line would leave the
 * count of rows to move up wrong). `rows` starts at the number of lines already written that the first draw
 * replaces.
 */
export function liveLines(out: Writable & { columns?: number }, rows = 0) {
  let drawn = rows;
  let last: readonly string[] = [];
  const up = () => (drawn > 0 ? `\x1b[${drawn}A\r` : '');
  const draw = (lines: readonly string[]): void => {
    last = lines;
    const width = Math.max(20, (out.columns ?? 80) - 1);
    const cut = lines.map((l) => ([...l].length > width ? `${[...l].slice(0, width - 1).join('')}…` : l));
    out.write(`${up()}${cut.map((l) => `\x1b[2K${l}\n`).join('')}\x1b[J`);
    drawn = cut.length;
  };
  return {
    /** Writes `line` for good above the live lines. */
    print(line: string): void {
      out.write(`${up()}\x1b[J${line}\n`);
      drawn = 0;
      draw(last);
    },
    draw,
  };
}

/**
 * A progress view of the seeding on a terminal, redrawn every 100 ms while something builds: call `event`
 * for each event and `end` when seeding is over (the last frame stays, or the lines vanish when nothing was
 * built). `announced` lines written before (the entry's "starting" line) are replaced by the first frame.
 */
export function seedView(out: Writable & { columns?: number }, announced: number) {
  let state = initialSeed(Date.now());
  const screen = liveLines(out, announced);
  const draw = () => screen.draw(seedLines(state, Date.now()));
  let timer: NodeJS.Timeout | undefined;
  return {
    /** A line written for good above the view. */
    print: (line: string) => screen.print(line),
    event: (e: SeedEvent): void => {
      state = seedReducer(state, e, Date.now());
      if (e.type === 'build-start' && !timer) {
        timer = setInterval(draw, 100);
        timer.unref();
      }
      draw();
    },
    end: (): void => {
      clearInterval(timer);
      draw();
    },
  };
}
