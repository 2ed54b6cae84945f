import { spawn, type ChildProcess } from 'node:child_process';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GobDecoder, GobEncoder, gob } from '../../src/sandbox/go1x/gob.js';
import { GoRpcClient, RpcError } from '../../src/sandbox/go1x/rpc-client.js';
import { buildFixture } from '../helpers/go.js';

const INNER = gob.struct('Inner', {
  Name: gob.string,
  Weights: gob.slice('[]float64', gob.float),
  Flag: gob.bool,
});
const ARGS = gob.struct('Args', {
  S: gob.string,
  I: gob.int,
  N: gob.int,
  U: gob.uint,
  F: gob.float,
  B: gob.bytes,
  Neg: gob.int,
  Inner: INNER,
  List: gob.slice('[]Inner', INNER),
  Ptr: INNER,
  Empty: gob.string,
});

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as { port: number }).port;
  await new Promise((r) => s.close(r));
  return port;
}

describe('the gob codec', () => {
  it('round-trips values through its own encoder and decoder, type definitions once', () => {
    const enc = new GobEncoder();
    const dec = new GobDecoder();
    const value = {
      S: 'héllo',
      I: -1234567890123,
      N: 7,
      U: 2 ** 40,
      F: -2.5,
      B: Buffer.from([0, 255, 7]),
      Neg: -1,
      Inner: { Name: 'x', Weights: [0.5, 1e-9], Flag: true },
      List: [{ Name: 'a' }, { Name: 'b', Flag: true }],
    };
    const first = enc.encode(ARGS, value);
    const second = enc.encode(ARGS, value);
    expect(second.length).toBeLessThan(first.length); // no definitions the second time
    const out = dec.push(Buffer.concat([first, second]));
    expect(out).toHaveLength(2);
    expect(out[0]).toEqual(out[1]);
    expect(out[0]).toMatchObject({
      S: 'héllo',
      I: -1234567890123,
      U: 2 ** 40,
      F: -2.5,
      Neg: -1,
      B: Buffer.from([0, 255, 7]),
    });
    expect((out[0] as { List: unknown[] }).List).toEqual([{ Name: 'a' }, { Name: 'b', Flag: true }]);
  });

  it('decodes a stream fed one byte at a time', () => {
    const bytes = new GobEncoder().encode(ARGS, { S: 'abc', I: 300 });
    const dec = new GobDecoder();
    const values: unknown[] = [];
    for (const b of bytes) values.push(...dec.push(Buffer.from([b])));
    expect(values).toEqual([{ S: 'abc', I: 300 }]);
  });

  it('rejects garbage with a GobError instead of hanging or crashing', () => {
    const dec = new GobDecoder();
    expect(() => dec.push(Buffer.from([3, 0x7f, 1, 2]))).toThrow();
  });
});

describe('the net/rpc client against a real Go net/rpc server', () => {
  let child: ChildProcess;
  let client: GoRpcClient;
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'glm-rpc-'));
    const bin = join(dir, 'rpcecho');
    await writeFile(bin, await buildFixture('rpcecho'));
    await chmod(bin, 0o755);
    const port = await freePort();
    child = spawn(bin, [], { env: { PORT: String(port) }, stdio: 'inherit' });
    for (let i = 0; i < 500 && !client; i++) {
      try {
        client = await GoRpcClient.connect(port);
      } catch {
        await new Promise((r) => setTimeout(r, 10));
      }
    }
  }, 180_000);
  afterAll(async () => {
    client?.close();
    child?.kill();
    await rm(dir, { recursive: true, force: true });
  });

  it('encodes what Go decodes, and decodes what Go encodes (maps, arrays, nested structs)', async () => {
    const args = {
      S: 'go1.x',
      I: 40,
      N: -3,
      U: 5,
      F: 3.25,
      B: Buffer.alloc(1000, 1),
      Neg: -2,
      Inner: { Name: 'in', Weights: [0.1, 0.2], Flag: true },
      List: [{ Name: 'a' }, { Name: 'b' }, { Name: 'a', Weights: [1] }],
      Ptr: { Name: 'p' },
    };
    const reply = (await client.call('Echo.Echo', ARGS, args)) as Record<string, unknown>;
    expect(reply.Upper).toBe('GO1.X');
    expect(reply.Sum).toBe(40 - 3 + 5 - 2);
    expect(reply.Bytes).toBe(1000);
    expect(reply.Names).toEqual(['a', 'b', 'a']);
    expect(reply.Count).toEqual(
      new Map([
        ['a', 2],
        ['b', 1],
      ]),
    );
    expect(reply.Trio).toEqual([-1, 0, 300]);
    expect(reply.Echo).toMatchObject({
      S: 'go1.x',
      F: 3.25,
      Inner: { Name: 'in', Weights: [0.1, 0.2], Flag: true },
      Ptr: { Name: 'p' },
    });
  });

  it('keeps calls apart on one connection, and reports server-side errors', async () => {
    const replies = await Promise.all(
      Array.from(
        { length: 20 },
        (_, i) =>
          client.call('Echo.Echo', ARGS, { S: `n${i}`, I: i }) as Promise<{ Upper: string; Sum: number }>,
      ),
    );
    // gob leaves zero values out: Sum is absent for i = 0.
    replies.forEach((r, i) => expect([r.Upper, r.Sum ?? 0]).toEqual([`N${i}`, i]));
    await expect(client.call('Echo.Fail', ARGS, { S: 'why' })).rejects.toThrow(new RpcError('refused: why'));
    await expect(client.call('Echo.Nope', ARGS, {})).rejects.toThrow(/can't find method/);
    expect(((await client.call('Echo.Echo', ARGS, { S: 'still ok' })) as { Upper: string }).Upper).toBe(
      'STILL OK',
    );
  });
});
