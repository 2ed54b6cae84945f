import { readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DeploymentError, pickBinary, readDeployment } from '../../src/archive/deployment.js';
import { openZip, ZipFormatError } from '../../src/archive/zip.js';
import { writeZip } from '../../src/archive/zip.js';
import { bundledLifecycle } from '../../src/lambda/lifecycle.js';
import { readBuildInfo } from '../../src/golang/buildinfo.js';
import { ElfError, readElf } from '../../src/golang/elf.js';
import { inspectBinary } from '../../src/golang/inspect-binary.js';
import { GobDecoder, GobEncoder, GobError, gob } from '../../src/sandbox/go1x/gob.js';
import { pointerBuildInfo, syntheticElf } from '../helpers/elf-builder.js';

/**
 * Fuzzing the readers of untrusted input: random bytes and mutations of valid seeds. Any outcome but a
 * result or the reader's own error type (ElfError, ZipFormatError, GobError) is a failure, and so is a case
 * slower than 1 s. `FUZZ_CASES` sets the number of cases per target (npm test runs a short pass;
 * scripts/fuzz.sh runs 100,000), `FUZZ_SEED` the seed.
 */
const CASES = Number(process.env.FUZZ_CASES ?? 1500);
const SEED = Number(process.env.FUZZ_SEED ?? 20261127);

function rng(seed: number) {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 0x100000000;
  };
}

function mutate(seed: Buffer, r: () => number): Buffer {
  const b = Buffer.from(seed);
  const kind = Math.floor(r() * 5);
  const n = 1 + Math.floor(r() * 8);
  for (let i = 0; i < n && b.length > 0; i++) {
    const at = Math.floor(r() * b.length);
    if (kind === 0) b[at] = Math.floor(r() * 256);
    else if (kind === 1) b[at] = b[at]! ^ (1 << Math.floor(r() * 8));
    else if (kind === 2)
      b.writeUInt32LE(
        [0, 0xffffffff, 0x7fffffff, 0x80000000, b.length][Math.floor(r() * 5)]! >>> 0,
        Math.min(at, b.length - 4),
      );
    else if (kind === 3) return b.subarray(0, at);
    else b[at] = [0, 0xff, 0x7f, 0x80][Math.floor(r() * 4)]!;
  }
  return b;
}

function randomBytes(r: () => number): Buffer {
  const len = Math.floor(r() ** 3 * 4096);
  const b = Buffer.alloc(len);
  for (let i = 0; i < len; i++) b[i] = Math.floor(r() * 256);
  // Sometimes start with a valid magic, so the readers get past their first check.
  const magic = [
    Buffer.from('\x7fELF\x02\x01\x01', 'latin1'),
    Buffer.from('PK\x03\x04', 'latin1'),
    Buffer.alloc(0),
  ][Math.floor(r() * 3)]!;
  magic.copy(b, 0, 0, Math.min(magic.length, b.length));
  return b;
}

type Target = {
  name: string;
  seeds: Buffer[];
  run: (b: Buffer) => void | Promise<void>;
  allowed: (e: unknown) => boolean;
};

class Hang extends Error {}

/** Settles with the run, or with a Hang after `ms` (an asynchronous reader that never settles). */
async function within(run: () => void | Promise<void>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      Promise.resolve().then(run),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Hang(`did not settle within ${ms} ms`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

async function fuzz(target: Target, cases = CASES): Promise<{ cases: number; failures: string[] }> {
  const r = rng(SEED ^ (target.name.length * 7919));
  const failures: string[] = [];
  for (let i = 0; i < cases && failures.length < 5; i++) {
    const input =
      r() < 0.3 ? randomBytes(r) : mutate(target.seeds[Math.floor(r() * target.seeds.length)]!, r);
    const t0 = performance.now();
    try {
      await within(() => target.run(input), 1000);
    } catch (e) {
      if (e instanceof Hang || !target.allowed(e)) {
        const file = join(tmpdir(), `fuzz-${target.name}-${i}.bin`);
        writeFileSync(file, input);
        failures.push(
          `${target.name} case ${i}: ${(e as Error).stack ?? String(e)} (input saved to ${file})`,
        );
      }
    }
    const ms = performance.now() - t0;
    if (ms > 1000) failures.push(`${target.name} case ${i} took ${ms.toFixed(0)} ms`);
  }
  return { cases, failures };
}

const goSeed = (() => {
  const vaddr = 0x500000;
  const seg = pointerBuildInfo({
    ptrSize: 8,
    little: true,
    vaddr,
    version: 'go1.16',
    modinfo: 'path\tx\nmod\tx\t(devel)\t\ndep\tgithub.com/aws/aws-lambda-go\tv1.13.0\t\n',
  });
  return syntheticElf({ is64: true, little: true, machine: 62, segment: seg, vaddr });
})();
const realGo = (() => {
  // The first 64 KB of a real Go binary plus its section headers would need the whole file; /bin/true is small.
  try {
    return readFileSync('/bin/true');
  } catch {
    return goSeed;
  }
})();
const zipSeeds = [
  await writeZip([
    { name: 'bootstrap', data: Buffer.from('\x7fELF....', 'latin1'), mode: 0o755 },
    { name: 'config.json', data: Buffer.from('{"a":1}'.repeat(20)) },
  ]),
  await writeZip([
    { name: 'main', data: Buffer.alloc(2000, 1), mode: 0o755 },
    { name: 'bootstrap', symlinkTarget: 'main' },
  ]),
];
const enc = new GobEncoder();
const T = gob.struct('T', {
  A: gob.string,
  B: gob.int,
  C: gob.slice('[]T2', gob.struct('T2', { X: gob.bytes, Y: gob.float })),
});
const gobSeeds = [
  Buffer.concat([
    enc.encode(T, { A: 'hi', B: -5, C: [{ X: Buffer.from('x'), Y: 1.5 }] }),
    enc.encode(T, { A: 'again' }),
  ]),
];

const TARGETS: Target[] = [
  {
    name: 'elf+buildinfo',
    seeds: [goSeed, realGo],
    run: (b) => {
      const elf = readElf(b);
      readBuildInfo(b, elf);
      inspectBinary('fuzz', b, 'provided.al2023', bundledLifecycle());
    },
    allowed: (e) => e instanceof ElfError,
  },
  {
    name: 'zip',
    seeds: zipSeeds,
    run: async (b) => {
      const archive = await openZip(b);
      for (const e of archive.entries) await archive.read(e);
      const d = await readDeployment(b);
      try {
        await pickBinary(d);
      } catch (e) {
        if (!(e instanceof DeploymentError)) throw e;
      }
    },
    allowed: (e) => e instanceof ZipFormatError,
  },
  {
    name: 'gob',
    seeds: gobSeeds,
    run: (b) => {
      new GobDecoder().push(b);
    },
    allowed: (e) => e instanceof GobError,
  },
];

describe(`fuzzing the readers of untrusted input (${CASES} cases each, seed ${SEED})`, () => {
  it.each(TARGETS.map((t) => [t.name, t] as const))(
    '%s: only clean errors, no crash, no hang',
    async (_name, target) => {
      const { failures } = await fuzz(target);
      expect(failures).toEqual([]);
    },
    Math.max(60_000, CASES * 20),
  );

  it('the harness itself reports a reader that crashes, and one that hangs', async () => {
    const broken: Target = {
      name: 'broken',
      seeds: zipSeeds,
      run: (b) => {
        if (b.length % 7 === 0) throw new TypeError('a crash');
      },
      allowed: (e) => e instanceof ZipFormatError,
    };
    expect((await fuzz(broken)).failures.join('\n')).toContain('TypeError: a crash');
    const hangs: Target = { ...broken, name: 'hangs', run: () => new Promise<void>(() => undefined) };
    expect((await fuzz(hangs, 1)).failures[0]).toMatch(/did not settle within 1000 ms/);
  });
});
