import { readFile } from 'node:fs/promises';
import { createServer, request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LambdaClient, TagResourceCommand } from '@aws-sdk/client-lambda';
import { createLambdaPort } from '../../src/aws/lambda-port.js';
import { quotaPacer } from '../../src/core/pacing.js';
import type { FunctionConfig } from '../../src/core/ports.js';
import { createTinyFunction, lambdaClient, tempDir, withSandbox } from '../helpers/sandbox.js';

const CREDS = { accessKeyId: 'AKIDSANDBOX', secretAccessKey: 'sandbox-secret' };

describe('the direct read path signs what it sends with the SDK signer', () => {
  // A bare server records each request; the SDK's signer, fed the method, path, query and Host that arrived
  // and the request's own x-amz-date, must compute the same Authorization: what was signed is what was sent.
  const cases: [string, string, string | undefined, string | undefined][] = [
    ['a plain name', 'orders-api', undefined, undefined],
    [
      'an ARN (colons encoded twice in the canonical path)',
      'arn:aws:lambda:eu-west-1:123456789012:function:f',
      undefined,
      undefined,
    ],
    ['a qualifier', 'f', 'live', undefined],
    ['a session token', 'f', undefined, 'FQoGZXIvYXdzE//token+=='],
  ];
  it.each(cases)('%s', async (_what, name, qualifier, sessionToken) => {
    const seen: { url: string; headers: Record<string, string> }[] = [];
    const server = createServer((req, res) => {
      seen.push({ url: req.url ?? '', headers: req.headers as Record<string, string> });
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ Configuration: { FunctionName: 'f' }, Code: { Location: 'x' }, Tags: {} }));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}/proxy`;
      const credentials = { ...CREDS, ...(sessionToken && { sessionToken }) };
      const port = createLambdaPort({ endpointUrl: endpoint, staticCredentials: credentials });
      await port.getFunction({ region: 'eu-west-1', name, ...(qualifier && { qualifier }) });
      expect(seen).toHaveLength(1);
      const { url, headers } = seen[0]!;
      expect(headers['user-agent']).toBe('go-lambda-migrate');
      expect(url.startsWith('/proxy/2015-03-31/functions/')).toBe(true);
      const sent = new URL(url, 'http://x');
      const date = headers['x-amz-date']!;
      const when = new Date(
        `${date.slice(0, 4)}-${date.slice(4, 6)}-${date.slice(6, 8)}T${date.slice(9, 11)}:${date.slice(11, 13)}:${date.slice(13, 15)}Z`,
      );
      const reference = await new LambdaClient({
        region: 'eu-west-1',
        endpoint,
        credentials,
      }).config.signer();
      const signed = (await reference.sign(
        {
          method: 'GET',
          protocol: 'http:',
          hostname: '127.0.0.1',
          path: sent.pathname,
          query: Object.fromEntries(sent.searchParams),
          headers: { host: headers['host']! },
        },
        { signingDate: when },
      )) as unknown as { headers: Record<string, string> };
      expect(headers['authorization']).toBe(signed.headers['authorization']);
      expect(headers['x-amz-security-token']).toBe(signed.headers['x-amz-security-token']);
      expect(decodeURIComponent(sent.pathname.split('/').pop()!)).toBe(name);
      expect(sent.searchParams.get('Qualifier') ?? undefined).toBe(qualifier);
    } finally {
      server.close();
    }
  });
});

describe('the Lambda port against the sandbox', () => {
  let stop: () => Promise<void>;
  let url: string;
  let log: string;
  let cleanupLog: () => Promise<void>;
  const entries = async () =>
    (await readFile(log, 'utf8'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { operation: string; status: number; client?: string; function?: string });

  beforeAll(async () => {
    const t = await tempDir('glm-port-log-');
    cleanupLog = t.cleanup;
    log = join(t.dir, 'access.log');
    const s = await withSandbox({ throttle: true, accessLog: log });
    stop = s.stop;
    url = s.sandbox.url;
    for (let i = 0; i < 12; i++) {
      await createTinyFunction(
        url,
        'eu-west-1',
        `p-${String(i).padStart(2, '0')}`,
        i % 2 ? 'provided.al2' : 'provided.al2023',
        i % 2 ? 'main.handler' : 'bootstrap',
      );
    }
    const sdk = lambdaClient(url, 'eu-west-1', 5);
    await sdk.send(
      new TagResourceCommand({
        Resource: 'arn:aws:lambda:eu-west-1:123456789012:function:p-01',
        Tags: { 'aws:cloudformation:stack-name': 'orders' },
      }),
    );
    await new Promise((r) => setTimeout(r, 1100)); // let the buckets refill
  });
  afterAll(async () => {
    await stop();
    await cleanupLog();
  });

  it('lists and reads functions on the direct path when the endpoint is given', async () => {
    const port = createLambdaPort({ endpointUrl: url, staticCredentials: CREDS, pace: quotaPacer() });
    const before = (await entries()).length;
    const pages: FunctionConfig[][] = [];
    for await (const page of port.listFunctionPages('eu-west-1')) pages.push(page);
    expect(pages.flat().map((f) => f.name)).toEqual(
      Array.from({ length: 12 }, (_, i) => `p-${String(i).padStart(2, '0')}`),
    );
    const got = await port.getFunction({ region: 'eu-west-1', name: 'p-01' });
    expect(got.config).toMatchObject({
      name: 'p-01',
      runtime: 'provided.al2',
      handler: 'main.handler',
      region: 'eu-west-1',
    });
    expect(got.config.codeSha256).toMatch(/^[A-Za-z0-9+/]{43}=$/);
    expect(got.tags).toEqual({ 'aws:cloudformation:stack-name': 'orders' });
    expect(got.codeLocation).toContain('/_sandbox/code/');
    const versioned = await port.getFunction({ region: 'eu-west-1', name: 'p-01', qualifier: '$LATEST' });
    expect(versioned.config.version).toBe('$LATEST');

    const calls = (await entries()).slice(before);
    expect(calls.map((c) => c.operation)).toEqual(['ListFunctions', 'GetFunction', 'GetFunction']);
    expect(calls.every((c) => c.client === 'go-lambda-migrate' && c.status === 200)).toBe(true);
  });

  it('with the endpoint from AWS_ENDPOINT_URL, lets the SDK resolve it first, then answers the same', async () => {
    process.env.AWS_ENDPOINT_URL = url;
    try {
      const port = createLambdaPort({ staticCredentials: CREDS });
      const before = (await entries()).length;
      const viaSdk = await port.getFunction({ region: 'eu-west-1', name: 'p-03' });
      const direct = await port.getFunction({ region: 'eu-west-1', name: 'p-03' });
      expect(direct.config).toEqual(viaSdk.config);
      expect(direct.tags).toEqual(viaSdk.tags);
      const pages: FunctionConfig[][] = [];
      for await (const page of port.listFunctionPages('eu-west-1')) pages.push(page);
      expect(pages.flat()).toHaveLength(12);
      const calls = (await entries()).slice(before);
      expect(calls.map((c) => c.operation)).toEqual(['GetFunction', 'GetFunction', 'ListFunctions']);
      expect(calls[0]!.client).toMatch(/^aws-sdk-js\//);
      expect(calls.slice(1).every((c) => c.client === 'go-lambda-migrate')).toBe(true);
    } finally {
      delete process.env.AWS_ENDPOINT_URL;
    }
  });

  it('hands an error to the SDK, which maps it: a missing function is not-found', async () => {
    const port = createLambdaPort({ endpointUrl: url, staticCredentials: CREDS });
    await expect(port.getFunction({ region: 'eu-west-1', name: 'nope' })).rejects.toMatchObject({
      kind: 'not-found',
    });
    const last = (await entries()).slice(-2);
    expect(last.map((c) => [c.operation, c.status])).toEqual([
      ['GetFunction', 404],
      ['GetFunction', 404],
    ]);
  });

  it('hands a throttled call to the SDK, whose retries get it through', async () => {
    // No pacing: bursts of 150 reads against GetFunction's 100 req/s, until one is throttled (on a busy
    // machine the sandbox may serve the first bursts slower than the quota).
    const port = createLambdaPort({ endpointUrl: url, staticCredentials: CREDS, maxAttempts: 10 });
    await port.getFunction({ region: 'eu-west-1', name: 'p-00' });
    const before = (await entries()).length;
    let sent = 0;
    let throttledDirect = 0;
    for (let burst = 0; burst < 10 && throttledDirect === 0; burst++) {
      const results = await Promise.all(
        Array.from({ length: 150 }, (_, i) =>
          port.getFunction({ region: 'eu-west-1', name: `p-${String(i % 12).padStart(2, '0')}` }),
        ),
      );
      expect(results.every((r) => r.config.name.startsWith('p-'))).toBe(true);
      sent += 150;
      throttledDirect = (await entries())
        .slice(before)
        .filter((c) => c.status === 429 && c.client === 'go-lambda-migrate').length;
    }
    expect(throttledDirect).toBeGreaterThan(0);
    // Every read got through in the end: one 200 per call, the throttled ones after the SDK's retries.
    expect((await entries()).slice(before).filter((c) => c.status === 200)).toHaveLength(sent);
  }, 60_000);
});

describe('the direct path on an IPv6 endpoint', () => {
  it('connects to the bracketless address and signs the bracketed Host', async () => {
    const t = await tempDir('glm-port-v6-');
    const log = join(t.dir, 'access.log');
    const s = await withSandbox({ host: '::1', accessLog: log });
    try {
      expect(s.sandbox.url).toMatch(/^http:\/\/\[::1\]:\d+$/);
      await createTinyFunction(s.sandbox.url, 'us-west-2', 'v6');
      const port = createLambdaPort({ endpointUrl: s.sandbox.url, staticCredentials: CREDS });
      const pages: FunctionConfig[][] = [];
      for await (const page of port.listFunctionPages('us-west-2')) pages.push(page);
      const got = await port.getFunction({ region: 'us-west-2', name: 'v6' });
      expect(got.config.name).toBe('v6');
      const last = JSON.parse((await readFile(log, 'utf8')).trim().split('\n').at(-1)!) as Record<
        string,
        unknown
      >;
      expect(last).toMatchObject({ operation: 'GetFunction', status: 200, client: 'go-lambda-migrate' });
    } finally {
      await s.stop();
      await t.cleanup();
    }
  });
});

describe('an endpoint that refuses the direct path', () => {
  it('turns the direct path off after a refusal the SDK then gets past', async () => {
    const s = await withSandbox();
    const target = new URL(s.sandbox.url);
    const seen: string[] = [];
    // In front of the sandbox: 403 for the direct path's requests, everything else passed on.
    const proxy = createServer((req, res) => {
      const agent = req.headers['user-agent'] ?? '';
      seen.push(agent.split(' ')[0]!);
      if (agent.startsWith('go-lambda-migrate')) {
        res.writeHead(403, { 'x-amzn-errortype': 'InvalidSignatureException' });
        res.end('{"message":"The request signature we calculated does not match"}');
        return;
      }
      const upstream = httpRequest(
        { host: target.hostname, port: target.port, path: req.url, method: req.method, headers: req.headers },
        (up) => {
          res.writeHead(up.statusCode ?? 502, up.headers);
          up.pipe(res);
        },
      );
      req.pipe(upstream);
    });
    await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r));
    try {
      const url = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
      await createTinyFunction(s.sandbox.url, 'us-east-1', 'f');
      const port = createLambdaPort({ endpointUrl: url, staticCredentials: CREDS });
      for (let i = 0; i < 3; i++)
        expect((await port.getFunction({ region: 'us-east-1', name: 'f' })).config.name).toBe('f');
      const pages: FunctionConfig[][] = [];
      for await (const page of port.listFunctionPages('us-east-1')) pages.push(page);
      expect(pages.flat()).toHaveLength(1);
      // One refused direct read, then the SDK for it and for everything after.
      expect(seen[0]).toBe('go-lambda-migrate');
      expect(seen.slice(1).every((a) => a.startsWith('aws-sdk-js/'))).toBe(true);
      expect(seen).toHaveLength(5);
    } finally {
      await new Promise((r) => proxy.close(r));
      await s.stop();
    }
  });
});
