import { describe, expect, it } from 'vitest';
import { KeyedMutex } from '../../src/sandbox/keyed-mutex.js';
import { TokenBucket } from '../../src/sandbox/throttle.js';
import { parseFunctionName } from '../../src/sandbox/arn.js';
import { lambdaTimestamp } from '../../src/sandbox/format.js';

describe('sandbox building blocks', () => {
  it('KeyedMutex runs one task at a time per key, in order, and survives failures', async () => {
    const m = new KeyedMutex();
    const order: string[] = [];
    const slow = (tag: string, ms: number) => async () => {
      order.push(`start ${tag}`);
      await new Promise((r) => setTimeout(r, ms));
      order.push(`end ${tag}`);
      if (tag === 'a2') throw new Error('boom');
    };
    await Promise.allSettled([
      m.run('a', slow('a1', 30)),
      m.run('a', slow('a2', 1)),
      m.run('a', slow('a3', 1)),
      m.run('b', slow('b1', 1)),
    ]);
    expect(order.indexOf('end a1')).toBeLessThan(order.indexOf('start a2'));
    expect(order.indexOf('end a2')).toBeLessThan(order.indexOf('start a3'));
    expect(order.indexOf('start b1')).toBeLessThan(order.indexOf('end a1'));
  });

  it('TokenBucket grants `rate` a second with a burst of `rate`, and says when to retry', () => {
    const b = new TokenBucket(15, 0);
    let granted = 0;
    for (let i = 0; i < 20; i++) if (b.take(0) === 0) granted++;
    expect(granted).toBe(15);
    expect(b.take(0)).toBe(1);
    expect(b.take(200)).toBe(0); // 3 tokens back after 200 ms
  });

  it('parses every FunctionName form Lambda accepts', () => {
    expect(parseFunctionName('f')).toEqual({ name: 'f', qualifier: undefined });
    expect(parseFunctionName('f:live')).toEqual({ name: 'f', qualifier: 'live' });
    expect(parseFunctionName('123456789012:function:f:3')).toEqual({ name: 'f', qualifier: '3' });
    expect(parseFunctionName('arn:aws:lambda:eu-west-1:123456789012:function:f:$LATEST')).toEqual({
      name: 'f',
      qualifier: '$LATEST',
    });
    expect(() => parseFunctionName('bad name')).toThrow(/validation error/);
    expect(() => parseFunctionName('a:b:c')).toThrow(/validation error/);
  });

  it('formats LastModified as Lambda does', () => {
    expect(lambdaTimestamp(Date.UTC(2026, 10, 27, 1, 2, 3, 45))).toBe('2026-11-27T01:02:03.045+0000');
  });
});
