import { describe, expect, it } from 'vitest';
import { benchmark, stats } from '../../src/core/benchmark.js';
import { costPerMillion } from '../../src/lambda/prices.js';
import { fakeBenchPort as fakePort } from '../fakes/bench-port.js';

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
