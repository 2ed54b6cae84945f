import type { ApplyEvent, ApplyResult } from '../../core/apply.js';

/** One function's row. */
export interface Row {
  readonly key: string;
  readonly label: string;
  readonly step: string;
  readonly startedAt: number;
  readonly warnings: readonly string[];
  readonly result?: ApplyResult;
  readonly endedAt?: number;
}

/** The progress view's state: rows still working, and finished rows in the order they finished. */
export interface ProgressState {
  readonly live: readonly Row[];
  readonly finished: readonly Row[];
  readonly now: number;
}

export type ProgressAction =
  | { readonly type: 'event'; readonly event: ApplyEvent; readonly at: number }
  | { readonly type: 'tick'; readonly at: number };

export const initialProgress = (now: number): ProgressState => ({ live: [], finished: [], now });

const keyOf = (e: ApplyEvent) => `${e.ref.region}/${e.ref.name}`;

/** Folds apply/rollback events into rows; finished rows move out of the live list (they render once). */
export function progressReducer(state: ProgressState, action: ProgressAction): ProgressState {
  switch (action.type) {
    case 'tick':
      return { ...state, now: action.at };
    case 'event': {
      const e = action.event;
      const key = keyOf(e);
      const update = (f: (r: Row) => Row) => ({
        ...state,
        now: action.at,
        live: state.live.map((r) => (r.key === key ? f(r) : r)),
      });
      switch (e.type) {
        case 'function-start':
          return {
            ...state,
            now: action.at,
            live: [...state.live, { key, label: key, step: 'starting', startedAt: action.at, warnings: [] }],
          };
        case 'step-start':
          return update((r) => ({ ...r, step: e.step }));
        case 'step-done':
          return update((r) => ({
            ...r,
            step: `${e.step} ${e.skipped ? (e.why ? `skipped: ${e.why}` : '(already done)') : 'done'}`,
          }));
        case 'warn':
          return update((r) => ({ ...r, warnings: [...r.warnings, e.message] }));
        case 'function-done': {
          const row = state.live.find((r) => r.key === key) ?? {
            key,
            label: key,
            step: '',
            startedAt: action.at,
            warnings: [],
          };
          return {
            now: action.at,
            live: state.live.filter((r) => r.key !== key),
            finished: [...state.finished, { ...row, result: e.result, endedAt: action.at }],
          };
        }
      }
    }
  }
}
