import { describe, expect, it } from 'vitest';
import { benchmark, stats } from '../../src/core/benchmark.js';
import { costPerMillion } from '../../src/core/cost.js';
import type { ConfigUpdate, FunctionConfig, LambdaPort } from '../../src/core/ports.js';

const config = (revisionId: string): FunctionConfig => ({
  name: 'fn',
  arn: 'arn:aws:lambda:eu-west-1:123456789012:function:fn',
  region: 'eu-west-1',
  version: '$LATEST',
  runtime: 'provided.al2023',
  handler: 'bootstrap',
  architectures: ['arm64'],
  memorySize: 128,
  timeout: 3,
  codeSha256: 'x',
  codeSize: 1,
  revisionId,
  lastModified: '',
  description: 'orders',
  state: 'Active',
  lastUpdateStatus: 'Successful',
});

/** Only what the benchmark calls; invoke fails on the call numbered `failOn`. */
function fakePort(failOn: number) {
  const updates: ConfigUpdate[] = [];
  let revision = 1;
  let invokes = 0;
  const port = {
    getConfiguration: () => Promise.resolve(config(`r${revision}`)),
    updateConfiguration: (_ref, u: ConfigUpdate) => {
      updates.push(u);
      return Promise.resolve(config(`r${++revision}`));
    },
    waitUntilUpdated: () => Promise.resolve(),
    invoke: () => {
      if (++invokes === failOn) return Promise.reject(new Error('Invoke failed: network'));
      const log = `START\nREPORT RequestId: ${invokes}\tDuration: 2.00 ms\tBilled Duration: 3 ms\tMemory Size: 128 MB\tMax Memory Used: 20 MB\t${invokes === 1 ? 'Init Duration: 40.00 ms\t' : ''}\n`;
      return Promise.resolve({
        statusCode: 200,
        functionError: undefined,
        payload: Buffer.from('{}'),
        log,
        executedVersion: '$LATEST',
      });
    },
  } as Partial<LambdaPort> as LambdaPort;
  return { port, updates };
}

describe('the benchmark core', () => {
  it('puts the description and memory back when an invocation fails halfway, and says the error', async () => {
    const { port, updates } = fakePort(2);
    const run = async () => {
      for await (const _ of benchmark(port, [{ region: 'eu-west-1', name: 'fn' }], {
        cold: 3,
        warm: 0,
        event: Buffer.from('{}'),
        memoryMb: 512,
      }));
    };
    await expect(run()).rejects.toThrow('Invoke failed: network');
    expect(updates.at(-1)).toEqual({ description: 'orders', memorySize: 128, revisionId: 'r3' });
    expect(
      updates
        .slice(0, 2)
        .every((u) => u.memorySize === 512 && u.description?.startsWith('orders [go-lambda-migrate bench')),
    ).toBe(true);
  });

  it('nearest-rank percentiles, and cost from GB-seconds plus requests', () => {
    expect(stats([5, 1, 4, 2, 3])).toEqual({ p50: 3, p90: 5, mean: 3, min: 1, max: 5 });
    expect(stats([7])).toEqual({ p50: 7, p90: 7, mean: 7, min: 7, max: 7 });
    // 1 s at 1 GB: one GB-second per invocation.
    expect(costPerMillion(1000, 1024, 'x86_64')).toBeCloseTo(16.6667 + 0.2, 4);
    expect(costPerMillion(1000, 1024, 'arm64')).toBeCloseTo(13.3334 + 0.2, 4);
    expect(costPerMillion(1, 128, 'arm64') / costPerMillion(1, 128, 'x86_64')).toBeLessThan(1);
  });
});
