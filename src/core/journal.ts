import type { Architecture } from './lifecycle.js';
import type { FunctionRef } from './ports.js';

export type StepName = 'preflight' | 'backup' | 'bridge' | 'configuration' | 'code' | 'verify';
export type RollbackStepName = 'rollback-bridge' | 'rollback-configuration' | 'rollback-code';

/** What apply records before it changes anything: enough to finish, or to undo, after a crash. */
export interface MigrationRecord {
  readonly id: string;
  readonly from: {
    runtime: string;
    handler: string;
    architecture: Architecture;
    codeSha256: string;
    revisionId: string;
  };
  readonly to: { runtime: string; handler: string; architecture: Architecture };
  readonly strategy: string;
  readonly artifacts: {
    readonly final: { path: string; sha256: string };
    readonly bridge?: { path: string; sha256: string };
  };
  readonly verify: boolean;
}

/** The verified copy of the original code. */
export interface BackupRecord {
  readonly path: string;
  readonly sha256: string;
  readonly size: number;
  /** The published version holding the original (a server-side backup), when publishing worked. */
  readonly version?: string;
}

/** One line of a function's journal (append-only, fsync'd JSON lines). */
export type JournalEntry =
  | { readonly type: 'migration-start'; readonly time: string; readonly record: MigrationRecord }
  | {
      readonly type: 'step';
      readonly time: string;
      readonly id: string;
      readonly step: StepName | RollbackStepName;
      readonly phase: 'start' | 'done' | 'skipped';
      readonly backup?: BackupRecord;
      readonly detail?: string;
    }
  | {
      readonly type: 'migration-end';
      readonly time: string;
      readonly id: string;
      readonly status: 'migrated' | 'rolled-back' | 'failed';
      readonly message: string;
    }
  | { readonly type: 'rollback-start'; readonly time: string; readonly id: string; readonly reason: string }
  | {
      readonly type: 'rollback-end';
      readonly time: string;
      readonly id: string;
      readonly status: 'restored' | 'stopped' | 'failed';
      readonly message: string;
    };

/** Durable, append-only journals per function, plus the blobs (backups, artifacts) they refer to. */
export interface JournalPort {
  /** Appends an entry; returns once it is on disk. */
  append(ref: FunctionRef, entry: JournalEntry): Promise<void>;
  /** Every entry of a function's journal, oldest first (a torn last line is ignored). */
  read(ref: FunctionRef): Promise<JournalEntry[]>;
  /** Functions that have a journal. */
  list(): Promise<FunctionRef[]>;
  /** Stores a blob durably and returns its path. */
  saveBlob(ref: FunctionRef, name: string, data: Buffer): Promise<string>;
  /** Reads a stored blob. */
  loadBlob(path: string): Promise<Buffer>;
  /** The path of a stored blob with this (base64) SHA-256, verified by reading it back, or undefined. */
  findBlob(sha256: string): Promise<string | undefined>;
}

/** Where a function's latest migration stands, folded from its journal. */
export interface MigrationState {
  readonly record: MigrationRecord;
  readonly done: ReadonlySet<string>;
  readonly backup: BackupRecord | undefined;
  /** Set once the migration ended (migrated, rolled back or failed). */
  readonly ended: { status: string; message: string; time: string } | undefined;
  readonly rollback: { status: string; message: string; time: string } | undefined;
  readonly rollbackStarted: boolean;
  readonly startedAt: string;
}

/** Folds a journal into the state of its latest migration (undefined when it has none). */
export function latestMigration(entries: readonly JournalEntry[]): MigrationState | undefined {
  let state: MigrationState | undefined;
  const done = new Set<string>();
  for (const e of entries) {
    switch (e.type) {
      case 'migration-start':
        done.clear();
        state = {
          record: e.record,
          done,
          backup: undefined,
          ended: undefined,
          rollback: undefined,
          rollbackStarted: false,
          startedAt: e.time,
        };
        break;
      case 'step':
        if (state && e.id === state.record.id) {
          if (e.phase === 'done' || e.phase === 'skipped') done.add(e.step);
          if (e.backup) state = { ...state, backup: e.backup };
        }
        break;
      case 'migration-end':
        if (state && e.id === state.record.id)
          state = { ...state, ended: { status: e.status, message: e.message, time: e.time } };
        break;
      case 'rollback-start':
        if (state && e.id === state.record.id) {
          for (const s of ['rollback-bridge', 'rollback-configuration', 'rollback-code']) done.delete(s);
          state = { ...state, rollbackStarted: true, rollback: undefined };
        }
        break;
      case 'rollback-end':
        if (state && e.id === state.record.id)
          state = { ...state, rollback: { status: e.status, message: e.message, time: e.time } };
        break;
    }
  }
  return state;
}
