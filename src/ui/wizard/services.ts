import type { ApplyEvent, ApplyResult } from '../../core/apply.js';
import type { ManyBenchEvent } from '../../core/benchmark.js';
import type { HistoryError, HistoryRow } from '../../core/history.js';
import type { Architecture } from '../../lambda/lifecycle.js';
import type { Plan, PlanEvent, Strategy } from '../../core/plan.js';
import type { FunctionPlan } from '../../core/plan.js';
import type { FunctionRef } from '../../core/ports.js';
import type { PromoteEvent } from '../../core/promote.js';
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
  /** Who the calls are made as: the ARN STS GetCallerIdentity returns. */
  identity(): Promise<string>;
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
  /** Moves every alias of each function to its migrated code: all the traffic, or `weight` of it. */
  promote(refs: readonly FunctionRef[], weight?: number): AsyncIterable<PromoteEvent>;
  /**
   * Downloads a function's code and inspects its binary (architecture, Go, aws-lambda-go, protocols, verdict
   * for `target`): one line, `ok` false when it cannot move as it is or could not be read.
   */
  inspect(ref: FunctionRef, target: string): Promise<{ text: string; ok: boolean }>;
  /** Every function's latest journaled migration, with what the function is now; unreadable journals apart. */
  history(): Promise<{ rows: HistoryRow[]; errors: HistoryError[] }>;
  /**
   * Benchmarks migrated functions against the published backup of their original code, or planned ones
   * against temporary candidates built from the plan, a few at a time; `signal` stops it, putting back what
   * it changed and deleting what it created. `event` replaces the wizard's event.
   */
  bench(request: BenchRequest, signal: AbortSignal, event?: Buffer): AsyncIterable<ManyBenchEvent>;
  /** An event from what was typed: JSON, or the path of a file that holds JSON (remembered as the last one). */
  eventFrom(text: string): Promise<Buffer>;
  /** The event last used for a benchmark, if any. */
  lastEvent(): Promise<Buffer | undefined>;
}

/** What a benchmark compares: migrated functions against their backups, or planned ones against candidates. */
export type BenchRequest =
  | { readonly kind: 'backup'; readonly refs: readonly FunctionRef[] }
  | { readonly kind: 'candidate'; readonly functions: readonly FunctionPlan[] };
