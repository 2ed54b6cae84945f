import { createHash } from 'node:crypto';
import { open, readFile, readdir, mkdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { JOURNAL_FORMAT, JournalError, type JournalEntry, type JournalPort } from '../core/journal.js';
import type { FunctionRef } from '../core/ports.js';
import { writeFileDurable } from '../os/durable-files.js';

let appended = 0;

/**
 * For crash tests only: GO_LAMBDA_MIGRATE_TEST_KILL_AFTER=N makes the process SIGKILL itself right after
 * its N-th journal line is on disk, the harshest moment a real crash can choose.
 */
function crashHook(): void {
  const limit = Number(process.env.GO_LAMBDA_MIGRATE_TEST_KILL_AFTER ?? 0);
  if (limit > 0 && ++appended >= limit) process.kill(process.pid, 'SIGKILL');
}

/** The journal file of a function under the state folder. */
export const journalFile = (stateDir: string, ref: FunctionRef) =>
  join(stateDir, 'journal', ref.region, `${ref.name}.jsonl`);

const ENTRY_TYPES = new Set(['migration-start', 'step', 'migration-end', 'rollback-start', 'rollback-end']);

/**
 * Parses a journal's text. A last line without its newline that does not parse was torn by a crash while
 * it was written (never acknowledged): it is returned apart. Any other bad line throws a JournalError.
 */
export function parseJournal(
  text: string,
  file: string,
): { entries: JournalEntry[]; torn: { line: number; text: string } | undefined } {
  const lines = text.split('\n');
  const last = lines.pop()!; // '' when the text ends with a newline
  const entries: JournalEntry[] = [];
  const parse = (line: string, n: number): JournalEntry => {
    let e: unknown;
    try {
      e = JSON.parse(line);
    } catch (err) {
      throw new JournalError(
        `${file}:${n} is not valid JSON (${(err as Error).message}): the journal is damaged. The backups under the state folder's blobs/ are intact; repair the line or move the journal aside.`,
        file,
        n,
      );
    }
    const entry = e as JournalEntry;
    if (typeof e !== 'object' || e === null || !ENTRY_TYPES.has(entry.type)) {
      if ((entry?.v ?? 1) > JOURNAL_FORMAT)
        throw new JournalError(
          `${file}:${n} was written by a newer go-lambda-migrate (journal format ${entry.v}; this version reads up to ${JOURNAL_FORMAT}). Upgrade go-lambda-migrate to continue with this function.`,
          file,
          n,
        );
      throw new JournalError(`${file}:${n} is not a journal entry: the journal is damaged.`, file, n);
    }
    return entry;
  };
  lines.forEach((line, i) => {
    if (line.trim()) entries.push(parse(line, i + 1));
  });
  let torn: { line: number; text: string } | undefined;
  if (last.trim()) {
    try {
      entries.push(parse(last, lines.length + 1));
    } catch {
      torn = { line: lines.length + 1, text: last };
    }
  }
  return { entries, torn };
}

/**
 * Journals as fsync'd JSON lines under `stateDir/journal/REGION/NAME.jsonl`; blobs by SHA-256 under
 * `stateDir/blobs`. `warn` hears of a torn last line (reported on every read; the next append moves it
 * to NAME.jsonl.torn, so nothing is lost and the journal reads cleanly again).
 */
export function createFileJournal(
  stateDir: string,
  warn: (message: string) => void = () => undefined,
): JournalPort {
  const file = (ref: FunctionRef) => journalFile(stateDir, ref);
  const hashes = new WeakMap<Buffer, string>();
  const pending = new Map<string, Promise<void>>();
  return {
    path: file,
    async append(ref, entry) {
      await mkdir(join(stateDir, 'journal', ref.region), { recursive: true });
      const path = file(ref);
      const handle = await open(path, 'a+', 0o600);
      try {
        const { size } = await handle.stat();
        let prefix = '';
        const lastByte = Buffer.alloc(1);
        if (
          size > 0 &&
          (await handle.read(lastByte, 0, 1, size - 1)).bytesRead === 1 &&
          lastByte[0] !== 0x0a
        ) {
          // The last line has no newline: torn by a crash (kept aside in .torn, then cut), or complete.
          const text = await readFile(path, 'utf8');
          const { torn } = parseJournal(text, path);
          if (torn) {
            const kept = await readFile(`${path}.torn`, 'utf8').catch(() => '');
            await writeFileDurable(`${path}.torn`, Buffer.from(`${kept}${torn.text}\n`));
            await handle.truncate(size - Buffer.byteLength(torn.text));
          } else prefix = '\n';
        }
        await handle.write(prefix + JSON.stringify({ v: JOURNAL_FORMAT, ...entry }) + '\n');
        await handle.sync();
      } finally {
        await handle.close();
      }
      crashHook();
    },
    async read(ref) {
      const path = file(ref);
      const text = await readFile(path, 'utf8').catch(() => '');
      const { entries, torn } = parseJournal(text, path);
      if (torn)
        warn(
          `${path}:${torn.line} was torn by a crash while it was written (never acknowledged: the step it announced is checked again); it is left out and moved to ${path}.torn on the next write`,
        );
      return entries;
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
