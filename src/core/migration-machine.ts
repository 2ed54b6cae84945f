import {
  JOURNAL_FORMAT,
  JournalError,
  type BackupRecord,
  type JournalEntry,
  type MigrationRecord,
  type RollbackStepName,
  type StepName,
} from './journal.js';
import type { FunctionConfig } from './ports.js';
import type { Refusal } from './findings.js';

/**
 * Every state one migration of one function can be in, as its journal shows it. The forward states follow
 * apply's steps in order; the rollback states follow `rollback` (or apply's automatic rollback).
 */
export type Phase =
  | 'planned' // the record and artifacts are on disk; nothing checked yet
  | 'checked' // preflight passed: the function is as planned
  | 'backed-up' // the original zip is stored and verified (and published as a version, best effort)
  | 'bridged' // the bridge zip is deployed (or no bridge was needed)
  | 'configuration-switched' // Runtime and Handler are the target's
  | 'code-switched' // the new code and architecture are deployed
  | 'verified' // the verify invocation succeeded (or was not asked for)
  | 'migrated' // finished
  | 'failed' // ended before anything changed
  | 'rolling-back' // a rollback started and has not ended
  | 'rolled-back' // the original is back
  | 'rollback-stopped' // the old runtime is refused by AWS: left working on provided.* through the bridge
  | 'rollback-failed'; // a rollback ended without restoring the original

/** apply's steps, in the order they run. */
export const FORWARD_STEPS: readonly StepName[] = [
  'preflight',
  'backup',
  'bridge',
  'configuration',
  'code',
  'verify',
];
const PHASE_AFTER: Record<StepName, Phase> = {
  preflight: 'checked',
  backup: 'backed-up',
  bridge: 'bridged',
  configuration: 'configuration-switched',
  code: 'code-switched',
  verify: 'verified',
};
const FORWARD_PHASES: readonly Phase[] = ['planned', ...FORWARD_STEPS.map((s) => PHASE_AFTER[s])];
const MUTATING = new Set<StepName>(['bridge', 'configuration', 'code']);
/** The detail apply journals when the old runtime refuses the bridge (past its block-update date). */
export const BLOCKED_DETAIL = 'old runtime blocked for updates';
const ROLLBACK_STEPS = new Set<string>(['rollback-bridge', 'rollback-configuration', 'rollback-code']);

/** Where one migration stands, folded from its journal lines. */
export interface MigrationState {
  readonly record: MigrationRecord;
  readonly phase: Phase;
  /** A step whose start is journaled but not its end: it may or may not have reached Lambda. */
  readonly inFlight: StepName | RollbackStepName | undefined;
  /** Forward steps done or skipped, in order. */
  readonly done: readonly StepName[];
  /** True once a forward step changed (or may have changed) the function. */
  readonly changed: boolean;
  /** `changed` before the step in flight started. */
  readonly changedBefore: boolean;
  readonly backup: BackupRecord | undefined;
  readonly startedAt: string;
  /** The migration-end line, when apply wrote one. */
  readonly ended: { status: string; message: string; time: string } | undefined;
  /** The rollback-end line of the latest rollback, when one ended. */
  readonly rollback: { status: string; message: string; time: string } | undefined;
}

const isForward = (p: Phase) => FORWARD_PHASES.includes(p);
const stepIndex = (p: Phase) => FORWARD_PHASES.indexOf(p) - 1; // planned = -1, checked = 0 (preflight)…

/**
 * Folds a journal into every migration it holds, oldest first, checking that each line is a legal
 * transition of the migration it names. An illegal line throws a JournalError with its line number.
 */
export function foldJournal(entries: readonly JournalEntry[], file = 'journal'): MigrationState[] {
  const out: MigrationState[] = [];
  let s: MigrationState | undefined;
  entries.forEach((e, i) => {
    const line = i + 1;
    const illegal = (what: string): never => {
      throw new JournalError(
        `${file}:${line}: ${what}${s ? ` cannot follow the state '${s.phase}' of migration ${s.record.id}` : ' comes before any migration-start'}. No run of go-lambda-migrate writes this; the journal was edited or damaged. The backups under the state folder's blobs/ are intact; move the journal aside to start over.`,
        file,
        line,
      );
    };
    if ((e.v ?? 1) > JOURNAL_FORMAT) {
      throw new JournalError(
        `${file}:${line} was written by a newer go-lambda-migrate (journal format ${e.v}; this version reads up to ${JOURNAL_FORMAT}). Upgrade go-lambda-migrate to continue with this function.`,
        file,
        line,
      );
    }
    if (e.type === 'migration-start') {
      if (s) out.push(s);
      s = {
        record: e.record,
        phase: 'planned',
        inFlight: undefined,
        done: [],
        changed: false,
        changedBefore: false,
        backup: undefined,
        startedAt: e.time,
        ended: undefined,
        rollback: undefined,
      };
      return;
    }
    if (!s) return illegal(`a '${e.type}' line`);
    if (e.id !== s.record.id) return illegal(`a line of migration ${e.id}`);
    s = next(s, e, illegal);
  });
  if (s) out.push(s);
  return out;
}

function next(
  s: MigrationState,
  e: Exclude<JournalEntry, { type: 'migration-start' }>,
  illegal: (what: string) => never,
): MigrationState {
  switch (e.type) {
    case 'step': {
      if (ROLLBACK_STEPS.has(e.step)) {
        if (s.phase !== 'rolling-back') return illegal(`rollback step ${e.step}`);
        return { ...s, inFlight: e.phase === 'start' ? e.step : undefined };
      }
      const step = e.step as StepName;
      const at = FORWARD_STEPS.indexOf(step);
      // Versions before journal format numbering resumed a rolled-back migration (the bug this machine
      // exists to prevent); their forward lines after a rollback re-open the migration, so that such a
      // journal still folds to what the function went through.
      const reopened = !isForward(s.phase) && s.ended === undefined && s.rollback !== undefined && at > 0;
      const from = reopened ? { ...s, phase: FORWARD_PHASES[at]!, rollback: undefined } : s;
      if (!isForward(from.phase)) return illegal(`step ${step}`);
      // A step starts, or ends, once the one before it is done; a crash may repeat its start.
      if (at !== stepIndex(from.phase) + 1) return illegal(`step ${step} (${e.phase})`);
      if (e.phase === 'start')
        return {
          ...from,
          inFlight: step,
          changed: from.changed || MUTATING.has(step),
          changedBefore: from.inFlight === step ? from.changedBefore : from.changed,
        };
      return {
        ...from,
        phase: PHASE_AFTER[step],
        inFlight: undefined,
        done: [...from.done, step],
        // The bridge refused because the old runtime is blocked changed nothing.
        changed: e.detail === BLOCKED_DETAIL ? from.changedBefore : from.changed,
        changedBefore: from.changed,
        ...(e.backup && { backup: e.backup }),
      };
    }
    case 'migration-end': {
      const ended = { status: e.status, message: e.message, time: e.time };
      if (e.status === 'migrated') {
        if (s.phase !== 'verified') return illegal('migration-end migrated');
        return { ...s, phase: 'migrated', ended };
      }
      if (isForward(s.phase)) {
        // A failure before any change ends it; after a change, apply rolls back before it ends.
        if (s.changed && s.inFlight === undefined) return illegal(`migration-end ${e.status}`);
        return { ...s, phase: s.changed ? 'rollback-failed' : 'failed', ended };
      }
      if (s.phase === 'rolling-back') return { ...s, phase: 'rollback-failed', inFlight: undefined, ended };
      if (s.phase === 'migrated' || s.phase === 'failed') return illegal(`migration-end ${e.status}`);
      return { ...s, ended };
    }
    case 'rollback-start':
      return { ...s, phase: 'rolling-back', inFlight: undefined, rollback: undefined };
    case 'rollback-end': {
      // Versions before format numbering ended a rollback of an unchanged function without starting one.
      if (s.phase !== 'rolling-back' && !(isForward(s.phase) && !s.changed))
        return illegal(`rollback-end ${e.status}`);
      const phase: Phase =
        e.status === 'restored'
          ? 'rolled-back'
          : e.status === 'stopped'
            ? 'rollback-stopped'
            : 'rollback-failed';
      return {
        ...s,
        phase,
        inFlight: undefined,
        rollback: { status: e.status, message: e.message, time: e.time },
      };
    }
  }
}

/** The latest migration of a journal, or undefined when it has none. */
export function latestMigration(entries: readonly JournalEntry[], file?: string): MigrationState | undefined {
  return foldJournal(entries, file).at(-1);
}

/** True while a migration has neither finished nor been rolled back (apply can finish it). */
export function isUnfinished(s: MigrationState): boolean {
  return isForward(s.phase);
}

/**
 * What the function's live configuration is, against one migration's record: one of the shapes the
 * migration passes through, or 'other' (changed outside the tool). Every shape but 'switched-unbridged'
 * and 'other' answers invocations.
 */
export type LiveShape = 'original' | 'bridged' | 'switched' | 'switched-unbridged' | 'target' | 'other';

/**
 * Every shape the live configuration matches (more than one when artifacts coincide: a repackaged
 * provided.al2 zip can be byte for byte the original), or just 'other'.
 */
export function liveShapes(record: MigrationRecord, c: FunctionConfig): ReadonlySet<LiveShape> {
  const { from, to, artifacts } = record;
  const arch = c.architectures[0];
  const onOld = c.runtime === from.runtime && c.handler === from.handler;
  const onNew = c.runtime === to.runtime && c.handler === to.handler;
  const isBridge =
    artifacts.bridge !== undefined && c.codeSha256 === artifacts.bridge.sha256 && arch === 'x86_64';
  const isOriginal = c.codeSha256 === from.codeSha256 && arch === from.architecture;
  const shapes = new Set<LiveShape>();
  if (onOld && isOriginal) shapes.add('original');
  if (onOld && isBridge) shapes.add('bridged');
  if (onNew && c.codeSha256 === artifacts.final.sha256 && arch === to.architecture) shapes.add('target');
  if (onNew && (isBridge || (isOriginal && from.runtime !== 'go1.x'))) shapes.add('switched');
  if (onNew && isOriginal && from.runtime === 'go1.x') shapes.add('switched-unbridged');
  if (shapes.size === 0) shapes.add('other');
  return shapes;
}

/** The live configuration's shape against a migration record (the first of liveShapes). */
export function classifyLive(record: MigrationRecord, c: FunctionConfig): LiveShape {
  return [...liveShapes(record, c)][0]!;
}

const SHAPES_AFTER: Partial<Record<StepName | RollbackStepName, readonly LiveShape[]>> = {
  bridge: ['bridged'],
  configuration: ['switched', 'switched-unbridged'],
  code: ['target'],
};
const ANY_KNOWN: readonly LiveShape[] = ['original', 'bridged', 'switched', 'switched-unbridged', 'target'];
const SHAPES_IN: Record<Phase, readonly LiveShape[]> = {
  planned: ['original'],
  checked: ['original'],
  'backed-up': ['original'],
  // 'original' too: no bridge is needed, or the old runtime is blocked for updates.
  bridged: ['bridged', 'original'],
  'configuration-switched': ['switched', 'switched-unbridged'],
  'code-switched': ['target'],
  verified: ['target'],
  migrated: ['target'],
  failed: ['original'],
  'rolling-back': ANY_KNOWN,
  'rolled-back': ['original'],
  'rollback-stopped': ['switched', 'switched-unbridged'],
  'rollback-failed': ANY_KNOWN,
};

/** The live shapes a function can have in this state, when nothing outside the tool changed it. */
export function expectedShapes(s: MigrationState): ReadonlySet<LiveShape> {
  return new Set([...SHAPES_IN[s.phase], ...((s.inFlight && SHAPES_AFTER[s.inFlight]) ?? [])]);
}

/** What apply does with a function, given its latest migration and its live configuration. */
export type ApplyDecision =
  | { readonly kind: 'new' }
  | { readonly kind: 'resume'; readonly state: MigrationState }
  | { readonly kind: 'already-migrated'; readonly time: string }
  | { readonly kind: 'refuse'; readonly reason: Refusal };

/**
 * Decides what apply does: a new migration from preflight (none yet, or the last one is finished: rolled
 * back, failed before any change, or migrated and since changed by someone else); resume an unfinished one
 * whose function is in one of the shapes it passes through; nothing for one that is migrated; refuse while
 * a rollback is unfinished or the function was changed outside the tool mid-migration.
 */
export function decideApply(s: MigrationState | undefined, live: FunctionConfig): ApplyDecision {
  if (!s) return { kind: 'new' };
  switch (s.phase) {
    case 'migrated':
      if (live.runtime === s.record.to.runtime && live.architectures[0] === s.record.to.architecture)
        return { kind: 'already-migrated', time: s.ended?.time ?? s.startedAt };
      return { kind: 'new' };
    case 'failed':
    case 'rolled-back':
    case 'rollback-stopped':
      return { kind: 'new' };
    case 'rolling-back':
      return {
        kind: 'refuse',
        reason: { code: 'rollback-interrupted', id: s.record.id, name: live.name },
      };
    case 'rollback-failed':
      return {
        kind: 'refuse',
        reason: {
          code: 'rollback-failed',
          id: s.record.id,
          name: live.name,
          message: s.rollback?.message ?? s.ended?.message ?? 'no message',
        },
      };
    case 'planned':
    case 'checked':
    case 'backed-up':
    case 'bridged':
    case 'configuration-switched':
    case 'code-switched':
    case 'verified': {
      const shape = classifyLive(s.record, live);
      if (shape === 'other' && s.changed)
        return {
          kind: 'refuse',
          reason: {
            code: 'changed-outside',
            id: s.record.id,
            name: live.name,
            now: `${live.runtime} ${live.handler} ${live.architectures[0]}, CodeSha256 ${live.codeSha256}`,
          },
        };
      return { kind: 'resume', state: s };
    }
  }
}

/** What rollback does with a function, given its latest migration and its live configuration. */
export type RollbackDecision =
  { readonly kind: 'rollback' } | { readonly kind: 'skip'; readonly reason: string };

/**
 * Decides what rollback does: undo any migration that changed the function, from whatever state; skip one
 * that changed nothing, or one already rolled back whose function is still the original. A rolled-back
 * function changed since by someone else is left alone: that change is not the tool's to undo.
 */
export function decideRollback(s: MigrationState | undefined, live: FunctionConfig): RollbackDecision {
  if (!s) return { kind: 'skip', reason: 'no migration in the journal' };
  if (s.phase === 'rolled-back')
    return classifyLive(s.record, live) === 'original'
      ? { kind: 'skip', reason: `already rolled back on ${s.rollback?.time ?? '?'}` }
      : {
          kind: 'skip',
          reason: `rolled back on ${s.rollback?.time ?? '?'}, and changed outside go-lambda-migrate since (now ${live.runtime} ${live.architectures[0]}): not undoing a change the tool did not make`,
        };
  if (s.phase === 'failed') return { kind: 'skip', reason: 'the migration failed before changing anything' };
  // Unfinished, migrated, stopped or failed midway: undone from whatever the function shows now.
  return { kind: 'rollback' };
}
