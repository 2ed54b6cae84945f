import { describe, expect, it } from 'vitest';
import { scanFunctions, unqualifiedArn, type ScanResult } from '../../src/core/scan.js';
import { FakeAwsError, FakeLambda, fakeZip } from '../fakes/lambda.js';

async function scan(lambda: FakeLambda, regions = ['eu-west-1']): Promise<ScanResult> {
  for await (const e of scanFunctions(lambda, { regions })) if (e.type === 'done') return e.result;
  throw new Error('no result');
}

function account(n: number): FakeLambda {
  const lambda = new FakeLambda();
  for (let i = 0; i < n; i++) {
    const name = `fn-${String(i).padStart(3, '0')}`;
    lambda.create(
      { region: 'eu-west-1', name },
      i % 4 === 3 ? 'nodejs20.x' : 'go1.x',
      name,
      fakeZip(name),
      'x86_64',
      i % 2 === 0 ? { 'aws:cloudformation:stack-name': `stack-${i}` } : {},
    );
  }
  return lambda;
}

describe('scan reads the tags of candidates only, a hundred at a time', () => {
  it('250 functions, 188 candidates: two GetResources calls and no GetFunction', async () => {
    const lambda = account(250);
    const result = await scan(lambda);
    expect(result.functions).toHaveLength(188);
    expect(lambda.calls.filter((c) => c === 'GetResources')).toHaveLength(2);
    expect(lambda.calls.some((c) => c.startsWith('GetFunction'))).toBe(false);
    const byName = new Map(result.functions.map((f) => [f.functionName, f.managedBy]));
    expect(byName.get('fn-000')).toBe('CloudFormation (stack stack-0)');
    expect(byName.get('fn-001')).toBeNull();
    expect(byName.has('fn-003')).toBe(false); // nodejs20.x
  });

  it('falls back to GetFunction per function when a GetResources call fails, and still finds the owners', async () => {
    const lambda = account(8);
    lambda.faults.set('GetResources', [
      new FakeAwsError('access-denied', 'not authorized: tag:GetResources'),
    ]);
    const result = await scan(lambda);
    expect(result.errors).toEqual([]);
    expect(lambda.calls.filter((c) => c.startsWith('GetFunction '))).toHaveLength(6);
    expect(result.functions.find((f) => f.functionName === 'fn-002')?.managedBy).toBe(
      'CloudFormation (stack stack-2)',
    );
  });

  it('a function that cannot be read either way is listed without an owner', async () => {
    const lambda = account(2);
    lambda.faults.set('GetResources', [new FakeAwsError('access-denied', 'denied')]);
    lambda.faults.set('GetFunction', [new FakeAwsError('access-denied', 'denied')]);
    const result = await scan(lambda);
    expect(result.functions.map((f) => [f.functionName, f.managedBy])).toEqual([
      ['fn-000', null],
      ['fn-001', null],
    ]);
  });

  it('a region whose listing fails is reported; the others go on', async () => {
    const lambda = account(3);
    lambda.faults.set('ListFunctions', [new FakeAwsError('access-denied', 'no lambda:ListFunctions')]);
    const result = await scan(lambda, ['eu-west-1', 'us-east-1']);
    expect(result.errors).toEqual([
      { region: expect.any(String) as string, message: 'no lambda:ListFunctions' },
    ]);
  });

  it('a published version has its function’s tags', () => {
    expect(unqualifiedArn('arn:aws:lambda:eu-west-1:123456789012:function:orders:7')).toBe(
      'arn:aws:lambda:eu-west-1:123456789012:function:orders',
    );
    expect(unqualifiedArn('arn:aws:lambda:eu-west-1:123456789012:function:orders')).toBe(
      'arn:aws:lambda:eu-west-1:123456789012:function:orders',
    );
  });
});
