// A benchmark as it runs and once it ends, as lines of styled segments: the live screen (Ink) and the
// command's text output draw the same lines. No Ink here.
import type { BenchEvent, BenchReport, Comparison, Role, Sample } from '../core/benchmark.js';
import { histogram, stats, type RatioEstimate } from '../core/bench-stats.js';
import type { Architecture } from '../lambda/lifecycle.js';

/** One side as the live screen knows it. */
export interface LiveSide {
  readonly label: string;
  readonly role: Role;
  readonly runtime: string;
  readonly architecture: Architecture;
  readonly memorySizeMb: number;
  readonly emulated: boolean;
  readonly temporary: boolean;
  readonly requested: { readonly cold: number; readonly warm: number };
  readonly cold: readonly Sample[];
  readonly warm: readonly Sample[];
}

/** One function's benchmark, from its first event to its report. */
export interface LiveBench {
  readonly key: string;
  readonly against: string | null;
  readonly sides: readonly LiveSide[];
  readonly done: number;
  readonly total: number;
  readonly startedAt: number;
  readonly lastAt: number;
  readonly phase: string;
  readonly warnings: readonly string[];
  readonly report?: BenchReport;
  readonly failed?: string;
}

export const newLiveBench = (key: string, against: string | null, now: number): LiveBench => ({
  key,
  against,
  sides: [],
  done: 0,
  total: 0,
  startedAt: now,
  lastAt: now,
  phase: 'starting',
  warnings: [],
});

/** The next state after one of the benchmark's events. */
export function reduceLiveBench(s: LiveBench, e: BenchEvent, now: number): LiveBench {
  switch (e.type) {
    case 'setup':
      return {
        ...s,
        sides: [
          ...s.sides,
          {
            label: e.target,
            role: e.role,
            runtime: e.runtime,
            architecture: e.architecture,
            memorySizeMb: e.memorySizeMb,
            emulated: e.emulated,
            temporary: e.temporary,
            requested: e.requested,
            cold: [],
            warm: [],
          },
        ],
      };
    case 'phase':
      return {
        ...s,
        phase:
          e.phase === 'cold'
            ? `cold starts: a burst of ${e.burst} concurrent invocations of ${e.target}`
            : 'warm invocations, taking turns',
      };
    case 'sample': {
      const sample = e.sample;
      return {
        ...s,
        done: e.done,
        total: e.total,
        lastAt: now,
        sides: s.sides.map((side) =>
          side.label !== sample.target
            ? side
            : sample.kind === 'cold'
              ? { ...side, cold: [...side.cold, sample], emulated: side.emulated || emulatedNote(sample) }
              : { ...side, warm: [...side.warm, sample], emulated: side.emulated || emulatedNote(sample) },
        ),
      };
    }
    case 'warn':
      return { ...s, warnings: [...s.warnings, e.message] };
    case 'done':
      return { ...s, report: e.report, phase: 'done', lastAt: now };
  }
}

const emulatedNote = (s: Sample) => s.note !== null && /emulated/i.test(s.note);

/** A piece of a line, with its style. */
export interface Segment {
  readonly text: string;
  readonly color?: 'red' | 'green' | 'yellow' | 'cyan' | 'gray';
  readonly dim?: boolean;
  readonly bold?: boolean;
}
export type Line = readonly Segment[];

const plain = (text: string): Segment => ({ text });
const SPARK = '▁▂▃▄▅▆▇█';

/** Durations as a sparkline of `bins` bins over [min, max]. */
export function sparkline(values: readonly number[], bins: number, min: number, max: number): string {
  if (values.length === 0) return ' '.repeat(bins);
  const counts = histogram(values, bins, min, max);
  const top = Math.max(...counts);
  return counts.map((c) => (c === 0 ? ' ' : SPARK[Math.min(7, Math.floor((c / top) * 7.999))])).join('');
}

const shortRuntime = (r: string) => r.replace(/^provided\./, '');

/** The name a side goes by in the table: runtime and architecture, or its own name when those repeat. */
function sideNames(sides: readonly LiveSide[]): string[] {
  const names = sides.map((s) => `${shortRuntime(s.runtime)} ${s.architecture}`);
  return names.map((n, i) => (names.filter((m) => m === n).length > 1 ? sides[i]!.label : n));
}

const ms = (v: number) => (v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2));
const fit = (s: string, w: number) => (s.length > w ? `${s.slice(0, w - 1)}…` : s.padEnd(w));
const right = (s: string, w: number) => (s.length > w ? s.slice(0, w) : s.padStart(w));

/** A change in words: `−37% [−41, −30]`, or `no measurable change`. */
export function changeText(r: RatioEstimate | undefined): string {
  if (!r) return '–';
  if (!r.measurable) return 'no measurable change';
  const pct = (x: number) => `${x < 1 ? '−' : '+'}${Math.abs((x - 1) * 100).toFixed(0)}`;
  return `${pct(r.ratio)}% [${pct(r.low)}, ${pct(r.high)}]`;
}

const progressBar = (done: number, total: number, width: number) => {
  const full = total > 0 ? Math.round((done / total) * width) : 0;
  return `${'█'.repeat(full)}${'░'.repeat(width - full)}`;
};

const clock = (msLeft: number) => {
  const s = Math.max(0, Math.round(msLeft / 1000));
  return s >= 60 ? `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s` : `${s}s`;
};

/** The progress line: bar, invocations done, elapsed and ETA. */
function progressLine(b: LiveBench, now: number, width: number): Line {
  const elapsed = (b.report ? b.lastAt : now) - b.startedAt;
  const eta = b.report || b.done === 0 ? '' : ` · ETA ${clock((elapsed / b.done) * (b.total - b.done))}`;
  const tail = ` ${b.done}/${b.total || '?'} · ${clock(elapsed)}${eta}`;
  const bar = Math.max(10, Math.min(30, width - tail.length - b.key.length - 3));
  return [
    { text: b.key, bold: true },
    plain(' '),
    { text: progressBar(b.done, b.total, bar), color: b.report ? 'green' : 'cyan' },
    plain(tail),
  ];
}

interface Column {
  readonly head: string;
  readonly width: number;
  readonly cell: (samples: readonly Sample[], kind: 'cold' | 'warm') => string;
}

/** The familiar columns, with p50/p90/p99 beside the average duration when there is room. */
function columns(wide: boolean): Column[] {
  const avg = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : NaN);
  const cellOf = (f: (s: readonly Sample[]) => string) => (s: readonly Sample[]) => (s.length ? f(s) : '–');
  return [
    { head: 'Avg Dur', width: 8, cell: cellOf((s) => ms(avg(s.map((x) => x.durationMs)))) },
    {
      head: wide ? 'p50/p90/p99 ms' : 'p50/p99 ms',
      width: wide ? 17 : 11,
      cell: cellOf((s) => {
        const st = stats(s.map((x) => x.durationMs));
        return wide ? `${ms(st.p50)}/${ms(st.p90)}/${ms(st.p99)}` : `${ms(st.p50)}/${ms(st.p99)}`;
      }),
    },
    { head: 'Billed', width: 7, cell: cellOf((s) => ms(avg(s.map((x) => x.billedMs)))) },
    { head: 'MaxMem', width: 6, cell: cellOf((s) => `${avg(s.map((x) => x.maxMemoryMb)).toFixed(0)}MB`) },
    {
      head: 'Init',
      width: 7,
      cell: (s, kind) =>
        kind === 'warm' || s.length === 0
          ? ''
          : ms(avg(s.map((x) => x.initMs).filter((x): x is number => x !== null))),
    },
  ];
}

/** Rows per side and start: Start, Runtime, n, then the figures; failing rows red, emulated ones dim. */
function tableLines(b: LiveBench, width: number): Line[] {
  const wide = width >= 96;
  const cols = columns(wide);
  const names = sideNames(b.sides);
  // Wide enough for "asked/asked" (400/400 is 7 characters): a count is never cut.
  const nWidth = Math.max(
    6,
    ...b.sides.flatMap((x) => [x.requested.cold, x.requested.warm].map((r) => `${r}/${r}`.length)),
  );
  const nameWidth = Math.max(
    12,
    Math.min(24, width - 5 - (nWidth + 1) - cols.reduce((a, c) => a + c.width + 1, 0) - 1),
  );
  const head: Line = [
    {
      text: `${'Start'.padEnd(5)} ${fit('Runtime', nameWidth)} ${right('n', nWidth)} ${cols.map((c) => right(c.head, c.width)).join(' ')}`,
      bold: true,
    },
  ];
  const lines: Line[] = [head];
  for (const kind of ['cold', 'warm'] as const) {
    b.sides.forEach((side, i) => {
      const samples = side[kind];
      const errors = samples.filter((s) => s.error !== null).length;
      const n = `${samples.length}/${side.requested[kind]}`;
      const name = `${names[i]}${side.emulated ? '~' : ''}${side.temporary ? '*' : ''}`;
      const text = `${kind.padEnd(5)} ${fit(name, nameWidth)} ${right(n, nWidth)} ${cols.map((c) => right(c.cell(samples, kind), c.width)).join(' ')}`;
      lines.push([
        {
          text,
          ...(errors > 0 ? { color: 'red' as const } : {}),
          ...(side.emulated ? { dim: true } : {}),
        },
      ]);
    });
  }
  return lines;
}

/** One sparkline per side of its warm durations (cold ones when there are no warm), on a shared scale. */
function distributionLines(b: LiveBench, width: number): Line[] {
  const names = sideNames(b.sides);
  const pick = (s: LiveSide) => (s.warm.length > 0 ? s.warm : s.cold).map((x) => x.durationMs);
  const all = b.sides.flatMap(pick);
  if (all.length === 0) return [];
  const lo = Math.min(...all);
  const hi = Math.max(...all);
  const bins = Math.max(10, Math.min(40, width - 40));
  return b.sides.map((side, i) => [
    { text: `  ${fit(names[i]!, 22)} `, dim: side.emulated },
    { text: sparkline(pick(side), bins, lo, hi), color: side.emulated ? 'gray' : 'cyan' },
    { text: ` ${ms(lo)}–${ms(hi)} ms`, dim: true },
  ]);
}

const FIGURE_WORDS: Record<string, string> = {
  'cold init': 'init',
  'cold duration': 'cold dur',
  'cold billed': 'cold billed',
  'warm duration': 'warm dur',
  'warm billed': 'warm billed',
  'warm max memory': 'memory',
};

/** The change line of one comparison: each figure's change with its interval, and the cost. */
export function comparisonLines(c: Comparison, names: Map<string, string>, width: number): Line[] {
  const who = `${names.get(c.target) ?? c.target} vs ${names.get(c.baseline) ?? c.baseline}`;
  if (c.withheld)
    return [
      [{ text: `${who}: no comparison: ${c.withheld} (--allow-errors compares anyway).`, color: 'red' }],
    ];
  const parts = Object.entries(FIGURE_WORDS)
    .filter(([f]) => c.changes[f as keyof typeof c.changes])
    .map(([f, word]) => `${word} ${changeText(c.changes[f as keyof typeof c.changes])}`);
  if (c.costRatio !== null)
    parts.push(`cost/1M ${c.costRatio < 1 ? '−' : '+'}${Math.abs((c.costRatio - 1) * 100).toFixed(0)}%`);
  return wrapParts(
    `${who}${c.emulated ? ' (emulated: not a finding)' : ''}:`,
    parts,
    width,
    c.emulated ? { dim: true } : {},
  );
}

/** `head` then `parts` joined by ` · `, wrapped at `width` with an indent. */
function wrapParts(
  head: string,
  parts: readonly string[],
  width: number,
  style: Omit<Segment, 'text'>,
): Line[] {
  const lines: Line[] = [];
  let current = head;
  for (const p of parts) {
    if (current.length + p.length + 3 > width) {
      lines.push([{ text: current, ...style }]);
      current = `   ${p}`;
    } else current += current.endsWith(':') ? ` ${p}` : ` · ${p}`;
  }
  lines.push([{ text: current, ...style }]);
  return lines;
}

/** The verdict line: from native figures only, or why there is none. */
function verdictLines(r: BenchReport, names: Map<string, string>, width: number): Line[] {
  const v = r.verdict;
  if (!v) {
    const why =
      r.comparisons.length === 0
        ? 'one side only'
        : r.comparisons.some((c) => c.withheld)
          ? 'invocations failed: give an event the function accepts'
          : 'no comparison with native figures';
    return [[{ text: `Verdict: none (${why}).`, color: 'yellow' }]];
  }
  const init = v.changes['cold init'];
  const dur = v.changes['warm duration'];
  const mem = v.changes['warm max memory'];
  const bits = [
    init && `cold init ${changeText(init)}`,
    dur && `warm duration ${changeText(dur)}`,
    mem && `memory ${changeText(mem)}`,
    v.costRatio !== null &&
      `cost ${v.costRatio < 1 ? '−' : '+'}${Math.abs((v.costRatio - 1) * 100).toFixed(0)}% per 1M`,
  ].filter(Boolean);
  const head = `Verdict (${names.get(v.target) ?? v.target} vs ${names.get(v.baseline) ?? v.baseline}):`;
  return wrapParts(head, bits.length > 0 ? (bits as string[]) : ['no figures'], width, { bold: true });
}

const money = (x: number) =>
  x >= 100 ? `$${x.toFixed(0)}` : x >= 1 ? `$${x.toFixed(2)}` : `$${x.toPrecision(2)}`;

/** The monthly projection from the function's real traffic. */
function projectionLines(r: BenchReport, names: Map<string, string>, width: number): Line[] {
  if (!r.traffic) return [];
  const n = r.traffic.monthlyInvocations;
  const from = r.traffic.source === 'cloudwatch' ? 'CloudWatch, last 30 days' : '--monthly-invocations';
  if (n === 0)
    return [
      [
        {
          text: `Monthly cost: no invocations in the last 30 days (${from}); --monthly-invocations N projects one.`,
          dim: true,
        },
      ],
    ];
  const withheld = new Set(r.comparisons.filter((c) => c.withheld).flatMap((c) => [c.target, c.baseline]));
  const costs = r.targets
    .filter((t) => t.warm && !withheld.has(t.target) && !t.emulated)
    .map((t) => `${names.get(t.target) ?? t.target} ${money((n / 1_000_000) * t.warm!.costPerMillion)}`);
  if (costs.length === 0) return [];
  return wrapParts(
    `Monthly at ${n.toLocaleString('en-US')} invocations (${from}), warm figures:`,
    costs,
    width,
    {},
  );
}

/** Everything about one benchmark, as lines at `width` columns. `full` adds the notes a final report has. */
export function benchLines(b: LiveBench, now: number, width: number, full = false): Line[] {
  const names = new Map(b.sides.map((s, i) => [s.label, sideNames(b.sides)[i]!]));
  const lines: Line[] = [progressLine(b, now, width)];
  if (b.failed) return [...lines, [{ text: `  failed: ${b.failed}`, color: 'red' }]];
  if (b.sides.length === 0) return [...lines, [{ text: `  ${b.phase}`, dim: true }]];
  lines.push(...tableLines(b, width));
  lines.push(...distributionLines(b, width));
  const r = b.report;
  if (!r) {
    lines.push([{ text: `  ${b.phase}`, dim: true }]);
    return lines;
  }
  for (const t of r.targets) {
    if (t.firstError)
      lines.push([
        {
          text: `${names.get(t.target)}: ${(t.cold?.errors ?? 0) + (t.warm?.errors ?? 0)} failed: ${t.firstError}`,
          color: 'red',
        },
      ]);
    for (const s of t.short) lines.push([{ text: `${names.get(t.target)} is short: ${s}`, color: 'yellow' }]);
  }
  for (const c of r.comparisons) lines.push(...comparisonLines(c, names, width));
  lines.push(...verdictLines(r, names, width));
  lines.push(...projectionLines(r, names, width));
  const marks = [
    b.sides.some((s) => s.emulated) &&
      '~ emulated through qemu-user on this machine: its timings are not AWS timings and make no verdict.',
    b.sides.some((s) => s.temporary) && '* a temporary copy made for this run and deleted after it.',
  ].filter((m): m is string => Boolean(m));
  for (const m of marks) lines.push([{ text: m, dim: true }]);
  if (full) for (const w of b.warnings) lines.push([{ text: `note: ${w}`, color: 'yellow' }]);
  return lines;
}

/** Lines as plain text (no styles). */
export const linesText = (lines: readonly Line[]): string =>
  lines
    .map((l) =>
      l
        .map((s) => s.text)
        .join('')
        .trimEnd(),
    )
    .join('\n');

/** A finished report as the live state that would have led to it (for the command's text output). */
export function liveFromReport(key: string, report: BenchReport): LiveBench {
  const sides: LiveSide[] = report.targets.map((t) => ({
    label: t.target,
    role: t.role,
    runtime: t.runtime,
    architecture: t.architecture,
    memorySizeMb: t.memorySizeMb,
    emulated: t.emulated,
    temporary: t.temporary,
    requested: t.requested,
    cold: report.samples.filter((s) => s.target === t.target && s.kind === 'cold'),
    warm: report.samples.filter((s) => s.target === t.target && s.kind === 'warm'),
  }));
  const last = report.samples.at(-1)?.atMs ?? 0;
  return {
    key,
    against: null,
    sides,
    done: report.samples.length,
    total: report.samples.length,
    startedAt: 0,
    lastAt: last,
    phase: 'done',
    warnings: report.warnings,
    report,
  };
}
