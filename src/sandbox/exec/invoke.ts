import { randomBytes, randomUUID } from 'node:crypto';
import type { ApiRequest, ApiResponse, SandboxContext } from '../context.js';
import { conflict, tooLarge, validation } from '../api-error.js';
import { functionArn, parseFunctionName } from '../arn.js';
import { requireFunction, resolveQualifier } from '../lookup.js';
import { effectiveConfig, type FunctionRecord } from '../model.js';
import { latestStatus } from '../render.js';
import { route, type Route } from '../routes.js';
import { hexOf } from '../store.js';
import { GO_RUNTIMES } from '../../lambda/facts.js';
import type { InvocationOutcome } from './environment.js';
import type { EnvironmentPool } from './pool.js';
import { logTail } from './report.js';

const SYNC_PAYLOAD_LIMIT = 6_291_556;
const ASYNC_PAYLOAD_LIMIT = 1_048_576;

/** A finished invocation, for whoever watches (tests, the benchmark, the access log). */
export type InvocationListener = (info: {
  region: string;
  name: string;
  version: string;
  outcome: InvocationOutcome;
}) => void;

function pickVersion(
  ctx: SandboxContext,
  record: FunctionRecord,
  qualifier: string | undefined,
  random: () => number,
): string {
  const alias = qualifier ? record.aliases.find((a) => a.name === qualifier) : undefined;
  if (alias) {
    const [extra] = Object.entries(alias.weights);
    if (extra && random() < extra[1]) return extra[0];
    return alias.functionVersion;
  }
  return resolveQualifier(ctx, record, qualifier);
}

function traceId(): string {
  const now = Math.floor(Date.now() / 1000).toString(16);
  return `Root=1-${now}-${randomBytes(12).toString('hex')};Parent=${randomBytes(8).toString('hex')};Sampled=0`;
}

/** The Invoke operation over an environment pool. */
export function invokeRoute(
  pool: EnvironmentPool,
  random: () => number = Math.random,
  onInvocation?: InvocationListener,
): Route {
  const run = async (ctx: SandboxContext, req: ApiRequest): Promise<ApiResponse> => {
    const ref = parseFunctionName(req.params.name!);
    const record = requireFunction(ctx, req.region, ref.name);
    const qualifier = req.query.get('Qualifier') ?? ref.qualifier;
    const version = pickVersion(ctx, record, qualifier, random);
    const type = String(req.headers?.['x-amz-invocation-type'] ?? 'RequestResponse');
    if (!['RequestResponse', 'Event', 'DryRun'].includes(type)) {
      throw validation(
        'invocationType',
        type,
        'Member must satisfy enum value set: [Event, RequestResponse, DryRun]',
      );
    }
    const payload = req.raw && req.raw.length > 0 ? req.raw : Buffer.from('{}');
    const limit = type === 'Event' ? ASYNC_PAYLOAD_LIMIT : SYNC_PAYLOAD_LIMIT;
    if (payload.length > limit)
      throw tooLarge(`Request must be smaller than ${limit} bytes for the InvokeFunction operation`);
    if (version === '$LATEST' && latestStatus(record, ctx.now()).State === 'Pending') {
      throw conflict(
        'The operation cannot be performed at this time. The function is currently in the following state: Pending',
      );
    }
    const config = effectiveConfig(record, version, ctx.now())!;
    const executed = { 'x-amz-executed-version': version };
    if (type === 'DryRun') return { status: 204, headers: executed };
    const invokedArn = functionArn(req.region, ctx.accountId, record.name, qualifier);
    const requestId = randomUUID();
    if (!config.runtime || !GO_RUNTIMES.has(config.runtime)) {
      const body = {
        errorMessage: `The sandbox runs Go functions only (go1.x, provided, provided.al2, provided.al2023); ${config.runtime ?? 'this runtime'} is not emulated.`,
        errorType: 'Sandbox.UnsupportedRuntime',
      };
      return {
        status: 200,
        body: Buffer.from(JSON.stringify(body)),
        headers: { ...executed, 'x-amz-function-error': 'Unhandled' },
      };
    }
    const spec = {
      region: req.region,
      accountId: ctx.accountId,
      functionName: record.name,
      version,
      runtime: config.runtime,
      handler: config.handler ?? '',
      memorySize: config.memorySize,
      timeout: config.timeout,
      environment: config.environment ?? {},
      architecture: config.architectures[0]!,
      ...(ctx.lifecycle.get(config.runtime)?.glibc && { glibc: ctx.lifecycle.get(config.runtime)!.glibc! }),
      codeHex: hexOf(config.code.sha256),
      codeFile: ctx.store.codeFile(config.code.sha256),
    };
    const input = {
      requestId,
      payload,
      invokedFunctionArn: invokedArn,
      traceId: traceId(),
      ...(typeof req.headers?.['x-amz-client-context'] === 'string' && {
        clientContext: req.headers['x-amz-client-context'],
      }),
    };
    const key = `${req.region}/${record.name}/${version}`;
    const execute = async () => {
      const outcome = await pool.invoke(key, config.revisionId, spec, input);
      onInvocation?.({ region: req.region, name: record.name, version, outcome });
      return outcome;
    };
    if (type === 'Event') {
      execute().catch(() => undefined);
      return { status: 202, headers: { ...executed, 'x-amzn-requestid': requestId } };
    }
    const outcome = await execute();
    const tail = String(req.headers?.['x-amz-log-type'] ?? 'None') === 'Tail';
    return {
      status: 200,
      body: outcome.payload,
      headers: {
        ...executed,
        'x-amzn-requestid': requestId,
        ...(outcome.functionError && { 'x-amz-function-error': 'Unhandled' }),
        ...(tail && { 'x-amz-log-result': logTail(outcome.log) }),
      },
    };
  };
  return route('POST', '/2015-03-31/functions/([^/]+)/invocations', ['name'], 'Invoke', run, 'none', false);
}
