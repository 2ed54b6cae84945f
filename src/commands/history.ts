import { migrationHistory } from '../core/history.js';
import { createFileJournal } from '../state/journal-fs.js';
import type { Command, CommandContext } from './command.js';
import { journalPath } from './apply.js';

export const historyCommand: Command = {
  name: 'history',
  usage: 'go-lambda-migrate history',
  summary: 'journaled migrations and their state',
  options: [],
  async run(ctx: CommandContext): Promise<number> {
    const rows = await migrationHistory(
      createFileJournal(ctx.globals.stateDir),
      journalPath(ctx.globals.stateDir),
    );
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
