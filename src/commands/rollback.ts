import type { ApplyResult } from '../core/apply.js';
import type { FunctionRef } from '../core/ports.js';
import { rollbackMigrations } from '../core/rollback-many.js';
import { UsageError, UserError } from '../errors.js';
import type { Command, CommandContext } from './command.js';
import { lambdaPortFor } from './aws-context.js';
import { confirmMutation } from './confirm.js';
import { exitCodeFor, progressOutput } from './apply.js';
import { journalFor, locksFor } from './state.js';

export const rollbackCommand: Command = {
  name: 'rollback',
  usage: 'go-lambda-migrate rollback FUNCTION... | --all [--yes]',
  summary: 'return functions to their recorded pre-migration state',
  details: 'FUNCTION is a name or REGION/NAME with a journal in the state folder (see `history`).',
  options: [{ name: 'all', type: 'boolean', description: 'every function with a migration in the journal' }],
  async run(ctx: CommandContext): Promise<number> {
    const journal = journalFor(ctx);
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
    if (refs.length === 0) {
      // --all with an empty journal: say so, rather than print nothing.
      if (ctx.globals.json) ctx.stdout.write(JSON.stringify({ results: [] }, null, 2) + '\n');
      ctx.stderr.write(`nothing to roll back: no migration is recorded in ${ctx.globals.stateDir}.\n`);
      return 0;
    }
    await confirmMutation(ctx, `Roll back ${refs.length} function${refs.length === 1 ? '' : 's'}?`);
    const lambda = lambdaPortFor(ctx.globals);
    let results: ApplyResult[] = [];
    let stopped = false;
    const view = progressOutput(ctx, 'rolling back');
    for await (const e of rollbackMigrations(lambda, journal, refs, { locks: locksFor(ctx) })) {
      if (e.type === 'done') ({ results, stopped } = e);
      else view.event(e);
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
