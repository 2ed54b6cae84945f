import { describe, expect, it } from 'vitest';
import { Limiter } from '../../src/core/concurrency.js';

describe('Limiter', () => {
  it('runs at most N tasks at once, starts the rest in order, and passes results and errors through', async () => {
    const gate = new Limiter(3);
    let running = 0;
    let peak = 0;
    const started: number[] = [];
    const task = (i: number) => async () => {
      started.push(i);
      running++;
      peak = Math.max(peak, running);
      await new Promise((r) => setTimeout(r, 5 + (i % 4)));
      running--;
      if (i === 7) throw new Error('seven');
      return i * 2;
    };
    const results = await Promise.allSettled(Array.from({ length: 12 }, (_, i) => gate.run(task(i))));
    expect(peak).toBe(3);
    expect(started).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
    expect(results[7]).toMatchObject({ status: 'rejected', reason: new Error('seven') });
    expect(results.filter((r) => r.status === 'fulfilled').map((r) => r.value)).toEqual(
      [0, 1, 2, 3, 4, 5, 6, 8, 9, 10, 11].map((i) => i * 2),
    );
    // A failed task frees its slot: the gate still runs new work.
    await expect(gate.run(() => Promise.resolve('after'))).resolves.toBe('after');
  });

  it('starts waiting tasks at once when its limit is raised', async () => {
    const gate = new Limiter(1);
    let running = 0;
    let peak = 0;
    const release: (() => void)[] = [];
    const all = Array.from({ length: 5 }, () =>
      gate.run(async () => {
        running++;
        peak = Math.max(peak, running);
        await new Promise<void>((r) => release.push(r));
        running--;
      }),
    );
    await new Promise((r) => setTimeout(r, 5));
    expect(running).toBe(1);
    gate.setLimit(4);
    await new Promise((r) => setTimeout(r, 5));
    expect(running).toBe(4);
    while (release.length) release.shift()!();
    await new Promise((r) => setTimeout(r, 5));
    while (release.length) release.shift()!();
    await Promise.all(all);
    expect(peak).toBe(4);
  });
});
