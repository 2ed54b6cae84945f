import { applyPlan, type ApplyEvent, type ApplyResult } from '../core/apply.js';
import { changingFunctions, planChanges, type Plan } from '../core/plan.js';
import { UsageError } from '../errors.js';
import { loadPlan } from '../state/plan-file.js';
import { intOption } from '../cli/options.js';
import type { Command, CommandContext } from './command.js';
import { lambdaPortFor } from './aws-context.js';
import { confirmMutation, requireConfirmable } from './confirm.js';
import { createFeed } from '../ui/progress/feed.js';
import { loadInkForTerminal } from '../ui/load-ink.js';
import { renderPlan } from '../ui/plan-text.js';
import { makePlan, PLAN_OPTIONS, readVerifyEvent } from './plan.js';
import { journalFor, locksFor } from './state.js';

/** Plain progress lines for a stream of apply or rollback events. */
export function logEvent(ctx: CommandContext, e: ApplyEvent): void {
  const who = `${e.ref.region}/${e.ref.name}`;
  switch (e.type) {
    case 'function-start':
      ctx.stderr.write(`${who}: starting\n`);
      break;
    case 'step-start':
      ctx.stderr.write(`${who}: ${e.step}...\n`);
      break;
    case 'step-done':
      ctx.stderr.write(
        `${who}: ${e.step} ${e.skipped ? (e.why ? `skipped: ${e.why}` : 'already done') : 'done'}\n`,
      );
      break;
    case 'warn':
      ctx.stderr.write(`${who}: warning: ${e.message}\n`);
      break;
    case 'function-done':
      ctx.stderr.write(`${who}: ${e.result.status}: ${e.result.message}\n`);
      break;
  }
}

/**
 * Where progress goes: in a terminal (and not --json), the Ink view on stderr; otherwise plain lines on stderr.
 */
export function progressOutput(
  ctx: CommandContext,
  title: string,
): { event(e: ApplyEvent): void; end(): Promise<void> } {
  const stream = process.stderr;
  if (ctx.globals.json || !stream.isTTY || ctx.stderr !== stream) {
    return { event: (e) => logEvent(ctx, e), end: () => Promise.resolve() };
  }
  const feed = createFeed();
  // Ink is loaded only here: it takes half a second, which scripts and CI runs need not pay.
  const shown = loadInkForTerminal(() => import('../ui/progress/run-progress.js')).then((m) =>
    m.showProgress(feed, title, stream, ctx.globals.color),
  );
  return {
    event: (e) => feed.push(e),
    end: async () => {
      feed.end();
      await shown;
    },
  };
}

/** --concurrency, shared by apply and the wizard. */
export const CONCURRENCY_OPTION = {
  name: 'concurrency',
  type: 'string',
  value: 'N',
  description: 'functions migrated at once (default 4)',
} as const;

/** Exit code for a set of results: 0 all fine, 1 when every one failed or was rolled back, 3 otherwise. */
export function exitCodeFor(results: readonly ApplyResult[]): number {
  const bad = results.filter((r) => r.status === 'failed' || r.status === 'rolled-back').length;
  if (bad === 0) return 0;
  return bad === results.length ? 1 : 3;
}

export const applyCommand: Command = {
  name: 'apply',
  usage: 'go-lambda-migrate apply [--plan FILE | FUNCTION... | --all] [--yes]',
  summary: 'carry out a migration, journaled, with automatic rollback on failure',
  details:
    'With --plan, the saved plan is applied (refused for functions changed since); otherwise a plan is made first\n' +
    'with the same options as `plan`. Run again after an interruption (even SIGKILL), it finishes the\n' +
    'interrupted migration from the state its journal and the function show, even once the function has\n' +
    'left go1.x. One process per function at a time: another one working on it is named and waited for.',
  options: [
    { name: 'plan', type: 'string', value: 'FILE', description: 'a plan saved by plan --out' },
    ...PLAN_OPTIONS,
    {
      name: 'verify-event',
      type: 'string',
      value: 'FILE',
      description: 'invoke once after the switch with this event and require success',
    },
    {
      name: 'no-verify',
      type: 'boolean',
      description: 'never invoke the function (the default without --verify-event)',
    },
    CONCURRENCY_OPTION,
  ],
  async run(ctx: CommandContext): Promise<number> {
    const planFile = ctx.values.plan as string | undefined;
    if (planFile && (ctx.positionals.length > 0 || ctx.values.all))
      throw new UsageError('give --plan FILE or functions to plan, not both.');
    const concurrency = intOption(ctx.values, 'concurrency', 1, 64) ?? 4;
    const verifyEvent = await readVerifyEvent(ctx);
    requireConfirmable(ctx, 'apply');
    const journal = journalFor(ctx);
    const plan: Plan = planFile ? await loadPlan(planFile) : await makePlan(ctx, journal);
    if (!planChanges(plan)) {
      ctx.stderr.write(renderPlan(plan) + '\n');
      if (ctx.globals.json) ctx.stdout.write(JSON.stringify({ results: [] }, null, 2) + '\n');
      return 0;
    }
    if (!ctx.globals.json) ctx.stderr.write(renderPlan(plan) + '\n');
    const count = changingFunctions(plan).length;
    await confirmMutation(ctx, `Migrate ${count} function${count === 1 ? '' : 's'}?`);
    const lambda = lambdaPortFor(ctx.globals);
    let results: ApplyResult[] = [];
    const view = progressOutput(ctx, 'migrating');
    for await (const e of applyPlan(lambda, journal, plan.functions, {
      concurrency,
      locks: locksFor(ctx),
      ...(verifyEvent !== undefined && { verifyEvent }),
    })) {
      if (e.type === 'done') results = e.results;
      else view.event(e);
    }
    await view.end();
    if (ctx.globals.json) ctx.stdout.write(JSON.stringify({ results }, null, 2) + '\n');
    else
      for (const r of results)
        ctx.stdout.write(`${r.status.padEnd(11)} ${r.region}/${r.functionName}: ${r.message}\n`);
    return exitCodeFor(results);
  },
};
