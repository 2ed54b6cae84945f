import { UsageError, UserError } from '../errors.js';
import type { CommandContext } from './command.js';
import { whoText } from './aws-context.js';

/**
 * Asks before a mutating command: `--yes` answers for scripts; without a terminal and without `--yes` the
 * command never waits for input and exits 2 with a hint.
 */
/**
 * Refuses at once, before any work, a command that will need a confirmation it cannot get: no --yes and no
 * terminal. (Building a whole plan only to refuse it would waste minutes of a script's time.)
 */
export function requireConfirmable(ctx: CommandContext, what: string): void {
  if (ctx.globals.yes || ctx.stdinIsTTY) return;
  throw new UsageError(
    `${what} changes functions and needs a confirmation, and there is no terminal to ask.`,
    'Pass --yes to confirm (see what would change first with `go-lambda-migrate plan`).',
  );
}

export async function confirmMutation(ctx: CommandContext, question: string): Promise<void> {
  if (ctx.globals.yes) return;
  if (!ctx.stdinIsTTY) {
    throw new UsageError(
      `${question} needs confirmation, and there is no terminal to ask.`,
      'Pass --yes to confirm.',
    );
  }
  // Asked with who the calls are made as and where: nobody confirms a change to the wrong account.
  const message = `${question} (${await whoText(ctx.globals)})`;
  const { confirm } = await import('@inquirer/prompts');
  const ok = await confirm({ message, default: false }, { output: process.stderr });
  if (!ok) throw new UserError('nothing was changed.', undefined, 1);
}
