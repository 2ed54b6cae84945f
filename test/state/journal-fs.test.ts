import { appendFile, readFile, writeFile } from 'node:fs/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { JournalError, type JournalEntry } from '../../src/core/journal.js';
import { createFileJournal, journalFile } from '../../src/state/journal-fs.js';
import { tempDir } from '../helpers/sandbox.js';

const ref = { region: 'eu-west-1', name: 'fn' };
const entry = (n: number): JournalEntry => ({
  type: 'rollback-start',
  time: `t${n}`,
  id: 'm',
  reason: `r${n}`,
});

describe('the file journal', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  beforeEach(async () => {
    ({ dir, cleanup } = await tempDir());
  });
  afterEach(() => cleanup());

  it('writes each line with its format, and reads them back in order', async () => {
    const j = createFileJournal(dir);
    await j.append(ref, entry(1));
    await j.append(ref, entry(2));
    expect((await readFile(journalFile(dir, ref), 'utf8')).split('\n')[0]).toMatch(/^\{"v":1,"type"/);
    expect((await j.read(ref)).map((e) => (e as { reason: string }).reason)).toEqual(['r1', 'r2']);
    expect(j.path(ref)).toBe(journalFile(dir, ref));
  });

  it('a torn last line is reported with its file and line, kept in .torn, and the next line starts clean', async () => {
    const warnings: string[] = [];
    const j = createFileJournal(dir, (m) => warnings.push(m));
    await j.append(ref, entry(1));
    await appendFile(journalFile(dir, ref), '{"v":1,"type":"step","ti');
    expect(await j.read(ref)).toHaveLength(1);
    expect(warnings).toEqual([expect.stringContaining(`${journalFile(dir, ref)}:2 was torn by a crash`)]);
    await j.append(ref, entry(2));
    expect((await j.read(ref)).map((e) => (e as { reason: string }).reason)).toEqual(['r1', 'r2']);
    expect(await readFile(`${journalFile(dir, ref)}.torn`, 'utf8')).toBe('{"v":1,"type":"step","ti\n');
    expect(warnings).toHaveLength(1);
  });

  it('a complete last line without its newline is kept, and the next one goes on a line of its own', async () => {
    const j = createFileJournal(dir);
    await j.append(ref, entry(1));
    await appendFile(journalFile(dir, ref), JSON.stringify(entry(2)));
    await j.append(ref, entry(3));
    expect((await j.read(ref)).map((e) => (e as { reason: string }).reason)).toEqual(['r1', 'r2', 'r3']);
  });

  it('a damaged line inside the journal, or one of a newer format, is an error naming file and line', async () => {
    const j = createFileJournal(dir);
    await j.append(ref, entry(1));
    await appendFile(journalFile(dir, ref), 'garbage\n' + JSON.stringify(entry(2)) + '\n');
    await expect(j.read(ref)).rejects.toThrow(`${journalFile(dir, ref)}:2 is not valid JSON`);
    await expect(j.read(ref)).rejects.toBeInstanceOf(JournalError);
    await writeFile(journalFile(dir, ref), JSON.stringify({ v: 7, type: 'checkpoint' }) + '\n');
    await expect(j.read(ref)).rejects.toThrow(
      /:1 was written by a newer go-lambda-migrate \(journal format 7/,
    );
    await writeFile(journalFile(dir, ref), JSON.stringify({ type: 'nonsense' }) + '\n');
    await expect(j.read(ref)).rejects.toThrow(/:1 is not a journal entry/);
  });
});
