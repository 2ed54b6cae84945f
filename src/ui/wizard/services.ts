import type { ApplyEvent, ApplyResult } from '../../core/apply.js';
import type { BenchEvent } from '../../core/benchmark.js';
import type { HistoryError, HistoryRow } from '../../core/history.js';
import type { Architecture } from '../../lambda/lifecycle.js';
import type { Plan, PlanEvent, Strategy } from '../../core/plan.js';
import type { FunctionPlan } from '../../core/plan.js';
import type { AliasInfo, FunctionRef } from '../../core/ports.js';
import type { AliasMove, PromoteResult } from '../../core/promote.js';
import type { RollbackDone } from '../../core/rollback-many.js';
import type { ScanEvent } from '../../core/scan.js';

/** What the wizard lets the user choose before planning. */
export interface WizardChoices {
  readonly target: 'provided.al2023' | 'provided.al2';
  readonly arch: Architecture;
  readonly strategy: Strategy;
}

/**
 * What the wizard can do, built by the command from the real ports (or from a sandbox in tests). The wizard
 * only consumes the core's event streams; it never talks to AWS itself.
 */
export interface WizardServices {
  /** Where calls go, for the header: "the embedded sandbox at …", "AWS, profile …". */
  readonly where: string;
  /** The folders searched for Go sources, for the header. */
  readonly sources: readonly string[];
  /** Where journals and backups are kept. */
  readonly stateDir: string;
  /** The regions a scan covers. */
  regions(): Promise<string[]>;
  scan(regions: readonly string[]): AsyncIterable<ScanEvent>;
  plan(
    refs: readonly FunctionRef[],
    choices: WizardChoices,
  ): AsyncIterable<PlanEvent | { type: 'done'; plan: Plan }>;
  apply(
    functions: readonly FunctionPlan[],
    signal: AbortSignal,
  ): AsyncIterable<ApplyEvent | { type: 'done'; results: ApplyResult[] }>;
  rollback(refs: readonly FunctionRef[], signal: AbortSignal): AsyncIterable<ApplyEvent | RollbackDone>;
  /** A function's aliases. */
  aliases(ref: FunctionRef): Promise<AliasInfo[]>;
  /** Moves an alias to the migrated code (see core/promote). */
  promote(ref: FunctionRef, alias: string, move: AliasMove): Promise<PromoteResult>;
  /** Every function's latest journaled migration, with what the function is now; unreadable journals apart. */
  history(): Promise<{ rows: HistoryRow[]; errors: HistoryError[] }>;
  /** The published version apply made of a function's original code, if it made one. */
  backupVersion(ref: FunctionRef): Promise<string | undefined>;
  /** Benchmarks `refs` side by side (the first against the second); `signal` stops it, putting back what it changed. */
  bench(refs: readonly FunctionRef[], signal: AbortSignal): AsyncIterable<BenchEvent>;
}
