import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LambdaClient } from '@aws-sdk/client-lambda';
import { importBinary } from '../helpers/import.js';
import { invoke } from '../helpers/invoke.js';
import {
  buildWithRelease,
  buildWithStandIn,
  type RealRelease,
  type StandIn,
} from '../helpers/real-lambda-go.js';
import { lambdaClient, withSandbox } from '../helpers/sandbox.js';

/**
 * The demo's stand-ins for aws-lambda-go (demo/lambda-go) are right only where they behave like the release
 * they stand for. The same handler is built against each stand-in and against the real release, and both
 * run on go1.x and provided.al2023 side by side. There is no real v1.41.0 here: its stand-in is compared with
 * v1.54.0, which is in the same range (Runtime API, request id filled, exit after a panic).
 */
const PAIRS: [StandIn, RealRelease][] = [
  ['v1.13.3', 'v1.13.3'],
  ['v1.41.0', 'v1.54.0'],
];

describe('the stand-ins behave like the releases they stand for', () => {
  let stop: () => Promise<void>;
  let url: string;
  let client: LambdaClient;
  let n = 0;

  beforeAll(async () => {
    const s = await withSandbox();
    stop = s.stop;
    url = s.sandbox.url;
    client = lambdaClient(url);
  });
  afterAll(() => stop());

  /** What a function does on `runtime`: its answer, its request id, a panic and the invocation after it. */
  async function behaviour(bin: Buffer, runtime: 'go1.x' | 'provided.al2023') {
    const name = `fn-${n++}`;
    await importBinary(url, name, bin, runtime);
    const first = await invoke(client, { FunctionName: name, event: { name: 'a' } });
    if (first.functionError) return { first: first.body.errorType, message: first.body.errorMessage };
    const failed = await invoke(client, { FunctionName: name, event: { fail: true } });
    const panicked = await invoke(client, { FunctionName: name, event: { panic: true } });
    const after = await invoke(client, { FunctionName: name, event: { name: 'b' } });
    return {
      answer: first.body.hello,
      requestId: first.body.requestId === '' ? 'empty' : 'set',
      failed: [failed.functionError, failed.body.errorType, failed.body.errorMessage],
      panicked: [panicked.functionError, panicked.body.errorType, panicked.body.errorMessage],
      afterPanic: [after.body.hello, after.report?.initDurationMs !== undefined ? 'new environment' : 'warm'],
    };
  }

  it.each(PAIRS)(
    'stand-in %s and the real %s, on go1.x and on provided.al2023',
    async (standIn, real) => {
      const mine = await buildWithStandIn(standIn);
      const theirs = await buildWithRelease(real);
      for (const runtime of ['go1.x', 'provided.al2023'] as const) {
        const [a, b] = [await behaviour(mine, runtime), await behaviour(theirs, runtime)];
        expect({ runtime, ...a }).toEqual({ runtime, ...b });
      }
    },
    120_000,
  );
});
