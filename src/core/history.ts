import { mapLimit } from './concurrency.js';
import type { BackupRecord, JournalPort, MigrationRecord } from './journal.js';
import {
  classifyLive,
  expectedShapes,
  foldJournal,
  liveShapes,
  isUnfinished,
  type LiveShape,
  type MigrationState,
  type Phase,
} from './migration-machine.js';
import type { FunctionConfig, FunctionRef, LambdaPort } from './ports.js';
import type { BenchLog, BenchRecord } from './bench-report.js';
import { candidate, managedBy, type Candidate, type ScanEvent } from './scan.js';

/** What the function is now, read from Lambda, against its latest migration. */
export type LiveState =
  | {
      readonly runtime: string | null;
      readonly handler: string | null;
      readonly architecture: string | null;
      readonly codeSha256: string;
      /** Which of the migration's shapes it has ('other': changed outside the tool). */
      readonly shape: LiveShape;
      /** True when the shape is one the journal's state allows. */
      readonly agrees: boolean;
    }
  | { readonly error: string };

/** One journaled migration, as `history` lists it. */
export interface HistoryRow {
  readonly functionName: string;
  readonly region: string;
  readonly migration: string;
  readonly startedAt: string;
  readonly endedAt: string | null;
  readonly from: MigrationRecord['from'];
  readonly to: MigrationRecord['to'];
  readonly strategy: string;
  readonly phase: Phase;
  /** The state in words, with what to do next when something is left to do. */
  readonly state: string;
  readonly message: string | null;
  readonly backup: BackupRecord | null;
  readonly journal: string;
  /** True for the function's latest migration: the one apply and rollback act on. */
  readonly latest: boolean;
  /** The function now (latest migrations only, unless history was asked not to read functions). */
  readonly live?: LiveState;
  /** Benchmarks of this migration: against a candidate before it, against the backup after it. */
  readonly benchmarks?: readonly BenchRecord[];
  /** True when the function was migrated but runs another runtime now (a deploy put it back). */
  readonly reverted?: boolean;
}

/** A journal history could not read (damaged, or of a newer format). */
export interface HistoryError {
  readonly functionName: string;
  readonly region: string;
  readonly journal: string;
  readonly message: string;
}

/** Which migrations to list, and whether to read each function's live configuration. */
export interface HistoryQuery {
  readonly regions?: readonly string[];
  readonly names?: readonly string[];
  /** Reads each function's configuration (latest migrations); absent: the journals alone. */
  readonly lambda?: LambdaPort;
  /** Where benchmarks are kept: each migration lists those that measured it. */
  readonly benchmarks?: BenchLog;
}

/**
 * What a state means for the user, in words that suit any surface; the CLI adds the command that moves it
 * on (`nextCommand` in commands/history.ts), the wizard its keys.
 */
export function describePhase(s: MigrationState): string {
  switch (s.phase) {
    case 'migrated':
      return 'migrated';
    case 'failed':
      return 'failed before changing anything';
    case 'rolled-back':
      return 'rolled back';
    case 'rollback-stopped':
      return `rolled back as far as AWS allows: working on ${s.record.to.runtime} through the bridge`;
    case 'rollback-failed':
      return 'rollback failed: roll it back again';
    case 'rolling-back':
      return 'rollback interrupted: roll it back to finish it';
    case 'planned':
    case 'checked':
    case 'backed-up':
    case 'bridged':
    case 'configuration-switched':
    case 'code-switched':
    case 'verified':
      return `interrupted (${s.phase}${s.inFlight ? `, ${s.inFlight} under way` : ''}): migrate it again to finish, or roll it back to undo`;
  }
}

function liveState(s: MigrationState, c: FunctionConfig): LiveState {
  const shapes = liveShapes(s.record, c);
  const expected = expectedShapes(s);
  const agreeing = [...shapes].find((x) => expected.has(x));
  return {
    runtime: c.runtime ?? null,
    handler: c.handler ?? null,
    architecture: c.architectures[0] ?? null,
    codeSha256: c.codeSha256,
    shape: agreeing ?? classifyLive(s.record, c),
    agrees: agreeing !== undefined,
  };
}

/**
 * Every journaled migration of every function (or of those asked for), newest first. With a Lambda port,
 * each function's latest migration carries what the function is now, and whether that agrees with the
 * journal. Journals that cannot be read are listed apart, with the reason.
 */
export async function migrationHistory(
  journal: JournalPort,
  query: HistoryQuery = {},
): Promise<{ rows: HistoryRow[]; errors: HistoryError[] }> {
  const refs = (await journal.list()).filter(
    (r) =>
      (!query.regions || query.regions.includes(r.region)) &&
      (!query.names || query.names.some((n) => n === r.name || n === `${r.region}/${r.name}`)),
  );
  const rows: HistoryRow[] = [];
  const errors: HistoryError[] = [];
  await mapLimit(refs, 8, async (ref: FunctionRef) => {
    let migrations: MigrationState[];
    try {
      migrations = foldJournal(await journal.read(ref), journal.path(ref));
    } catch (e) {
      errors.push({
        functionName: ref.name,
        region: ref.region,
        journal: journal.path(ref),
        message: (e as Error).message,
      });
      return;
    }
    const latest = migrations.at(-1);
    let live: LiveState | undefined;
    let owner: string | null = null;
    if (latest && query.lambda) {
      try {
        const got = await query.lambda.getFunction(ref);
        live = liveState(latest, got.config);
        owner = managedBy(got.tags);
      } catch (e) {
        live = { error: (e as Error).message };
      }
    }
    // Migrated, but on another runtime now: a deploy put the old definition back.
    const reverted =
      latest?.phase === 'migrated' && live && !('error' in live) && live.runtime !== latest.record.to.runtime
        ? `reverted by a deploy${owner ? ` of ${owner}` : ''}: ${live.runtime ?? 'no runtime'} again, as its definition still says`
        : undefined;
    const benches = query.benchmarks ? await query.benchmarks.read(ref) : [];
    migrations.forEach((s, i) => {
      const isLatest = s === latest;
      const next = migrations[i + 1]?.startedAt;
      const previous = migrations[i - 1]?.startedAt ?? '';
      const mine = benches.filter((b) =>
        b.migration
          ? b.migration === s.record.id
          : b.stage === 'before' && b.time > previous && b.time <= s.startedAt && (!next || b.time < next),
      );
      rows.push({
        functionName: ref.name,
        region: ref.region,
        migration: s.record.id,
        startedAt: s.startedAt,
        endedAt: isUnfinished(s) ? null : (s.rollback?.time ?? s.ended?.time ?? null),
        from: s.record.from,
        to: s.record.to,
        strategy: s.record.strategy,
        phase: s.phase,
        state: isLatest && reverted ? reverted : describePhase(s),
        ...(isLatest && reverted && { reverted: true }),
        message: s.rollback?.message ?? s.ended?.message ?? null,
        backup: s.backup ?? null,
        journal: journal.path(ref),
        latest: isLatest,
        ...(isLatest && live && { live }),
        ...(mine.length > 0 && { benchmarks: mine }),
      });
    });
  });
  rows.sort((a, b) => (a.startedAt === b.startedAt ? 0 : a.startedAt < b.startedAt ? 1 : -1));
  errors.sort((a, b) => (a.journal < b.journal ? -1 : 1));
  return { rows, errors };
}

/**
 * Functions of `regions` whose latest migration is unfinished (forward, or a rollback under way), or whose
 * journal cannot be read: no longer candidates once their runtime switched, but apply and the wizard must
 * still offer to finish them.
 */
export async function unfinishedRefs(
  journal: JournalPort,
  regions: readonly string[],
): Promise<FunctionRef[]> {
  const out: FunctionRef[] = [];
  for (const ref of await journal.list()) {
    if (!regions.includes(ref.region)) continue;
    try {
      const latest = foldJournal(await journal.read(ref), journal.path(ref)).at(-1);
      if (
        latest &&
        (isUnfinished(latest) || latest.phase === 'rolling-back' || latest.phase === 'rollback-failed')
      )
        out.push(ref);
    } catch {
      out.push(ref);
    }
  }
  return out;
}

/**
 * The candidates whose journal says they were migrated, but whose runtime is not the one they were migrated
 * to: something (a deploy of their CloudFormation stack, Terraform, ...) put the old definition back.
 */
async function revertedMarks(
  journal: JournalPort,
  candidates: readonly Candidate[],
): Promise<Map<string, NonNullable<Candidate['reverted']>>> {
  const journaled = new Set((await journal.list()).map((r) => `${r.region}/${r.name}`));
  const out = new Map<string, NonNullable<Candidate['reverted']>>();
  await mapLimit(
    candidates.filter((c) => c.version === '$LATEST' && journaled.has(`${c.region}/${c.functionName}`)),
    8,
    async (c) => {
      const ref = { region: c.region, name: c.functionName };
      try {
        const latest = foldJournal(await journal.read(ref), journal.path(ref)).at(-1);
        if (latest?.phase === 'migrated' && c.runtime !== latest.record.to.runtime)
          out.set(`${c.region}/${c.functionName}`, {
            migration: latest.record.id,
            migratedAt: latest.ended?.time ?? latest.startedAt,
            to: latest.record.to.runtime,
          });
      } catch {
        // A damaged journal is listed by history; the candidate is shown as it is.
      }
    },
  );
  return out;
}

/**
 * A scan's events, with the functions that have an unfinished migration added to its result (marked
 * `interrupted`), so that a list of candidates never loses a function the tool left halfway, and the
 * functions a deploy put back on their old runtime marked `reverted`.
 */
export async function* withUnfinished(
  events: AsyncIterable<ScanEvent>,
  lambda: LambdaPort,
  journal: JournalPort,
  regions: readonly string[],
): AsyncGenerator<ScanEvent> {
  for await (const e of events) {
    if (e.type !== 'done') {
      yield e;
      continue;
    }
    const extra: Candidate[] = [];
    const reverted = await revertedMarks(journal, e.result.functions);
    for (const ref of await unfinishedRefs(journal, regions)) {
      const known = e.result.functions.find(
        (f) => f.region === ref.region && f.functionName === ref.name && f.version === '$LATEST',
      );
      let state: string;
      try {
        const s = foldJournal(await journal.read(ref), journal.path(ref)).at(-1)!;
        state = describePhase(s);
      } catch (err) {
        state = (err as Error).message;
      }
      if (known) {
        extra.push({ ...known, interrupted: state });
        continue;
      }
      try {
        extra.push({ ...candidate(await lambda.getConfiguration(ref), null), interrupted: state });
      } catch {
        // Gone or unreadable: history says so; there is nothing to migrate.
      }
    }
    const replaced = new Set(extra.map((c) => `${c.region}/${c.functionName}`));
    yield {
      ...e,
      result: {
        ...e.result,
        functions: [
          ...e.result.functions
            .filter((f) => f.version !== '$LATEST' || !replaced.has(`${f.region}/${f.functionName}`))
            .map((f) => {
              const mark =
                f.version === '$LATEST' ? reverted.get(`${f.region}/${f.functionName}`) : undefined;
              return mark ? { ...f, reverted: mark } : f;
            }),
          ...extra,
        ],
      },
    };
  }
}
