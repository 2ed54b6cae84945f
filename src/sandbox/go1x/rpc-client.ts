import { connect, type Socket } from 'node:net';
import { GobDecoder, GobEncoder, gob, type GobType } from './gob.js';

const REQUEST = gob.struct('Request', { ServiceMethod: gob.string, Seq: gob.uint });
const PING_REQUEST = gob.struct('PingRequest', {});
const TIMESTAMP = gob.struct('InvokeRequest_Timestamp', { Seconds: gob.int, Nanos: gob.int });
const INVOKE_REQUEST = gob.struct('InvokeRequest', {
  Payload: gob.bytes,
  RequestId: gob.string,
  XAmznTraceId: gob.string,
  Deadline: TIMESTAMP,
  InvokedFunctionArn: gob.string,
  CognitoIdentityId: gob.string,
  CognitoIdentityPoolId: gob.string,
  ClientContext: gob.bytes,
});

/** aws-lambda-go's messages.InvokeRequest. */
export interface InvokeRequest {
  Payload: Uint8Array;
  RequestId: string;
  XAmznTraceId?: string;
  Deadline: { Seconds: number; Nanos: number };
  InvokedFunctionArn: string;
  CognitoIdentityId?: string;
  CognitoIdentityPoolId?: string;
  ClientContext?: Uint8Array;
}

/** aws-lambda-go's messages.InvokeResponse, as decoded. */
export interface InvokeResponse {
  Payload?: Buffer;
  Error?: {
    Message?: string;
    Type?: string;
    StackTrace?: { Path?: string; Line?: number; Label?: string }[];
    ShouldExit?: boolean;
  };
}

/** The connection dropped, or the server answered with an rpc-level error. */
export class RpcError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RpcError';
  }
}

interface Pending {
  resolve: (v: unknown) => void;
  reject: (e: Error) => void;
}

/**
 * A Go net/rpc client over TCP with the gob codec, speaking to a function the way the go1.x runtime did:
 * `Function.Ping` and `Function.Invoke`.
 */
export class GoRpcClient {
  private readonly encoder = new GobEncoder();
  private readonly decoder = new GobDecoder();
  private readonly pending = new Map<number, Pending>();
  private header: { ServiceMethod?: string; Seq?: number; Error?: string } | undefined;
  private seq = 0;
  private closed: Error | undefined;

  private constructor(private readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => {
      try {
        for (const value of this.decoder.push(chunk)) this.onValue(value);
      } catch (e) {
        this.fail(e as Error);
        socket.destroy();
      }
    });
    socket.on('error', (e) => this.fail(e));
    socket.on('close', () => this.fail(new RpcError('connection closed')));
  }

  /** Connects to 127.0.0.1:`port`. */
  static connect(port: number, timeoutMs = 1000): Promise<GoRpcClient> {
    return new Promise((resolve, reject) => {
      const socket = connect({ host: '127.0.0.1', port });
      const timer = setTimeout(() => {
        socket.destroy();
        reject(new RpcError('connect timed out'));
      }, timeoutMs);
      socket.once('connect', () => {
        clearTimeout(timer);
        socket.removeAllListeners('error');
        socket.setNoDelay(true);
        resolve(new GoRpcClient(socket));
      });
      socket.once('error', (e) => {
        clearTimeout(timer);
        reject(e);
      });
    });
  }

  private onValue(value: unknown): void {
    if (!this.header) {
      this.header = value as typeof this.header;
      return;
    }
    const header = this.header;
    this.header = undefined;
    const p = this.pending.get(header.Seq ?? 0);
    if (!p) return;
    this.pending.delete(header.Seq ?? 0);
    if (header.Error) p.reject(new RpcError(header.Error));
    else p.resolve(value);
  }

  private fail(e: Error): void {
    if (!this.closed) this.closed = e;
    for (const p of this.pending.values()) p.reject(e);
    this.pending.clear();
  }

  /** Calls `method` with `args` encoded as `type`; resolves with the decoded reply. */
  call(method: string, type: GobType, args: unknown): Promise<unknown> {
    if (this.closed) return Promise.reject(this.closed);
    const seq = this.seq++;
    const bytes = Buffer.concat([
      this.encoder.encode(REQUEST, { ServiceMethod: method, Seq: seq }),
      this.encoder.encode(type, args),
    ]);
    return new Promise((resolve, reject) => {
      this.pending.set(seq, { resolve, reject });
      this.socket.write(bytes);
    });
  }

  /** `Function.Ping`: resolves when the function's RPC server answers. */
  async ping(): Promise<void> {
    await this.call('Function.Ping', PING_REQUEST, {});
  }

  /** `Function.Invoke`. */
  async invoke(req: InvokeRequest): Promise<InvokeResponse> {
    return (await this.call('Function.Invoke', INVOKE_REQUEST, req)) as InvokeResponse;
  }

  close(): void {
    this.socket.destroy();
  }
}
