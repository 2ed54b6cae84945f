import { Box, Static, Text, useApp, useInput, useStdout } from 'ink';
import { FinishedRow } from '../progress/ProgressView.js';
import { useEffect, type ReactElement } from 'react';
import type { FunctionRef } from '../../core/ports.js';
import { PlanningScreen, planLines, ReviewScreen, ScanningScreen, SelectScreen } from './choose-screens.js';
import { bindingsFor, charName, hintLine, keyName, type Intent } from './keys.js';
import type { WizardChoices, WizardServices } from './services.js';
import { useWizardWork } from './use-wizard-work.js';
import { changing, selectedRefs, type DoneScreen as DoneState, type WizardState } from './state.js';
import { HistoryScreen } from './history-screen.js';
import {
  BenchResult,
  BenchScreen,
  DoneScreen,
  FailedScreen,
  PromoteScreen,
  WorkScreen,
} from './work-screens.js';

/** How the wizard ended: `failed` when it quit on an error screen, `partial` when the last run left failures. */
export type WizardOutcome = 'ok' | 'partial' | 'failed';

/** The functions a migration's results list as migrated. */
const migratedRefs = (s: DoneState): FunctionRef[] =>
  s.results.filter((r) => r.status === 'migrated').map((r) => ({ region: r.region, name: r.functionName }));

const working = (s: WizardState) =>
  (s.screen.kind === 'promoting' && !s.screen.finished) ||
  s.screen.kind === 'applying' ||
  s.screen.kind === 'rolling-back' ||
  (s.screen.kind === 'benchmarking' && s.screen.rows.some((r) => !r.report && !r.error));

/** Rows the scrolling lists get: the terminal's height less the header, hints and summaries. */
const listRows = (terminalRows: number | undefined) => Math.max(5, (terminalRows ?? 24) - 8);

/**
 * The interactive wizard: scan → select → plan (read-only) → review → confirm → migrate → results, with
 * rollback of what it migrated. One reducer holds the state; the work runs through `services`' event
 * streams, the same ones the non-interactive commands print.
 */
export function Wizard({
  services,
  choices,
  color,
  onOutcome,
}: {
  services: WizardServices;
  choices: WizardChoices;
  color: boolean;
  onOutcome: (o: WizardOutcome) => void;
}): ReactElement {
  const { state, latest, dispatch, abort, run, scan, plan, work, bench, promote } = useWizardWork(
    services,
    choices,
  );
  const { exit } = useApp();
  const { stdout } = useStdout();

  useEffect(() => {
    void scan();
  }, [scan]);

  // A quit asked for during a migration takes effect once the functions in flight have finished.
  useEffect(() => {
    if (state.quitting && !working(state)) quit();
  });

  function quit(): void {
    // Work queued but not begun (a benchmark resolving its versions) must not start once the wizard is gone.
    abort.current?.abort();
    const s = latest.current.screen;
    // A rolled-back function is a failure of a migration, and the success of a rollback.
    const bad =
      s.kind === 'done' &&
      s.results.some((r) => r.status === 'failed' || (s.what === 'migration' && r.status === 'rolled-back'));
    onOutcome(s.kind === 'failed' ? 'failed' : bad ? 'partial' : 'ok');
    exit();
  }

  function onIntent(intent: Intent): void {
    const s = latest.current.screen;
    const page = listRows(stdout.rows);
    const scrollMax = s.kind === 'review' ? planLines(s.plan).length - page : 0;
    switch (intent) {
      case 'up':
      case 'down':
      case 'page-up':
      case 'page-down': {
        const delta = { up: -1, down: 1, 'page-up': -page, 'page-down': page }[intent];
        dispatch(s.kind === 'review' ? { type: 'scroll', delta, max: scrollMax } : { type: 'move', delta });
        return;
      }
      case 'toggle':
        return dispatch({ type: 'toggle' });
      case 'toggle-all':
        return dispatch({ type: 'toggle-all' });
      case 'target':
      case 'arch':
      case 'strategy':
        return dispatch({ type: 'cycle', choice: intent });
      case 'plan':
        if (s.kind === 'select' && s.selected.length > 0) void plan(selectedRefs(s));
        return;
      case 'rescan':
        void scan();
        return;
      case 'back':
        return dispatch({ type: 'back-to-select' });
      case 'ask-apply':
        if (s.kind === 'review' && changing(s.plan).length > 0) dispatch({ type: 'confirm', open: true });
        return;
      case 'ask-rollback':
        return dispatch({ type: 'confirm', open: true, what: 'rollback' });
      case 'ask-bench':
        return dispatch({ type: 'confirm', open: true, what: 'bench' });
      case 'ask-promote':
        return dispatch({ type: 'confirm', open: true, what: 'promote' });
      case 'canary':
        if (s.kind === 'done') void promote(migratedRefs(s), 0.1);
        return;
      case 'results':
        return dispatch({ type: 'back-to-results' });
      case 'history':
        void run(async () => dispatch({ type: 'history-open', ...(await services.history()) }));
        return;
      case 'no':
        return dispatch({ type: 'confirm', open: false });
      case 'yes':
        if (s.kind === 'review') {
          const functions = changing(s.plan);
          void work('migration', (signal) => services.apply(functions, signal));
        } else if (s.kind === 'done' || s.kind === 'history') {
          const refs = s.kind === 'history' ? selectedRefs(s) : migratedRefs(s);
          if (s.confirming === 'promote') void promote(refs);
          else if (s.confirming === 'bench') void bench(refs);
          else void work('rollback', (signal) => services.rollback(refs, signal));
        }
        return;
      case 'quit':
        return quit();
    }
  }

  useInput((input, key) => {
    if (key.ctrl && input === 'c') {
      if (working(latest.current)) {
        abort.current?.abort();
        dispatch({ type: 'quit-requested' });
      } else quit();
      return;
    }
    // Keys typed faster than a frame arrive together: each is a key of its own (for the screen on show).
    const names =
      input.length > 1 && !key.ctrl && !key.meta ? [...input].map(charName) : [keyName(input, key)];
    for (const name of names) {
      const binding = bindingsFor(latest.current).find((b) => b.keys.includes(name));
      if (binding) onIntent(binding.intent);
    }
  });

  const s = state.screen;
  const rows = listRows(stdout.rows);
  const c = state.choices;
  return (
    <>
      <Static items={[...state.printed]}>
        {(p) =>
          p.kind === 'row' ? (
            <FinishedRow key={p.id} row={p.row} color={color} />
          ) : (
            <BenchResult key={p.id} row={p.row} color={color} />
          )
        }
      </Static>
      <Box flexDirection="column">
        <Text bold color={color ? 'cyan' : undefined}>
          go-lambda-migrate · {services.where}
        </Text>
        <Text dimColor={color}>
          target {c.target} · arch {c.arch} · strategy {c.strategy} · sources:{' '}
          {services.sources.length > 0 ? services.sources.join(', ') : 'none (pass --source DIR to rebuild)'}
        </Text>
        {state.regionErrors.map((e) => (
          <Text key={e.region} color={color ? 'yellow' : undefined}>
            warning: {e.region} could not be scanned: {e.message}
          </Text>
        ))}
        {s.kind === 'scanning' && <ScanningScreen screen={s} />}
        {s.kind === 'select' && <SelectScreen screen={s} rows={rows} color={color} />}
        {s.kind === 'planning' && <PlanningScreen screen={s} rows={rows} color={color} />}
        {s.kind === 'review' && <ReviewScreen screen={s} rows={rows} where={services.where} color={color} />}
        {(s.kind === 'applying' || s.kind === 'rolling-back') && (
          <WorkScreen screen={s} quitting={state.quitting} color={color} />
        )}
        {s.kind === 'done' && (
          <DoneScreen screen={s} where={services.where} stateDir={services.stateDir} color={color} />
        )}
        {s.kind === 'benchmarking' && <BenchScreen screen={s} color={color} />}
        {s.kind === 'promoting' && <PromoteScreen screen={s} color={color} />}
        {s.kind === 'history' && (
          <HistoryScreen
            screen={s}
            rows={rows}
            where={services.where}
            stateDir={services.stateDir}
            color={color}
          />
        )}
        {s.kind === 'failed' && <FailedScreen screen={s} color={color} />}
        <Text dimColor={color}>{hintLine(bindingsFor(state))}</Text>
      </Box>
    </>
  );
}
