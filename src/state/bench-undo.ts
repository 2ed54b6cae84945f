import { appendFile, mkdir, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { BenchLog, BenchRecord } from '../core/bench-report.js';
import type { BenchOriginal, BenchUndo } from '../core/benchmark.js';
import type { CopyStore } from '../core/bench-copies.js';
import type { FunctionRef } from '../core/ports.js';
import { removeFileDurable, writeFileDurable } from '../os/durable-files.js';

/** The benchmark's undo file per function, under STATE_DIR/bench/REGION/NAME.json, written durably. */
export function createBenchUndo(stateDir: string): BenchUndo {
  const file = (ref: FunctionRef) => join(stateDir, 'bench', ref.region, `${ref.name}.json`);
  return {
    save: (ref, original) => writeFileDurable(file(ref), JSON.stringify(original)),
    async load(ref) {
      try {
        const doc = JSON.parse(await readFile(file(ref), 'utf8')) as Partial<BenchOriginal>;
        if (typeof doc.description !== 'string' || typeof doc.memorySize !== 'number') return undefined;
        return { description: doc.description, memorySize: doc.memorySize };
      } catch {
        return undefined;
      }
    },
    clear: (ref) => removeFileDurable(file(ref)),
  };
}

/** The temporary functions benchmarks created, in STATE_DIR/bench/copies.json, written durably. */
export function createCopyStore(stateDir: string): CopyStore {
  const file = join(stateDir, 'bench', 'copies.json');
  const read = async (): Promise<FunctionRef[]> => {
    try {
      const doc = JSON.parse(await readFile(file, 'utf8')) as unknown;
      return Array.isArray(doc)
        ? doc.filter(
            (r): r is FunctionRef =>
              typeof (r as FunctionRef).region === 'string' && typeof (r as FunctionRef).name === 'string',
          )
        : [];
    } catch {
      return [];
    }
  };
  const same = (a: FunctionRef, b: FunctionRef) => a.region === b.region && a.name === b.name;
  // One process changes the list at a time within this process; runs in other processes add other names.
  let queue: Promise<unknown> = Promise.resolve();
  const change = (f: (list: FunctionRef[]) => FunctionRef[]) =>
    (queue = queue.then(async () => {
      const next = f(await read());
      await (next.length > 0 ? writeFileDurable(file, JSON.stringify(next)) : removeFileDurable(file));
    }));
  return {
    add: (ref) =>
      change((list) => [...list.filter((r) => !same(r, ref)), { region: ref.region, name: ref.name }]).then(
        () => undefined,
      ),
    list: read,
    remove: (ref) => change((list) => list.filter((r) => !same(r, ref))).then(() => undefined),
  };
}

/** Benchmarks per function, one JSON line each, in STATE_DIR/bench/results/REGION/NAME.jsonl. */
export function createBenchLog(stateDir: string): BenchLog {
  const file = (ref: { region: string; name: string }) =>
    join(stateDir, 'bench', 'results', ref.region, `${ref.name}.jsonl`);
  return {
    async append(ref, record) {
      await mkdir(dirname(file(ref)), { recursive: true });
      await appendFile(file(ref), JSON.stringify(record) + '\n');
    },
    async read(ref) {
      try {
        return (await readFile(file(ref), 'utf8'))
          .split('\n')
          .filter(Boolean)
          .flatMap((l) => {
            try {
              return [JSON.parse(l) as BenchRecord];
            } catch {
              return [];
            }
          });
      } catch {
        return [];
      }
    },
  };
}
