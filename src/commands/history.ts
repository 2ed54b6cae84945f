import { latestMigration } from '../core/journal.js';
import { createFileJournal } from '../state/journal-fs.js';
import type { Command, CommandContext } from './command.js';
import { journalPath } from './apply.js';

export const historyCommand: Command = {
  name: 'history',
  usage: 'go-lambda-migrate history',
  summary: 'journaled migrations and their state',
  options: [],
  async run(ctx: CommandContext): Promise<number> {
    const journal = createFileJournal(ctx.globals.stateDir);
    const rows = [];
    for (const ref of await journal.list()) {
      const s = latestMigration(await journal.read(ref));
      if (!s) continue;
      const state = s.rollback
        ? `rolled back (${s.rollback.status})`
        : s.ended
          ? s.ended.status
          : s.rollbackStarted
            ? 'rollback interrupted'
            : 'interrupted: run apply again to finish';
      rows.push({
        functionName: ref.name,
        region: ref.region,
        migration: s.record.id,
        startedAt: s.startedAt,
        endedAt: s.rollback?.time ?? s.ended?.time ?? null,
        from: s.record.from,
        to: s.record.to,
        strategy: s.record.strategy,
        state,
        message: s.rollback?.message ?? s.ended?.message ?? null,
        backup: s.backup ?? null,
        journal: journalPath(ctx.globals.stateDir)(ref),
      });
    }
    if (ctx.globals.json) ctx.stdout.write(JSON.stringify({ migrations: rows }, null, 2) + '\n');
    else if (rows.length === 0) ctx.stderr.write(`no migrations recorded in ${ctx.globals.stateDir}\n`);
    else {
      for (const r of rows) {
        ctx.stdout.write(
          `${r.region}/${r.functionName}  ${r.startedAt}  ${r.from.runtime} ${r.from.architecture} → ${r.to.runtime} ${r.to.architecture} (${r.strategy})  ${r.state}\n` +
            `    backup: ${r.backup ? `${r.backup.path}${r.backup.version ? `, published as version ${r.backup.version}` : ''}` : 'none yet'}\n`,
        );
      }
    }
    return 0;
  },
};
