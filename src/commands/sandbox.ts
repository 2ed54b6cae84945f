import { join } from 'node:path';
import { once } from 'node:events';
import { UsageError, UserError } from '../errors.js';
import { intOption, numberOption, type ParsedValues } from '../cli/options.js';
import { readFile } from 'node:fs/promises';
import { SandboxBusyError, startSandbox, type Sandbox, type SandboxOptions } from '../sandbox/server.js';
import { seedDemoFunctions, type SeedEvent } from '../sandbox/seed.js';
import { seedLogLine, seedView } from './seed-view.js';
import type { Command, CommandContext } from './command.js';

/** Sandbox settings from the command line (shared by `sandbox` and the global `--sandbox`). */
export function sandboxOptionsFrom(
  values: ParsedValues,
  stateDir: string,
): SandboxOptions & { seed: boolean } {
  const today = values.today as string | undefined;
  if (today !== undefined && (!/^\d{4}-\d{2}-\d{2}$/.test(today) || Number.isNaN(Date.parse(today)))) {
    throw new UsageError(`--today takes a date as YYYY-MM-DD, not '${today}'.`);
  }
  if (values.throttle && values['no-throttle'])
    throw new UsageError('--throttle and --no-throttle contradict each other.');
  if (values.seed && values['no-seed']) throw new UsageError('--seed and --no-seed contradict each other.');
  const options: SandboxOptions & { seed: boolean } = {
    dataDir: (values['data-dir'] as string | undefined) ?? join(stateDir, 'sandbox'),
    host: (values.host as string | undefined) ?? '127.0.0.1',
    port: intOption(values, 'port', 0, 65535) ?? 0,
    updateDelayMs: intOption(values, 'update-delay-ms', 0, 600_000) ?? 500,
    latencyMs: intOption(values, 'latency-ms', 0, 60_000) ?? 0,
    faultRate: numberOption(values, 'fault-rate', 0, 1) ?? 0,
    throttle: values['no-throttle'] !== true,
    seed: values['no-seed'] !== true,
    keepaliveMs: intOption(values, 'keepalive-ms', 0, 86_400_000) ?? 600_000,
    ...(today !== undefined && { today }),
    ...(values['access-log'] !== undefined && { accessLog: values['access-log'] as string }),
    ...(values['account-id'] !== undefined && { accountId: accountId(values['account-id'] as string) }),
    ...(values['caller-arn'] !== undefined && { callerArn: callerArn(values['caller-arn'] as string) }),
    ...(values.deny !== undefined && { deny: denyList(values.deny as string[]) }),
  };
  return options;
}

function callerArn(raw: string): string {
  if (!/^arn:aws[a-z-]*:(iam|sts)::\d{12}:\S+$/.test(raw))
    throw new UsageError(`--caller-arn takes an IAM or STS ARN, not '${raw}'.`);
  return raw;
}

function denyList(raw: string[]): string[] {
  for (const d of raw)
    if (!/^[a-z0-9-]+:[A-Za-z0-9*]+(@[A-Za-z0-9_*-]+)?$/.test(d))
      throw new UsageError(`--deny takes SERVICE:Action or SERVICE:Action@NAME-GLOB, not '${d}'.`);
  return raw;
}

function accountId(raw: string): string {
  if (!/^\d{12}$/.test(raw)) throw new UsageError(`--account-id takes 12 digits, not '${raw}'.`);
  return raw;
}

/** A sandbox a command talks to: one it started, or the one already serving the same data folder. */
export interface SandboxHandle {
  readonly url: string;
  close(): Promise<void>;
}

/** Waits until a sandbox at `url` answers (any HTTP status), for up to `ms`. */
async function answers(url: string, ms: number): Promise<boolean> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    try {
      await fetch(`${url}/2015-03-31/functions?MaxItems=1`, { signal: AbortSignal.timeout(1000) });
      return true;
    } catch {
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  return false;
}

/**
 * For the global --sandbox: starts an embedded sandbox, or, when a sandbox process already serves the same
 * data folder (`npm run sandbox` in another terminal), attaches to it, so that both see the same functions.
 */
export async function embeddedSandbox(
  options: SandboxOptions & { seed: boolean },
  log: (line: string) => void,
  onSeed?: (e: SeedEvent) => void,
): Promise<SandboxHandle> {
  try {
    return await launchSandbox(options, log, onSeed);
  } catch (e) {
    if (!(e instanceof SandboxBusyError)) throw e;
    const url = e.url ?? (await sleepThenUrl(options.dataDir));
    if (url && (await answers(url, 5000))) {
      log(`using the sandbox already running at ${url} (pid ${e.holder.pid}) on ${options.dataDir}`);
      return { url, close: () => Promise.resolve() };
    }
    throw new UserError(
      `${e.message}, but it does not answer${url ? ` at ${url}` : ''}.`,
      `Stop process ${e.holder.pid}, or pass --state-dir to use another folder.`,
    );
  }
}

/** The URL a sandbox that is still starting writes into its lock, read once it has had a moment. */
async function sleepThenUrl(dataDir: string): Promise<string | undefined> {
  await new Promise((r) => setTimeout(r, 1000));
  try {
    const owner = JSON.parse(await readFile(join(dataDir, 'sandbox.lock'), 'utf8')) as {
      extra?: { url?: string };
    };
    return owner.extra?.url;
  } catch {
    return undefined;
  }
}

/**
 * Starts a sandbox and seeds it when asked; seeding's progress goes to `onSeed`, or as lines to `log`.
 */
export async function launchSandbox(
  options: SandboxOptions & { seed: boolean },
  log: (line: string) => void,
  onSeed?: (e: SeedEvent) => void,
): Promise<Sandbox> {
  const sandbox = await startSandbox(options);
  try {
    if (options.seed) {
      const onEvent =
        onSeed ??
        ((e: SeedEvent) => {
          const line = seedLogLine(e);
          if (line) log(line);
        });
      await seedDemoFunctions(sandbox.context, { onEvent });
    }
  } catch (e) {
    await sandbox.close();
    throw e;
  }
  return sandbox;
}

export const sandboxCommand: Command = {
  name: 'sandbox',
  usage: 'go-lambda-migrate sandbox [--port N] [--data-dir DIR] [--seed|--no-seed] [...]',
  summary: 'run the local Lambda-compatible endpoint in the foreground',
  details:
    'Serves the Lambda API (2015-03-31) so that the AWS CLI and SDKs work against it with --endpoint-url.\n' +
    'The first line on stdout is `sandbox listening on http://HOST:PORT`. Stop it with Ctrl-C (SIGINT) or SIGTERM.',
  options: [
    {
      name: 'port',
      type: 'string',
      value: 'N',
      description: 'port to listen on (0 = any free port; default 0)',
    },
    { name: 'host', type: 'string', value: 'HOST', description: 'address to listen on (default 127.0.0.1)' },
    {
      name: 'data-dir',
      type: 'string',
      value: 'DIR',
      description: 'where state lives (default STATE_DIR/sandbox); survives restarts',
    },
    { name: 'seed', type: 'boolean', description: 'create the demo functions if missing (default)' },
    { name: 'no-seed', type: 'boolean', description: 'do not create demo functions' },
    {
      name: 'update-delay-ms',
      type: 'string',
      value: 'N',
      description: 'how long an update stays InProgress (default 500)',
    },
    { name: 'throttle', type: 'boolean', description: "enforce AWS's control-plane quotas (default)" },
    { name: 'no-throttle', type: 'boolean', description: 'no quotas' },
    { name: 'latency-ms', type: 'string', value: 'N', description: 'added to every API call (default 0)' },
    {
      name: 'fault-rate',
      type: 'string',
      value: 'F',
      description: 'share of API calls answered with ServiceException, 0..1',
    },
    {
      name: 'today',
      type: 'string',
      value: 'YYYY-MM-DD',
      description: 'the date used for runtime lifecycle rules',
    },
    {
      name: 'keepalive-ms',
      type: 'string',
      value: 'N',
      description: 'idle execution environment lifetime (default 600000)',
    },
    { name: 'access-log', type: 'string', value: 'FILE', description: 'append one JSON line per request' },
    {
      name: 'account-id',
      type: 'string',
      value: 'ID',
      description: 'account id in ARNs (default 123456789012)',
    },
    {
      name: 'caller-arn',
      type: 'string',
      value: 'ARN',
      description: 'who STS GetCallerIdentity says the caller is (default an assumed role, sandbox-admin)',
    },
    {
      name: 'deny',
      type: 'string',
      multiple: true,
      value: 'ACTION[@NAME]',
      description:
        "an action IAM's policy simulation denies, e.g. lambda:PublishVersion@legacy-* (repeatable)",
    },
  ],
  async run(ctx: CommandContext): Promise<number> {
    const options = sandboxOptionsFrom(ctx.values, ctx.globals.stateDir);
    const log = (line: string) => ctx.stderr.write(`${line}\n`);
    let sandbox: Sandbox;
    // On a terminal, the first start's builds are a live view; otherwise a line each.
    const view = ctx.stderrIsTTY ? seedView(ctx.stderr, 0) : undefined;
    try {
      sandbox = await launchSandbox(options, view?.print ?? log, view?.event);
    } catch (e) {
      if (!(e instanceof SandboxBusyError)) throw e;
      throw new UserError(
        `${e.message}.`,
        `Point clients at it${e.url ? ` (--endpoint-url ${e.url})` : ''}, stop it first, or pass --data-dir for another folder.`,
      );
    } finally {
      view?.end();
    }
    ctx.stdout.write(`sandbox listening on ${sandbox.url}\n`);
    log(`data in ${options.dataDir}; point clients at it with --endpoint-url ${sandbox.url}`);
    log(
      `go-lambda-migrate needs no AWS credentials for it: go-lambda-migrate scan --endpoint-url ${sandbox.url}`,
    );
    log('for the AWS CLI and SDKs (any key is accepted):');
    log(
      `  export AWS_ENDPOINT_URL=${sandbox.url} AWS_ACCESS_KEY_ID=sandbox AWS_SECRET_ACCESS_KEY=sandbox AWS_REGION=us-east-1`,
    );
    const stop = new AbortController();
    const signals = ['SIGINT', 'SIGTERM'] as const;
    const onSignal = () => stop.abort();
    signals.forEach((s) => process.once(s, onSignal));
    await once(stop.signal, 'abort');
    signals.forEach((s) => process.off(s, onSignal));
    log('sandbox stopping');
    await sandbox.close();
    return 0;
  },
};
