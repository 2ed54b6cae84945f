import type { BenchReport, KindReport, Sample, TargetReport } from '../core/benchmark.js';
import { PRICES } from '../lambda/prices.js';

interface Row {
  readonly label: string;
  readonly value: (t: TargetReport) => number | undefined;
  readonly digits: number;
  /** The comparison's ratio for this row, when it has one. */
  readonly ratio?: string;
}

const cold = (f: (k: KindReport) => number | undefined) => (t: TargetReport) =>
  t.cold ? f(t.cold) : undefined;
const warm = (f: (k: KindReport) => number | undefined) => (t: TargetReport) =>
  t.warm ? f(t.warm) : undefined;

/** The rows every rendering shows, in order; the ratio keys are the comparison's. */
const ROWS: readonly Row[] = [
  { label: 'cold: invocations', value: cold((k) => k.n), digits: 0 },
  { label: 'cold: errors', value: cold((k) => k.errors), digits: 0 },
  { label: 'cold: init p50 (ms)', value: cold((k) => k.initMs?.p50), digits: 2, ratio: 'cold init p50' },
  {
    label: 'cold: duration p50 (ms)',
    value: cold((k) => k.durationMs.p50),
    digits: 2,
    ratio: 'cold duration p50',
  },
  {
    label: 'cold: billed mean (ms)',
    value: cold((k) => k.billedMs.mean),
    digits: 1,
    ratio: 'cold billed mean',
  },
  { label: 'cold: max memory p50 (MB)', value: cold((k) => k.maxMemoryMb.p50), digits: 0 },
  { label: 'warm: invocations', value: warm((k) => k.n), digits: 0 },
  { label: 'warm: errors', value: warm((k) => k.errors), digits: 0 },
  {
    label: 'warm: duration p50 (ms)',
    value: warm((k) => k.durationMs.p50),
    digits: 2,
    ratio: 'warm duration p50',
  },
  { label: 'warm: duration p90 (ms)', value: warm((k) => k.durationMs.p90), digits: 2 },
  {
    label: 'warm: billed mean (ms)',
    value: warm((k) => k.billedMs.mean),
    digits: 1,
    ratio: 'warm billed mean',
  },
  {
    label: 'warm: max memory p50 (MB)',
    value: warm((k) => k.maxMemoryMb.p50),
    digits: 0,
    ratio: 'warm max memory p50',
  },
  {
    label: 'warm: USD per 1M invocations',
    value: warm((k) => k.costPerMillion),
    digits: 2,
    ratio: 'warm cost per million',
  },
];

const fmt = (n: number | undefined, digits: number) => (n === undefined ? '–' : n.toFixed(digits));
const ratioText = (r: number | null | undefined) =>
  r === null || r === undefined
    ? ''
    : `${r.toFixed(2)}× (${r < 1 ? '−' : '+'}${Math.abs((r - 1) * 100).toFixed(0)}%)`;

const heading = (t: TargetReport) =>
  `${t.target} (${t.runtime}, ${t.architecture}, ${t.memorySizeMb} MB)${t.notes.map((n) => `\n  note: ${n}`).join('')}`;

/** The table's cells: a header row, then a row per figure. */
function cells(report: BenchReport): string[][] {
  const compared = report.comparison !== null;
  const head = ['', ...report.targets.map((t) => t.target), ...(compared ? ['ratio'] : [])];
  const body = ROWS.filter((r) => report.targets.some((t) => r.value(t) !== undefined)).map((r) => [
    r.label,
    ...report.targets.map((t) => fmt(r.value(t), r.digits)),
    ...(compared ? [r.ratio ? ratioText(report.comparison.ratios[r.ratio]) : ''] : []),
  ]);
  return [head, ...body];
}

const priceNote = () =>
  `Cost: Lambda's ${PRICES.region} on-demand prices (x86_64 $${PRICES.perGbSecond.x86_64}, arm64 $${PRICES.perGbSecond.arm64} per GB-s, $0.20 per 1M requests), at the mean billed duration.`;

/** A plain-text table for a terminal. */
export function renderBench(report: BenchReport): string {
  const rows = cells(report);
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  const lines = rows.map((r) =>
    r
      .map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!)))
      .join('  ')
      .trimEnd(),
  );
  const ratioLine = report.comparison
    ? [`ratio = ${report.comparison.target} / ${report.comparison.baseline} (below 1: lower).`]
    : [];
  return [...report.targets.map(heading), '', ...lines, '', ...ratioLine, priceNote()].join('\n');
}

/** A Markdown table (for pull requests and tickets). */
export function renderBenchMarkdown(report: BenchReport): string {
  const rows = cells(report);
  const line = (r: string[]) => `| ${r.join(' | ')} |`;
  return [
    ...report.targets.map((t) => `- ${heading(t)}`),
    '',
    line(rows[0]!.map((c, i) => (i === 0 ? 'figure' : c))),
    line(rows[0]!.map((_, i) => (i === 0 ? '---' : '---:'))),
    ...rows.slice(1).map(line),
    '',
    priceNote(),
  ].join('\n');
}

const csvCell = (v: string | number | null) => {
  const s = v === null ? '' : String(v);
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};

/** Every invocation, a row each (for a spreadsheet). */
export function renderBenchCsv(samples: readonly Sample[]): string {
  const head = [
    'target',
    'kind',
    'duration_ms',
    'billed_ms',
    'memory_size_mb',
    'max_memory_mb',
    'init_ms',
    'error',
  ];
  const rows = samples.map((s) =>
    [s.target, s.kind, s.durationMs, s.billedMs, s.memorySizeMb, s.maxMemoryMb, s.initMs, s.error]
      .map(csvCell)
      .join(','),
  );
  return [head.join(','), ...rows].join('\n');
}
