import { describe, expect, it } from 'vitest';
import type { FunctionPlan } from '../../src/core/plan.js';
import { functionLines } from '../../src/ui/plan-text.js';

const plan = (smoke: FunctionPlan['smoke']): FunctionPlan => ({
  functionName: 'orders-api',
  region: 'us-east-1',
  from: {
    runtime: 'go1.x',
    handler: 'orders-api',
    architectures: ['x86_64'],
    codeSha256: 'x',
    revisionId: 'r',
    codeSize: 1000,
  },
  to: { runtime: 'provided.al2023', handler: 'bootstrap', architectures: ['arm64'], codeSize: 900 },
  strategy: 'rebuild',
  source: null,
  steps: [{ action: 'configuration', detail: 'Runtime go1.x → provided.al2023' }],
  risks: [],
  blocked: null,
  binary: null,
  smoke,
  artifacts: {},
});

describe("the plan's text for a function", () => {
  it("shows what a function answered when its smoke test ended in the function's own error", () => {
    const text = functionLines(
      plan({
        ok: false,
        functionError: true,
        errorType: 'errorString',
        response: '{"errorMessage":"missing orderId",\n "errorType":"errorString"}',
        durationMs: 1.5,
        maxMemoryUsedMb: 12,
      }),
      'cli',
    )
      .map((l) => l.text)
      .join('\n');
    expect(text).toMatch(/smoke test: {5}function error errorString \(1\.5 ms, 12 MB\)/);
    expect(text).toContain('it answered: {"errorMessage":"missing orderId", "errorType":"errorString"}');
    expect(text).toMatch(/check that this is the function's answer to the test event/);
  });

  it('says nothing more when the smoke test passed', () => {
    const text = functionLines(
      plan({ ok: true, functionError: false, response: '{}', durationMs: 1, maxMemoryUsedMb: 10 }),
      'cli',
    )
      .map((l) => l.text)
      .join('\n');
    expect(text).toMatch(/smoke test: {5}ok/);
    expect(text).not.toMatch(/it answered/);
  });
});
