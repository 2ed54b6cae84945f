import type { FunctionRef } from '../../core/ports.js';
import { reviewLines } from './choose-screens.js';
import type { Intent } from './keys.js';
import type { WizardServices } from './services.js';
import {
  benchFailing,
  changing,
  keyOfCandidate,
  selectedRefs,
  visibleCandidates,
  type BenchRequest,
  type DoneScreen,
  type WizardAction,
  type WizardState,
} from './state.js';
import type { useWizardWork } from './use-wizard-work.js';

/** The functions a migration's results list as migrated. */
const migratedRefs = (s: DoneScreen): FunctionRef[] =>
  s.results.filter((r) => r.status === 'migrated').map((r) => ({ region: r.region, name: r.functionName }));

/** What an intent may act on: the state as of the last key, the work it may start, and the page size. */
export interface IntentContext {
  readonly state: WizardState;
  readonly page: number;
  /** The terminal's width: the review scrolls over its lines as wrapped to it. */
  readonly columns: number;
  readonly dispatch: (action: WizardAction) => void;
  readonly work: Pick<
    ReturnType<typeof useWizardWork>,
    'run' | 'scan' | 'plan' | 'work' | 'bench' | 'promote'
  >;
  readonly services: WizardServices;
  readonly quit: () => void;
}

/** The answer to y on the screen that asked. */
function confirmed(c: IntentContext): void {
  const s = c.state.screen;
  if (s.kind === 'review') {
    const functions = changing(s.plan);
    void c.work.work('migration', (signal) => c.services.apply(functions, signal));
  } else if (s.kind === 'done' || s.kind === 'history') {
    const refs = s.kind === 'history' ? selectedRefs(s) : migratedRefs(s);
    if (s.confirming === 'promote') void c.work.promote(refs);
    else if (s.confirming === 'bench') void c.work.bench({ kind: 'backup', refs });
    else void c.work.work('rollback', (signal) => c.services.rollback(refs, signal));
  }
}

/** Carries out what a key asked for, on the screen on show. */
export function handleIntent(intent: Intent, c: IntentContext): void {
  const { dispatch, page } = c;
  const s = c.state.screen;
  switch (intent) {
    case 'up':
    case 'down':
    case 'page-up':
    case 'page-down':
    case 'home':
    case 'end': {
      const far = Number.MAX_SAFE_INTEGER;
      const delta = { up: -1, down: 1, 'page-up': -page, 'page-down': page, home: -far, end: far }[intent];
      const max = s.kind === 'review' ? reviewLines(s.plan, c.columns).length - page : 0;
      return dispatch(s.kind === 'review' ? { type: 'scroll', delta, max } : { type: 'move', delta });
    }
    case 'toggle':
    case 'toggle-all':
      return dispatch({ type: intent });
    case 'target':
    case 'arch':
    case 'strategy':
      return dispatch({ type: 'cycle', choice: intent });
    case 'plan':
      if (s.kind !== 'select') return;
      if (s.selected.length > 0) void c.work.plan(selectedRefs(s));
      else
        dispatch({
          type: 'notice',
          text: 'Nothing is selected: space selects the highlighted function, a selects all of those listed.',
        });
      return;
    case 'filter':
      // / starts typing the filter; enter, while it is typed, keeps it.
      if (s.kind === 'select') dispatch({ type: 'filter', typing: !s.typing });
      return;
    case 'filter-clear':
      return dispatch({ type: 'filter', text: '', typing: false });
    case 'inspect': {
      if (s.kind !== 'select') return;
      const highlighted = visibleCandidates(s)[s.cursor];
      if (!highlighted) return;
      const key = keyOfCandidate(highlighted);
      if (s.inspected[key]?.state === 'pending') return;
      dispatch({ type: 'inspected', key, inspection: { state: 'pending' } });
      const ref = { region: highlighted.region, name: highlighted.functionName };
      void c.services.inspect(ref, c.state.choices.target).then(
        (found) => dispatch({ type: 'inspected', key, inspection: { state: 'done', ...found } }),
        (e: unknown) =>
          dispatch({
            type: 'inspected',
            key,
            inspection: { state: 'done', ok: false, text: `could not inspect: ${(e as Error).message}` },
          }),
      );
      return;
    }
    case 'rescan':
      void c.work.scan();
      return;
    case 'back':
    case 'results':
      return dispatch({ type: 'back' });
    case 'ask-apply':
      if (s.kind === 'review' && changing(s.plan).length > 0) dispatch({ type: 'confirm', open: true });
      return;
    case 'ask-rollback':
      return dispatch({ type: 'confirm', open: true, what: 'rollback' });
    case 'ask-bench':
      return dispatch({ type: 'confirm', open: true, what: 'bench' });
    case 'bench-candidate':
      if (s.kind === 'review' && changing(s.plan).length > 0)
        void c.work.bench({ kind: 'candidate', functions: changing(s.plan) });
      return;
    case 'bench-event':
      return dispatch({ type: 'bench-ask', text: '' });
    case 'bench-last-event':
      void c.work.run(async () => {
        const event = await c.services.lastEvent();
        if (!event)
          return dispatch({ type: 'bench-ask', text: '', error: 'no event was used before: type one' });
        rerunFailing(c, event);
      });
      return;
    case 'ask-promote':
      return dispatch({ type: 'confirm', open: true, what: 'promote' });
    case 'canary':
      if (s.kind === 'done') void c.work.promote(migratedRefs(s), 0.1);
      return;
    case 'history':
      void c.work.run(async () => dispatch({ type: 'history-open', ...(await c.services.history()) }));
      return;
    case 'no':
      return dispatch({ type: 'confirm', open: false });
    case 'yes':
      return confirmed(c);
    case 'quit':
      return c.quit();
  }
}

/** Benchmarks again, with `event`, the functions of the benchmark on show whose invocations failed. */
export function rerunFailing(c: Pick<IntentContext, 'state' | 'work'>, event: Buffer): void {
  const s = c.state.screen;
  if (s.kind !== 'benchmarking') return;
  const failing = new Set(s.rows.filter(benchFailing).map((r) => r.key));
  const key = (region: string, name: string) => `${region}/${name}`;
  const request: BenchRequest =
    s.request.kind === 'backup'
      ? { kind: 'backup', refs: s.request.refs.filter((r) => failing.has(key(r.region, r.name))) }
      : {
          kind: 'candidate',
          functions: s.request.functions.filter((f) => failing.has(key(f.region, f.functionName))),
        };
  void c.work.bench(request, event);
}
