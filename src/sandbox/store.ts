import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdir, readFile, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { CodeRef, FunctionRecord } from './model.js';
import { removeFileDurable, removeStaleTemps, writeFileDurable } from '../os/durable-files.js';

const FORMAT = 1;

/**
 * The sandbox's durable state: one JSON file per function (with its versions, aliases and tags) and
 * code zips stored once by hash. Every write is durable before it returns (see writeFileDurable), so
 * an acknowledged change survives `kill -9`; readers never see a half-written file.
 */
export class SandboxStore {
  private readonly regions = new Map<string, Map<string, FunctionRecord>>();
  private readonly sorted = new Map<string, string[]>();
  private readonly knownBlobs = new Set<string>();

  private constructor(readonly dataDir: string) {}

  /** Opens (creating if needed) the store in `dataDir` and loads every function into memory. */
  static async open(dataDir: string): Promise<SandboxStore> {
    const store = new SandboxStore(dataDir);
    await mkdir(join(dataDir, 'functions'), { recursive: true });
    await mkdir(join(dataDir, 'code'), { recursive: true });
    await store.checkFormat();
    await store.load();
    return store;
  }

  private async checkFormat(): Promise<void> {
    const file = join(this.dataDir, 'format.json');
    try {
      const doc = JSON.parse(await readFile(file, 'utf8')) as { format?: number };
      if (doc.format !== FORMAT) {
        throw new Error(
          `sandbox data in ${this.dataDir} has format ${doc.format}, this version reads ${FORMAT}`,
        );
      }
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
      await writeFileDurable(file, JSON.stringify({ format: FORMAT }) + '\n');
    }
  }

  private async load(): Promise<void> {
    const functionsDir = join(this.dataDir, 'functions');
    for (const region of await readdir(functionsDir)) {
      const dir = join(functionsDir, region);
      if (!(await stat(dir)).isDirectory()) continue;
      await removeStaleTemps(dir);
      // Synchronous reads: for thousands of small files they are several times faster than promises.
      for (const n of (await readdir(dir)).filter((f) => f.endsWith('.json'))) {
        this.remember(JSON.parse(readFileSync(join(dir, n), 'utf8')) as FunctionRecord);
      }
    }
    const codeDir = join(this.dataDir, 'code');
    await removeStaleTemps(codeDir);
    const referenced = new Set<string>();
    for (const map of this.regions.values()) {
      for (const r of map.values()) {
        referenced.add(hexOf(r.latest.code.sha256));
        if (r.previous) referenced.add(hexOf(r.previous.code.sha256));
        for (const v of r.versions) referenced.add(hexOf(v.config.code.sha256));
      }
    }
    for (const name of await readdir(codeDir)) {
      const hex = name.replace(/\.zip$/, '');
      // A blob nobody refers to was written by a request that never completed: drop it.
      if (referenced.has(hex)) this.knownBlobs.add(hex);
      else await removeFileDurable(join(codeDir, name));
    }
  }

  private remember(record: FunctionRecord): void {
    let map = this.regions.get(record.region);
    if (!map) {
      map = new Map();
      this.regions.set(record.region, map);
    }
    if (!map.has(record.name)) this.sorted.delete(record.region);
    map.set(record.name, record);
  }

  /** The function `name` in `region`, or undefined. */
  get(region: string, name: string): FunctionRecord | undefined {
    return this.regions.get(region)?.get(name);
  }

  /** Function names of a region in sorted order. */
  names(region: string): readonly string[] {
    let names = this.sorted.get(region);
    if (!names) {
      names = [...(this.regions.get(region)?.keys() ?? [])].sort();
      this.sorted.set(region, names);
    }
    return names;
  }

  /** Regions that hold at least one function. */
  regionNames(): string[] {
    return [...this.regions.keys()].filter((r) => (this.regions.get(r)?.size ?? 0) > 0).sort();
  }

  /** Number of functions in a region. */
  count(region: string): number {
    return this.regions.get(region)?.size ?? 0;
  }

  /** Durably writes `record`, then makes it visible. */
  async save(record: FunctionRecord): Promise<void> {
    await writeFileDurable(this.functionFile(record.region, record.name), JSON.stringify(record));
    this.remember(record);
  }

  /** Durably deletes a function. */
  async remove(region: string, name: string): Promise<void> {
    await removeFileDurable(this.functionFile(region, name));
    if (this.regions.get(region)?.delete(name)) this.sorted.delete(region);
  }

  /** Stores a zip by content (once per distinct content) and returns its reference. */
  async putCode(zip: Uint8Array): Promise<CodeRef> {
    const digest = createHash('sha256').update(zip).digest();
    const hex = digest.toString('hex');
    if (!this.knownBlobs.has(hex)) {
      await writeFileDurable(this.codeFile(hex), zip);
      this.knownBlobs.add(hex);
    }
    return { sha256: digest.toString('base64'), size: zip.length };
  }

  /** Path of a stored zip, by its base64 or hex SHA-256. */
  codeFile(sha: string): string {
    const hex = /^[0-9a-f]{64}$/.test(sha) ? sha : hexOf(sha);
    return join(this.dataDir, 'code', `${hex}.zip`);
  }

  /** True when a zip with this hex SHA-256 is stored. */
  hasCode(hex: string): boolean {
    return this.knownBlobs.has(hex);
  }

  private functionFile(region: string, name: string): string {
    return join(this.dataDir, 'functions', region, `${name}.json`);
  }
}

/** Hex form of a base64 SHA-256. */
export function hexOf(base64: string): string {
  return Buffer.from(base64, 'base64').toString('hex');
}
