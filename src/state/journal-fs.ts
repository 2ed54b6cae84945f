import { createHash } from 'node:crypto';
import { open, readFile, readdir, mkdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { JournalEntry, JournalPort } from '../core/journal.js';
import type { FunctionRef } from '../core/ports.js';
import { writeFileDurable } from './durable-files.js';

let appended = 0;

/**
 * For crash tests only: GO_LAMBDA_MIGRATE_TEST_KILL_AFTER=N makes the process SIGKILL itself right after
 * its N-th journal line is on disk, the harshest moment a real crash can choose.
 */
function crashHook(): void {
  const limit = Number(process.env.GO_LAMBDA_MIGRATE_TEST_KILL_AFTER ?? 0);
  if (limit > 0 && ++appended >= limit) process.kill(process.pid, 'SIGKILL');
}

/** Journals as fsync'd JSON lines under `stateDir/journal/REGION/NAME.jsonl`; blobs by SHA-256 under `stateDir/blobs`. */
export function createFileJournal(stateDir: string): JournalPort {
  const file = (ref: FunctionRef) => join(stateDir, 'journal', ref.region, `${ref.name}.jsonl`);
  const hashes = new WeakMap<Buffer, string>();
  const pending = new Map<string, Promise<void>>();
  return {
    async append(ref, entry) {
      await mkdir(join(stateDir, 'journal', ref.region), { recursive: true });
      const handle = await open(file(ref), 'a', 0o600);
      try {
        await handle.write(JSON.stringify(entry) + '\n');
        await handle.sync();
      } finally {
        await handle.close();
      }
      crashHook();
    },
    async read(ref) {
      let text: string;
      try {
        text = await readFile(file(ref), 'utf8');
      } catch {
        return [];
      }
      const out: JournalEntry[] = [];
      for (const line of text.split('\n')) {
        if (!line.trim()) continue;
        try {
          out.push(JSON.parse(line) as JournalEntry);
        } catch {
          // A line torn by a crash was never acknowledged: the step it announced is redone.
        }
      }
      return out;
    },
    async list() {
      const out: FunctionRef[] = [];
      const root = join(stateDir, 'journal');
      for (const region of await readdir(root).catch(() => [] as string[])) {
        for (const name of await readdir(join(root, region)).catch(() => [] as string[])) {
          if (name.endsWith('.jsonl')) out.push({ region, name: name.slice(0, -'.jsonl'.length) });
        }
      }
      return out.sort((a, b) => (`${a.region}/${a.name}` < `${b.region}/${b.name}` ? -1 : 1));
    },
    async saveBlob(_ref, _name, data) {
      // Stored by content: functions deployed from the same zip share one backup and one artifact on disk.
      // A plan's artifact is one buffer shared by its functions: hash it once, not once per function.
      let hex = hashes.get(data);
      if (hex === undefined) {
        hex = createHash('sha256').update(data).digest('hex');
        hashes.set(data, hex);
      }
      const path = join(stateDir, 'blobs', `${hex}.zip`);
      // Functions that start together would otherwise all find it missing and all write it.
      let saving = pending.get(path);
      if (!saving) {
        saving = (async () => {
          const existing = await stat(path).catch(() => undefined);
          if (existing?.size !== data.length) await writeFileDurable(path, data);
        })().finally(() => pending.delete(path));
        pending.set(path, saving);
      }
      await saving;
      return path;
    },
    loadBlob: (path) => readFile(path),
    async findBlob(sha256) {
      const hex = Buffer.from(sha256, 'base64').toString('hex');
      const path = join(stateDir, 'blobs', `${hex}.zip`);
      const data = await readFile(path).catch(() => undefined);
      return data && createHash('sha256').update(data).digest('base64') === sha256 ? path : undefined;
    },
  };
}
