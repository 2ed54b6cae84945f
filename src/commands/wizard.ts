import { join } from 'node:path';
import { applyPlan } from '../core/apply.js';
import { benchMany, type BenchJob } from '../core/benchmark.js';
import { backupJob, candidateJob } from '../core/bench-sides.js';
import { migrationHistory, withUnfinished } from '../core/history.js';
import { latestMigration } from '../core/migration-machine.js';
import { bundledLifecycle, isoDay } from '../lambda/lifecycle.js';
import { planMigration } from '../core/plan.js';
import { promoteFunctions } from '../core/promote.js';
import { rollbackMigrations } from '../core/rollback-many.js';
import { scanFunctions } from '../core/scan.js';
import { intOption } from '../cli/options.js';
import { DEMO_DIR } from '../sandbox/seed.js';
import { createBenchLog, createBenchUndo, createCopyStore } from '../state/bench-undo.js';
import { benchRecord } from '../core/bench-report.js';
import { mapLimit } from '../core/concurrency.js';
import { createFileJournal } from '../state/journal-fs.js';
import { loadInkForTerminal } from '../ui/load-ink.js';
import type { WizardServices } from '../ui/wizard/services.js';
import type { runWizard as RunWizard } from '../ui/wizard/run-wizard.js';
import type { BenchRequest } from '../ui/wizard/state.js';
import type { ManyBenchEvent } from '../core/benchmark.js';
import { UserError } from '../errors.js';
import { CONCURRENCY_OPTION } from './apply.js';
import { locksFor } from './state.js';
import { iamPortFor, whereText, lambdaPortFor, metricsPortFor, stackPortFor } from './aws-context.js';
import type { IacReport } from '../core/iac-plan.js';
import type { Plan } from '../core/plan.js';
import type { SourceFile } from '../iac/model.js';
import { DEMO_IAC_DIR } from '../sandbox/demo-stacks.js';
import { readIacFiles, writeIacPatch } from '../state/iac-files.js';
import { IAC_OPTIONS } from './plan.js';
import { readEventFile } from './event-file.js';
import { inspectLine } from './inspect.js';
import { readFile, writeFile, mkdir } from 'node:fs/promises';
import { createBuildPort } from './build-port.js';
import type { Command, CommandContext } from './command.js';
import { PLAN_OPTIONS, planOptionsFrom } from './plan.js';
import { resolveRegions } from './regions.js';

/** JSON typed in, checked to parse. */
function checkedJson(text: string): Buffer {
  try {
    JSON.parse(text);
  } catch (e) {
    throw new UserError(`that is not JSON: ${(e as Error).message}`);
  }
  return Buffer.from(text);
}

/** The wizard's services over the real ports: the same core streams the commands print. */
export function wizardServices(
  ctx: CommandContext,
  sources: string[],
  concurrency: number,
  event: Buffer,
  iac?: { base: string; files: SourceFile[] },
): WizardServices {
  const lambda = lambdaPortFor(ctx.globals);
  // A torn journal line is reported in the history screen's state; stderr would tear the wizard's frame.
  const journal = createFileJournal(ctx.globals.stateDir);
  const locks = locksFor(ctx);
  const iam = iamPortFor(ctx.globals);
  const stacks = stackPortFor(ctx.globals);
  const benchUndo = createBenchUndo(ctx.globals.stateDir);
  const benchLog = createBenchLog(ctx.globals.stateDir);
  const lastEventFile = join(ctx.globals.stateDir, 'last-event.json');
  return {
    where: whereText(ctx.globals),
    sources,
    stateDir: ctx.globals.stateDir,
    regions: () => resolveRegions(ctx.globals, lambda),
    // The same answer the plan's permission check uses (asked once).
    identity: () => iam.callerArn(),
    scan: (regions) => withUnfinished(scanFunctions(lambda, { regions }), lambda, journal, regions),
    // Compiler output is not shown: it would tear the wizard's frame; a failed build says why in the plan.
    plan: (refs, choices) =>
      withIac(
        planMigration(
          lambda,
          createBuildPort(sources),
          bundledLifecycle(),
          refs,
          { ...choices, today: isoDay() },
          { iam, journal },
        ),
      ),
    apply: (functions, signal) => applyPlan(lambda, journal, functions, { concurrency, signal, locks }),
    rollback: (refs, signal) => rollbackMigrations(lambda, journal, refs, { signal, locks }),
    // The latest migration of each function, with what the function is now: the ones rollback acts on.
    history: async () => {
      const { rows, errors } = await migrationHistory(journal, { lambda, benchmarks: benchLog });
      return { rows: rows.filter((r) => r.latest), errors };
    },
    promote: (refs, weight) =>
      promoteFunctions(lambda, refs, { kind: 'latest', ...(weight !== undefined && { weight }) }, locks),
    bench: (request, signal, chosen) =>
      recorded(
        benchMany(lambda, jobsFor(request), {
          cold: 3,
          warm: 10,
          event: chosen ?? event,
          signal,
          undo: benchUndo,
          copies: createCopyStore(ctx.globals.stateDir),
          metrics: metricsPortFor(ctx.globals),
          locks,
          concurrency: 2,
        }),
        request.kind === 'backup' ? 'after' : 'before',
      ),
    eventFrom: async (text) => {
      const trimmed = text.trim();
      const data = /^[[{]/.test(trimmed) ? checkedJson(trimmed) : await readEventFile(trimmed);
      await mkdir(ctx.globals.stateDir, { recursive: true });
      await writeFile(lastEventFile, data);
      return data;
    },
    lastEvent: async () => readFile(lastEventFile).catch(() => undefined),
    inspect: (ref, target) => inspectLine(lambda, ref, target),
  };

  /**
   * The plan, with where each function is defined and the patch that keeps a deploy from undoing the
   * migration, written to the state folder so that the review can say how to apply it.
   */
  async function* withIac<E extends { type: string }>(
    events: AsyncIterable<E | { type: 'done'; plan: Plan }>,
  ) {
    for await (const e of events) {
      if (e.type !== 'done' || !('plan' in e)) {
        yield e;
        continue;
      }
      let report: IacReport;
      try {
        // Loaded once a plan is made: the wizard's start does not wait for the YAML and HCL libraries.
        const { iacForPlan } = await import('../core/iac-plan.js');
        report = await iacForPlan(lambda, e.plan.functions, iac?.files ?? [], stacks);
        const stamp = new Date().toISOString().replace(/[:.]/g, '-');
        const written = await writeIacPatch(report, join(ctx.globals.stateDir, 'iac', `${stamp}.patch`));
        report = {
          ...report,
          output: { base: iac?.base ?? process.cwd(), patchFile: written.patch, stackFiles: written.stacks },
        };
      } catch (err) {
        const message = `the IaC step failed: ${(err as Error).message}`;
        report = {
          functions: [],
          problems: [{ file: '(iac)', message }],
          changes: [],
          patch: '',
          stacks: [],
        };
      }
      yield { ...e, plan: { ...e.plan, iac: report } };
    }
  }

  /** The sides of each function, found a few at a time (backup versions, candidates, native builds). */
  async function jobsFor(request: BenchRequest): Promise<BenchJob[]> {
    const sides = { lambda, build: createBuildPort(sources), lifecycle: bundledLifecycle() };
    const failed = (key: string, e: unknown): BenchJob => ({
      key,
      against: null,
      targets: [],
      failed: (e as Error).message,
    });
    if (request.kind === 'candidate')
      return mapLimit(request.functions, 2, (f) =>
        candidateJob(sides, f).catch((e: unknown) => failed(`${f.region}/${f.functionName}`, e)),
      );
    return mapLimit(request.refs, 4, async (ref) => {
      try {
        const migration = latestMigration(await journal.read(ref), journal.path(ref));
        return await backupJob(sides, ref, migration?.backup?.version);
      } catch (e) {
        return failed(`${ref.region}/${ref.name}`, e);
      }
    });
  }

  /** Passes the events on, and keeps each finished benchmark with the function's history. */
  async function* recorded(events: AsyncIterable<ManyBenchEvent>, stage: 'before' | 'after') {
    for await (const e of events) {
      if (e.type === 'event' && e.event.type === 'done') {
        const [region, name] = e.key.split('/') as [string, string];
        const ref = { region, name };
        const migration =
          stage === 'after' ? latestMigration(await journal.read(ref), journal.path(ref)) : undefined;
        await benchLog
          .append(ref, benchRecord(e.event.report, stage, new Date().toISOString(), migration?.record.id))
          .catch(() => undefined);
      }
      yield e;
    }
  }
}

let wizardView: Promise<{ runWizard: typeof RunWizard }> | undefined;

/** The wizard's view, loaded once: Ink is loaded for the wizard only, the other commands need not pay for it. */
const loadWizardView = () => (wizardView ??= loadInkForTerminal(() => import('../ui/wizard/run-wizard.js')));

export const wizardCommand: Command = {
  name: 'wizard',
  usage:
    'go-lambda-migrate [wizard] [--source DIR]... [--iac DIR]... [--target RUNTIME] [--arch ARCH] [--strategy S] [--event FILE]',
  summary: 'interactive wizard over scan, plan, apply, benchmark and rollback',
  details:
    'Scans, lets you pick functions, shows the plan (read-only), migrates after you confirm, then can benchmark\n' +
    'what it migrated against the go1.x original, and roll it back. Needs a terminal; scripts use the other\n' +
    "commands. With --sandbox and no --source, the demo functions' sources are used.",
  options: [
    ...PLAN_OPTIONS.filter((o) => o.name !== 'all'),
    IAC_OPTIONS[0],
    CONCURRENCY_OPTION,
    {
      name: 'event',
      type: 'string',
      value: 'FILE',
      description: 'JSON event for the benchmark after a migration (default {})',
    },
  ],
  // Ink and the SDK's Lambda client load while the sandbox starts: the selection list comes up sooner.
  preload: () => {
    void loadWizardView().catch(() => undefined);
    void import('../aws/lambda-port.js').catch(() => undefined);
  },
  async run(ctx: CommandContext): Promise<number> {
    const options = await planOptionsFrom(ctx);
    const concurrency = intOption(ctx.values, 'concurrency', 1, 64) ?? 4;
    const sources =
      options.sources.length > 0 || !ctx.globals.sandbox ? options.sources : [join(DEMO_DIR, 'functions')];
    const iacDirs = (ctx.values.iac as string[] | undefined) ?? (ctx.globals.sandbox ? [DEMO_IAC_DIR] : []);
    const services = wizardServices(
      ctx,
      sources,
      concurrency,
      await readEventFile(ctx.values.event as string | undefined),
      iacDirs.length > 0 ? await readIacFiles(iacDirs) : undefined,
    );
    // Asked now, while the view loads: the header shows the account before the scan.
    void services.identity().catch(() => undefined);
    const { runWizard } = await loadWizardView();
    const outcome = await runWizard(
      services,
      { target: options.target, arch: options.arch, strategy: options.strategy },
      ctx.globals.color,
    );
    // Ctrl-C: 130 (128 + SIGINT), as for apply and bench; 3 when it stopped work halfway (partial).
    return { ok: 0, partial: 3, failed: 1, interrupted: 130, 'interrupted-work': 3 }[outcome];
  },
};
