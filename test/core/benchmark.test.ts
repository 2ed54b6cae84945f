import { describe, expect, it } from 'vitest';
import { benchmark, benchMany, stats, type BenchEvent, type BenchReport } from '../../src/core/benchmark.js';
import { ratioOfMedians } from '../../src/core/bench-stats.js';
import type { CopyStore } from '../../src/core/bench-copies.js';
import type { FunctionRef } from '../../src/core/ports.js';
import { costPerMillion } from '../../src/lambda/prices.js';
import { fakeBenchPort as fakePort } from '../fakes/bench-port.js';

const event = Buffer.from('{}');
const fn: FunctionRef = { region: 'eu-west-1', name: 'fn' };

async function drain(events: AsyncIterable<BenchEvent>): Promise<{ report: BenchReport; all: BenchEvent[] }> {
  const all: BenchEvent[] = [];
  for await (const e of events) all.push(e);
  const done = all.find((e) => e.type === 'done');
  return { report: (done as Extract<BenchEvent, { type: 'done' }>).report, all };
}

function memoryStore(initial: FunctionRef[] = []): CopyStore & { refs: FunctionRef[] } {
  const refs = [...initial];
  return {
    refs,
    add: (r) => Promise.resolve(void refs.push(r)),
    list: () => Promise.resolve([...refs]),
    remove: (r) => {
      const i = refs.findIndex((x) => x.name === r.name);
      if (i >= 0) refs.splice(i, 1);
      return Promise.resolve();
    },
  };
}

describe('the benchmark core', () => {
  it('puts the description and memory back when an invocation fails halfway, and says the error', async () => {
    const { port, updates } = fakePort(2);
    await expect(drain(benchmark(port, [fn], { cold: 3, warm: 0, event, memoryMb: 512 }))).rejects.toThrow(
      'Invoke failed: network',
    );
    expect(updates.at(-1)).toEqual({ description: 'orders', memorySize: 128, revisionId: 'r2' });
    expect(updates[0]!.memorySize).toBe(512);
    expect(updates[0]!.description).toMatch(/^orders \[go-lambda-migrate bench/);
  });

  it('bursts give a published version as many cold starts as $LATEST, even when it has idle environments', async () => {
    const { port, updates } = fakePort({ idleAtStart: 3 });
    const { report, all } = await drain(
      benchmark(
        port,
        [
          { role: 'old', ref: { ...fn, qualifier: '1' } },
          { role: 'new', ref: fn },
        ],
        { cold: 5, warm: 20, event },
      ),
    );
    for (const t of report.targets) {
      expect([t.target, t.cold!.n, t.warm!.n]).toEqual([t.target, 5, 20]);
      expect(t.short).toEqual([]);
    }
    // The version met its 3 idle environments first: its second burst outnumbered them.
    const bursts = all.filter((e) => e.type === 'phase' && e.phase === 'cold' && e.target === 'fn:1');
    expect(bursts.map((e) => (e as { burst: number }).burst)).toEqual([5, 8]);
    expect(report.discarded).toBeGreaterThan(0);
    // $LATEST: one configuration change before its one burst, one to put the description back.
    expect(updates).toHaveLength(2);
    expect(report.verdict!.target).toBe('fn');
    expect(report.verdict!.changes['cold init']!.measurable).toBe(false);
  });

  it('says which side is short of cold starts and why, rather than counting warm ones', async () => {
    const { port } = fakePort({ idleAtStart: 1000 });
    const { report } = await drain(
      benchmark(port, [{ role: 'old', ref: { ...fn, qualifier: '1' } }], {
        cold: 2,
        warm: 1,
        event,
        maxBurst: 4,
      }),
    );
    expect(report.targets[0]!.cold).toBeNull();
    expect(report.targets[0]!.short[0]).toMatch(/^0 of 2 cold starts: 4 bursts of up to 4/);
  });

  it('failing invocations withhold the comparison and the verdict unless errors are allowed', async () => {
    const sides = [
      { role: 'old' as const, ref: { ...fn, qualifier: '1' } },
      { role: 'new' as const, ref: fn },
    ];
    const strict = await drain(
      benchmark(fakePort({ failing: ['fn:1'] }).port, sides, { cold: 2, warm: 3, event }),
    );
    const c = strict.report.comparisons[0]!;
    expect(c.withheld).toBe('5 of 5 invocations of fn:1 failed');
    expect(c.changes).toEqual({});
    expect(strict.report.verdict).toBeNull();
    expect(strict.report.targets[0]!.firstError).toBe('errorString: orderId is required');
    const lenient = await drain(
      benchmark(fakePort({ failing: ['fn:1'] }).port, sides, { cold: 2, warm: 3, event, allowErrors: true }),
    );
    expect(lenient.report.comparisons[0]!.withheld).toBeUndefined();
    expect(lenient.report.verdict).not.toBeNull();
  });

  it('an emulated side makes no verdict; a native copy is created, measured and deleted', async () => {
    const { port, created, deleted, live } = fakePort({ emulated: ['arm64'] });
    const store = memoryStore();
    const { report } = await drain(
      benchmark(
        port,
        [
          { role: 'old', ref: { ...fn, qualifier: '1' } },
          { role: 'new', ref: fn },
          {
            role: 'native',
            copy: {
              of: fn,
              purpose: 'native',
              zip: Buffer.from('z'),
              runtime: 'provided.al2023',
              handler: 'bootstrap',
              architecture: 'x86_64',
            },
          },
        ],
        { cold: 2, warm: 2, event, copies: store },
      ),
    );
    expect(created[0]!.name).toMatch(/^fn-glm-native-[0-9a-f]{4}$/);
    expect(created[0]!.tags['go-lambda-migrate:bench-copy']).toBe('fn');
    expect(deleted).toEqual([created[0]!.name]);
    expect(live.has(created[0]!.name)).toBe(false);
    expect(store.refs).toEqual([]);
    const [, newer, native] = report.targets;
    expect([newer!.emulated, native!.emulated, native!.temporary]).toEqual([true, false, true]);
    expect(report.comparisons.map((c) => c.emulated)).toEqual([true, false]);
    expect(report.verdict!.target).toBe(native!.target);
  });

  it('deletes the copies a killed run left, when they carry the tool tag, before it starts', async () => {
    const { port, deleted, live, created } = fakePort();
    created.push({ name: 'fn-glm-cand-dead', tags: { 'go-lambda-migrate:bench-copy': 'fn' } } as never);
    const store = memoryStore([
      { region: 'eu-west-1', name: 'fn-glm-cand-dead' },
      { region: 'eu-west-1', name: 'someone-elses' },
    ]);
    const { all } = await drain(benchmark(port, [fn], { cold: 0, warm: 1, event, copies: store }));
    expect(deleted).toEqual(['fn-glm-cand-dead']);
    expect(live.has('someone-elses')).toBe(true);
    expect(store.refs).toEqual([]);
    expect(all.some((e) => e.type === 'warn' && /fn-glm-cand-dead/.test(e.message))).toBe(true);
  });

  it('benchMany runs jobs a few at a time and reports a job that could not be prepared', async () => {
    const { port } = fakePort();
    const events = [];
    for await (const e of benchMany(
      port,
      [
        { key: 'a', against: null, targets: [{ role: 'new', ref: fn }] },
        { key: 'b', against: null, targets: [], failed: 'no artifact' },
      ],
      { cold: 1, warm: 1, event, concurrency: 2 },
    ))
      events.push(e);
    expect(events[0]).toEqual({
      type: 'targets',
      targets: [
        { key: 'a', against: null },
        { key: 'b', against: null },
      ],
    });
    expect(events).toContainEqual({ type: 'failed', key: 'b', message: 'no artifact' });
    expect(events.some((e) => e.type === 'event' && e.key === 'a' && e.event.type === 'done')).toBe(true);
  });

  it('nearest-rank percentiles, bootstrap intervals, and cost from GB-seconds plus requests', () => {
    expect(stats([5, 1, 4, 2, 3])).toEqual({ p50: 3, p90: 5, p99: 5, mean: 3, min: 1, max: 5 });
    const fast = Array.from({ length: 20 }, (_, i) => 10 + (i % 5));
    const slow = Array.from({ length: 20 }, (_, i) => 20 + (i % 5));
    const half = ratioOfMedians(fast, slow)!;
    expect(half.ratio).toBeCloseTo(12 / 22, 6);
    expect(half.measurable).toBe(true);
    expect(half.low).toBeLessThanOrEqual(half.ratio);
    expect(half.high).toBeGreaterThanOrEqual(half.ratio);
    expect(ratioOfMedians(fast, [...fast].reverse())!.measurable).toBe(false);
    expect(ratioOfMedians([1], [2])).toBeUndefined();
    expect(costPerMillion(1000, 1024, 'x86_64')).toBeCloseTo(16.6667 + 0.2, 4);
    expect(costPerMillion(1000, 1024, 'arm64')).toBeCloseTo(13.3334 + 0.2, 4);
  });
});
