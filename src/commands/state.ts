import type { JournalPort } from '../core/journal.js';
import type { LockPort } from '../core/ports.js';
import { createFileLocks } from '../state/function-locks.js';
import { createFileJournal } from '../state/journal-fs.js';
import type { CommandContext } from './command.js';

/** The journal of the state folder; a torn line it finds is reported on stderr. */
export function journalFor(ctx: CommandContext): JournalPort {
  return createFileJournal(ctx.globals.stateDir, (message) => ctx.stderr.write(`warning: ${message}\n`));
}

/** The per-function locks of the state folder. */
export function locksFor(ctx: CommandContext): LockPort {
  return createFileLocks(ctx.globals.stateDir);
}
