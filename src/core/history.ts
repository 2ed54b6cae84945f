import type { MigrationRecord, JournalPort, BackupRecord } from './journal.js';
import { latestMigration } from './journal.js';
import type { FunctionRef } from './ports.js';

/** One function's latest journaled migration, as `history` lists it. */
export interface HistoryRow {
  readonly functionName: string;
  readonly region: string;
  readonly migration: string;
  readonly startedAt: string;
  readonly endedAt: string | null;
  readonly from: MigrationRecord['from'];
  readonly to: MigrationRecord['to'];
  readonly strategy: string;
  /** migrated, rolled-back, failed, rolled back (restored|stopped|failed), or what is unfinished. */
  readonly state: string;
  readonly message: string | null;
  readonly backup: BackupRecord | null;
  readonly journal: string;
}

/** Every function's latest migration from the journals, in the journal's order. */
export async function migrationHistory(
  journal: JournalPort,
  journalPath: (ref: FunctionRef) => string,
): Promise<HistoryRow[]> {
  const rows: HistoryRow[] = [];
  for (const ref of await journal.list()) {
    const s = latestMigration(await journal.read(ref));
    if (!s) continue;
    const state = s.rollback
      ? `rolled back (${s.rollback.status})`
      : s.ended
        ? s.ended.status
        : s.rollbackStarted
          ? 'rollback interrupted'
          : 'interrupted: run apply again to finish';
    rows.push({
      functionName: ref.name,
      region: ref.region,
      migration: s.record.id,
      startedAt: s.startedAt,
      endedAt: s.rollback?.time ?? s.ended?.time ?? null,
      from: s.record.from,
      to: s.record.to,
      strategy: s.record.strategy,
      state,
      message: s.rollback?.message ?? s.ended?.message ?? null,
      backup: s.backup ?? null,
      journal: journalPath(ref),
    });
  }
  return rows;
}
