import { setTimeout as sleep } from 'node:timers/promises';
import { quotaPacer } from '../core/pacing.js';
import type { IamPort } from '../core/permissions.js';
import type { LambdaPort, MetricsPort, StackPort } from '../core/ports.js';
import type { AwsOptions } from '../aws/lambda-port.js';
import { UsageError, UserError } from '../errors.js';
import type { GlobalOptions } from '../cli/global.js';

/**
 * The real Lambda port for the command line's global options. The SDK is loaded on the port's first call
 * (it takes about 0.2 s), so commands that never reach AWS (help, the sandbox, inspecting a file) start
 * without it.
 */
export function lambdaPortFor(globals: GlobalOptions): LambdaPort {
  let loaded: Promise<LambdaPort> | undefined;
  const port = () =>
    (loaded ??= import('../aws/lambda-port.js').then(({ createLambdaPort }) =>
      createLambdaPort({ pace: quotaPacer(), ...awsOptionsFor(globals) }),
    ));
  return {
    async *listFunctionPages(region, options) {
      yield* (await port()).listFunctionPages(region, options);
    },
    getConfiguration: async (ref) => (await port()).getConfiguration(ref),
    updateCode: async (ref, update) => (await port()).updateCode(ref, update),
    updateConfiguration: async (ref, update) => (await port()).updateConfiguration(ref, update),
    publishVersion: async (ref, options) => (await port()).publishVersion(ref, options),
    waitUntilUpdated: async (ref, maxWaitSeconds) => (await port()).waitUntilUpdated(ref, maxWaitSeconds),
    invoke: async (ref, payload) => (await port()).invoke(ref, payload),
    listAliases: async (ref) => (await port()).listAliases(ref),
    getAlias: async (ref, name) => (await port()).getAlias(ref, name),
    updateAlias: async (ref, name, update) => (await port()).updateAlias(ref, name, update),
    listVersions: async (ref) => (await port()).listVersions(ref),
    getFunction: async (ref) => (await port()).getFunction(ref),
    functionTags: async (region, arns) => (await port()).functionTags(region, arns),
    downloadCode: async (location) => (await port()).downloadCode(location),
    defaultRegion: async () => (await port()).defaultRegion(),
    functionBlueprint: async (ref) => (await port()).functionBlueprint(ref),
    createFunction: async (region, input) => (await port()).createFunction(region, input),
    deleteFunction: async (ref) => (await port()).deleteFunction(ref),
    endpointInfo: async () => (await port()).endpointInfo(),
  };
}

/** The real CloudWatch port (a function's traffic for the benchmark's projection), loaded on first call. */
export function metricsPortFor(globals: GlobalOptions): MetricsPort {
  let loaded: Promise<MetricsPort> | undefined;
  const port = () =>
    (loaded ??= import('../aws/metrics-port.js').then(({ createMetricsPort }) =>
      createMetricsPort(awsOptionsFor(globals)),
    ));
  return { invocations: async (ref, days) => (await port()).invocations(ref, days) };
}

/** The endpoint every call goes to when one is set: --endpoint-url, else the SDK's environment variables. */
export function endpointFor(
  globals: GlobalOptions,
  env: NodeJS.ProcessEnv = process.env,
): string | undefined {
  return globals.endpointUrl ?? env.AWS_ENDPOINT_URL_LAMBDA ?? env.AWS_ENDPOINT_URL;
}

/**
 * True when `endpoint` is a go-lambda-migrate sandbox (its /_sandbox/info says so within 1.5 s). AWS and other
 * emulators answer something else, or nothing: then the usual credentials are needed.
 */
export async function isOwnSandbox(endpoint: string): Promise<boolean> {
  try {
    const res = await fetch(new URL('/_sandbox/info', endpoint), { signal: AbortSignal.timeout(1500) });
    if (!res.ok) return false;
    return ((await res.json()) as { service?: string }).service === 'go-lambda-migrate-sandbox';
  } catch {
    return false;
  }
}

/** Profile, endpoint and, for a sandbox of this tool (embedded or not), its region and credentials. */
function awsOptionsFor(globals: GlobalOptions): AwsOptions {
  return {
    ...(globals.profile && { profile: globals.profile }),
    ...(globals.endpointUrl && { endpointUrl: globals.endpointUrl }),
    ...((globals.sandbox || globals.ownSandbox) && {
      fallbackRegion: 'us-east-1',
      staticCredentials: { accessKeyId: 'AKIDSANDBOX', secretAccessKey: 'sandbox' },
    }),
  };
}

/** The real IAM port (STS and IAM, for the permission preflight), its SDK clients loaded on first call. */
export function iamPortFor(globals: GlobalOptions): IamPort {
  const options = {
    ...awsOptionsFor(globals),
    ...(globals.regions[0] && globals.regions[0] !== 'all' && { region: globals.regions[0] }),
  };
  // The caller (STS) loads without the IAM client: the wizard's header asks for it at start.
  let caller: Promise<() => Promise<string>> | undefined;
  const callerArn = async () =>
    (
      await (caller ??= import('../aws/caller.js').then(({ createCallerIdentity }) =>
        createCallerIdentity(options),
      ))
    )();
  let loaded: Promise<IamPort> | undefined;
  const port = () =>
    (loaded ??= import('../aws/iam-port.js').then(({ createIamPort }) => createIamPort(options, callerArn)));
  return {
    callerArn,
    simulate: async (principal, actions, resources) => (await port()).simulate(principal, actions, resources),
  };
}

/** Where the calls go, in words: "the embedded sandbox at …", "AWS, profile prod", … */
export function whereText(g: GlobalOptions): string {
  if (g.sandbox) return `the embedded sandbox at ${g.endpointUrl}`;
  const endpoint = endpointFor(g);
  if (endpoint) return g.ownSandbox ? `the sandbox at ${endpoint}` : `the endpoint ${endpoint}`;
  // The SDK reads AWS_PROFILE when --profile is not given; say which credentials those are.
  const profile = g.profile ?? process.env.AWS_PROFILE;
  if (profile) return `AWS, profile ${profile}`;
  return process.env.AWS_ACCESS_KEY_ID ? 'AWS, keys from AWS_ACCESS_KEY_ID' : 'AWS, default credentials';
}

/**
 * Who the calls are made as and where, for a question that asks before changing functions:
 * "account 123456789012 as assumed-role/Admin/alice, AWS, profile prod". STS gets 5 s; without its answer,
 * only where.
 */
export async function whoText(g: GlobalOptions): Promise<string> {
  const timeout = sleep(5000, undefined, { ref: false });
  const arn = await Promise.race([
    iamPortFor(g)
      .callerArn()
      .catch(() => undefined),
    timeout,
  ]);
  const m = /^arn:[^:]+:(?:sts|iam)::(\d{12}):(.+)$/.exec(arn ?? '');
  return m ? `account ${m[1]} as ${m[2]}, ${whereText(g)}` : whereText(g);
}

/** The one region a single-function command works in. */
export async function singleRegion(globals: GlobalOptions, port: LambdaPort): Promise<string> {
  if (globals.regions.length > 1 || globals.regions[0] === 'all') {
    throw new UsageError('this command works on one function in one region: give a single --region.');
  }
  const region =
    globals.regions[0] ?? (await port.defaultRegion()) ?? (globals.sandbox ? 'us-east-1' : undefined);
  if (!region)
    throw new UserError(
      'no AWS region is set.',
      'Pass --region, set AWS_REGION, or give your profile a region.',
    );
  return region;
}

/** CloudFormation (read-only) for the commands that look for a function's template; the SDK loads on first use. */
export function stackPortFor(globals: GlobalOptions): StackPort {
  let loaded: Promise<StackPort> | undefined;
  const port = () =>
    (loaded ??= import('../aws/stack-port.js').then(({ createStackPort }) =>
      createStackPort(awsOptionsFor(globals)),
    ));
  return {
    template: async (region, stack) => (await port()).template(region, stack),
    ownerOf: async (region, id) => (await port()).ownerOf(region, id),
  };
}
