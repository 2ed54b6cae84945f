import { UsageError, UserError } from '../errors.js';
import type { CommandContext } from './command.js';

/**
 * Asks before a mutating command: `--yes` answers for scripts; without a terminal and without `--yes` the
 * command never waits for input and exits 2 with a hint.
 */
export async function confirmMutation(ctx: CommandContext, question: string): Promise<void> {
  if (ctx.globals.yes) return;
  if (!ctx.stdinIsTTY) {
    throw new UsageError(
      `${question} needs confirmation, and there is no terminal to ask.`,
      'Pass --yes to confirm.',
    );
  }
  const { confirm } = await import('@inquirer/prompts');
  const ok = await confirm({ message: question, default: false }, { output: process.stderr });
  if (!ok) throw new UserError('nothing was changed.', undefined, 1);
}
