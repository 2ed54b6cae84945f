import { join } from 'node:path';
import { applyPlan } from '../core/apply.js';
import { benchAgainstBackups } from '../core/benchmark.js';
import { migrationHistory, withUnfinished } from '../core/history.js';
import { latestMigration } from '../core/migration-machine.js';
import { bundledLifecycle, isoDay } from '../lambda/lifecycle.js';
import { planMigration } from '../core/plan.js';
import { promoteFunctions } from '../core/promote.js';
import { rollbackMigrations } from '../core/rollback-many.js';
import { scanFunctions } from '../core/scan.js';
import { intOption } from '../cli/options.js';
import { DEMO_DIR } from '../sandbox/seed.js';
import { createBenchUndo } from '../state/bench-undo.js';
import { createFileJournal } from '../state/journal-fs.js';
import { loadInkForTerminal } from '../ui/load-ink.js';
import type { WizardServices } from '../ui/wizard/services.js';
import { CONCURRENCY_OPTION } from './apply.js';
import { locksFor } from './state.js';
import { readEventFile } from './event-file.js';
import { iamPortFor, lambdaPortFor } from './aws-context.js';
import { createBuildPort } from './build-port.js';
import type { Command, CommandContext } from './command.js';
import { PLAN_OPTIONS, planOptionsFrom } from './plan.js';
import { resolveRegions } from './regions.js';

function whereText(ctx: CommandContext): string {
  const g = ctx.globals;
  if (g.sandbox) return `the embedded sandbox at ${g.endpointUrl}`;
  const endpoint = g.endpointUrl ?? process.env.AWS_ENDPOINT_URL_LAMBDA ?? process.env.AWS_ENDPOINT_URL;
  if (endpoint) return `the endpoint ${endpoint}`;
  return `AWS${g.profile ? `, profile ${g.profile}` : ''}`;
}

/** The wizard's services over the real ports: the same core streams the commands print. */
export function wizardServices(
  ctx: CommandContext,
  sources: string[],
  concurrency: number,
  event: Buffer,
): WizardServices {
  const lambda = lambdaPortFor(ctx.globals);
  // A torn journal line is reported in the history screen's state; stderr would tear the wizard's frame.
  const journal = createFileJournal(ctx.globals.stateDir);
  const locks = locksFor(ctx);
  const iam = iamPortFor(ctx.globals);
  const benchUndo = createBenchUndo(ctx.globals.stateDir);
  return {
    where: whereText(ctx),
    sources,
    stateDir: ctx.globals.stateDir,
    regions: () => resolveRegions(ctx.globals, lambda),
    scan: (regions) => withUnfinished(scanFunctions(lambda, { regions }), lambda, journal, regions),
    // Compiler output is not shown: it would tear the wizard's frame; a failed build says why in the plan.
    plan: (refs, choices) =>
      planMigration(
        lambda,
        createBuildPort(sources),
        bundledLifecycle(),
        refs,
        { ...choices, today: isoDay() },
        { iam, journal },
      ),
    apply: (functions, signal) => applyPlan(lambda, journal, functions, { concurrency, signal, locks }),
    rollback: (refs, signal) => rollbackMigrations(lambda, journal, refs, { signal, locks }),
    // The latest migration of each function, with what the function is now: the ones rollback acts on.
    history: async () => {
      const { rows, errors } = await migrationHistory(journal, { lambda });
      return { rows: rows.filter((r) => r.latest), errors };
    },
    promote: (refs, weight) =>
      promoteFunctions(lambda, refs, { kind: 'latest', ...(weight !== undefined && { weight }) }, locks),
    bench: (refs, signal) =>
      benchAgainstBackups(
        lambda,
        refs,
        async (ref) => latestMigration(await journal.read(ref), journal.path(ref))?.backup?.version,
        { cold: 3, warm: 10, event, signal, undo: benchUndo, locks },
      ),
  };
}

export const wizardCommand: Command = {
  name: 'wizard',
  usage:
    'go-lambda-migrate [wizard] [--source DIR]... [--target RUNTIME] [--arch ARCH] [--strategy S] [--event FILE]',
  summary: 'interactive wizard over scan, plan, apply, benchmark and rollback',
  details:
    'Scans, lets you pick functions, shows the plan (read-only), migrates after you confirm, then can benchmark\n' +
    'what it migrated against the go1.x original, and roll it back. Needs a terminal; scripts use the other\n' +
    "commands. With --sandbox and no --source, the demo functions' sources are used.",
  options: [
    ...PLAN_OPTIONS.filter((o) => o.name !== 'all'),
    CONCURRENCY_OPTION,
    {
      name: 'event',
      type: 'string',
      value: 'FILE',
      description: 'JSON event for the benchmark after a migration (default {})',
    },
  ],
  async run(ctx: CommandContext): Promise<number> {
    const options = await planOptionsFrom(ctx);
    const concurrency = intOption(ctx.values, 'concurrency', 1, 64) ?? 4;
    const sources =
      options.sources.length > 0 || !ctx.globals.sandbox ? options.sources : [join(DEMO_DIR, 'functions')];
    const services = wizardServices(
      ctx,
      sources,
      concurrency,
      await readEventFile(ctx.values.event as string | undefined),
    );
    // Ink is loaded here only: the other commands need not pay for it.
    const { runWizard } = await loadInkForTerminal(() => import('../ui/wizard/run-wizard.js'));
    const outcome = await runWizard(
      services,
      { target: options.target, arch: options.arch, strategy: options.strategy },
      ctx.globals.color,
    );
    return { ok: 0, partial: 3, failed: 1 }[outcome];
  },
};
