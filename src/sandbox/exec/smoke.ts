import { bundledLifecycle } from '../../lambda/lifecycle.js';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Architecture } from '../../lambda/lifecycle.js';
import { writeZip } from '../../archive/zip.js';
import { ExecutionEnvironment, type InvocationOutcome } from './environment.js';
import { unpackTaskRoot } from './task-root.js';

/** What to run once. Give a deployment zip, or a bare `bootstrap` executable. */
export interface SmokeTestInput {
  readonly zip?: Buffer;
  readonly bootstrap?: Buffer;
  readonly architecture: Architecture;
  readonly runtime?: string;
  readonly handler?: string;
  /** Any JSON value; default `{"foo":"bar"}`. */
  readonly event?: unknown;
  readonly memorySize?: number;
  readonly timeout?: number;
  readonly environment?: Readonly<Record<string, string>>;
  readonly functionName?: string;
  readonly region?: string;
}

/** The glibc of a runtime's Amazon Linux, from the bundled lifecycle table. */
const glibcOf = (runtime: string) => bundledLifecycle().get(runtime)?.glibc;

/** The outcome, with the response parsed when it is JSON. */
export interface SmokeTestResult extends InvocationOutcome {
  readonly response: unknown;
}

/**
 * Runs a function once, outside any server, exactly as the sandbox runs it (natively or through qemu),
 * and returns its response and REPORT figures. Used to check a new bootstrap before it is uploaded.
 */
export async function smokeTest(input: SmokeTestInput): Promise<SmokeTestResult> {
  const zip =
    input.zip ??
    (await writeZip([{ name: 'bootstrap', data: input.bootstrap ?? Buffer.alloc(0), mode: 0o755 }]));
  const dir = await mkdtemp(join(tmpdir(), 'glm-smoke-'));
  const env = new ExecutionEnvironment({
    region: input.region ?? 'us-east-1',
    accountId: '123456789012',
    functionName: input.functionName ?? 'smoke-test',
    version: '$LATEST',
    runtime: input.runtime ?? 'provided.al2023',
    ...(glibcOf(input.runtime ?? 'provided.al2023') && {
      glibc: glibcOf(input.runtime ?? 'provided.al2023')!,
    }),
    handler: input.handler ?? 'bootstrap',
    memorySize: input.memorySize ?? 128,
    timeout: input.timeout ?? 10,
    environment: input.environment ?? {},
    architecture: input.architecture,
    taskRoot: await unpackTaskRoot(zip, join(dir, 'task')),
  });
  try {
    const outcome = await env.invoke({
      requestId: randomUUID(),
      payload: Buffer.from(JSON.stringify(input.event ?? { foo: 'bar' })),
      invokedFunctionArn: `arn:aws:lambda:${input.region ?? 'us-east-1'}:123456789012:function:${input.functionName ?? 'smoke-test'}`,
      traceId: `Root=1-00000000-${'0'.repeat(24)};Sampled=0`,
    });
    let response: unknown = outcome.payload.toString('utf8');
    try {
      response = JSON.parse(response as string);
    } catch {
      // not JSON: keep the text
    }
    return { ...outcome, response };
  } finally {
    env.dispose();
    await rm(dir, { recursive: true, force: true });
  }
}
