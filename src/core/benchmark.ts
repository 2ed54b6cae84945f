import { UserError } from '../errors.js';
import { costPerMillion } from '../lambda/prices.js';
import type { Architecture } from '../lambda/lifecycle.js';
import type { FunctionConfig, FunctionRef, LambdaPort, LockPort } from './ports.js';
import { parseReport } from '../lambda/report.js';

/** What to measure. */
export interface BenchOptions {
  /** Cold starts per target: forced on $LATEST by a configuration change; observed only on versions. */
  readonly cold: number;
  /** Warm invocations per target. */
  readonly warm: number;
  /** The event every invocation gets. */
  readonly event: Buffer;
  /** Memory size to measure at ($LATEST only; set for the run and put back after). */
  readonly memoryMb?: number;
  /** Once aborted, no more invocations: what was changed is put back and the figures so far reported. */
  readonly signal?: AbortSignal;
  /** Keeps the values to put back, so that a run killed halfway is put right by the next one. */
  readonly undo?: BenchUndo;
  /** The locks of the functions whose $LATEST the benchmark changes, held for the whole run. */
  readonly locks?: LockPort;
}

/** What the benchmark changes on $LATEST, as it was before. */
export interface BenchOriginal {
  readonly description: string;
  readonly memorySize: number;
}

/** Durable storage of the values to put back, written before the first change and cleared after the last. */
export interface BenchUndo {
  save(ref: FunctionRef, original: BenchOriginal): Promise<void>;
  load(ref: FunctionRef): Promise<BenchOriginal | undefined>;
  clear(ref: FunctionRef): Promise<void>;
}

/** The mark a benchmark puts in the Description; finding it means a benchmark's change is still in place. */
const MARK = '[go-lambda-migrate bench';

/** One invocation's REPORT figures. */
export interface Sample {
  readonly target: string;
  readonly kind: 'cold' | 'warm';
  readonly durationMs: number;
  readonly billedMs: number;
  readonly memorySizeMb: number;
  readonly maxMemoryMb: number;
  readonly initMs: number | null;
  /** The function error's type, when the invocation failed. */
  readonly error: string | null;
  /** A `SANDBOX:` line of the log (the local sandbox says so when it emulates an architecture). */
  readonly note: string | null;
}

/** Order statistics of one figure. */
export interface Stats {
  readonly p50: number;
  readonly p90: number;
  readonly mean: number;
  readonly min: number;
  readonly max: number;
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
  readonly region: string;
  readonly runtime: string;
  readonly architecture: Architecture;
  readonly memorySizeMb: number;
  readonly cold: KindReport | null;
  readonly warm: KindReport | null;
  /** What the endpoint said of its measurements (the sandbox: emulated timings are not AWS timings). */
  readonly notes: string[];
}

/** FUNCTION against --vs: each figure of the first divided by the second's (below 1 = the first is lower). */
export interface Comparison {
  readonly target: string;
  readonly baseline: string;
  readonly ratios: Readonly<Record<string, number | null>>;
}

export interface BenchReport {
  readonly targets: TargetReport[];
  readonly comparison: Comparison | null;
  readonly samples: Sample[];
  readonly warnings: string[];
}

export type BenchEvent =
  | { readonly type: 'setup'; readonly target: string; readonly message: string }
  | { readonly type: 'sample'; readonly sample: Sample; readonly done: number; readonly total: number }
  | { readonly type: 'warn'; readonly message: string }
  | { readonly type: 'done'; readonly report: BenchReport };

const label = (ref: FunctionRef) => `${ref.name}${ref.qualifier ? `:${ref.qualifier}` : ''}`;
const unqualified = (ref: FunctionRef) => !ref.qualifier || ref.qualifier === '$LATEST';

/** p50, p90, mean, min and max (nearest-rank percentiles). */
export function stats(values: readonly number[]): Stats {
  const v = [...values].sort((a, b) => a - b);
  const rank = (p: number) => v[Math.min(v.length - 1, Math.max(0, Math.ceil(p * v.length) - 1))]!;
  return {
    p50: rank(0.5),
    p90: rank(0.9),
    mean: v.reduce((a, b) => a + b, 0) / v.length,
    min: v[0]!,
    max: v[v.length - 1]!,
  };
}

function kindReport(samples: readonly Sample[], architecture: Architecture): KindReport | null {
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
    costPerMillion: costPerMillion(billed.mean, samples[0]!.memorySizeMb, architecture),
  };
}

function compare(a: TargetReport, b: TargetReport): Comparison {
  const ratio = (x: number | undefined, y: number | undefined) =>
    x === undefined || y === undefined || y === 0 ? null : x / y;
  return {
    target: a.target,
    baseline: b.target,
    ratios: {
      'warm duration p50': ratio(a.warm?.durationMs.p50, b.warm?.durationMs.p50),
      'warm billed mean': ratio(a.warm?.billedMs.mean, b.warm?.billedMs.mean),
      'warm max memory p50': ratio(a.warm?.maxMemoryMb.p50, b.warm?.maxMemoryMb.p50),
      'warm cost per million': ratio(a.warm?.costPerMillion, b.warm?.costPerMillion),
      'cold init p50': ratio(a.cold?.initMs?.p50, b.cold?.initMs?.p50),
      'cold duration p50': ratio(a.cold?.durationMs.p50, b.cold?.durationMs.p50),
      'cold billed mean': ratio(a.cold?.billedMs.mean, b.cold?.billedMs.mean),
    },
  };
}

/** What a target's configuration was before the benchmark touched it, to put back. */
interface Prepared {
  readonly ref: FunctionRef;
  readonly label: string;
  readonly config: FunctionConfig;
  /** Set once the benchmark has changed $LATEST's configuration. */
  changed: boolean;
  lastRevision: string;
}

/** One invocation's sample: cold when its REPORT has an Init Duration, whatever was intended. */
async function invokeOnce(lambda: LambdaPort, t: Prepared, event: Buffer): Promise<Sample> {
  const r = await lambda.invoke(t.ref, event);
  const line = r.log.split('\n').find((l) => l.startsWith('REPORT RequestId:'));
  if (!line) {
    throw new UserError(
      `the log tail of ${t.label}'s invocation has no REPORT line, so there is nothing to measure.`,
      'Check that the function writes its logs as Lambda does (a custom log format keeps the REPORT line).',
    );
  }
  const f = parseReport(line);
  return {
    target: t.label,
    kind: f.initDurationMs !== undefined ? 'cold' : 'warm',
    durationMs: f.durationMs,
    billedMs: f.billedDurationMs,
    memorySizeMb: f.memorySizeMb,
    maxMemoryMb: f.maxMemoryUsedMb,
    initMs: f.initDurationMs ?? null,
    error: r.functionError ?? (r.statusCode >= 300 ? `HTTP ${r.statusCode}` : null),
    note:
      r.log
        .split('\n')
        .find((l) => l.startsWith('SANDBOX:'))
        ?.slice('SANDBOX:'.length)
        .trim() ?? null,
  };
}

/** A new execution environment for $LATEST: a configuration change (the Description), then the wait. */
async function recycle(
  lambda: LambdaPort,
  t: Prepared,
  n: number,
  memoryMb: number | undefined,
  undo: BenchUndo | undefined,
): Promise<void> {
  if (!t.changed)
    await undo?.save(t.ref, { description: t.config.description, memorySize: t.config.memorySize });
  const description = `${t.config.description ? `${t.config.description} ` : ''}${MARK} ${Date.now()}-${n}]`;
  const after = await lambda.updateConfiguration(t.ref, {
    description: description.slice(0, 256),
    ...(memoryMb !== undefined && { memorySize: memoryMb }),
    revisionId: t.lastRevision,
  });
  t.changed = true;
  t.lastRevision = after.revisionId;
  await lambda.waitUntilUpdated(t.ref);
  t.lastRevision = (await lambda.getConfiguration(t.ref)).revisionId;
}

/** Puts back the Description and MemorySize, unless someone else changed the function since. */
async function restore(lambda: LambdaPort, t: Prepared, undo?: BenchUndo): Promise<string | undefined> {
  if (!t.changed) return undefined;
  try {
    await lambda.updateConfiguration(t.ref, {
      description: t.config.description,
      memorySize: t.config.memorySize,
      revisionId: t.lastRevision,
    });
    await lambda.waitUntilUpdated(t.ref);
    await undo?.clear(t.ref);
    return undefined;
  } catch (e) {
    return `could not put back ${t.label}'s description and memory size (${(e as Error).message}); they were "${t.config.description}" and ${t.config.memorySize} MB${undo ? ', and the next bench of it puts them back' : ''}.`;
  }
}

/** Puts back what an earlier, interrupted benchmark left on $LATEST (its mark still in the Description). */
async function recover(
  lambda: LambdaPort,
  ref: FunctionRef,
  config: FunctionConfig,
  undo: BenchUndo,
): Promise<{ config: FunctionConfig; message?: string }> {
  const left = await undo.load(ref);
  if (!left) return { config };
  if (config.description.includes(MARK)) {
    await lambda.updateConfiguration(ref, { ...left, revisionId: config.revisionId });
    await lambda.waitUntilUpdated(ref);
    config = await lambda.getConfiguration(ref);
  }
  await undo.clear(ref);
  return {
    config,
    message: `${label(ref)}: an interrupted benchmark had left its description and memory size changed; they are back to "${left.description}" and ${left.memorySize} MB.`,
  };
}

/**
 * Benchmarks one function, or two side by side (FUNCTION and --vs), taking turns so that drift affects both
 * alike. Cold starts of $LATEST are forced by changing its Description (and MemorySize with `memoryMb`),
 * waiting for the update, then invoking; both are put back at the end. A published version cannot be
 * changed, so its cold starts are only those observed. Each invocation's REPORT line is the measure; cost
 * uses Lambda's prices for the architecture and memory size.
 */
export async function* benchmark(
  lambda: LambdaPort,
  refs: readonly FunctionRef[],
  options: BenchOptions,
): AsyncGenerator<BenchEvent> {
  // $LATEST changes for cold starts: no other process may work on those functions meanwhile.
  const held: { release(): Promise<void> }[] = [];
  try {
    const changing = new Map(refs.filter(unqualified).map((r) => [`${r.region}/${r.name}`, r]));
    for (const ref of changing.values())
      if (options.locks) held.push(await options.locks.acquire(ref, 'bench'));
    yield* benchmarkLocked(lambda, refs, options);
  } finally {
    for (const h of held) await h.release();
  }
}

async function* benchmarkLocked(
  lambda: LambdaPort,
  refs: readonly FunctionRef[],
  options: BenchOptions,
): AsyncGenerator<BenchEvent> {
  const warnings: string[] = [];
  const samples: Sample[] = [];
  const targets: Prepared[] = [];
  for (const ref of refs) {
    let config = await lambda.getConfiguration(ref);
    if (options.undo && unqualified(ref)) {
      const recovered = await recover(lambda, ref, config, options.undo);
      config = recovered.config;
      if (recovered.message) {
        warnings.push(recovered.message);
        yield { type: 'warn', message: recovered.message };
      }
    }
    if (!config.runtime) {
      throw new UserError(`${label(ref)} is a container image function; bench measures zip functions.`);
    }
    if (!unqualified(ref) && options.memoryMb !== undefined) {
      throw new UserError(
        `--memory cannot apply to ${label(ref)}: a published version's configuration cannot change.`,
        'Benchmark $LATEST (no :QUALIFIER) with --memory, or leave --memory out.',
      );
    }
    targets.push({ ref, label: label(ref), config, changed: false, lastRevision: config.revisionId });
    yield {
      type: 'setup',
      target: label(ref),
      message: `${config.runtime}, ${config.architectures[0]}, ${options.memoryMb ?? config.memorySize} MB`,
    };
  }
  const total = targets.length * (options.cold + options.warm);
  let failure: Error | undefined;
  try {
    for (let i = 0; i < options.cold; i++) {
      for (const t of targets) {
        if (options.signal?.aborted) break;
        if (unqualified(t.ref)) await recycle(lambda, t, i, options.memoryMb, options.undo);
        const sample = await invokeOnce(lambda, t, options.event);
        if (sample.kind === 'warm' && i === 0) {
          const message = unqualified(t.ref)
            ? `${t.label}: an invocation after a configuration change reported no Init Duration; counted as warm.`
            : `${t.label} is a published version: its cold starts cannot be forced, only observed; invocations without an Init Duration count as warm.`;
          warnings.push(message);
          yield { type: 'warn', message };
        }
        samples.push(sample);
        yield { type: 'sample', sample, done: samples.length, total };
      }
    }
    for (let i = 0; i < options.warm; i++) {
      for (const t of targets) {
        if (options.signal?.aborted) break;
        const sample = await invokeOnce(lambda, t, options.event);
        samples.push(sample);
        yield { type: 'sample', sample, done: samples.length, total };
      }
    }
  } catch (e) {
    failure = e instanceof Error ? e : new Error(String(e));
  }
  const endNotes: string[] = [];
  for (const t of targets) {
    const problem = await restore(lambda, t, options.undo);
    if (problem) endNotes.push(problem);
  }
  if (failure) {
    if (endNotes.length > 0) failure.message += `; also: ${endNotes.join(' ')}`;
    throw failure;
  }
  if (options.signal?.aborted)
    endNotes.unshift(`interrupted after ${samples.length} of ${total} invocations.`);
  for (const message of endNotes) {
    warnings.push(message);
    yield { type: 'warn', message };
  }
  const reports = targets.map((t): TargetReport => {
    const mine = samples.filter((s) => s.target === t.label);
    const architecture = t.config.architectures[0] ?? 'x86_64';
    return {
      target: t.label,
      region: t.ref.region,
      runtime: t.config.runtime!,
      architecture,
      memorySizeMb: mine[0]?.memorySizeMb ?? t.config.memorySize,
      cold: kindReport(
        mine.filter((s) => s.kind === 'cold'),
        architecture,
      ),
      warm: kindReport(
        mine.filter((s) => s.kind === 'warm'),
        architecture,
      ),
      notes: [...new Set(mine.map((s) => s.note).filter((n): n is string => n !== null))],
    };
  });
  yield {
    type: 'done',
    report: {
      targets: reports,
      comparison: reports.length === 2 ? compare(reports[0]!, reports[1]!) : null,
      samples,
      warnings,
    },
  };
}

/** What benchmarking functions against their backups reports, function by function. */
export type BackupBenchEvent =
  | { readonly type: 'targets'; readonly targets: readonly { key: string; against: string | null }[] }
  | { readonly type: 'event'; readonly key: string; readonly event: BenchEvent }
  | { readonly type: 'failed'; readonly key: string; readonly message: string };

/**
 * Benchmarks each migrated function against the published backup version of its original code (when apply
 * made one), one function after another: first the targets, then each function's events or its failure.
 * Once `signal` is aborted, the functions not yet started are reported as not started.
 */
export async function* benchAgainstBackups(
  lambda: LambdaPort,
  refs: readonly FunctionRef[],
  backupVersion: (ref: FunctionRef) => Promise<string | undefined>,
  options: BenchOptions,
): AsyncGenerator<BackupBenchEvent> {
  const targets = await Promise.all(
    refs.map(async (ref) => {
      const version = await backupVersion(ref);
      return {
        ref,
        key: `${ref.region}/${ref.name}`,
        against: version ? `${ref.name}:${version}` : null,
        version,
      };
    }),
  );
  yield { type: 'targets', targets: targets.map(({ key, against }) => ({ key, against })) };
  for (const t of targets) {
    if (options.signal?.aborted) {
      yield { type: 'failed', key: t.key, message: 'not started: interrupted' };
      continue;
    }
    try {
      const both = [t.ref, ...(t.version ? [{ ...t.ref, qualifier: t.version }] : [])];
      for await (const event of benchmark(lambda, both, options)) yield { type: 'event', key: t.key, event };
    } catch (e) {
      yield { type: 'failed', key: t.key, message: e instanceof Error ? e.message : String(e) };
    }
  }
}
