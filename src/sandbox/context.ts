import type { RuntimeLifecycle } from '../lambda/lifecycle.js';
import type { SandboxStore } from './store.js';

/** What every operation of the control plane needs: state, clock, date and behaviour knobs. */
export interface SandboxContext {
  readonly store: SandboxStore;
  readonly accountId: string;
  readonly lifecycle: RuntimeLifecycle;
  /** How long an update stays InProgress (and a new function Pending), in ms. */
  readonly updateDelayMs: number;
  /** Epoch ms. */
  now(): number;
  /** The date the lifecycle rules are judged on, `YYYY-MM-DD`. */
  today(): string;
  /** A time-limited URL that serves a stored zip, as GetFunction's Code.Location. */
  codeLocation(sha256: string, baseUrl: string): string;
}

/** One API request, already routed and parsed. */
export interface ApiRequest {
  readonly region: string;
  readonly params: Readonly<Record<string, string>>;
  readonly query: URLSearchParams;
  readonly body: Record<string, unknown>;
  readonly baseUrl: string;
  /** The request body as sent (Invoke's payload). */
  readonly raw?: Buffer;
  readonly headers?: Readonly<Record<string, string | string[] | undefined>>;
}

/** What an operation answers: status and JSON body (undefined for an empty body). */
export interface ApiResponse {
  readonly status: number;
  /** JSON-serialised, unless a Buffer (sent as is). */
  readonly body?: unknown;
  readonly headers?: Readonly<Record<string, string>>;
}
