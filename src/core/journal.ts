import type { Architecture } from '../lambda/lifecycle.js';
import type { FunctionRef } from './ports.js';

export type StepName = 'preflight' | 'backup' | 'bridge' | 'configuration' | 'code' | 'verify';
export type RollbackStepName = 'rollback-bridge' | 'rollback-configuration' | 'rollback-code';

/** The journal format this version writes and the newest it reads. A newer journal is refused, not guessed at. */
export const JOURNAL_FORMAT = 1;

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

/**
 * One line of a function's journal (append-only, fsync'd JSON lines). `v` is the journal format that wrote
 * it (absent in journals written before the format was numbered, which are format 1).
 */
export type JournalEntry = { readonly v?: number } & (
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
    }
);

/**
 * A journal that cannot be trusted as it is: a line that does not parse (not a torn last line), a
 * sequence of lines no run of the tool writes, or a newer format. Nothing is done to the function.
 */
export class JournalError extends Error {
  constructor(
    message: string,
    readonly file: string,
    readonly line: number,
  ) {
    super(message);
    this.name = 'JournalError';
  }
}

/** Durable, append-only journals per function, plus the blobs (backups, artifacts) they refer to. */
export interface JournalPort {
  /** Appends an entry; returns once it is on disk. */
  append(ref: FunctionRef, entry: JournalEntry): Promise<void>;
  /**
   * Every entry of a function's journal, oldest first. A torn last line (a crash while it was written: it
   * was never acknowledged) is reported through the journal's warning hook and left out; any other line
   * that does not parse, or a line of a newer format, throws a JournalError naming the file and line.
   */
  read(ref: FunctionRef): Promise<JournalEntry[]>;
  /** Where a function's journal is, for messages. */
  path(ref: FunctionRef): string;
  /** Functions that have a journal. */
  list(): Promise<FunctionRef[]>;
  /** Stores a blob durably and returns its path. */
  saveBlob(ref: FunctionRef, name: string, data: Buffer): Promise<string>;
  /** Reads a stored blob. */
  loadBlob(path: string): Promise<Buffer>;
  /** The path of a stored blob with this (base64) SHA-256, verified by reading it back, or undefined. */
  findBlob(sha256: string): Promise<string | undefined>;
}
