import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** An event handed to the function through `GET /runtime/invocation/next`. */
export interface RuntimeInvocation {
  readonly requestId: string;
  readonly payload: Buffer;
  readonly deadlineMs: number;
  readonly invokedFunctionArn: string;
  readonly traceId: string;
  readonly clientContext?: string;
  readonly cognitoIdentity?: string;
}

/** What the function posted back. */
export type RuntimeResult =
  | { readonly kind: 'response'; readonly payload: Buffer }
  | { readonly kind: 'error'; readonly errorType: string; readonly body: Buffer };

export const MAX_RESPONSE_BYTES = 6_291_556;
const PREFIX = '/2018-06-01/runtime';

function readBody(req: IncomingMessage, limit: number): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size <= limit) chunks.push(c);
    });
    req.on('end', () => resolve(size > limit ? undefined : Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function reply(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

/**
 * Lambda's Runtime API (2018-06-01) for one execution environment, on a loopback port: `next` (a long
 * poll), `response`, `error` and `init/error`.
 */
export class RuntimeApiServer {
  private waiting: ServerResponse | undefined;
  private parkedWaiters: (() => void)[] = [];
  private queued: RuntimeInvocation | undefined;
  private current: { id: string; resolve: (r: RuntimeResult) => void } | undefined;
  private readyResolve!: () => void;
  /** Resolves on the runtime's first `next`: initialisation is over. */
  readonly ready = new Promise<void>((r) => (this.readyResolve = r));
  private initErrorResolve!: (r: RuntimeResult & { kind: 'error' }) => void;
  /** Resolves if the runtime reports an initialisation error. */
  readonly initError = new Promise<RuntimeResult & { kind: 'error' }>((r) => (this.initErrorResolve = r));

  private constructor(private readonly server: Server) {}

  static async start(): Promise<RuntimeApiServer> {
    const server = createServer();
    const api = new RuntimeApiServer(server);
    server.on('request', (req, res) => {
      api.handle(req, res).catch(() => {
        if (!res.headersSent)
          reply(res, 500, { errorMessage: 'internal error', errorType: 'ServiceException' });
      });
    });
    server.keepAliveTimeout = 0;
    server.requestTimeout = 0;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return api;
  }

  /** `host:port` for AWS_LAMBDA_RUNTIME_API. */
  get address(): string {
    return `127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** Resolves once the runtime is waiting on `next` for an event (at once when it already is). */
  parked(): Promise<void> {
    if (this.waiting) return Promise.resolve();
    return new Promise((r) => this.parkedWaiters.push(r));
  }

  /** Hands `inv` to the runtime (now, or on its next `next`) and waits for its response or error. */
  deliver(inv: RuntimeInvocation): Promise<RuntimeResult> {
    return new Promise((resolve) => {
      this.current = { id: inv.requestId, resolve };
      if (this.waiting) {
        const res = this.waiting;
        this.waiting = undefined;
        this.send(res, inv);
      } else this.queued = inv;
    });
  }

  private send(res: ServerResponse, inv: RuntimeInvocation): void {
    res.writeHead(200, {
      'content-type': 'application/json',
      'content-length': inv.payload.length,
      'lambda-runtime-aws-request-id': inv.requestId,
      'lambda-runtime-deadline-ms': String(inv.deadlineMs),
      'lambda-runtime-invoked-function-arn': inv.invokedFunctionArn,
      'lambda-runtime-trace-id': inv.traceId,
      ...(inv.clientContext && { 'lambda-runtime-client-context': inv.clientContext }),
      ...(inv.cognitoIdentity && { 'lambda-runtime-cognito-identity': inv.cognitoIdentity }),
    });
    res.end(inv.payload);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '').split('?')[0]!;
    if (req.method === 'GET' && path === `${PREFIX}/invocation/next`) {
      this.readyResolve();
      if (this.queued) {
        const inv = this.queued;
        this.queued = undefined;
        this.send(res, inv);
      } else {
        this.waiting = res;
        for (const w of this.parkedWaiters.splice(0)) w();
      }
      return;
    }
    if (req.method === 'POST' && path === `${PREFIX}/init/error`) {
      const body = (await readBody(req, MAX_RESPONSE_BYTES)) ?? Buffer.alloc(0);
      const errorType = String(req.headers['lambda-runtime-function-error-type'] ?? 'Runtime.Unknown');
      this.initErrorResolve({ kind: 'error', errorType, body });
      reply(res, 202, { status: 'OK' });
      return;
    }
    const m = new RegExp(`^${PREFIX}/invocation/([^/]+)/(response|error)$`).exec(path);
    if (req.method === 'POST' && m) {
      const [, id, what] = m;
      if (!this.current || this.current.id !== id) {
        reply(res, 400, { errorMessage: 'Invalid request ID', errorType: 'InvalidRequestID' });
        return;
      }
      const { resolve } = this.current;
      this.current = undefined;
      const body = await readBody(req, MAX_RESPONSE_BYTES);
      if (body === undefined) {
        reply(res, 413, {
          errorMessage: 'Exceeded maximum allowed payload size (6291556 bytes).',
          errorType: 'RequestEntityTooLarge',
        });
        const message = `Response payload size exceeded maximum allowed payload size (${MAX_RESPONSE_BYTES} bytes).`;
        resolve({
          kind: 'error',
          errorType: 'Function.ResponseSizeTooLarge',
          body: Buffer.from(
            JSON.stringify({ errorMessage: message, errorType: 'Function.ResponseSizeTooLarge' }),
          ),
        });
        return;
      }
      if (what === 'response') resolve({ kind: 'response', payload: body });
      else
        resolve({
          kind: 'error',
          errorType: String(req.headers['lambda-runtime-function-error-type'] ?? ''),
          body,
        });
      reply(res, 202, { status: 'OK' });
      return;
    }
    reply(res, 404, {
      errorMessage: `Unknown Runtime API route ${req.method} ${path}`,
      errorType: 'InvalidRoute',
    });
  }

  close(): void {
    this.waiting?.destroy();
    this.server.close();
    this.server.closeAllConnections();
  }
}
