import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { tooManyRequests } from '../api-error.js';
import {
  ExecutionEnvironment,
  type EnvironmentSpec,
  type InvocationInput,
  type InvocationOutcome,
} from './environment.js';
import { unpackTaskRoot } from './task-root.js';

/** How environments are kept. */
export interface PoolOptions {
  /** Where deployment packages are unpacked, one folder per code hash. */
  readonly taskDir: string;
  /** An idle environment ends after this long. */
  readonly keepaliveMs: number;
  /** Concurrent environments of one function version. */
  readonly maxPerVersion: number;
}

interface Slot {
  revision: string;
  all: Set<ExecutionEnvironment>;
  idle: ExecutionEnvironment[];
  timers: Map<ExecutionEnvironment, NodeJS.Timeout>;
}

/**
 * Execution environments per function version: an invocation takes an idle one (warm) or starts a new
 * one (cold); concurrent invocations start more; idle ones end after the keep-alive; a new configuration
 * or code (a new RevisionId) retires the old ones, so the next invocation is cold.
 */
export class EnvironmentPool {
  private readonly slots = new Map<string, Slot>();

  constructor(private readonly options: PoolOptions) {}

  /** Runs `input` on `key`'s function version whose current configuration is `revision`. */
  async invoke(
    key: string,
    revision: string,
    spec: Omit<EnvironmentSpec, 'taskRoot'> & { codeHex: string; codeFile: string },
    input: InvocationInput,
  ): Promise<InvocationOutcome> {
    let slot = this.slots.get(key);
    if (slot && slot.revision !== revision) {
      this.retire(slot);
      slot = undefined;
    }
    if (!slot) {
      slot = { revision, all: new Set(), idle: [], timers: new Map() };
      this.slots.set(key, slot);
    }
    let env: ExecutionEnvironment | undefined;
    // An idle environment whose runtime has exited is dropped, never handed an event.
    for (let idle = slot.idle.pop(); idle; idle = slot.idle.pop()) {
      clearTimeout(slot.timers.get(idle));
      slot.timers.delete(idle);
      if (await idle.reusable()) {
        env = idle;
        break;
      }
      idle.dispose();
      slot.all.delete(idle);
    }
    if (!env) {
      if (slot.all.size >= this.options.maxPerVersion) throw tooManyRequests(1);
      const taskRoot = await unpackTaskRoot(
        await readFile(spec.codeFile),
        join(this.options.taskDir, spec.codeHex),
      );
      env = new ExecutionEnvironment({ ...spec, taskRoot });
      slot.all.add(env);
    }
    try {
      return await env.invoke(input);
    } finally {
      this.release(key, slot, env);
    }
  }

  private release(key: string, slot: Slot, env: ExecutionEnvironment): void {
    if (env.state !== 'idle' || this.slots.get(key) !== slot) {
      env.dispose();
      slot.all.delete(env);
      return;
    }
    slot.idle.push(env);
    const timer = setTimeout(() => {
      slot.idle = slot.idle.filter((e) => e !== env);
      slot.all.delete(env);
      slot.timers.delete(env);
      env.dispose();
    }, this.options.keepaliveMs);
    timer.unref();
    slot.timers.set(env, timer);
  }

  private retire(slot: Slot): void {
    for (const env of slot.idle) env.dispose();
    for (const t of slot.timers.values()) clearTimeout(t);
    slot.idle = [];
    slot.timers.clear();
    // Busy ones are disposed when their invocation ends (their slot is no longer current).
  }

  /** Number of live environments for `key` (for tests and diagnostics). */
  size(key: string): number {
    return this.slots.get(key)?.all.size ?? 0;
  }

  /** Ends every environment. */
  close(): void {
    for (const slot of this.slots.values()) {
      this.retire(slot);
      for (const env of slot.all) env.dispose();
    }
    this.slots.clear();
  }
}
