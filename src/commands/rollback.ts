import type { ApplyResult } from '../core/apply.js';
import { latestMigration } from '../core/journal.js';
import type { FunctionRef } from '../core/ports.js';
import { rollbackFunction } from '../core/rollback.js';
import { UsageError, UserError } from '../errors.js';
import { createFileJournal } from '../state/journal-fs.js';
import type { Command, CommandContext } from './command.js';
import { lambdaPortFor } from './aws-context.js';
import { confirmMutation } from './confirm.js';
import { exitCodeFor, journalPath, progressOutput } from './apply.js';

export const rollbackCommand: Command = {
  name: 'rollback',
  usage: 'go-lambda-migrate rollback FUNCTION... | --all [--yes]',
  summary: 'return functions to their recorded pre-migration state',
  details: 'FUNCTION is a name or REGION/NAME with a journal in the state folder (see `history`).',
  options: [{ name: 'all', type: 'boolean', description: 'every function with a migration in the journal' }],
  async run(ctx: CommandContext): Promise<number> {
    const journal = createFileJournal(ctx.globals.stateDir);
    const known = await journal.list();
    if (ctx.positionals.length === 0 && !ctx.values.all)
      throw new UsageError('name the functions to roll back, or pass --all.');
    const refs: FunctionRef[] = ctx.values.all
      ? known
      : ctx.positionals.flatMap((n) => {
          const [region, name] = n.includes('/') ? n.split('/', 2) : [undefined, n];
          const hits = known.filter((k) => k.name === name && (!region || k.region === region));
          if (hits.length === 0)
            throw new UserError(
              `no migration of ${n} is recorded in ${ctx.globals.stateDir}.`,
              'See `go-lambda-migrate history`, or pass --state-dir.',
            );
          return hits;
        });
    await confirmMutation(ctx, `Roll back ${refs.length} function${refs.length === 1 ? '' : 's'}?`);
    const lambda = lambdaPortFor(ctx.globals);
    const results: ApplyResult[] = [];
    const view = progressOutput(ctx, 'rolling back');
    let stopped = false;
    for (const ref of refs) {
      const state = latestMigration(await journal.read(ref));
      const base = {
        functionName: ref.name,
        region: ref.region,
        journal: journalPath(ctx.globals.stateDir)(ref),
      };
      if (!state) {
        results.push({ ...base, status: 'skipped', message: 'no migration in the journal' });
        continue;
      }
      if (state.rollback?.status === 'restored') {
        results.push({
          ...base,
          status: 'skipped',
          message: `already rolled back on ${state.rollback.time}`,
        });
        continue;
      }
      view.event({ type: 'function-start', ref });
      try {
        const rb = await rollbackFunction(lambda, journal, ref, state, 'rollback requested', (step, phase) =>
          view.event(
            phase === 'start'
              ? { type: 'step-start', ref, step }
              : { type: 'step-done', ref, step, skipped: phase === 'skipped' },
          ),
        );
        const status = rb.status === 'failed' ? 'failed' : 'rolled-back';
        stopped ||= rb.status === 'stopped';
        results.push({ ...base, status, message: rb.message });
      } catch (e) {
        results.push({
          ...base,
          status: 'failed',
          message: `${(e as Error).message}; the original is at ${state.backup?.path ?? '(no backup)'}`,
        });
      }
      view.event({ type: 'function-done', ref, result: results.at(-1)! });
    }
    await view.end();
    if (ctx.globals.json) ctx.stdout.write(JSON.stringify({ results }, null, 2) + '\n');
    else
      for (const r of results)
        ctx.stdout.write(`${r.status.padEnd(11)} ${r.region}/${r.functionName}: ${r.message}\n`);
    const failed = results.some((r) => r.status === 'failed');
    // Stopped on provided.* (the old runtime is refused): working, but not what was asked: exit 3.
    if (!failed && stopped) return 3;
    return failed
      ? exitCodeFor(
          results.map((r) => ({ ...r, status: r.status === 'rolled-back' ? 'migrated' : r.status })),
        )
      : 0;
  },
};
