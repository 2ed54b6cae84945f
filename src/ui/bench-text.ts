import type { BenchReport, Sample, TargetReport } from '../core/benchmark.js';
import { histogram } from '../core/bench-stats.js';
import { pricesFor } from '../lambda/prices.js';
import { benchLines, changeText, linesText, liveFromReport } from './bench-view.js';

const heading = (t: TargetReport) =>
  `${t.target} (${t.role}: ${t.runtime}, ${t.architecture}, ${t.memorySizeMb} MB${t.emulated ? ', emulated' : ''}${t.temporary ? ', temporary copy' : ''})`;

const priceNote = (report: BenchReport) => {
  const p = pricesFor(report.pricesRegion);
  const region = report.targets[0]?.region;
  const stand =
    region && region !== p.region ? ` (standing in for ${region}, whose list this tool does not have)` : '';
  return `Cost: Lambda's ${p.region} on-demand prices${stand}: x86_64 $${p.perGbSecond.x86_64}, arm64 $${p.perGbSecond.arm64} per GB-s, $0.20 per 1M requests, at the mean billed duration (INIT is billed for every runtime since 2025-08-01).`;
};

/** A plain-text report for a terminal, `width` columns wide. */
export function renderBench(report: BenchReport, width = 100): string {
  const main = report.targets.find((t) => t.role === 'new') ?? report.targets[0];
  const view = liveFromReport(main?.target ?? 'benchmark', report);
  return [
    ...report.targets.map(heading),
    '',
    linesText(benchLines(view, 0, width, true)),
    '',
    priceNote(report),
  ].join('\n');
}

const fmt = (n: number | undefined, digits: number) => (n === undefined ? '–' : n.toFixed(digits));

/** The summary rows of the Markdown table: Start, Runtime, and the familiar figures. */
function markdownRows(report: BenchReport): string[] {
  const rows: string[] = [];
  for (const kind of ['cold', 'warm'] as const) {
    for (const t of report.targets) {
      const k = t[kind];
      if (!k) continue;
      rows.push(
        `| ${kind} | ${t.runtime} ${t.architecture}${t.emulated ? ' (emulated)' : ''} | ${k.n} | ${fmt(k.durationMs.mean, 2)} | ${fmt(k.durationMs.p50, 2)} / ${fmt(k.durationMs.p90, 2)} / ${fmt(k.durationMs.p99, 2)} | ${fmt(k.billedMs.mean, 1)} | ${fmt(k.maxMemoryMb.mean, 0)} MB | ${kind === 'cold' ? fmt(k.initMs?.mean, 2) : ''} | ${k.errors} |`,
      );
    }
  }
  return rows;
}

/** A Mermaid xychart of the warm durations of the old side (bars) and the other sides (lines). */
function mermaidChart(report: BenchReport): string[] {
  const warm = (t: TargetReport) =>
    report.samples.filter((s) => s.target === t.target && s.kind === 'warm').map((s) => s.durationMs);
  const all = report.targets.flatMap(warm);
  if (all.length === 0) return [];
  const lo = Math.min(...all);
  const hi = Math.max(...all);
  const bins = 12;
  const step = (hi - lo) / bins || 1;
  const labels = Array.from({ length: bins }, (_, i) => `"${(lo + step * (i + 0.5)).toFixed(2)}"`);
  const series = report.targets.map((t, i) => {
    const counts = histogram(warm(t), bins, lo, hi);
    return `    ${i === 0 && t.role === 'old' ? 'bar' : 'line'} [${counts.join(', ')}]`;
  });
  const legend = report.targets.map(
    (t, i) =>
      `${i === 0 && t.role === 'old' ? 'bars' : 'line'}: ${t.runtime} ${t.architecture}${t.emulated ? ' emulated' : ''}`,
  );
  return [
    '```mermaid',
    'xychart-beta',
    `    title "Warm duration (ms): ${legend.join(', ')}"`,
    `    x-axis "duration (ms)" [${labels.join(', ')}]`,
    '    y-axis "invocations"',
    ...series,
    '```',
  ];
}

/** A Markdown report (for pull requests): the table, the changes with their intervals, a chart. */
export function renderBenchMarkdown(report: BenchReport): string {
  const name = (label: string) => {
    const t = report.targets.find((x) => x.target === label);
    return t ? `${t.runtime} ${t.architecture}` : label;
  };
  const changes = report.comparisons.map((c) => {
    const head = `**${name(c.target)} vs ${name(c.baseline)}**${c.emulated ? ' (emulated: not a finding)' : ''}`;
    if (c.withheld) return `- ${head}: no comparison: ${c.withheld}.`;
    const items = Object.entries(c.changes).map(([f, r]) => `${f} ${changeText(r)}`);
    if (c.costRatio !== null)
      items.push(
        `cost per 1M ${changeText({ ratio: c.costRatio, low: c.costRatio, high: c.costRatio, measurable: true }).replace(/ \[.*\]/, '')}`,
      );
    return `- ${head}: ${items.join(' · ')}`;
  });
  return [
    ...report.targets.map((t) => `- ${heading(t)}`),
    '',
    '| Start | Runtime | n | Avg Duration (ms) | p50 / p90 / p99 (ms) | Avg Billed Duration (ms) | Avg Max Memory | Avg Init Duration (ms) | errors |',
    '|---|---|---:|---:|---:|---:|---:|---:|---:|',
    ...markdownRows(report),
    '',
    'Changes are ratios of medians with 95% bootstrap intervals; "no measurable change" when the interval includes 1.',
    '',
    ...changes,
    '',
    ...mermaidChart(report),
    '',
    priceNote(report),
  ].join('\n');
}

const csvCell = (v: string | number | null | undefined) => {
  const s = v === null || v === undefined ? '' : String(v);
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};

/** Every invocation, a row each (for a spreadsheet). */
export function renderBenchCsv(samples: readonly Sample[]): string {
  const head = [
    'target',
    'role',
    'kind',
    'duration_ms',
    'billed_ms',
    'memory_size_mb',
    'max_memory_mb',
    'init_ms',
    'error',
    'error_message',
    'at_ms',
  ];
  const rows = samples.map((s) =>
    [
      s.target,
      s.role,
      s.kind,
      s.durationMs,
      s.billedMs,
      s.memorySizeMb,
      s.maxMemoryMb,
      s.initMs,
      s.error,
      s.errorMessage,
      s.atMs,
    ]
      .map(csvCell)
      .join(','),
  );
  return [head.join(','), ...rows].join('\n');
}
