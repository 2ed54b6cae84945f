import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { BenchOriginal, BenchUndo } from '../core/benchmark.js';
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
