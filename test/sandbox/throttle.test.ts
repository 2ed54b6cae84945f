import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GetFunctionCommand, ListFunctionsCommand, CreateFunctionCommand } from '@aws-sdk/client-lambda';
import { lambdaClient, ROLE, tinyZip, withSandbox } from '../helpers/sandbox.js';

describe("AWS's control-plane quotas: 15 req/s, GetFunction 100 req/s, per region", () => {
  let stop: () => Promise<void>;
  let url: string;

  beforeAll(async () => {
    const s = await withSandbox({ throttle: true });
    stop = s.stop;
    url = s.sandbox.url;
    await lambdaClient(url).send(
      new CreateFunctionCommand({
        FunctionName: 'f',
        Runtime: 'provided.al2023',
        Handler: 'bootstrap',
        Role: ROLE,
        Code: { ZipFile: await tinyZip() },
      }),
    );
    await new Promise((r) => setTimeout(r, 1100)); // let the bucket refill after the create
  });
  afterAll(() => stop());

  it('answers a burst over the quota with 429 TooManyRequestsException and Retry-After', async () => {
    const t0 = performance.now();
    const responses = await Promise.all(
      Array.from({ length: 60 }, () => fetch(`${url}/2015-03-31/functions/`)),
    );
    const seconds = (performance.now() - t0) / 1000;
    const granted = responses.filter((r) => r.status === 200).length;
    const throttled = responses.filter((r) => r.status === 429);
    // A burst of 15, then 15 a second for however long the burst took to arrive on a busy machine.
    expect(granted).toBeLessThanOrEqual(15 + Math.ceil(15 * seconds));
    expect(throttled.length).toBeGreaterThan(0);
    expect(granted + throttled.length).toBe(60);
    const sample = throttled[0]!;
    expect(sample.headers.get('x-amzn-errortype')).toBe('TooManyRequestsException');
    expect(Number(sample.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(await sample.json()).toMatchObject({
      Reason: 'CallerRateLimitExceeded',
      message: 'Rate exceeded',
    });
    await new Promise((r) => setTimeout(r, 1100));
  });

  it('the SDK without retries sees TooManyRequestsException; with retries every call succeeds', async () => {
    const noRetry = lambdaClient(url, 'us-east-1', 1);
    const results = await Promise.allSettled(
      Array.from({ length: 30 }, () => noRetry.send(new ListFunctionsCommand({}))),
    );
    const rejected = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(rejected.length).toBeGreaterThan(0);
    expect((rejected[0]!.reason as Error).name).toBe('TooManyRequestsException');
    await new Promise((r) => setTimeout(r, 1100));
    const retrying = lambdaClient(url, 'us-east-1', 10);
    const all = await Promise.all(
      Array.from({ length: 30 }, () => retrying.send(new ListFunctionsCommand({}))),
    );
    expect(all.every((r) => r.Functions!.length === 1)).toBe(true);
  });

  it('GetFunction has its own, larger quota, and regions have their own buckets', async () => {
    await new Promise((r) => setTimeout(r, 1100));
    const client = lambdaClient(url, 'us-east-1', 1);
    const gets = await Promise.allSettled(
      Array.from({ length: 60 }, () => client.send(new GetFunctionCommand({ FunctionName: 'f' }))),
    );
    expect(gets.every((g) => g.status === 'fulfilled')).toBe(true);
    const eu = lambdaClient(url, 'eu-west-1', 1);
    const lists = await Promise.allSettled(
      Array.from({ length: 15 }, () => eu.send(new ListFunctionsCommand({}))),
    );
    expect(lists.every((l) => l.status === 'fulfilled')).toBe(true);
  });
});
