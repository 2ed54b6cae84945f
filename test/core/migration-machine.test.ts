import { refusalSentence } from '../../src/core/findings.js';
import { refusalText } from '../../src/ui/plan-words.js';
import { describe, expect, it } from 'vitest';
import { JournalError, type JournalEntry, type MigrationRecord } from '../../src/core/journal.js';
import {
  classifyLive,
  decideApply,
  decideRollback,
  expectedShapes,
  foldJournal,
  latestMigration,
} from '../../src/core/migration-machine.js';
import type { FunctionConfig } from '../../src/core/ports.js';

const record: MigrationRecord = {
  id: 'm1',
  from: { runtime: 'go1.x', handler: 'hello', architecture: 'x86_64', codeSha256: 'ORIG', revisionId: 'r0' },
  to: { runtime: 'provided.al2023', handler: 'bootstrap', architecture: 'arm64' },
  strategy: 'rebuild',
  artifacts: {
    final: { path: '/b/final', sha256: 'FINAL' },
    bridge: { path: '/b/bridge', sha256: 'BRIDGE' },
  },
  verify: false,
};
const t = '2026-12-01T00:00:00.000Z';
const start = (id = 'm1'): JournalEntry => ({ type: 'migration-start', time: t, record: { ...record, id } });
const step = (s: string, phase: 'start' | 'done' | 'skipped', extra: object = {}, id = 'm1'): JournalEntry =>
  ({ type: 'step', time: t, id, step: s, phase, ...extra }) as JournalEntry;
const backup = { backup: { path: '/b/orig', sha256: 'ORIG', size: 3, version: '1' } };
const forward = (until: string): JournalEntry[] => {
  const out: JournalEntry[] = [start()];
  for (const s of ['preflight', 'backup', 'bridge', 'configuration', 'code', 'verify']) {
    if (s === 'verify') out.push(step(s, 'skipped'));
    else out.push(step(s, 'start'), step(s, 'done', s === 'backup' ? backup : {}));
    if (s === until) break;
  }
  return out;
};
const end = (status: 'migrated' | 'failed' | 'rolled-back'): JournalEntry => ({
  type: 'migration-end',
  time: t,
  id: 'm1',
  status,
  message: status,
});
const rbStart: JournalEntry = { type: 'rollback-start', time: t, id: 'm1', reason: 'asked' };
const rbEnd = (status: 'restored' | 'stopped' | 'failed' = 'restored'): JournalEntry => ({
  type: 'rollback-end',
  time: t,
  id: 'm1',
  status,
  message: status,
});
const live = (runtime: string, handler: string, arch: 'x86_64' | 'arm64', sha: string): FunctionConfig => ({
  name: 'hello',
  arn: 'arn:aws:lambda:us-east-1:123456789012:function:hello',
  region: 'us-east-1',
  version: '$LATEST',
  runtime,
  handler,
  architectures: [arch],
  memorySize: 128,
  timeout: 3,
  codeSha256: sha,
  codeSize: 1,
  revisionId: 'r',
  lastModified: t,
  description: '',
  state: 'Active',
  lastUpdateStatus: 'Successful',
});
const ORIGINAL = live('go1.x', 'hello', 'x86_64', 'ORIG');
const BRIDGED = live('go1.x', 'hello', 'x86_64', 'BRIDGE');
const SWITCHED = live('provided.al2023', 'bootstrap', 'x86_64', 'BRIDGE');
const TARGET = live('provided.al2023', 'bootstrap', 'arm64', 'FINAL');

describe('the migration state machine', () => {
  it('folds a whole migration through every forward state to migrated', () => {
    const phases = [];
    const entries = [...forward('verify'), end('migrated')];
    for (let i = 1; i <= entries.length; i++) phases.push(latestMigration(entries.slice(0, i))!.phase);
    expect([...new Set(phases)]).toEqual([
      'planned',
      'checked',
      'backed-up',
      'bridged',
      'configuration-switched',
      'code-switched',
      'verified',
      'migrated',
    ]);
    const s = latestMigration(entries)!;
    expect(s.backup?.version).toBe('1');
    expect(s.changed).toBe(true);
    expect(s.done).toEqual(['preflight', 'backup', 'bridge', 'configuration', 'code', 'verify']);
  });

  it('notes a step in flight, and a start repeated by a resumed run', () => {
    const s = latestMigration([
      ...forward('bridge'),
      step('configuration', 'start'),
      step('configuration', 'start'),
    ])!;
    expect(s.phase).toBe('bridged');
    expect(s.inFlight).toBe('configuration');
    expect(expectedShapes(s)).toEqual(new Set(['bridged', 'original', 'switched', 'switched-unbridged']));
  });

  it('refuses lines no run writes, naming the file and line', () => {
    const cases: [JournalEntry[], RegExp][] = [
      [
        [start(), step('backup', 'done')],
        /j\.jsonl:2: step backup \(done\) cannot follow the state 'planned'/,
      ],
      [[...forward('backup'), step('code', 'start')], /j\.jsonl:6: step code/],
      [[...forward('code'), end('migrated')], /j\.jsonl:12: migration-end migrated/],
      [[...forward('backup'), step('rollback-code', 'start')], /rollback step rollback-code/],
      [[start(), step('preflight', 'start', {}, 'other')], /a line of migration other/],
      [[step('preflight', 'start')], /comes before any migration-start/],
      [[...forward('bridge'), end('failed')], /migration-end failed/],
    ];
    for (const [entries, message] of cases) {
      expect(() => foldJournal(entries, 'j.jsonl')).toThrow(message);
      try {
        foldJournal(entries, 'j.jsonl');
      } catch (e) {
        expect(e).toBeInstanceOf(JournalError);
        expect((e as JournalError).line).toBe(entries.length);
      }
    }
  });

  it('refuses a journal of a newer format', () => {
    expect(() => foldJournal([{ ...start(), v: 2 }], 'j.jsonl')).toThrow(
      /j\.jsonl:1 was written by a newer go-lambda-migrate \(journal format 2/,
    );
  });

  it('a bridge the blocked old runtime refused changed nothing: the migration may end failed', () => {
    const entries = [
      ...forward('backup'),
      step('bridge', 'start'),
      step('bridge', 'skipped', { detail: 'old runtime blocked for updates' }),
      end('failed'),
    ];
    expect(latestMigration(entries)!.phase).toBe('failed');
  });

  it('folds a journal of the old resume bug (forward lines after a rollback) to what the function went through', () => {
    const entries = [
      ...forward('bridge'),
      step('configuration', 'start'),
      rbStart,
      step('rollback-bridge', 'skipped'),
      step('rollback-configuration', 'skipped'),
      step('rollback-code', 'start'),
      step('rollback-code', 'done'),
      rbEnd(),
      step('configuration', 'start'),
      step('configuration', 'done'),
      step('code', 'start'),
      step('code', 'done'),
      step('verify', 'skipped'),
      end('migrated'),
    ];
    const s = latestMigration(entries)!;
    expect(s.phase).toBe('migrated');
    expect(decideRollback(s, TARGET)).toEqual({ kind: 'rollback' });
  });

  it('classifies the live function against the record', () => {
    expect(classifyLive(record, ORIGINAL)).toBe('original');
    expect(classifyLive(record, BRIDGED)).toBe('bridged');
    expect(classifyLive(record, SWITCHED)).toBe('switched');
    expect(classifyLive(record, live('provided.al2023', 'bootstrap', 'x86_64', 'ORIG'))).toBe(
      'switched-unbridged',
    );
    expect(classifyLive(record, TARGET)).toBe('target');
    expect(classifyLive(record, live('provided.al2023', 'bootstrap', 'arm64', 'SOMEONE'))).toBe('other');
    expect(classifyLive(record, live('go1.x', 'hello', 'x86_64', 'SOMEONE'))).toBe('other');
    // From provided.al2 the original itself runs on the new runtime: no bridge needed.
    const al2 = { ...record, from: { ...record.from, runtime: 'provided.al2', handler: 'bootstrap' } };
    expect(classifyLive(al2, live('provided.al2023', 'bootstrap', 'x86_64', 'ORIG'))).toBe('switched');
  });
});

describe('what apply does', () => {
  it('starts a new migration after a rollback: never resumes one (the outage of issue 9)', () => {
    const rolledBack = latestMigration([
      ...forward('bridge'),
      step('configuration', 'start'),
      rbStart,
      rbEnd(),
    ]);
    expect(rolledBack!.phase).toBe('rolled-back');
    expect(decideApply(rolledBack, ORIGINAL)).toEqual({ kind: 'new' });
  });

  it('resumes an unfinished migration whatever its runtime is now', () => {
    for (const [until, fn] of [
      ['backup', ORIGINAL],
      ['bridge', BRIDGED],
      ['configuration', SWITCHED],
      ['code', TARGET],
    ] as const) {
      const s = latestMigration(forward(until))!;
      expect(decideApply(s, fn).kind, until).toBe('resume');
    }
  });

  it('refuses while a rollback is unfinished or failed, and a function changed mid-migration', () => {
    const rolling = latestMigration([...forward('configuration'), rbStart, step('rollback-bridge', 'start')]);
    const refusal = decideApply(rolling, SWITCHED);
    expect(refusal).toMatchObject({
      kind: 'refuse',
      reason: { code: 'rollback-interrupted', name: 'hello' },
    });
    // The CLI names its command; the wizard, its history screen; apply's result names neither.
    if (refusal.kind !== 'refuse') throw new Error('expected a refusal');
    expect(refusalText(refusal.reason, 'cli')).toMatch(/run `go-lambda-migrate rollback hello` to finish it/);
    expect(refusalText(refusal.reason, 'wizard')).toMatch(/roll it back from the history \(h\) to finish it/);
    expect(refusalSentence(refusal.reason)).not.toMatch(/go-lambda-migrate rollback|\(h\)/);
    const failed = latestMigration([...forward('configuration'), rbStart, rbEnd('failed')]);
    expect(decideApply(failed, SWITCHED)).toMatchObject({
      kind: 'refuse',
      reason: { code: 'rollback-failed' },
    });
    const changed = latestMigration(forward('configuration'));
    expect(decideApply(changed, live('provided.al2023', 'bootstrap', 'arm64', 'SOMEONE'))).toMatchObject({
      kind: 'refuse',
      reason: { code: 'changed-outside', now: expect.stringMatching(/CodeSha256 SOMEONE/) as unknown },
    });
  });

  it('says already migrated while the function is on the target, and plans anew once someone put it back', () => {
    const s = latestMigration([...forward('verify'), end('migrated')]);
    expect(decideApply(s, TARGET).kind).toBe('already-migrated');
    expect(decideApply(s, ORIGINAL).kind).toBe('new');
    expect(decideApply(undefined, ORIGINAL).kind).toBe('new');
    expect(decideApply(latestMigration([...forward('backup'), end('failed')]), ORIGINAL).kind).toBe('new');
  });
});

describe('what rollback does', () => {
  it('rolls back from every state that changed the function, or may have', () => {
    for (const entries of [
      forward('bridge'),
      [...forward('bridge'), step('configuration', 'start')],
      forward('configuration'),
      [...forward('verify'), end('migrated')],
      [...forward('configuration'), rbStart],
      [...forward('configuration'), rbStart, rbEnd('stopped')],
      [...forward('configuration'), rbStart, rbEnd('failed')],
      [...forward('configuration'), rbStart, rbEnd('failed'), end('failed')],
    ])
      expect(decideRollback(latestMigration(entries), SWITCHED)).toEqual({ kind: 'rollback' });
  });

  it('skips what has nothing to undo, and a rolled-back function changed by someone else since', () => {
    const rolledBack = latestMigration([...forward('configuration'), rbStart, rbEnd()]);
    expect(decideRollback(rolledBack, ORIGINAL)).toMatchObject({
      kind: 'skip',
      reason: /already rolled back/,
    });
    expect(decideRollback(rolledBack, TARGET)).toMatchObject({ kind: 'skip', reason: /changed outside/ });
    expect(decideRollback(latestMigration([...forward('backup'), end('failed')]), ORIGINAL)).toMatchObject({
      kind: 'skip',
    });
    expect(decideRollback(undefined, ORIGINAL)).toMatchObject({ kind: 'skip' });
  });
});

describe('shapes that coincide', () => {
  it('a repackaged zip identical to the original is both switched and target: history agrees either way', async () => {
    const { liveShapes } = await import('../../src/core/migration-machine.js');
    const same = {
      ...record,
      from: { ...record.from, runtime: 'provided.al2', handler: 'bootstrap' },
      to: { ...record.to, architecture: 'x86_64' as const },
      artifacts: { final: { path: '/b/final', sha256: 'ORIG' } },
    };
    expect(liveShapes(same, live('provided.al2023', 'bootstrap', 'x86_64', 'ORIG'))).toEqual(
      new Set(['target', 'switched']),
    );
  });
});
