import { parseArgs } from 'node:util';
import { UsageError } from '../errors.js';

/** One command-line option. */
export interface OptionSpec {
  readonly name: string;
  readonly type: 'string' | 'boolean';
  readonly multiple?: boolean;
  readonly value?: string;
  readonly description: string;
}

/** Options every command takes (the global options of the README). */
export const GLOBAL_OPTIONS: readonly OptionSpec[] = [
  {
    name: 'profile',
    type: 'string',
    value: 'NAME',
    description: 'AWS profile (default: the standard credential chain)',
  },
  {
    name: 'region',
    type: 'string',
    multiple: true,
    value: 'R',
    description: "region(s), repeatable or comma-separated; 'all' = every commercial region",
  },
  { name: 'endpoint-url', type: 'string', value: 'URL', description: 'Lambda/IAM endpoint override' },
  {
    name: 'sandbox',
    type: 'boolean',
    description: 'start the embedded local sandbox (with demo functions) and use it',
  },
  {
    name: 'state-dir',
    type: 'string',
    value: 'DIR',
    description: 'journal, backups, plans (default: XDG state dir)',
  },
  { name: 'json', type: 'boolean', description: 'one JSON document on stdout; progress on stderr' },
  { name: 'yes', type: 'boolean', description: 'accept confirmations (needed without a TTY)' },
  { name: 'no-color', type: 'boolean', description: 'no colour (also NO_COLOR=1)' },
  { name: 'help', type: 'boolean', description: 'show help' },
  { name: 'version', type: 'boolean', description: 'print the version' },
];

export type ParsedValues = Record<string, string | boolean | string[] | undefined>;

/** Parses argv against `specs` (plus the global options). Unknown options are usage errors. */
export function parseOptions(
  argv: readonly string[],
  specs: readonly OptionSpec[],
  command: string,
): { values: ParsedValues; positionals: string[] } {
  const options: Record<string, { type: 'string' | 'boolean'; multiple?: boolean }> = {};
  for (const s of [...GLOBAL_OPTIONS, ...specs])
    options[s.name] = { type: s.type, ...(s.multiple && { multiple: true }) };
  try {
    const { values, positionals } = parseArgs({
      args: [...argv],
      options,
      allowPositionals: true,
      strict: true,
    });
    return { values: values as ParsedValues, positionals };
  } catch (e) {
    const msg = (e as Error).message.replace(/\. To specify a positional argument.*$/s, '');
    throw new UsageError(msg, `Run \`go-lambda-migrate ${command} --help\` for the options it takes.`);
  }
}

/** Reads an integer option within bounds. */
export function intOption(values: ParsedValues, name: string, min: number, max: number): number | undefined {
  const raw = values[name];
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (typeof raw !== 'string' || !/^-?\d+$/.test(raw) || n < min || n > max) {
    throw new UsageError(`--${name} takes a whole number from ${min} to ${max}, not '${String(raw)}'.`);
  }
  return n;
}

/** Reads a number option within bounds. */
export function numberOption(
  values: ParsedValues,
  name: string,
  min: number,
  max: number,
): number | undefined {
  const raw = values[name];
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (typeof raw !== 'string' || raw.trim() === '' || !Number.isFinite(n) || n < min || n > max) {
    throw new UsageError(`--${name} takes a number from ${min} to ${max}, not '${String(raw)}'.`);
  }
  return n;
}

/** Formats a help section for `specs`. */
export function formatOptions(specs: readonly OptionSpec[]): string {
  const rows = specs.map((s) => [`--${s.name}${s.value ? ` ${s.value}` : ''}`, s.description] as const);
  const width = Math.max(...rows.map(([l]) => l.length));
  return rows.map(([l, d]) => `  ${l.padEnd(width)}  ${d}`).join('\n');
}
