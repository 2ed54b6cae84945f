import { benchRecord } from '../core/bench-report.js';
import { backupJob, candidateJob, nativeSide } from '../core/bench-sides.js';
import { benchmark, type BenchEvent, type BenchReport, type BenchTarget } from '../core/benchmark.js';
import { latestMigration } from '../core/migration-machine.js';
import type { FunctionRef } from '../core/ports.js';
import { intOption } from '../cli/options.js';
import { UsageError, UserError } from '../errors.js';
import { bundledLifecycle } from '../lambda/lifecycle.js';
import { lambdaPortFor, metricsPortFor, singleRegion } from './aws-context.js';
import { renderBench, renderBenchCsv, renderBenchMarkdown } from '../ui/bench-text.js';
import type { Command, CommandContext } from './command.js';
import { confirmMutation } from './confirm.js';
import { readEventFile } from './event-file.js';
import { createBenchLog, createBenchUndo, createCopyStore } from '../state/bench-undo.js';
import { journalFor, locksFor } from './state.js';
import { createBuildPort } from './build-port.js';
import { makePlan, PLAN_OPTIONS } from './plan.js';
import { loadInkForTerminal } from '../ui/load-ink.js';

/** `NAME` or `NAME:QUALIFIER` (a version number or an alias). */
function parseTarget(raw: string, region: string): FunctionRef {
  const m = /^([A-Za-z0-9_-]{1,64})(?::([A-Za-z0-9_$-]{1,128}))?$/.exec(raw);
  if (!m) throw new UsageError(`'${raw}' is not a function name, or NAME:QUALIFIER.`);
  return { region, name: m[1]!, ...(m[2] && { qualifier: m[2] }) };
}

const label = (r: FunctionRef) => `${r.name}${r.qualifier ? `:${r.qualifier}` : ''}`;

/** What the command line asks to compare, as the benchmark's sides, and how history files it. */
async function sidesFor(
  ctx: CommandContext,
  ref: FunctionRef,
): Promise<{
  targets: BenchTarget[];
  notes: string[];
  stage: 'before' | 'after' | 'other';
  migration?: string;
}> {
  const lambda = lambdaPortFor(ctx.globals);
  const sources = (ctx.values.source as string[] | undefined) ?? [];
  const sides = { lambda, build: createBuildPort(sources), lifecycle: bundledLifecycle() };
  if (ctx.values.candidate) {
    if (ctx.values.vs) throw new UsageError('--candidate and --vs are two different comparisons: give one.');
    if (ref.qualifier)
      throw new UsageError('--candidate compares $LATEST with the plan: give FUNCTION without :QUALIFIER.');
    const plan = await makePlan({ ...ctx, positionals: [`${ref.region}/${ref.name}`] });
    const f = plan.functions[0];
    if (!f) throw new UserError(`there is nothing to plan for ${ref.name}.`);
    if (f.blocked || !f.artifacts.final)
      throw new UserError(
        `the plan for ${ref.name} builds nothing to benchmark${f.blocked ? `: it is blocked (${f.blocked.code})` : ''}.`,
        `Run go-lambda-migrate plan ${ref.name} to see why.`,
      );
    const job = await candidateJob(sides, f);
    return { targets: [...job.targets], notes: [...(job.notes ?? [])], stage: 'before' };
  }
  const journal = journalFor(ctx);
  const migration = latestMigration(await journal.read(ref), journal.path(ref));
  if (!ctx.values.vs) {
    // A function the tool migrated, alone: against the backup version of its go1.x code.
    if (migration?.backup?.version && !ref.qualifier) {
      const job = await backupJob(sides, ref, migration.backup.version);
      return {
        targets: [...job.targets],
        notes: [...(job.notes ?? [])],
        stage: 'after',
        migration: migration.record.id,
      };
    }
    return { targets: [{ role: 'new', ref }], notes: [], stage: 'other' };
  }
  const vs = parseTarget(ctx.values.vs as string, ref.region);
  const latest = (r: FunctionRef) => !r.qualifier || r.qualifier === '$LATEST';
  if (
    (vs.name === ref.name && (vs.qualifier ?? '$LATEST') === (ref.qualifier ?? '$LATEST')) ||
    (vs.name === ref.name && latest(vs) && latest(ref))
  )
    throw new UsageError(
      `--vs names ${label(ref)} itself: give another function, or one of its versions (NAME:VERSION).`,
    );
  const targets: BenchTarget[] = [
    { role: 'old', ref: vs },
    { role: 'new', ref },
  ];
  const notes: string[] = [];
  const config = await lambda.getConfiguration(ref);
  const arch = config.architectures[0] ?? 'x86_64';
  if (arch !== 'x86_64' && (await lambda.endpointInfo())?.emulatedArchitectures.includes(arch)) {
    const code = await lambda.downloadCode((await lambda.getFunction(ref)).codeLocation);
    const side = await nativeSide(
      sides.build,
      sides.lifecycle,
      ref,
      code,
      config.runtime ?? 'provided.al2023',
    );
    if ('copy' in side) targets.push({ role: 'native', copy: side.copy });
    else notes.push(side.note);
  }
  const isBackup =
    migration?.backup?.version !== undefined &&
    vs.name === ref.name &&
    vs.qualifier === migration.backup.version;
  return {
    targets,
    notes,
    stage: isBackup ? 'after' : 'other',
    ...(isBackup && { migration: migration.record.id }),
  };
}

/** Ctrl-C stops the invocations and puts back what was changed; a second one ends at once. */
function stopOnSignal(log: (line: string) => void): { signal: AbortSignal; dispose(): void } {
  const stop = new AbortController();
  const signals = ['SIGINT', 'SIGTERM'] as const;
  const onSignal = () => {
    // The next signal takes its default action: the process ends (the undo files put things right later).
    signals.forEach((sig) => process.off(sig, onSignal));
    log(
      'stopping: putting back the description and memory size, deleting temporary functions (Ctrl-C again to quit at once)',
    );
    stop.abort();
  };
  signals.forEach((sig) => process.on(sig, onSignal));
  return { signal: stop.signal, dispose: () => signals.forEach((sig) => process.off(sig, onSignal)) };
}

/** Progress lines for a log (no terminal): cold samples, every tenth warm one, and the warnings. */
function logEvent(e: BenchEvent, log: (line: string) => void): void {
  switch (e.type) {
    case 'setup':
      log(
        `${e.target} (${e.role}): ${e.runtime}, ${e.architecture}, ${e.memorySizeMb} MB${e.emulated ? ', emulated here' : ''}${e.temporary ? ', temporary copy' : ''}`,
      );
      break;
    case 'sample': {
      const s = e.sample;
      if (s.kind === 'cold' || e.done % 10 === 0 || e.done === e.total)
        log(
          `[${e.done}/${e.total}] ${s.target} ${s.kind}: ${s.durationMs.toFixed(2)} ms` +
            `${s.initMs !== null ? `, init ${s.initMs.toFixed(2)} ms` : ''}, ${s.maxMemoryMb} MB${s.error ? `, error ${s.error}` : ''}`,
        );
      break;
    }
    case 'warn':
      log(`warning: ${e.message}`);
      break;
    case 'phase':
    case 'done':
      break;
  }
}

export const benchCommand: Command = {
  name: 'bench',
  usage:
    'go-lambda-migrate bench FUNCTION[:QUALIFIER] [--vs FUNCTION[:QUALIFIER] | --candidate] [--cold N] [--warm N] [--event FILE] [--memory MB] [--allow-errors] [--monthly-invocations N] [--source DIR]... [--json | --csv | --markdown]',
  summary: 'cold and warm benchmark, side by side: duration, billed duration, memory, init, cost',
  details:
    'Compares FUNCTION with --vs, with a temporary candidate built by the plan (--candidate), or, for a function\n' +
    'this tool migrated, with the published backup of its go1.x code. Cold starts come from bursts of concurrent\n' +
    "invocations (before each burst, $LATEST's Description changes, and is put back at the end; live traffic to\n" +
    '$LATEST meets those new environments too). Where the endpoint emulates arm64, an x86_64 build of the same\n' +
    'source runs as a third, native side (a temporary function). Temporary functions are deleted at the end, or by\n' +
    'the next bench if the run was killed. Changes are ratios of medians with 95% bootstrap intervals. Needs\n' +
    'confirmation (--yes without a terminal).',
  options: [
    {
      name: 'vs',
      type: 'string',
      value: 'FUNCTION',
      description: 'compare with this function, version or alias (NAME:QUALIFIER): the old side',
    },
    {
      name: 'candidate',
      type: 'boolean',
      description: 'compare with a temporary function built from the plan (before migrating)',
    },
    { name: 'cold', type: 'string', value: 'N', description: 'cold invocations per side (default 5)' },
    { name: 'warm', type: 'string', value: 'N', description: 'warm invocations per side (default 20)' },
    { name: 'event', type: 'string', value: 'FILE', description: 'JSON event to send (default {})' },
    {
      name: 'memory',
      type: 'string',
      value: 'MB',
      description: 'memory size to measure at ($LATEST only; put back after)',
    },
    {
      name: 'allow-errors',
      type: 'boolean',
      description: 'compare and price sides whose invocations failed (off: they get no ratio and no cost)',
    },
    {
      name: 'monthly-invocations',
      type: 'string',
      value: 'N',
      description: "the monthly projection's traffic (default: CloudWatch's last 30 days)",
    },
    ...PLAN_OPTIONS.filter((o) => ['source', 'target', 'arch', 'strategy'].includes(o.name)),
    { name: 'csv', type: 'boolean', description: 'every invocation as CSV on stdout' },
    { name: 'markdown', type: 'boolean', description: 'the report as Markdown, with a Mermaid chart' },
  ],
  async run(ctx: CommandContext): Promise<number> {
    if (ctx.positionals.length !== 1)
      throw new UsageError('name one function to benchmark (and --vs another, or --candidate).');
    const cold = intOption(ctx.values, 'cold', 0, 100) ?? 5;
    const warm = intOption(ctx.values, 'warm', 0, 1000) ?? 20;
    if (cold + warm === 0) throw new UsageError('--cold and --warm are both 0: there is nothing to measure.');
    const memoryMb = intOption(ctx.values, 'memory', 128, 10240);
    const monthly = intOption(ctx.values, 'monthly-invocations', 0, Number.MAX_SAFE_INTEGER);
    const event = await readEventFile(ctx.values.event as string | undefined);
    const lambda = lambdaPortFor(ctx.globals);
    const region = await singleRegion(ctx.globals, lambda);
    const ref = parseTarget(ctx.positionals[0]!, region);
    const what = ctx.values.candidate
      ? `${label(ref)} and a temporary candidate function built by the plan`
      : ctx.values.vs
        ? `${label(ref)} and ${ctx.values.vs as string}`
        : label(ref);
    await confirmMutation(
      ctx,
      `Invoke ${what} ${cold + warm} times each with the event` +
        (cold > 0
          ? ", changing $LATEST's description before each burst of cold starts (put back at the end)"
          : '') +
        '?',
    );
    const log = (line: string) => ctx.stderr.write(`${line}\n`);
    const { targets, notes, stage, migration } = await sidesFor(ctx, ref);
    const stop = stopOnSignal(log);
    const live = process.stderr.isTTY === true && ctx.stderr === process.stderr;
    let report: BenchReport | undefined;
    try {
      let events: AsyncIterable<BenchEvent> = benchmark(lambda, targets, {
        cold,
        warm,
        event,
        signal: stop.signal,
        undo: createBenchUndo(ctx.globals.stateDir),
        copies: createCopyStore(ctx.globals.stateDir),
        locks: locksFor(ctx),
        allowErrors: ctx.values['allow-errors'] === true,
        metrics: metricsPortFor(ctx.globals),
        notes,
        ...(memoryMb !== undefined && { memoryMb }),
        ...(monthly !== undefined && { monthlyInvocations: monthly }),
      });
      if (live) {
        const { withLiveView } = await loadInkForTerminal(() => import('../ui/bench/run-bench-live.js'));
        events = withLiveView(label(ref), events, process.stderr, ctx.globals.color);
      }
      const held: BenchEvent[] = [];
      for await (const e of events) {
        if (e.type === 'done') report = e.report;
        else if (live) held.push(e);
        else logEvent(e, log);
      }
      // Warnings wait for the live view to end: a line written under it would tear its frame.
      for (const e of held) if (e.type === 'warn') logEvent(e, log);
    } finally {
      stop.dispose();
    }
    const r = report!;
    await createBenchLog(ctx.globals.stateDir)
      .append(ref, benchRecord(r, stage, new Date().toISOString(), migration))
      .catch(() => undefined);
    if (ctx.globals.json) ctx.stdout.write(JSON.stringify(r, null, 2) + '\n');
    else if (ctx.values.csv) ctx.stdout.write(renderBenchCsv(r.samples) + '\n');
    else if (ctx.values.markdown) ctx.stdout.write(renderBenchMarkdown(r) + '\n');
    else ctx.stdout.write(renderBench(r, Math.max(80, process.stdout.columns || 100)) + '\n');
    return benchExit(r, stop.signal.aborted, log);
  },
};

/** 130 interrupted; 1 when a side failed every invocation; 3 when some failed or a comparison was withheld. */
function benchExit(r: BenchReport, aborted: boolean, log: (line: string) => void): number {
  if (aborted) return 130;
  const failed = r.samples.filter((s) => s.error !== null).length;
  if (failed === 0) return 0;
  log(
    `${failed} of ${r.samples.length} invocations failed; give an event the function accepts (--event FILE).`,
  );
  const allFailed = r.targets.some((t) => {
    const n = (t.cold?.n ?? 0) + (t.warm?.n ?? 0);
    return n > 0 && (t.cold?.errors ?? 0) + (t.warm?.errors ?? 0) === n;
  });
  return allFailed ? 1 : 3;
}
