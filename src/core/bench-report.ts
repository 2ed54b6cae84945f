// A benchmark's report: per target and kind, the figures; per pair, the changes with their intervals.
import { costPerMillion, pricesFor } from '../lambda/prices.js';
import type { Architecture } from '../lambda/lifecycle.js';
import { ratioOfMedians, stats, type RatioEstimate, type Stats } from './bench-stats.js';

/** Which side of the comparison a target is. */
export type Role = 'old' | 'new' | 'native';

/** One invocation's REPORT figures. */
export interface Sample {
  readonly target: string;
  readonly role: Role;
  readonly kind: 'cold' | 'warm';
  readonly durationMs: number;
  readonly billedMs: number;
  readonly memorySizeMb: number;
  readonly maxMemoryMb: number;
  readonly initMs: number | null;
  /** The function error's type, when the invocation failed. */
  readonly error: string | null;
  /** The function error's message, when there is one. */
  readonly errorMessage?: string;
  /** A `SANDBOX:` line of the log (the local sandbox says so when it emulates an architecture). */
  readonly note: string | null;
  /** Milliseconds since the run began, when the answer arrived. */
  readonly atMs: number;
}

/** The figures of one kind of invocation (cold or warm) of one target. */
export interface KindReport {
  readonly n: number;
  readonly errors: number;
  readonly durationMs: Stats;
  readonly billedMs: Stats;
  readonly maxMemoryMb: Stats;
  readonly initMs: Stats | null;
  /** USD per million invocations like these, at the mean billed duration (requests included). */
  readonly costPerMillion: number;
}

export interface TargetReport {
  readonly target: string;
  readonly role: Role;
  readonly region: string;
  readonly runtime: string;
  readonly architecture: Architecture;
  readonly memorySizeMb: number;
  /** A function the benchmark created for the run and deleted after. */
  readonly temporary: boolean;
  /** Its timings come from an emulated architecture (qemu-user in the sandbox): not findings. */
  readonly emulated: boolean;
  readonly cold: KindReport | null;
  readonly warm: KindReport | null;
  /** What the endpoint said of its measurements (the sandbox: emulated timings are not AWS timings). */
  readonly notes: string[];
  /** Why this side has fewer samples than asked, a sentence each. */
  readonly short: string[];
  /** The counts asked for. */
  readonly requested: { readonly cold: number; readonly warm: number };
  /** The first function error's message, for the user to fix the event. */
  readonly firstError?: string;
}

/** The figures a comparison reports a change for. */
export const FIGURES = [
  'cold init',
  'cold duration',
  'cold billed',
  'cold max memory',
  'warm duration',
  'warm billed',
  'warm max memory',
] as const;
export type Figure = (typeof FIGURES)[number];

/** One side against the old one. */
export interface Comparison {
  readonly target: string;
  readonly baseline: string;
  /** The new side runs emulated: its changes are shown dimmed and never make the verdict. */
  readonly emulated: boolean;
  /** Why there are no changes (failed invocations), or undefined. */
  readonly withheld?: string;
  readonly changes: Readonly<Partial<Record<Figure, RatioEstimate>>>;
  /** Warm cost per million, this side / the old one. */
  readonly costRatio: number | null;
}

/** The months's projection from the function's real traffic. */
export interface Traffic {
  readonly monthlyInvocations: number;
  /** Where the number comes from. */
  readonly source: 'cloudwatch' | 'option';
}

export interface BenchReport {
  readonly targets: TargetReport[];
  /** Each other side against the old one. */
  readonly comparisons: Comparison[];
  /** The comparison a decision rests on: native figures only; null when there is none. */
  readonly verdict: Comparison | null;
  readonly samples: Sample[];
  readonly warnings: string[];
  /** Invocations made but not counted (extra invocations of a burst, cold starts during the warm phase). */
  readonly discarded: number;
  readonly traffic: Traffic | null;
  /** The prices' region (us-east-1's prices stand in for regions this tool has no list for). */
  readonly pricesRegion: string;
}

/** What a target was configured as when the run began. */
export interface TargetFacts {
  readonly label: string;
  readonly role: Role;
  readonly region: string;
  readonly runtime: string;
  readonly architecture: Architecture;
  readonly memorySizeMb: number;
  readonly temporary: boolean;
  readonly emulated: boolean;
  readonly short: string[];
  readonly requested: { readonly cold: number; readonly warm: number };
}

export function kindReport(
  samples: readonly Sample[],
  architecture: Architecture,
  region: string,
): KindReport | null {
  if (samples.length === 0) return null;
  const inits = samples.map((s) => s.initMs).filter((x): x is number => x !== null);
  const billed = stats(samples.map((s) => s.billedMs));
  return {
    n: samples.length,
    errors: samples.filter((s) => s.error !== null).length,
    durationMs: stats(samples.map((s) => s.durationMs)),
    billedMs: billed,
    maxMemoryMb: stats(samples.map((s) => s.maxMemoryMb)),
    initMs: inits.length > 0 ? stats(inits) : null,
    costPerMillion: costPerMillion(billed.mean, samples[0]!.memorySizeMb, architecture, pricesFor(region)),
  };
}

export function targetReport(facts: TargetFacts, samples: readonly Sample[]): TargetReport {
  const mine = samples.filter((s) => s.target === facts.label);
  const of = (kind: 'cold' | 'warm') =>
    kindReport(
      mine.filter((s) => s.kind === kind),
      facts.architecture,
      facts.region,
    );
  const notes = [...new Set(mine.map((s) => s.note).filter((n): n is string => n !== null))];
  const failed = mine.find((s) => s.error !== null);
  return {
    target: facts.label,
    role: facts.role,
    region: facts.region,
    runtime: facts.runtime,
    architecture: facts.architecture,
    memorySizeMb: mine[0]?.memorySizeMb ?? facts.memorySizeMb,
    temporary: facts.temporary,
    emulated: facts.emulated || notes.some((n) => /emulated/i.test(n)),
    cold: of('cold'),
    warm: of('warm'),
    notes,
    short: facts.short,
    requested: facts.requested,
    ...(failed && { firstError: `${failed.error}${failed.errorMessage ? `: ${failed.errorMessage}` : ''}` }),
  };
}

const FIGURE_VALUES: Record<Figure, (s: Sample) => number | null> = {
  'cold init': (s) => (s.kind === 'cold' ? s.initMs : null),
  'cold duration': (s) => (s.kind === 'cold' ? s.durationMs : null),
  'cold billed': (s) => (s.kind === 'cold' ? s.billedMs : null),
  'cold max memory': (s) => (s.kind === 'cold' ? s.maxMemoryMb : null),
  'warm duration': (s) => (s.kind === 'warm' ? s.durationMs : null),
  'warm billed': (s) => (s.kind === 'warm' ? s.billedMs : null),
  'warm max memory': (s) => (s.kind === 'warm' ? s.maxMemoryMb : null),
};

const valuesOf = (samples: readonly Sample[], label: string, figure: Figure) =>
  samples
    .filter((s) => s.target === label)
    .map(FIGURE_VALUES[figure])
    .filter((v): v is number => v !== null);

const errorsOf = (t: TargetReport) => (t.cold?.errors ?? 0) + (t.warm?.errors ?? 0);
const countOf = (t: TargetReport) => (t.cold?.n ?? 0) + (t.warm?.n ?? 0);

/** `a` against the old side `b`: ratios of medians with 95% intervals, unless failures withhold them. */
export function compareTargets(
  a: TargetReport,
  b: TargetReport,
  samples: readonly Sample[],
  allowErrors: boolean,
): Comparison {
  const failing = [a, b].filter((t) => errorsOf(t) > 0);
  const base = { target: a.target, baseline: b.target, emulated: a.emulated || b.emulated };
  if (failing.length > 0 && !allowErrors) {
    return {
      ...base,
      withheld: failing
        .map((t) => `${errorsOf(t)} of ${countOf(t)} invocations of ${t.target} failed`)
        .join('; '),
      changes: {},
      costRatio: null,
    };
  }
  const changes: Partial<Record<Figure, RatioEstimate>> = {};
  for (const figure of FIGURES) {
    const estimate = ratioOfMedians(valuesOf(samples, a.target, figure), valuesOf(samples, b.target, figure));
    if (estimate) changes[figure] = estimate;
  }
  const costRatio =
    a.warm && b.warm && b.warm.costPerMillion > 0 ? a.warm.costPerMillion / b.warm.costPerMillion : null;
  return { ...base, changes, costRatio };
}

/** The comparison to decide on: the native side's when the new one is emulated; never an emulated one. */
export function verdictOf(
  comparisons: readonly Comparison[],
  targets: readonly TargetReport[],
): Comparison | null {
  const byTarget = (label: string) => targets.find((t) => t.target === label);
  const usable = comparisons.filter((c) => !c.emulated && c.withheld === undefined);
  return (
    usable.find((c) => byTarget(c.target)?.role === 'new') ??
    usable.find((c) => byTarget(c.target)?.role === 'native') ??
    null
  );
}

/** A benchmark as history keeps it: when, against what, and the figures a decision rests on. */
export interface BenchRecord {
  readonly time: string;
  /** `before`: against a candidate, before migrating; `after`: the migrated function against its backup. */
  readonly stage: 'before' | 'after' | 'other';
  /** The migration it measured (after), when there is one. */
  readonly migration?: string;
  readonly sides: readonly {
    readonly target: string;
    readonly role: Role;
    readonly runtime: string;
    readonly architecture: Architecture;
    readonly emulated: boolean;
    readonly cold: number;
    readonly warm: number;
    readonly errors: number;
    readonly coldInitP50: number | null;
    readonly warmDurationP50: number | null;
    readonly warmMaxMemoryP50: number | null;
    readonly warmCostPerMillion: number | null;
  }[];
  readonly verdict: Comparison | null;
}

/** Where benchmarks are kept per function (history shows them with the function's migrations). */
export interface BenchLog {
  append(ref: { region: string; name: string }, record: BenchRecord): Promise<void>;
  read(ref: { region: string; name: string }): Promise<BenchRecord[]>;
}

/** The record of a report. */
export function benchRecord(
  report: BenchReport,
  stage: BenchRecord['stage'],
  time: string,
  migration?: string,
): BenchRecord {
  return {
    time,
    stage,
    ...(migration && { migration }),
    sides: report.targets.map((t) => ({
      target: t.target,
      role: t.role,
      runtime: t.runtime,
      architecture: t.architecture,
      emulated: t.emulated,
      cold: t.cold?.n ?? 0,
      warm: t.warm?.n ?? 0,
      errors: (t.cold?.errors ?? 0) + (t.warm?.errors ?? 0),
      coldInitP50: t.cold?.initMs?.p50 ?? null,
      warmDurationP50: t.warm?.durationMs.p50 ?? null,
      warmMaxMemoryP50: t.warm?.maxMemoryMb.p50 ?? null,
      warmCostPerMillion: t.warm?.costPerMillion ?? null,
    })),
    verdict: report.verdict,
  };
}
