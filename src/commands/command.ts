import type { Writable } from 'node:stream';
import type { GlobalOptions } from '../cli/global.js';
import type { OptionSpec, ParsedValues } from '../cli/options.js';

/** What a command gets from the entry point. */
export interface CommandContext {
  readonly globals: GlobalOptions;
  readonly values: ParsedValues;
  readonly positionals: string[];
  readonly stdout: Writable;
  readonly stderr: Writable;
  readonly stdinIsTTY: boolean;
  /** True when stderr is a terminal: progress may be drawn there in place. */
  readonly stderrIsTTY?: boolean;
}

/** One command of the CLI. */
export interface Command {
  readonly name: string;
  readonly usage: string;
  readonly summary: string;
  readonly details?: string;
  readonly options: readonly OptionSpec[];
  /** Starts loading what `run` will need, while the entry does other work (the embedded sandbox starts). */
  readonly preload?: () => void;
  /** Returns the exit code. */
  readonly run: (ctx: CommandContext) => Promise<number>;
}
