import { createHmac, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { createReadStream, closeSync, openSync, writeSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { bundledLifecycle, isoDay, type RuntimeLifecycle } from '../lambda/lifecycle.js';
import { answerCloudFormation, isCloudFormationAction, type SandboxStack } from './cloudformation-api.js';
import { DEMO_STACKS } from './demo-stacks.js';
import { answerQuery, defaultCallerArn, isDenied, type IdentityOptions } from './query-api.js';
import { answerTagging, TAGGING_TARGET_PREFIX } from './tagging-api.js';
import {
  formToObject,
  getMetricData,
  InvocationCounter,
  METRICS_TARGET_PREFIX,
  metricsJson,
  metricsXml,
} from './metrics-api.js';
import { emulatorFor } from './exec/emulation.js';
import { hostArchitecture } from '../golang/elf-machine.js';
import type { ApiRequest, SandboxContext } from './context.js';
import { LambdaApiError, serviceError, tooLarge, tooManyRequests } from './api-error.js';
import { parseFunctionName } from './arn.js';
import { acquireLock, type HeldLock, type LockOwner } from '../os/pid-lock.js';
import { KeyedMutex } from './keyed-mutex.js';
import { matchRoute, ROUTES, type Route } from './routes.js';
import { SandboxStore } from './store.js';
import { RegionThrottle } from './throttle.js';
import { EnvironmentPool } from './exec/pool.js';
import { invokeRoute, type InvocationListener } from './exec/invoke.js';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';

/** How to run a sandbox. Only `dataDir` is required. */
export interface SandboxOptions {
  readonly dataDir: string;
  readonly host?: string;
  /** 0 = any free port. */
  readonly port?: number;
  readonly accountId?: string;
  /** Region for unsigned requests. */
  readonly defaultRegion?: string;
  readonly updateDelayMs?: number;
  readonly latencyMs?: number;
  readonly faultRate?: number;
  readonly throttle?: boolean;
  /** `YYYY-MM-DD`; default: the real date, read on every request. */
  readonly today?: string;
  /** One JSON line per request is appended to this file. */
  readonly accessLog?: string;
  readonly lifecycle?: RuntimeLifecycle;
  /** Extra operations (the executor adds Invoke). */
  readonly extraRoutes?: readonly Route[];
  readonly random?: () => number;
  /** An idle execution environment ends after this long (default 10 minutes). */
  readonly keepaliveMs?: number;
  /** Concurrent execution environments per function version (default 64). */
  readonly maxEnvironments?: number;
  /** Called after every invocation (tests and benchmarks watch REPORT figures here). */
  readonly onInvocation?: InvocationListener;
  /** The caller STS reports (default: an assumed role, see query-api.ts). */
  readonly callerArn?: string;
  /** Actions IAM's simulation denies: `ACTION` or `ACTION@FUNCTION-NAME-GLOB`. */
  readonly deny?: readonly string[];
  /** The CloudFormation stacks GetTemplate and DescribeStackResources answer for (default: the demo's). */
  readonly stacks?: readonly SandboxStack[];
}

/** A running sandbox. */
export interface Sandbox {
  readonly url: string;
  readonly port: number;
  readonly store: SandboxStore;
  readonly context: SandboxContext;
  readonly pool: EnvironmentPool;
  close(): Promise<void>;
}

const BODY_LIMIT = 75 * 1024 * 1024;
const CODE_URL_TTL_MS = 10 * 60 * 1000;
const CREDENTIAL_SCOPE = /Credential=[^/,\s]+\/\d{8}\/([a-z0-9-]+)\/[a-z0-9-]+\//;

/** The region a request is for: the SigV4 credential scope, else the default. */
export function requestRegion(req: IncomingMessage, fallback: string): string {
  const auth = req.headers.authorization;
  const m = auth ? CREDENTIAL_SCOPE.exec(auth) : null;
  return m ? m[1]! : fallback;
}

async function readBody(req: IncomingMessage): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > BODY_LIMIT) return undefined;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

function send(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const payload = body === undefined ? '' : JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(payload),
    'x-amzn-requestid': randomUUID(),
    ...headers,
  });
  res.end(payload);
}

function sendError(res: ServerResponse, err: LambdaApiError): void {
  send(res, err.status, err.body(), { 'x-amzn-errortype': err.type, ...err.headers });
}

/** Another sandbox process serves this data folder: two would diverge silently, so this one does not start. */
export class SandboxBusyError extends Error {
  constructor(
    readonly dataDir: string,
    readonly holder: LockOwner,
  ) {
    const url = typeof holder.extra?.url === 'string' ? holder.extra.url : undefined;
    super(
      `another sandbox (pid ${holder.pid}, since ${holder.since}${url ? `, at ${url}` : ''}) already serves ${dataDir}`,
    );
    this.name = 'SandboxBusyError';
  }

  /** The running sandbox's URL, once it listens. */
  get url(): string | undefined {
    return typeof this.holder.extra?.url === 'string' ? this.holder.extra.url : undefined;
  }
}

/**
 * Starts the Lambda-compatible control plane on `host:port`. One sandbox per data folder: the folder's
 * `sandbox.lock` names the process and URL serving it, and a second start throws SandboxBusyError (a lock
 * left by a killed sandbox is taken over).
 */
export async function startSandbox(options: SandboxOptions): Promise<Sandbox> {
  const lock = await acquireLock(join(options.dataDir, 'sandbox.lock'), 'sandbox');
  if ('heldBy' in lock) throw new SandboxBusyError(options.dataDir, lock.heldBy);
  try {
    return await startLocked(options, lock);
  } catch (e) {
    await lock.release();
    throw e;
  }
}

/** Everything a request needs from the running sandbox. */
interface Served {
  readonly options: SandboxOptions;
  readonly store: SandboxStore;
  readonly context: SandboxContext;
  readonly routes: readonly Route[];
  readonly throttle: RegionThrottle | undefined;
  readonly mutex: KeyedMutex;
  readonly random: () => number;
  readonly defaultRegion: string;
  readonly sign: (hex: string, expires: number) => string;
  readonly identity: IdentityOptions;
  readonly log: (entry: Record<string, unknown>) => void;
  readonly invocations: InvocationCounter;
}

/** What the sandbox's operations share: the store, the account, the clock and the lifecycle rules. */
function sandboxContext(
  options: SandboxOptions,
  store: SandboxStore,
  sign: (hex: string, expires: number) => string,
): SandboxContext {
  return {
    store,
    accountId: options.accountId ?? '123456789012',
    lifecycle: options.lifecycle ?? bundledLifecycle(),
    updateDelayMs: options.updateDelayMs ?? 0,
    now: () => Date.now(),
    today: () => options.today ?? isoDay(),
    codeLocation(sha256, baseUrl) {
      const hex = Buffer.from(sha256, 'base64').toString('hex');
      const expires = Date.now() + CODE_URL_TTL_MS;
      return `${baseUrl}/_sandbox/code/${hex}.zip?X-Amz-Expires=600&expires=${expires}&X-Amz-Signature=${sign(hex, expires)}`;
    },
  };
}

/** Serves a Code.Location URL: the exact zip, while its signature is valid. */
function serveCode(d: Served, url: URL, res: ServerResponse, region: string): void {
  const { store, sign, log } = d;
  const m = /^\/_sandbox\/code\/([0-9a-f]{64})\.zip$/.exec(url.pathname);
  const expires = Number(url.searchParams.get('expires'));
  const given = Buffer.from(url.searchParams.get('X-Amz-Signature') ?? '', 'base64url');
  const ok =
    m !== null &&
    store.hasCode(m[1]!) &&
    Number.isFinite(expires) &&
    given.length === 32 &&
    timingSafeEqual(given, Buffer.from(sign(m[1]!, expires), 'base64url'));
  const expired = ok && Date.now() > expires;
  if (!ok || expired) {
    const reason = expired ? 'Request has expired' : 'Access Denied';
    res.writeHead(403, { 'content-type': 'application/xml' });
    res.end(
      `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>AccessDenied</Code><Message>${reason}</Message></Error>`,
    );
    log({ region, operation: 'DownloadCode', status: 403 });
    return;
  }
  const file = store.codeFile(m[1]!);
  res.writeHead(200, { 'content-type': 'application/zip' });
  createReadStream(file).pipe(res);
  log({ region, operation: 'DownloadCode', status: 200 });
}

/** The function a request is about, as REGION/NAME: its requests are served one at a time. */
function lockKey(region: string, params: Record<string, string>): string | undefined {
  try {
    if (params.name) return `${region}/${parseFunctionName(params.name).name}`;
    if (params.arn) {
      const m = /:function:([a-zA-Z0-9-_]+)/.exec(params.arn);
      const r = /^arn:[^:]+:lambda:([a-z0-9-]+):/.exec(params.arn);
      if (m && r) return `${r[1]}/${m[1]}`;
    }
  } catch {
    // An unparsable name is answered by the operation's own validation.
  }
  return undefined;
}

/** STS and IAM's Query protocol: the permission preflight's two calls. */
async function serveQuery(
  d: Served,
  req: IncomingMessage,
  res: ServerResponse,
  region: string,
  started: number,
) {
  const { options, context, identity } = d;
  const raw = (await readBody(req)) ?? Buffer.alloc(0);
  if (options.latencyMs) await sleep(options.latencyMs);
  const form = new URLSearchParams(raw.toString('utf8'));
  if (isCloudFormationAction(form.get('Action'))) {
    const answer = await answerCloudFormation(form, region, context.accountId, options.stacks ?? DEMO_STACKS);
    return reply(d, req, res, { region, started, ...answer, type: 'text/xml', body: answer.xml });
  }
  if (form.get('Action') === 'GetMetricData') {
    const answer = getMetricData(d.invocations, region, formToObject(form));
    return reply(d, req, res, { region, started, ...answer, type: 'text/xml', body: metricsXml(answer) });
  }
  const answer = answerQuery(new URLSearchParams(raw.toString('utf8')), context.accountId, identity);
  reply(d, req, res, { region, started, ...answer, type: 'text/xml', body: answer.xml });
}

/** Sends a whole answer of the Query or JSON 1.1 protocols, and logs it. */
function reply(
  { log }: Served,
  req: IncomingMessage,
  res: ServerResponse,
  a: { region: string; started: number; operation: string; status: number; type: string; body: string },
) {
  res.writeHead(a.status, {
    'content-type': a.type,
    'content-length': Buffer.byteLength(a.body),
    'x-amzn-requestid': randomUUID(),
  });
  res.end(a.body);
  log({
    region: a.region,
    operation: a.operation,
    status: a.status,
    client: req.headers['user-agent']?.split(' ')[0],
    ms: Math.round((performance.now() - a.started) * 100) / 100,
  });
}

/** The Resource Groups Tagging API (JSON 1.1): GetResources over the sandbox's functions. */
async function serveTagging(
  d: Served,
  req: IncomingMessage,
  res: ServerResponse,
  region: string,
  started: number,
  target: string,
) {
  const { options, context, store, identity } = d;
  const raw = (await readBody(req)) ?? Buffer.alloc(0);
  if (options.latencyMs) await sleep(options.latencyMs);
  const operation = target.slice(TAGGING_TARGET_PREFIX.length);
  const answer = isDenied(identity, `tag:${operation}`, '*')
    ? {
        status: 400,
        operation,
        body: {
          __type: 'AccessDeniedException',
          Message: `User: ${identity.callerArn} is not authorized to perform: tag:${operation} because no identity-based policy allows the tag:${operation} action`,
        },
      }
    : answerTagging(target, store, region, context.accountId, raw);
  const body = JSON.stringify(answer.body);
  reply(d, req, res, { region, started, ...answer, type: 'application/x-amz-json-1.1', body });
}

/** CloudWatch over AWS JSON 1.0 (the SDK): GetMetricData over the sandbox's invocation counts. */
async function serveMetrics(
  d: Served,
  req: IncomingMessage,
  res: ServerResponse,
  region: string,
  started: number,
  target: string,
) {
  const raw = (await readBody(req)) ?? Buffer.alloc(0);
  const operation = target.slice(METRICS_TARGET_PREFIX.length);
  let input: Record<string, unknown> = {};
  try {
    input = raw.length > 0 ? (JSON.parse(raw.toString('utf8')) as Record<string, unknown>) : {};
  } catch {
    // answered below as an invalid request
  }
  const answer =
    operation === 'GetMetricData'
      ? getMetricData(d.invocations, region, input)
      : {
          status: 400,
          operation,
          error: {
            code: 'InvalidAction',
            message: `The sandbox answers GetMetricData only, not ${operation}.`,
          },
        };
  const body = metricsJson(answer);
  reply(d, req, res, { region, started, ...answer, type: 'application/x-amz-json-1.0', body });
}

/** What the sandbox is: the tool asks, to know that its timings of emulated architectures are not AWS's. */
async function serveInfo(res: ServerResponse) {
  const emulated = [];
  for (const arch of ['x86_64', 'arm64'] as const) {
    const e = await emulatorFor(arch);
    if (e !== undefined && !(e instanceof Error)) emulated.push(arch);
  }
  send(res, 200, {
    service: 'go-lambda-migrate-sandbox',
    hostArchitecture: hostArchitecture(),
    emulatedArchitectures: emulated,
  });
}

/** Serves one request: a code download, an STS/IAM query, or a Lambda operation with its quotas and faults. */
async function handle(d: Served, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const { options, context, routes, throttle, mutex, random, defaultRegion, identity, log } = d;
  const started = performance.now();
  const url = new URL(req.url ?? '/', 'http://sandbox');
  const region = requestRegion(req, defaultRegion);
  if (req.method === 'GET' && url.pathname.startsWith('/_sandbox/code/'))
    return serveCode(d, url, res, region);
  if (req.method === 'POST' && url.pathname === '/' && isForm(req))
    return serveQuery(d, req, res, region, started);
  const target = req.headers['x-amz-target'];
  if (req.method === 'POST' && typeof target === 'string' && target.startsWith(TAGGING_TARGET_PREFIX))
    return serveTagging(d, req, res, region, started, target);
  if (req.method === 'POST' && typeof target === 'string' && target.startsWith(METRICS_TARGET_PREFIX))
    return serveMetrics(d, req, res, region, started, target);
  if (req.method === 'GET' && url.pathname === '/_sandbox/info') return serveInfo(res);
  const match = matchRoute(routes, req.method ?? 'GET', url.pathname);
  const operation = match?.route.name ?? 'Unknown';
  let status = 500;
  let fn: string | undefined;
  try {
    if (!match) {
      throw new LambdaApiError(
        404,
        'UnknownOperationException',
        `No operation at ${req.method} ${url.pathname}`,
      );
    }
    const raw = await readBody(req);
    if (raw === undefined)
      throw tooLarge(`Request must be smaller than 69905067 bytes for the ${operation} operation`);
    let body: Record<string, unknown> = {};
    if (raw.length > 0 && match.route.name !== 'Invoke') {
      try {
        body = JSON.parse(raw.toString('utf8')) as Record<string, unknown>;
      } catch {
        throw new LambdaApiError(400, 'SerializationException', 'The request body is not valid JSON.');
      }
    }
    if (typeof body.FunctionName === 'string') fn = body.FunctionName;
    const key = lockKey(region, match.params) ?? (fn ? `${region}/${fn}` : undefined);
    fn = key?.split('/')[1] ?? fn;
    if (options.latencyMs) await sleep(options.latencyMs);
    const wait = throttle?.check(region, match.route.quota, Date.now()) ?? 0;
    if (wait > 0) throw tooManyRequests(wait);
    const action = `lambda:${match.route.name === 'Invoke' ? 'InvokeFunction' : match.route.name}`;
    if (isDenied(identity, action, fn ?? '*')) {
      throw new LambdaApiError(
        403,
        'AccessDeniedException',
        `User: ${identity.callerArn} is not authorized to perform: ${action} on resource: arn:aws:lambda:${region}:${context.accountId}:function:${fn ?? '*'} because no identity-based policy allows the ${action} action`,
      );
    }
    if (options.faultRate && match.route.quota !== 'none' && random() < options.faultRate)
      throw serviceError();
    const apiReq: ApiRequest = {
      region,
      params: match.params,
      query: url.searchParams,
      body,
      baseUrl: `http://${req.headers.host ?? 'localhost'}`,
      raw,
      headers: req.headers,
    };
    const run = () => match.route.run(context, apiReq);
    const result = key && match.route.serialize ? await mutex.run(key, run) : await run();
    status = result.status;
    if (result.body instanceof Uint8Array) {
      res.writeHead(result.status, {
        'content-type': 'application/json',
        'content-length': result.body.length,
        'x-amzn-requestid': randomUUID(),
        ...result.headers,
      });
      res.end(result.body);
    } else send(res, result.status, result.body, result.headers);
  } catch (e) {
    const err = e instanceof LambdaApiError ? e : internalError(e);
    status = err.status;
    if (!res.headersSent) sendError(res, err);
  } finally {
    log({
      region,
      operation,
      function: fn,
      status,
      client: req.headers['user-agent']?.split(' ')[0],
      ms: Math.round((performance.now() - started) * 100) / 100,
    });
  }
}

async function startLocked(options: SandboxOptions, lock: HeldLock): Promise<Sandbox> {
  const store = await SandboxStore.open(options.dataDir);
  const secret = randomBytes(32);
  const random = options.random ?? Math.random;
  const throttle = options.throttle === false ? undefined : new RegionThrottle();
  const mutex = new KeyedMutex();
  const taskDir = join(options.dataDir, 'tasks');
  await rm(taskDir, { recursive: true, force: true });
  const pool = new EnvironmentPool({
    taskDir,
    keepaliveMs: options.keepaliveMs ?? 600_000,
    maxPerVersion: options.maxEnvironments ?? 64,
  });
  const invocations = new InvocationCounter(join(options.dataDir, 'invocations.json'));
  await invocations.load();
  const onInvocation: InvocationListener = (info) => {
    invocations.record(info.region, info.name);
    options.onInvocation?.(info);
  };
  const routes = [...ROUTES, invokeRoute(pool, random, onInvocation), ...(options.extraRoutes ?? [])];
  const defaultRegion = options.defaultRegion ?? 'us-east-1';
  const logFd = options.accessLog ? openSync(options.accessLog, 'a') : undefined;

  const sign = (hex: string, expires: number) =>
    createHmac('sha256', secret).update(`${hex}:${expires}`).digest('base64url');
  const context = sandboxContext(options, store, sign);
  const served: Served = {
    options,
    store,
    context,
    routes,
    throttle,
    mutex,
    random,
    defaultRegion,
    sign,
    identity: {
      callerArn: options.callerArn ?? defaultCallerArn(context.accountId),
      deny: options.deny ?? [],
    },
    invocations,
    log: (entry) => {
      if (logFd !== undefined)
        writeSync(logFd, JSON.stringify({ time: new Date().toISOString(), ...entry }) + '\n');
    },
  };

  const server: Server = createServer((req, res) => {
    handle(served, req, res).catch((e: unknown) => {
      if (!res.headersSent) sendError(res, internalError(e));
    });
  });
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const url = `http://${host}:${address.port}`;
  await lock.update({ url });
  return {
    url,
    port: address.port,
    store,
    context,
    pool,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => {
          if (logFd !== undefined) closeSync(logFd);
          invocations
            .save()
            .catch(() => undefined)
            .then(() => lock.release())
            .then(resolve, resolve);
        });
        server.closeAllConnections();
        pool.close();
      }),
  };
}

const isForm = (req: IncomingMessage) =>
  (req.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded');

function internalError(e: unknown): LambdaApiError {
  const message = e instanceof Error ? e.message : String(e);
  process.stderr.write(`sandbox: internal error: ${e instanceof Error ? e.stack : message}\n`);
  return new LambdaApiError(500, 'ServiceException', `The sandbox failed to handle the request: ${message}`);
}
