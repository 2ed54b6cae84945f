import { homedir } from 'node:os';
import { join } from 'node:path';
import type { ParsedValues } from './options.js';
import { UsageError } from '../errors.js';

/** The global options, resolved. */
export interface GlobalOptions {
  readonly profile: string | undefined;
  readonly regions: string[];
  readonly endpointUrl: string | undefined;
  readonly sandbox: boolean;
  /**
   * True when the endpoint (--endpoint-url, AWS_ENDPOINT_URL_LAMBDA or AWS_ENDPOINT_URL) is this tool's own
   * sandbox, which says so at /_sandbox/info: it needs no AWS credentials.
   */
  readonly ownSandbox?: boolean;
  readonly stateDir: string;
  readonly json: boolean;
  readonly yes: boolean;
  readonly color: boolean;
}

/** Default state folder: $XDG_STATE_HOME/go-lambda-migrate or ~/.local/state/go-lambda-migrate. */
export function defaultStateDir(env: NodeJS.ProcessEnv = process.env): string {
  const base = env.XDG_STATE_HOME || join(homedir(), '.local', 'state');
  return join(base, 'go-lambda-migrate');
}

function endpointUrl(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:'))
    throw new UsageError(
      `--endpoint-url ${value} is not an http(s) URL.`,
      'Give a full URL, such as http://127.0.0.1:4566.',
    );
  return value;
}

/** Resolves the global options from parsed values and the environment. */
export function globalOptions(values: ParsedValues, env: NodeJS.ProcessEnv = process.env): GlobalOptions {
  const regions = ((values.region as string[] | undefined) ?? [])
    .flatMap((r) => r.split(','))
    .map((r) => r.trim())
    .filter(Boolean);
  return {
    profile: values.profile as string | undefined,
    regions,
    endpointUrl: endpointUrl(values['endpoint-url'] as string | undefined),
    sandbox: values.sandbox === true,
    stateDir: (values['state-dir'] as string | undefined) ?? defaultStateDir(env),
    json: values.json === true,
    yes: values.yes === true,
    color: values['no-color'] !== true && !env.NO_COLOR && process.stderr.isTTY === true,
  };
}
