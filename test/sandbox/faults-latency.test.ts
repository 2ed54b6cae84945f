import { describe, expect, it } from 'vitest';
import { ListFunctionsCommand } from '@aws-sdk/client-lambda';
import { lambdaClient, withSandbox } from '../helpers/sandbox.js';

describe('injected faults and latency', () => {
  it('answers ServiceException (500) at the fault rate; the SDK retries it away', async () => {
    let n = 0;
    // Deterministic: every other call fails.
    const s = await withSandbox({ faultRate: 0.5, random: () => (n++ % 2 === 0 ? 0.1 : 0.9) });
    try {
      const res = await fetch(`${s.sandbox.url}/2015-03-31/functions/`);
      expect(res.status).toBe(500);
      expect(res.headers.get('x-amzn-errortype')).toBe('ServiceException');
      expect(((await res.json()) as { Type: string }).Type).toBe('Service');
      const out = await lambdaClient(s.sandbox.url, 'us-east-1', 3).send(new ListFunctionsCommand({}));
      expect(out.Functions).toEqual([]);
    } finally {
      await s.stop();
    }
  });

  it('adds --latency-ms to every call', async () => {
    const s = await withSandbox({ latencyMs: 120 });
    try {
      const t0 = performance.now();
      await fetch(`${s.sandbox.url}/2015-03-31/functions/`);
      expect(performance.now() - t0).toBeGreaterThanOrEqual(115);
    } finally {
      await s.stop();
    }
  });
});
