import type { ApplyEvent, ApplyResult } from '../../core/apply.js';
import type { ManyBenchEvent } from '../../core/benchmark.js';
import { newLiveBench, reduceLiveBench, type LiveBench } from '../bench-view.js';
import type { HistoryError, HistoryRow } from '../../core/history.js';
import { changingFunctions, type FunctionPlan, type Plan, type PlanEvent } from '../../core/plan.js';
import type { FunctionRef } from '../../core/ports.js';
import { describeRouting, type PromoteEvent } from '../../core/promote.js';
import type { Candidate, ScanEvent } from '../../core/scan.js';
import { initialProgress, progressReducer, type ProgressState, type Row } from '../progress/state.js';
import type { BenchRequest, WizardChoices } from './services.js';

export type { BenchRequest } from './services.js';

/** One function being planned. */
export interface PlanRow {
  readonly key: string;
  readonly message: string;
  readonly plan?: FunctionPlan;
}

/** One function being benchmarked: its live block, then its report or why it has none. */
export interface BenchRow {
  readonly key: string;
  readonly live: LiveBench;
}

/** A row whose invocations failed: the wizard asks for another event. */
export const benchFailing = (r: BenchRow): boolean =>
  r.live.failed === undefined &&
  (r.live.report?.targets.some((t) => (t.cold?.errors ?? 0) + (t.warm?.errors ?? 0) > 0) ?? false);

/** One alias moved (or not), as a line. */
export interface PromoteRow {
  readonly key: string;
  readonly text: string;
  readonly ok: boolean;
}

/** The screens, each with the state only it needs. */
export type Screen =
  | {
      readonly kind: 'scanning';
      readonly regions: number;
      readonly regionsDone: number;
      readonly found: number;
    }
  | {
      readonly kind: 'select';
      readonly candidates: readonly Candidate[];
      /** The highlighted row of the list as filtered. */
      readonly cursor: number;
      readonly selected: readonly string[];
      /** Words the list is filtered by: each must appear in a function's region/name, runtime or owner. */
      readonly filter: string;
      /** True while the filter is typed: keys are text, not commands. */
      readonly typing: boolean;
      /** What inspecting a function's deployed binary found, by key (i on the highlighted function). */
      readonly inspected: Readonly<Record<string, Inspection>>;
      /** A word about the last key, shown until the next one (enter with nothing selected, say). */
      readonly notice?: string;
    }
  | { readonly kind: 'planning'; readonly rows: readonly PlanRow[] }
  | { readonly kind: 'review'; readonly plan: Plan; readonly scroll: number; readonly confirming: boolean }
  | { readonly kind: 'applying'; readonly progress: ProgressState }
  | {
      readonly kind: 'done';
      readonly what: 'migration' | 'rollback';
      readonly results: readonly ApplyResult[];
      readonly stopped: boolean;
      /** What y would start: nothing, a rollback, a benchmark or an alias move of the migrated functions. */
      readonly confirming: false | 'rollback' | 'bench' | 'promote';
    }
  | { readonly kind: 'promoting'; readonly rows: readonly PromoteRow[]; readonly finished: boolean }
  | {
      readonly kind: 'benchmarking';
      /** False until the backup versions are found and the functions listed. */
      readonly listed: boolean;
      readonly rows: readonly BenchRow[];
      /** What was asked for: a rerun with another event asks it again for the failing functions. */
      readonly request: BenchRequest;
      /** The event being typed (JSON, or a file's path), and why the last one was refused. */
      readonly asking?: { readonly text: string; readonly error?: string };
    }
  | {
      readonly kind: 'history';
      readonly rows: readonly HistoryRow[];
      /** Journals that could not be read, with the reason. */
      readonly errors: readonly HistoryError[];
      readonly cursor: number;
      readonly selected: readonly string[];
      readonly confirming: false | 'rollback' | 'bench';
    }
  | { readonly kind: 'rolling-back'; readonly progress: ProgressState }
  | { readonly kind: 'failed'; readonly message: string; readonly hint: string | undefined };

export interface WizardState {
  readonly screen: Screen;
  readonly choices: WizardChoices;
  /** Regions that could not be scanned, shown until the next scan. */
  readonly regionErrors: readonly { region: string; message: string }[];
  /** Set by the first Ctrl-C while work that must finish runs. */
  readonly quitting: boolean;
  /**
   * Who the calls are made as (STS GetCallerIdentity's ARN), or why that is unknown, and the regions scanned:
   * the header shows them so that nobody migrates the wrong account.
   */
  readonly who?: { readonly arn?: string; readonly error?: string };
  readonly regions?: readonly string[];
  /** The screens to go back to, the last one on top: `back` shows it again as it was. */
  readonly back: readonly Screen[];
  /**
   * What has been written above the screen for good, in order: finished functions of a migration or
   * rollback, finished benchmarks. One <Static> for the wizard's whole life shows it (Ink keeps one).
   */
  readonly printed: readonly Printed[];
}

/** A finished piece of work, written once above the live screen. */
export type Printed =
  | { readonly id: number; readonly kind: 'row'; readonly row: Row; readonly rollback: boolean }
  | { readonly id: number; readonly kind: 'bench'; readonly row: BenchRow };

export type DoneScreen = Extract<Screen, { kind: 'done' }>;

/** True once every function of a benchmark has its report or its failure. */
export const benchFinished = (s: Extract<Screen, { kind: 'benchmarking' }>): boolean =>
  s.listed && s.rows.every((r) => r.live.report || r.live.failed);
export type HistoryScreen = Extract<Screen, { kind: 'history' }>;

export type SelectScreen = Extract<Screen, { kind: 'select' }>;

/** A deployed binary inspected from the selection list: under way, or a line of what was found or why not. */
export type Inspection =
  { readonly state: 'pending' } | { readonly state: 'done'; readonly text: string; readonly ok: boolean };

/** The candidates the select screen lists: all of them, or those that match every word of the filter. */
export function visibleCandidates(s: SelectScreen): readonly Candidate[] {
  const words = s.filter.toLowerCase().split(/\s+/).filter(Boolean);
  if (words.length === 0) return s.candidates;
  return s.candidates.filter((c) => {
    const text =
      `${c.region}/${c.functionName} ${c.runtime} ${c.architectures.join(' ')} ${c.managedBy ?? ''}`.toLowerCase();
    return words.every((w) => text.includes(w));
  });
}

export type WizardAction =
  | { readonly type: 'scan-start'; readonly regions: number }
  | {
      readonly type: 'identity';
      readonly who: { readonly arn?: string; readonly error?: string };
      readonly regions: readonly string[];
    }
  | { readonly type: 'scan-event'; readonly event: ScanEvent }
  | { readonly type: 'move'; readonly delta: number }
  | { readonly type: 'toggle' }
  | { readonly type: 'toggle-all' }
  /** The filter typed, kept or cleared: `text` replaces it when given. */
  | { readonly type: 'filter'; readonly text?: string; readonly typing: boolean }
  | { readonly type: 'inspected'; readonly key: string; readonly inspection: Inspection }
  | { readonly type: 'notice'; readonly text: string }
  | { readonly type: 'cycle'; readonly choice: keyof WizardChoices }
  | { readonly type: 'plan-start'; readonly refs: readonly FunctionRef[] }
  | { readonly type: 'plan-event'; readonly event: PlanEvent }
  | { readonly type: 'plan-done'; readonly plan: Plan }
  | { readonly type: 'scroll'; readonly delta: number; readonly max: number }
  | { readonly type: 'confirm'; readonly open: boolean; readonly what?: 'rollback' | 'bench' | 'promote' }
  | { readonly type: 'promote-start' }
  | { readonly type: 'promote-event'; readonly event: PromoteEvent }
  | { readonly type: 'bench-start'; readonly request: BenchRequest }
  | { readonly type: 'bench-events'; readonly events: readonly ManyBenchEvent[]; readonly at: number }
  | { readonly type: 'bench-ask'; readonly text?: string; readonly error?: string; readonly close?: boolean }
  | {
      readonly type: 'history-open';
      readonly rows: readonly HistoryRow[];
      readonly errors: readonly HistoryError[];
    }
  | { readonly type: 'work-start'; readonly what: 'migration' | 'rollback'; readonly at: number }
  | { readonly type: 'work-event'; readonly event: ApplyEvent; readonly at: number }
  | { readonly type: 'tick'; readonly at: number }
  | {
      readonly type: 'work-done';
      readonly what: 'migration' | 'rollback';
      readonly results: readonly ApplyResult[];
      readonly stopped: boolean;
    }
  | { readonly type: 'back' }
  | { readonly type: 'failed'; readonly message: string; readonly hint: string | undefined }
  | { readonly type: 'quit-requested' };

const CYCLES: { readonly [K in keyof WizardChoices]: readonly WizardChoices[K][] } = {
  target: ['provided.al2023', 'provided.al2'],
  arch: ['arm64', 'x86_64'],
  strategy: ['auto', 'rebuild', 'repackage'],
};

export const keyOfCandidate = (c: Pick<Candidate, 'region' | 'functionName'>) =>
  `${c.region}/${c.functionName}`;
const keyOfRef = (r: FunctionRef) => `${r.region}/${r.name}`;

export const initialWizard = (choices: WizardChoices): WizardState => ({
  screen: { kind: 'scanning', regions: 0, regionsDone: 0, found: 0 },
  choices,
  regionErrors: [],
  quitting: false,
  back: [],
  printed: [],
});

type Unnumbered =
  | { readonly kind: 'row'; readonly row: Row; readonly rollback: boolean }
  | { readonly kind: 'bench'; readonly row: BenchRow };

/** The printed list with `items` appended, numbered in order. */
const print = (state: WizardState, items: readonly Unnumbered[]): readonly Printed[] =>
  items.length === 0
    ? state.printed
    : [...state.printed, ...items.map((p, i): Printed => ({ ...p, id: state.printed.length + i }))];

/** The functions ticked on the select or history screen, in list order. */
export function selectedRefs(screen: SelectScreen | HistoryScreen): FunctionRef[] {
  const items = screen.kind === 'select' ? screen.candidates : screen.rows;
  return items
    .filter((c) => screen.selected.includes(keyOfCandidate(c)))
    .map((c) => ({ region: c.region, name: c.functionName }));
}

/** The plans apply would carry out: neither blocked nor unchanged. */
export const changing = changingFunctions;

function onScan(state: WizardState, e: ScanEvent): WizardState {
  const s = state.screen;
  if (s.kind !== 'scanning') return state;
  switch (e.type) {
    case 'region-start':
      return state;
    case 'region-done':
      return { ...state, screen: { ...s, regionsDone: s.regionsDone + 1, found: s.found + e.found } };
    case 'region-failed':
      return {
        ...state,
        regionErrors: [...state.regionErrors, { region: e.region, message: e.message }],
        screen: { ...s, regionsDone: s.regionsDone + 1 },
      };
    case 'done': {
      const { errors, regions } = e.result;
      // Nothing scanned is not "nothing to migrate".
      if (regions.length > 0 && errors.length === regions.length)
        return {
          ...state,
          screen: {
            kind: 'failed',
            message: `no region could be scanned: ${errors[0]!.message}`,
            hint: 'Check the network, the credentials and --endpoint-url, then press r to scan again.',
          },
        };
      // Published versions are listed by scan --all-versions only; the wizard migrates $LATEST.
      const candidates = e.result.functions.filter((f) => f.version === '$LATEST');
      return {
        ...state,
        screen: {
          kind: 'select',
          candidates,
          cursor: 0,
          filter: '',
          typing: false,
          inspected: {},
          selected: candidates
            .filter((c) => c.runtime === 'go1.x' || c.interrupted !== undefined)
            .map(keyOfCandidate),
        },
      };
    }
  }
}

function onPlan(state: WizardState, e: PlanEvent): WizardState {
  const s = state.screen;
  if (s.kind !== 'planning') return state;
  const key = e.type === 'function-done' ? `${e.plan.region}/${e.plan.functionName}` : keyOfRef(e.ref);
  const rows = s.rows.map((r): PlanRow => {
    if (r.key !== key) return r;
    switch (e.type) {
      case 'function-start':
        return { ...r, message: 'starting' };
      case 'progress':
        return { ...r, message: e.message };
      case 'function-done':
        return { ...r, plan: e.plan, message: 'planned' };
    }
  });
  return { ...state, screen: { ...s, rows } };
}

/** The screen on show goes on the back stack (without an open question) and `screen` is shown. */
function forward(state: WizardState, screen: Screen): WizardState {
  const s = state.screen;
  const kept = 'confirming' in s ? { ...s, confirming: false } : s;
  return { ...state, back: [...state.back, kept as Screen], screen };
}

/** The cursor and the ticks of the select and history lists. */
function onList(
  state: WizardState,
  action: Extract<WizardAction, { type: 'move' | 'toggle' | 'toggle-all' }>,
) {
  const s = state.screen;
  if (s.kind !== 'select' && s.kind !== 'history') return state;
  const items: readonly Pick<Candidate, 'region' | 'functionName'>[] =
    s.kind === 'select' ? visibleCandidates(s) : s.rows;
  // A notice is about the key before: any other key takes it away.
  const screen = s.kind === 'select' && s.notice ? (({ notice: _, ...rest }) => rest)(s) : s;
  if (items.length === 0) return { ...state, screen };
  switch (action.type) {
    case 'move':
      return {
        ...state,
        screen: { ...screen, cursor: Math.min(items.length - 1, Math.max(0, s.cursor + action.delta)) },
      };
    case 'toggle': {
      const key = keyOfCandidate(items[Math.min(s.cursor, items.length - 1)]!);
      const selected = s.selected.includes(key) ? s.selected.filter((k) => k !== key) : [...s.selected, key];
      return { ...state, screen: { ...screen, selected } };
    }
    case 'toggle-all': {
      if (screen.kind !== 'select') return state;
      // The functions listed (all, or those the filter shows): all of them selected, or none.
      const keys = items.map(keyOfCandidate);
      const all = keys.every((k) => screen.selected.includes(k));
      const selected = all
        ? screen.selected.filter((k) => !keys.includes(k))
        : [...screen.selected, ...keys.filter((k) => !screen.selected.includes(k))];
      return { ...state, screen: { ...screen, selected } };
    }
  }
}

/** A benchmark's targets, then each one's live block and its report or failure (printed once it ends). */
function onBench(state: WizardState, e: ManyBenchEvent, at: number): WizardState {
  const s = state.screen;
  if (s.kind !== 'benchmarking') return state;
  if (e.type === 'targets')
    return {
      ...state,
      screen: {
        ...s,
        listed: true,
        rows: e.targets.map((t) => ({ key: t.key, live: newLiveBench(t.key, t.against, at) })),
      },
    };
  const rows = s.rows.map((r): BenchRow => {
    if (r.key !== e.key) return r;
    if (e.type === 'failed') return { ...r, live: { ...r.live, failed: e.message } };
    return { ...r, live: reduceLiveBench(r.live, e.event, at) };
  });
  const ended =
    e.type === 'failed' || e.event.type === 'done' ? rows.find((r) => r.key === e.key) : undefined;
  return {
    ...state,
    printed: ended ? print(state, [{ kind: 'bench', row: ended }]) : state.printed,
    screen: { ...s, rows },
  };
}

/** The event prompt of a finished benchmark with failures: open, typed into, refused, or closed. */
function onBenchAsk(state: WizardState, a: Extract<WizardAction, { type: 'bench-ask' }>): WizardState {
  const s = state.screen;
  if (s.kind !== 'benchmarking') return state;
  if (a.close) {
    const { asking: _, ...rest } = s;
    return { ...state, screen: rest };
  }
  return {
    ...state,
    screen: { ...s, asking: { text: a.text ?? s.asking?.text ?? '', ...(a.error && { error: a.error }) } },
  };
}

/** An alias moved, or not, as a line. */
function onPromote(state: WizardState, e: PromoteEvent): WizardState {
  const s = state.screen;
  if (s.kind !== 'promoting') return state;
  if (e.type === 'done') return { ...state, screen: { ...s, finished: true } };
  const key = keyOfRef(e.ref);
  const row: PromoteRow =
    e.type === 'moved'
      ? {
          key: `${key}:${e.result.alias}`,
          text: `${describeRouting(e.result.before.functionVersion, e.result.before.weights)} -> ${describeRouting(e.result.after.functionVersion, e.result.after.weights)}`,
          ok: true,
        }
      : e.type === 'no-alias'
        ? { key, text: 'no alias: nothing to move', ok: true }
        : { key: e.alias ? `${key}:${e.alias}` : key, text: e.message, ok: false };
  return { ...state, screen: { ...s, rows: [...s.rows, row] } };
}

/** A migration or rollback under way: progress, and each function printed once it has finished. */
function onWork(state: WizardState, action: Extract<WizardAction, { type: 'work-event' | 'tick' }>) {
  const s = state.screen;
  if (s.kind !== 'applying' && s.kind !== 'rolling-back') return state;
  const progress = progressReducer(
    s.progress,
    action.type === 'tick' ? action : { type: 'event', event: action.event, at: action.at },
  );
  const newlyFinished = progress.finished.slice(s.progress.finished.length);
  return {
    ...state,
    printed: print(
      state,
      newlyFinished.map((row) => ({ kind: 'row' as const, row, rollback: s.kind === 'rolling-back' })),
    ),
    screen: { ...s, progress },
  };
}

/** A question opened or closed on the screen that asks it. */
function onConfirm(state: WizardState, action: Extract<WizardAction, { type: 'confirm' }>): WizardState {
  const s = state.screen;
  const what = action.open ? (action.what ?? 'rollback') : false;
  if (s.kind === 'review') return { ...state, screen: { ...s, confirming: action.open } };
  if (s.kind === 'done') return { ...state, screen: { ...s, confirming: what } };
  if (s.kind === 'history' && what !== 'promote') return { ...state, screen: { ...s, confirming: what } };
  return state;
}

/** The wizard's reducer: screen changes here, each screen's own events in the handlers above. */
export function wizardReducer(state: WizardState, action: WizardAction): WizardState {
  const s = state.screen;
  switch (action.type) {
    case 'scan-start':
      return {
        ...state,
        regionErrors: [],
        back: [],
        screen: { kind: 'scanning', regions: action.regions, regionsDone: 0, found: 0 },
      };
    case 'identity':
      return { ...state, who: action.who, regions: action.regions };
    case 'scan-event':
      return onScan(state, action.event);
    case 'move':
    case 'toggle':
    case 'toggle-all':
      return onList(state, action);
    case 'filter': {
      if (s.kind !== 'select') return state;
      if (action.text === undefined || action.text === s.filter)
        return { ...state, screen: { ...s, typing: action.typing } };
      // The highlighted function stays highlighted when the new filter lists it (clearing the filter, say).
      const highlighted = visibleCandidates(s)[s.cursor];
      const next = { ...s, typing: action.typing, filter: action.text };
      const at = highlighted ? visibleCandidates(next).indexOf(highlighted) : -1;
      return { ...state, screen: { ...next, cursor: Math.max(0, at) } };
    }
    case 'inspected':
      if (s.kind !== 'select') return state;
      return { ...state, screen: { ...s, inspected: { ...s.inspected, [action.key]: action.inspection } } };
    case 'notice':
      if (s.kind !== 'select') return state;
      return { ...state, screen: { ...s, notice: action.text } };
    case 'cycle': {
      const list = CYCLES[action.choice] as readonly string[];
      const next = list[(list.indexOf(state.choices[action.choice]) + 1) % list.length];
      return { ...state, choices: { ...state.choices, [action.choice]: next } };
    }
    case 'history-open':
      return forward(state, {
        kind: 'history',
        rows: action.rows,
        errors: action.errors,
        cursor: 0,
        selected: [],
        confirming: false,
      });
    case 'plan-start':
      return forward(state, {
        kind: 'planning',
        rows: action.refs.map((r) => ({ key: keyOfRef(r), message: 'waiting' })),
      });
    case 'plan-event':
      return onPlan(state, action.event);
    case 'plan-done':
      // The planning screen is not one to go back to: back from the review is the selection.
      return { ...state, screen: { kind: 'review', plan: action.plan, scroll: 0, confirming: false } };
    case 'scroll':
      if (s.kind !== 'review') return state;
      return {
        ...state,
        screen: { ...s, scroll: Math.min(Math.max(0, action.max), Math.max(0, s.scroll + action.delta)) },
      };
    case 'confirm':
      return onConfirm(state, action);
    case 'bench-start':
      return forward(state, { kind: 'benchmarking', listed: false, rows: [], request: action.request });
    case 'bench-events':
      return action.events.reduce((st, e) => onBench(st, e, action.at), state);
    case 'bench-ask':
      return onBenchAsk(state, action);
    case 'promote-start':
      return forward(state, { kind: 'promoting', rows: [], finished: false });
    case 'promote-event':
      return onPromote(state, action.event);
    case 'work-start':
      return {
        ...state,
        screen: {
          kind: action.what === 'migration' ? 'applying' : 'rolling-back',
          progress: initialProgress(action.at),
        },
      };
    case 'work-event':
    case 'tick':
      return onWork(state, action);
    case 'work-done': {
      const { what, results, stopped } = action;
      return { ...state, screen: { kind: 'done', what, results, stopped, confirming: false } };
    }
    case 'back': {
      const previous = state.back.at(-1);
      return previous ? { ...state, back: state.back.slice(0, -1), screen: previous } : state;
    }
    case 'failed':
      return { ...state, screen: { kind: 'failed', message: action.message, hint: action.hint } };
    case 'quit-requested':
      return { ...state, quitting: true };
  }
}
