import { UserError } from '../errors.js';
import type { Architecture } from '../lambda/lifecycle.js';
import { pricesFor } from '../lambda/prices.js';
import { parseReport } from '../lambda/report.js';
import { createCopy, deleteCopy, sweepCopies, type CopySpec, type CopyStore } from './bench-copies.js';
import {
  compareTargets,
  targetReport,
  verdictOf,
  type BenchReport,
  type Role,
  type Sample,
  type TargetFacts,
  type Traffic,
} from './bench-report.js';
import { EventChannel, Limiter } from './concurrency.js';
import type { FunctionConfig, FunctionRef, LambdaPort, LockPort, MetricsPort } from './ports.js';

export type { BenchReport, Comparison, KindReport, Role, Sample, TargetReport } from './bench-report.js';
export { stats } from './bench-stats.js';

/** What to measure. */
export interface BenchOptions {
  /** Cold starts per target, from bursts of concurrent invocations (after a configuration change on $LATEST). */
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
  /** Temporary functions created by runs: swept at the start, needed when a target is a copy. */
  readonly copies?: CopyStore;
  /** Compare sides whose invocations failed (off: a failing side gets no ratio and no cost). */
  readonly allowErrors?: boolean;
  /** The largest burst of concurrent invocations (default 50). */
  readonly maxBurst?: number;
  /** The function's monthly invocations for the projection (default: CloudWatch's last 30 days, ×30/30). */
  readonly monthlyInvocations?: number;
  readonly metrics?: MetricsPort;
  /** Lines the caller wants in the report's warnings (for example, why there is no native column). */
  readonly notes?: readonly string[];
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

/** One side to measure: an existing function, version or alias, or a temporary copy made for the run. */
export type BenchTarget =
  { readonly role: Role; readonly ref: FunctionRef } | { readonly role: Role; readonly copy: CopySpec };

export type BenchEvent =
  | {
      readonly type: 'setup';
      readonly target: string;
      readonly role: Role;
      readonly runtime: string;
      readonly architecture: Architecture;
      readonly memorySizeMb: number;
      readonly emulated: boolean;
      readonly temporary: boolean;
      readonly requested: { readonly cold: number; readonly warm: number };
    }
  | {
      readonly type: 'phase';
      readonly phase: 'cold' | 'warm';
      readonly target: string;
      readonly burst?: number;
    }
  | { readonly type: 'sample'; readonly sample: Sample; readonly done: number; readonly total: number }
  | { readonly type: 'warn'; readonly message: string }
  | { readonly type: 'done'; readonly report: BenchReport };

/** The mark a benchmark puts in the Description; finding it means a benchmark's change is still in place. */
const MARK = '[go-lambda-migrate bench';
/** Bursts per side before its cold starts are reported short. */
const BURST_ATTEMPTS = 4;

const label = (ref: FunctionRef) => `${ref.name}${ref.qualifier ? `:${ref.qualifier}` : ''}`;
const unqualified = (ref: FunctionRef) => !ref.qualifier || ref.qualifier === '$LATEST';

/** A target being measured: its configuration before the run, and its counts so far. */
interface Prepared {
  readonly ref: FunctionRef;
  readonly label: string;
  readonly role: Role;
  readonly config: FunctionConfig;
  readonly temporary: boolean;
  /** Set once the benchmark has changed $LATEST's configuration. */
  changed: boolean;
  lastRevision: string;
  cold: number;
  warm: number;
  /** Execution environments the run has seen alive at once (a burst starts this many, idle after). */
  alive: number;
  readonly short: string[];
}

/** One invocation's sample: cold when its REPORT has an Init Duration, whatever was intended. */
async function invokeOnce(lambda: LambdaPort, t: Prepared, event: Buffer, t0: number): Promise<Sample> {
  const r = await lambda.invoke(t.ref, event);
  const lines = r.log.split('\n');
  const line = lines.find((l) => l.startsWith('REPORT RequestId:'));
  if (!line) {
    throw new UserError(
      `the log tail of ${t.label}'s invocation has no REPORT line, so there is nothing to measure.`,
      'Check that the function writes its logs as Lambda does (a custom log format keeps the REPORT line).',
    );
  }
  const f = parseReport(line);
  let error = r.functionError ?? (r.statusCode >= 300 ? `HTTP ${r.statusCode}` : null);
  let errorMessage: string | undefined;
  if (error) {
    try {
      const body = JSON.parse(r.payload.toString('utf8')) as { errorMessage?: unknown; errorType?: unknown };
      if (typeof body.errorMessage === 'string') errorMessage = body.errorMessage.slice(0, 300);
      if (typeof body.errorType === 'string' && body.errorType) error = body.errorType;
    } catch {
      // not JSON: the header's word only
    }
  }
  return {
    target: t.label,
    role: t.role,
    kind: f.initDurationMs !== undefined ? 'cold' : 'warm',
    durationMs: f.durationMs,
    billedMs: f.billedDurationMs,
    memorySizeMb: f.memorySizeMb,
    maxMemoryMb: f.maxMemoryUsedMb,
    initMs: f.initDurationMs ?? null,
    error,
    ...(errorMessage !== undefined && { errorMessage }),
    note:
      lines
        .find((l) => l.startsWith('SANDBOX:'))
        ?.slice('SANDBOX:'.length)
        .trim() ?? null,
    atMs: Date.now() - t0,
  };
}

/** `size` concurrent invocations; their samples as each one answers. */
async function* burst(
  lambda: LambdaPort,
  t: Prepared,
  size: number,
  event: Buffer,
  t0: number,
): AsyncGenerator<Sample> {
  const channel = new EventChannel<{ sample?: Sample; error?: unknown }>();
  let left = size;
  for (let i = 0; i < size; i++) {
    invokeOnce(lambda, t, event, t0).then(
      (sample) => channel.push({ sample }),
      (error: unknown) => channel.push({ error }),
    );
  }
  let failure: unknown;
  for await (const r of channel) {
    if (r.sample) yield r.sample;
    else failure ??= r.error;
    if (--left === 0) channel.close();
  }
  if (failure !== undefined) throw failure instanceof Error ? failure : new Error('an invocation failed');
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
 * Benchmarks one function, or several side by side (the old one, the new one, and a native x86_64 copy when
 * the new one is emulated), taking turns so that drift affects all alike. Cold starts come from bursts of
 * concurrent invocations, which start one execution environment each when none is idle: before each burst,
 * $LATEST gets a configuration change (its Description, and MemorySize with `memoryMb`, put back at the end);
 * a published version cannot change, so its bursts are sized to outnumber the environments it already has.
 * Extra samples of a burst are not counted, so every side ends with the requested counts, or says why not.
 * Each invocation's REPORT line is the measure; cost uses Lambda's prices for the architecture and memory.
 */
export async function* benchmark(
  lambda: LambdaPort,
  targets: readonly (BenchTarget | FunctionRef)[],
  options: BenchOptions,
): AsyncGenerator<BenchEvent> {
  const normalized = targets.map((t, i): BenchTarget => {
    if ('role' in t) return t;
    return { ref: t, role: i === 0 ? 'new' : 'old' };
  });
  // $LATEST changes for cold starts: no other process may work on those functions meanwhile.
  const held: { release(): Promise<void> }[] = [];
  const copies: FunctionRef[] = [];
  const endNotes: string[] = [];
  try {
    const changing = new Map(
      normalized
        .flatMap((t) => ('ref' in t && unqualified(t.ref) ? [t.ref] : []))
        .map((r) => [`${r.region}/${r.name}`, r]),
    );
    for (const ref of changing.values())
      if (options.locks) held.push(await options.locks.acquire(ref, 'bench'));
    if (options.copies) {
      for (const message of await sweepCopies(lambda, options.copies)) yield { type: 'warn', message };
    }
    const resolved: { role: Role; ref: FunctionRef; temporary: boolean }[] = [];
    for (const t of normalized) {
      if ('ref' in t) {
        resolved.push({ role: t.role, ref: t.ref, temporary: false });
        continue;
      }
      if (!options.copies) throw new Error('a benchmark copy needs a CopyStore');
      const ref = await createCopy(lambda, options.copies, t.copy);
      copies.push(ref);
      resolved.push({ role: t.role, ref, temporary: true });
    }
    yield* benchmarkLocked(lambda, resolved, options);
  } finally {
    for (const ref of copies) {
      const problem = options.copies ? await deleteCopy(lambda, options.copies, ref) : undefined;
      if (problem) endNotes.push(problem);
    }
    for (const h of held) await h.release();
  }
  for (const message of endNotes) yield { type: 'warn', message };
}

async function prepare(
  lambda: LambdaPort,
  target: { role: Role; ref: FunctionRef; temporary: boolean },
  options: BenchOptions,
  warnings: string[],
): Promise<Prepared> {
  const { ref } = target;
  let config = await lambda.getConfiguration(ref);
  if (options.undo && unqualified(ref)) {
    const recovered = await recover(lambda, ref, config, options.undo);
    config = recovered.config;
    if (recovered.message) warnings.push(recovered.message);
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
  return {
    ref,
    label: label(ref),
    role: target.role,
    config,
    temporary: target.temporary,
    changed: false,
    lastRevision: config.revisionId,
    cold: 0,
    warm: 0,
    alive: 0,
    short: [],
  };
}

/** State shared by the phases of one run. */
interface Run {
  readonly lambda: LambdaPort;
  readonly options: BenchOptions;
  readonly targets: Prepared[];
  readonly samples: Sample[];
  readonly total: number;
  readonly t0: number;
  discarded: number;
}

/** Bursts, target after target, until each has its cold starts or has had BURST_ATTEMPTS bursts. */
async function* coldPhase(run: Run): AsyncGenerator<BenchEvent> {
  const { lambda, options, targets } = run;
  const maxBurst = options.maxBurst ?? 50;
  for (let attempt = 0; attempt < BURST_ATTEMPTS; attempt++) {
    for (const t of targets) {
      const need = options.cold - t.cold;
      if (need <= 0 || options.signal?.aborted) continue;
      if (unqualified(t.ref)) {
        await recycle(lambda, t, attempt, options.memoryMb, options.undo);
        t.alive = 0;
      }
      const size = Math.min(maxBurst, t.alive + need);
      yield { type: 'phase', phase: 'cold', target: t.label, burst: size };
      for await (const sample of burst(lambda, t, size, options.event, run.t0)) {
        if (sample.kind === 'cold' && t.cold < options.cold) {
          t.cold++;
          run.samples.push(sample);
          yield { type: 'sample', sample, done: run.samples.length, total: run.total };
        } else run.discarded++;
      }
      t.alive = Math.max(t.alive, size);
    }
  }
  for (const t of targets) {
    if (t.cold < options.cold && !options.signal?.aborted)
      t.short.push(
        `${t.cold} of ${options.cold} cold starts: ${BURST_ATTEMPTS} bursts of up to ${maxBurst} concurrent invocations kept meeting warm environments (other traffic, or a concurrency limit).`,
      );
  }
}

/** One invocation per target in turn until each has its warm samples (cold ones here are not counted). */
async function* warmPhase(run: Run): AsyncGenerator<BenchEvent> {
  const { lambda, options, targets } = run;
  const tries = new Map(targets.map((t) => [t, 0]));
  const limit = options.warm * 2 + 5;
  // --memory without cold starts: the size is set once, before the warm invocations (their first is cold).
  for (const t of targets)
    if (options.warm > 0 && options.memoryMb !== undefined && !t.changed && unqualified(t.ref))
      await recycle(lambda, t, 0, options.memoryMb, options.undo);
  for (const t of targets) yield { type: 'phase', phase: 'warm', target: t.label };
  for (;;) {
    const due = targets.filter((t) => t.warm < options.warm && tries.get(t)! < limit);
    if (due.length === 0 || options.signal?.aborted) break;
    for (const t of due) {
      if (options.signal?.aborted) break;
      tries.set(t, tries.get(t)! + 1);
      const sample = await invokeOnce(lambda, t, options.event, run.t0);
      if (sample.kind !== 'warm') {
        run.discarded++;
        continue;
      }
      t.warm++;
      run.samples.push(sample);
      yield { type: 'sample', sample, done: run.samples.length, total: run.total };
    }
  }
  for (const t of targets) {
    if (t.warm < options.warm && !options.signal?.aborted)
      t.short.push(
        `${t.warm} of ${options.warm} warm invocations: the others met new execution environments (environments ending after errors, or other traffic).`,
      );
  }
}

async function trafficOf(options: BenchOptions, old: Prepared | undefined): Promise<Traffic | null> {
  if (options.monthlyInvocations !== undefined)
    return { monthlyInvocations: options.monthlyInvocations, source: 'option' };
  if (!options.metrics || !old) return null;
  try {
    const n = await options.metrics.invocations({ region: old.ref.region, name: old.ref.name }, 30);
    return { monthlyInvocations: n, source: 'cloudwatch' };
  } catch {
    return null;
  }
}

async function* benchmarkLocked(
  lambda: LambdaPort,
  resolved: readonly { role: Role; ref: FunctionRef; temporary: boolean }[],
  options: BenchOptions,
): AsyncGenerator<BenchEvent> {
  const warnings: string[] = [...(options.notes ?? [])];
  for (const message of warnings) yield { type: 'warn', message };
  const info = await lambda.endpointInfo();
  const targets: Prepared[] = [];
  for (const r of resolved) {
    const before = warnings.length;
    const t = await prepare(lambda, r, options, warnings);
    for (const message of warnings.slice(before)) yield { type: 'warn', message };
    targets.push(t);
    const architecture = t.config.architectures[0] ?? 'x86_64';
    yield {
      type: 'setup',
      target: t.label,
      role: t.role,
      runtime: t.config.runtime!,
      architecture,
      memorySizeMb: options.memoryMb ?? t.config.memorySize,
      emulated: info?.emulatedArchitectures.includes(architecture) ?? false,
      temporary: t.temporary,
      requested: { cold: options.cold, warm: options.warm },
    };
  }
  const run: Run = {
    lambda,
    options,
    targets,
    samples: [],
    total: targets.length * (options.cold + options.warm),
    t0: Date.now(),
    discarded: 0,
  };
  let failure: Error | undefined;
  try {
    yield* coldPhase(run);
    yield* warmPhase(run);
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
    endNotes.unshift(`interrupted after ${run.samples.length} of ${run.total} invocations.`);
  for (const message of endNotes) {
    warnings.push(message);
    yield { type: 'warn', message };
  }
  const reports = targets.map((t) => {
    const architecture = t.config.architectures[0] ?? 'x86_64';
    const facts: TargetFacts = {
      label: t.label,
      role: t.role,
      region: t.ref.region,
      runtime: t.config.runtime!,
      architecture,
      memorySizeMb: options.memoryMb ?? t.config.memorySize,
      temporary: t.temporary,
      emulated: info?.emulatedArchitectures.includes(architecture) ?? false,
      short: t.short,
      requested: { cold: options.cold, warm: options.warm },
    };
    return targetReport(facts, run.samples);
  });
  const old = reports.find((r) => r.role === 'old');
  const comparisons = old
    ? reports
        .filter((r) => r !== old)
        .map((r) => compareTargets(r, old, run.samples, options.allowErrors ?? false))
    : [];
  yield {
    type: 'done',
    report: {
      targets: reports,
      comparisons,
      verdict: verdictOf(comparisons, reports),
      samples: run.samples,
      warnings,
      discarded: run.discarded,
      traffic: await trafficOf(
        options,
        targets.find((t) => t.role === 'old'),
      ),
      pricesRegion: pricesFor(targets[0]?.ref.region).region,
    },
  };
}

/** One function's benchmark among several: its sides, and what the caller wants said. */
export interface BenchJob {
  readonly key: string;
  /** What the function is compared with, in words (a version, a candidate), or null for none. */
  readonly against: string | null;
  readonly targets: readonly BenchTarget[];
  readonly notes?: readonly string[];
  /** Why the job could not be prepared (reported as the function's failure). */
  readonly failed?: string;
}

/** What benchmarking several functions reports, function by function. */
export type ManyBenchEvent =
  | { readonly type: 'targets'; readonly targets: readonly { key: string; against: string | null }[] }
  | { readonly type: 'event'; readonly key: string; readonly event: BenchEvent }
  | { readonly type: 'failed'; readonly key: string; readonly message: string };

/**
 * Benchmarks several functions, at most `concurrency` at once, each with its own event stream: first the
 * jobs, then each one's events as they come, or its failure. Once `signal` is aborted, the jobs not yet
 * started are reported as not started.
 */
export async function* benchMany(
  lambda: LambdaPort,
  pending: readonly BenchJob[] | Promise<readonly BenchJob[]>,
  options: BenchOptions & { readonly concurrency?: number },
): AsyncGenerator<ManyBenchEvent> {
  const jobs = await pending;
  yield { type: 'targets', targets: jobs.map(({ key, against }) => ({ key, against })) };
  const channel = new EventChannel<ManyBenchEvent>();
  const limiter = new Limiter(options.concurrency ?? 2);
  let left = jobs.length;
  const finish = () => {
    if (--left === 0) channel.close();
  };
  if (jobs.length === 0) channel.close();
  for (const job of jobs) {
    void limiter
      .run(async () => {
        if (options.signal?.aborted) {
          channel.push({ type: 'failed', key: job.key, message: 'not started: interrupted' });
          return;
        }
        if (job.failed !== undefined) {
          channel.push({ type: 'failed', key: job.key, message: job.failed });
          return;
        }
        try {
          const run = benchmark(lambda, job.targets, { ...options, notes: job.notes ?? [] });
          for await (const event of run) channel.push({ type: 'event', key: job.key, event });
        } catch (e) {
          channel.push({ type: 'failed', key: job.key, message: e instanceof Error ? e.message : String(e) });
        }
      })
      .finally(finish);
  }
  yield* channel;
}
