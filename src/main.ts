import { readFileSync } from 'node:fs';
import type { Writable } from 'node:stream';
import { UsageError, UserError } from './errors.js';
import { formatOptions, GLOBAL_OPTIONS, parseOptions } from './cli/options.js';
import { globalOptions } from './cli/global.js';
import type { Command } from './commands/command.js';
import { inspectCommand } from './commands/inspect.js';
import { scanCommand } from './commands/scan.js';
import { planCommand } from './commands/plan.js';
import { applyCommand } from './commands/apply.js';
import { rollbackCommand } from './commands/rollback.js';
import { historyCommand } from './commands/history.js';
import { templatesCommand } from './commands/templates.js';
import { wizardCommand } from './commands/wizard.js';
import { benchCommand } from './commands/bench.js';
import { promoteCommand } from './commands/promote.js';
import { JournalError } from './core/journal.js';
import { LockedError } from './core/ports.js';
import {
  embeddedSandbox,
  sandboxCommand,
  sandboxOptionsFrom,
  type SandboxHandle,
} from './commands/sandbox.js';
import { seedView } from './commands/seed-view.js';
import { endpointFor, isOwnSandbox } from './commands/aws-context.js';
import { allRegions } from './commands/regions.js';

/** Commands that make no AWS call. */
const NO_AWS = new Set(['sandbox', 'templates']);

const COMMANDS: readonly Command[] = [
  sandboxCommand,
  inspectCommand,
  scanCommand,
  planCommand,
  applyCommand,
  rollbackCommand,
  historyCommand,
  templatesCommand,
  wizardCommand,
  benchCommand,
  promoteCommand,
].sort((a, b) => a.name.localeCompare(b.name));
// Options that take a value, of any command: with no command word (the wizard), `--source DIR` comes first.
const STRING_OPTIONS = new Set(
  [...GLOBAL_OPTIONS, ...COMMANDS.flatMap((c) => c.options)]
    .filter((o) => o.type === 'string')
    .map((o) => `--${o.name}`),
);

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
    version: string;
  };
  return pkg.version;
}

/** Finds the command word: the first argument that is neither an option nor a global option's value. */
function splitCommand(argv: readonly string[]): { name: string | undefined; rest: string[] } {
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--') break;
    if (a.startsWith('-')) {
      if (STRING_OPTIONS.has(a)) i++;
      continue;
    }
    return { name: a, rest: [...argv.slice(0, i), ...argv.slice(i + 1)] };
  }
  return { name: undefined, rest: [...argv] };
}

function mainHelp(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  return [
    'go-lambda-migrate: move Go functions on AWS Lambda off the deprecated go1.x runtime',
    '',
    'Usage: go-lambda-migrate [COMMAND] [options]',
    '',
    'Commands:',
    ...COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'Global options:',
    formatOptions(GLOBAL_OPTIONS),
    '',
    'Exit codes: 0 success, 1 error, 2 usage error or confirmation needed, 3 partial failure.',
    'Run `go-lambda-migrate COMMAND --help` for a command.',
  ].join('\n');
}

/**
 * A command's usage: its synopsis, then every option of its own the synopsis leaves out, so that the usage
 * line and the option list never disagree; wrapped at 100 columns under the command's name.
 */
export function usageText(c: Command): string {
  const mentioned = (name: string) => new RegExp(`--${name}(?![\\w-])`).test(c.usage);
  const rest = c.options
    .filter((o) => !mentioned(o.name))
    .map(
      (o) => `[--${o.name}${o.type === 'string' ? ` ${o.value ?? 'VALUE'}` : ''}]${o.multiple ? '...' : ''}`,
    );
  const words = [...c.usage.replace(/\s*\[\.\.\.\]$/, '').split(' '), ...rest];
  const lines: string[] = [];
  let line = 'Usage:';
  for (const w of words) {
    if (line.length + 1 + w.length > 100 && line.trim().length > 0) {
      lines.push(line);
      line = ' '.repeat(6 + 'go-lambda-migrate '.length + (c.name === 'wizard' ? 0 : c.name.length));
    }
    line += ` ${w}`;
  }
  return [...lines, line].join('\n');
}

function commandHelp(c: Command): string {
  return [
    usageText(c),
    '',
    `${c.summary[0]!.toUpperCase()}${c.summary.slice(1)}.`,
    ...(c.details ? ['', c.details] : []),
    ...(c.options.length > 0 ? ['', 'Options:', formatOptions(c.options)] : []),
    '',
    'Global options:',
    formatOptions(GLOBAL_OPTIONS),
  ].join('\n');
}

/** Runs the CLI; returns the exit code. The only place that decides exit codes. */
// The SDK warns on Node 20 about its releases of 2027 on; the version this package pins supports Node 20,
// and the warning would otherwise end every command's output.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

export async function main(
  argv: readonly string[],
  io: {
    stdout: Writable;
    stderr: Writable;
    stdinIsTTY: boolean;
    stdoutIsTTY: boolean;
    stderrIsTTY?: boolean;
  } = {
    stdout: process.stdout,
    stderr: process.stderr,
    stdinIsTTY: process.stdin.isTTY === true,
    stdoutIsTTY: process.stdout.isTTY === true,
    stderrIsTTY: process.stderr.isTTY === true,
  },
  /** Lines the entry already wrote to the terminal (its "starting" line), which the first frame replaces. */
  announced = 0,
): Promise<number> {
  let commandName = '';
  try {
    const { name, rest } = splitCommand(argv);
    commandName = name ? `${name} ` : '';
    const command = COMMANDS.find((c) => c.name === (name ?? 'wizard'));
    if (!command) {
      throw new UsageError(
        `unknown command '${name}'.`,
        'Run `go-lambda-migrate --help` to list the commands.',
      );
    }
    const { values, positionals } = parseOptions(rest, command.options, command.name);
    if (values.version) {
      io.stdout.write(`${version()}\n`);
      return 0;
    }
    if (values.help) {
      io.stdout.write(`${name === undefined ? mainHelp() : commandHelp(command)}\n`);
      return 0;
    }
    let globals = globalOptions(values);
    const known = new Set(allRegions());
    const unknown = globals.regions.filter((r) => r !== 'all' && !known.has(r));
    if (unknown.length > 0)
      throw new UsageError(
        `--region ${unknown.join(', ')}: not ${unknown.length === 1 ? 'an AWS region' : 'AWS regions'} Lambda runs in.`,
        'Use a region name such as us-east-1 or eu-west-1 (data/regions.json lists them), or --region all.',
      );
    // This tool's own sandbox needs no credentials: one set up for AWS is not asked for.
    const endpoint = endpointFor(globals);
    if (!globals.sandbox && endpoint && !NO_AWS.has(command.name) && (await isOwnSandbox(endpoint)))
      globals = { ...globals, endpointUrl: endpoint, ownSandbox: true };
    if (command.name === 'wizard' && !(io.stdinIsTTY && io.stdoutIsTTY)) {
      throw new UsageError(
        'the wizard needs an interactive terminal.',
        'Use the non-interactive commands instead: scan, inspect, plan, apply, promote, rollback, bench, history (see --help).',
      );
    }
    // The wizard's view loads while the sandbox starts (Ink takes about half a second to load).
    command.preload?.();
    // --sandbox: an embedded, seeded sandbox on a free port; every AWS call of the command goes there.
    const embedded =
      globals.sandbox && command.name !== 'sandbox'
        ? await startEmbedded(globals.stateDir, io, announced)
        : undefined;
    try {
      return await command.run({
        globals: embedded ? { ...globals, endpointUrl: embedded.url } : globals,
        values,
        positionals,
        stdout: io.stdout,
        stderr: io.stderr,
        stdinIsTTY: io.stdinIsTTY,
        stderrIsTTY: io.stderrIsTTY === true,
      });
    } finally {
      await embedded?.close();
    }
  } catch (e) {
    // Another process holds the function, or its journal cannot be trusted: the user acts on both.
    if (e instanceof LockedError || e instanceof JournalError) {
      io.stderr.write(`error: ${e.message}\n`);
      return 1;
    }
    if (e instanceof UserError) {
      const hint =
        e.hint ??
        (e instanceof UsageError ? `Run \`go-lambda-migrate ${commandName}--help\` for usage.` : undefined);
      io.stderr.write(`error: ${e.message}\n${hint ? `hint: ${hint}\n` : ''}`);
      return e.exitCode;
    }
    const err = e as Error;
    io.stderr.write(
      `go-lambda-migrate hit a bug: ${err.message}\n${err.stack ?? ''}\n` +
        'Please report it with the command you ran and this output.\n',
    );
    return 1;
  }
}

/**
 * The embedded sandbox of --sandbox: seeding's progress is a live view on a terminal (it replaces the entry's
 * "starting" line, and vanishes when nothing had to be built), lines otherwise.
 */
async function startEmbedded(
  stateDir: string,
  io: { stderr: Writable; stderrIsTTY?: boolean },
  announced: number,
): Promise<SandboxHandle> {
  const options = { ...sandboxOptionsFrom({}, stateDir), port: 0 };
  if (!io.stderrIsTTY) return embeddedSandbox(options, (line) => io.stderr.write(`${line}\n`));
  const view = seedView(io.stderr, announced);
  try {
    return await embeddedSandbox(options, view.print, view.event);
  } finally {
    view.end();
  }
}
