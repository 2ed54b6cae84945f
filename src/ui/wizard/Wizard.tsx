import { Box, Static, Text, useApp, useInput, useStdout, type DOMElement, type Key } from 'ink';
import { FinishedRow } from '../progress/ProgressView.js';
import { useCallback, useEffect, useRef, type ReactElement } from 'react';
import { callerText, ColorProvider, layout } from './frame.js';
import wrapAnsi from 'wrap-ansi';
import { handleIntent, rerunFailing } from './intents.js';
import { bindingsFor, charName, hintLine, keyName } from './keys.js';
import { ScreenOnShow } from './screens.js';
import { reviewRows, selectRows } from './choose-screens.js';
import type { WizardChoices, WizardServices } from './services.js';
import { useWizardWork } from './use-wizard-work.js';
import { benchFinished, type WizardState } from './state.js';
import { BenchResult } from './work-screens.js';

/**
 * How the wizard ended: `failed` when it quit on an error screen, `partial` when the last run left failures,
 * `interrupted` on Ctrl-C, `interrupted-work` on a Ctrl-C that stopped a migration, rollback or benchmark (the
 * functions in flight finished, the others were not started).
 */
export type WizardOutcome = 'ok' | 'partial' | 'failed' | 'interrupted' | 'interrupted-work';

/** Rows the hint line takes once wrapped to the terminal's width. */
const hintRows = (s: WizardState, columns: number | undefined) =>
  wrapAnsi(hintLine(bindingsFor(s)), Math.max(20, columns ?? 80), { trim: false, hard: true }).split('\n')
    .length;

/** Rows the region warnings take above the screen. */
const warningRows = (s: WizardState) => Math.min(MAX_WARNINGS, s.regionErrors.length);

const working = (s: WizardState) =>
  (s.screen.kind === 'promoting' && !s.screen.finished) ||
  s.screen.kind === 'applying' ||
  s.screen.kind === 'rolling-back' ||
  (s.screen.kind === 'benchmarking' && !benchFinished(s.screen));

/** Warnings shown above the screen at most (more are counted on one line). */
const MAX_WARNINGS = 2;

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
  const { state, latest, dispatch, abort, ...jobs } = useWizardWork(services, choices);
  const { exit } = useApp();
  const { stdout } = useStdout();

  const { scan } = jobs;
  useEffect(() => {
    void scan();
  }, [scan]);

  // A quit asked for during a migration takes effect once the functions in flight have finished.
  useEffect(() => {
    if (state.quitting && !working(state)) quit();
  });

  function quit(interrupted = false): void {
    // Work queued but not begun (a benchmark resolving its versions) must not start once the wizard is gone.
    abort.current?.abort();
    const s = latest.current.screen;
    // A rolled-back function is a failure of a migration, and the success of a rollback.
    const bad =
      s.kind === 'done' &&
      s.results.some((r) => r.status === 'failed' || (s.what === 'migration' && r.status === 'rolled-back'));
    onOutcome(
      latest.current.quitting
        ? 'interrupted-work'
        : interrupted
          ? 'interrupted'
          : s.kind === 'failed'
            ? 'failed'
            : bad
              ? 'partial'
              : 'ok',
    );
    exit();
  }

  /** The event prompt of a benchmark whose invocations failed: a line of text, enter runs it. */
  function typeEvent(input: string, key: Key, text: string): void {
    if (key.escape) return dispatch({ type: 'bench-ask', close: true });
    if (key.backspace || key.delete) return dispatch({ type: 'bench-ask', text: text.slice(0, -1) });
    if (!key.return) return dispatch({ type: 'bench-ask', text: text + input.replace(/[\r\n]/g, '') });
    void jobs.run(async () => {
      try {
        const event = await services.eventFrom(text);
        dispatch({ type: 'bench-ask', close: true });
        rerunFailing({ state: latest.current, work: jobs }, event);
      } catch (e) {
        dispatch({ type: 'bench-ask', text, error: (e as Error).message });
      }
    });
  }

  /** The filter of the selection list, typed: arrows still move, enter keeps it, esc clears it. */
  function typeFilter(input: string, key: Key, text: string): void {
    if (key.upArrow || key.downArrow || key.pageUp || key.pageDown) {
      const page = selectPage();
      const delta = key.upArrow ? -1 : key.downArrow ? 1 : key.pageUp ? -page : page;
      return dispatch({ type: 'move', delta });
    }
    if (key.escape) return dispatch({ type: 'filter', text: '', typing: false });
    if (key.return) return dispatch({ type: 'filter', typing: false });
    if (key.backspace || key.delete)
      return dispatch({ type: 'filter', text: text.slice(0, -1), typing: true });
    if (key.ctrl || key.meta || key.tab) return;
    // eslint-disable-next-line no-control-regex
    const typed = input.replace(/[\x00-\x1f\x7f]/g, '');
    if (typed) dispatch({ type: 'filter', text: text + typed, typing: true });
  }

  /** The layout as of now: the rows each screen has. */
  const currentLayout = () =>
    layout(
      stdout.rows,
      stdout.columns,
      warningRows(latest.current),
      hintRows(latest.current, stdout.columns),
    );
  const selectPage = () => {
    const s = latest.current.screen;
    const l = currentLayout();
    return s.kind === 'select' ? selectRows(s, l.area, l.columns) : l.rows;
  };

  useInput((input, key) => {
    if (key.ctrl && input === 'c') {
      if (working(latest.current)) {
        abort.current?.abort();
        dispatch({ type: 'quit-requested' });
      } else quit(true);
      return;
    }
    const screen = latest.current.screen;
    if (screen.kind === 'benchmarking' && screen.asking) return typeEvent(input, key, screen.asking.text);
    if (screen.kind === 'select' && screen.typing) return typeFilter(input, key, screen.filter);
    // Keys typed faster than a frame arrive together: each is a key of its own (for the screen on show).
    const several = input.length > 1 && !key.ctrl && !key.meta;
    const names = several ? [...input].map(charName) : [keyName(input, key)];
    for (const [i, name] of names.entries()) {
      // A / typed with what follows it: the rest is the filter's text.
      const now = latest.current.screen;
      if (several && now.kind === 'select' && now.typing) {
        const rest = [...input].slice(i).join('');
        const enter = rest.search(/[\r\n]/);
        typeFilter(enter < 0 ? rest : rest.slice(0, enter), key, now.filter);
        if (enter >= 0) dispatch({ type: 'filter', typing: false });
        return;
      }
      const binding = bindingsFor(latest.current).find((b) => b.keys.includes(name));
      if (binding) {
        const l = currentLayout();
        const shown = latest.current.screen;
        const page =
          shown.kind === 'review'
            ? reviewRows(l.area, shown.confirming)
            : shown.kind === 'select'
              ? selectRows(shown, l.area, l.columns)
              : l.rows;
        const context = { state: latest.current, page, columns: l.columns, dispatch, services, quit };
        handleIntent(binding.intent, { ...context, work: jobs });
      }
    }
  });

  const c = state.choices;
  const hints = hintLine(bindingsFor(state));
  const l = layout(stdout.rows, stdout.columns, warningRows(state), hintRows(state, stdout.columns));
  // At most the area's height, and no taller than what the screen shows (Ink's Box has no maxHeight prop;
  // its layout node has): a short screen keeps the hint line right under it.
  // Set as this frame renders: Ink lays a frame out as React commits it, before refs and effects run, so a
  // height set in a ref or an effect would clip the next frame, not this one.
  const clipNode = useRef<DOMElement | null>(null);
  clipNode.current?.yogaNode?.setMaxHeight(l.area);
  const area = useRef(l.area);
  area.current = l.area;
  const clip = useCallback((node: DOMElement | null) => {
    clipNode.current = node;
    node?.yogaNode?.setMaxHeight(area.current);
  }, []);
  const frame = {
    ...l,
    where: services.where,
    stateDir: services.stateDir,
    quitting: state.quitting,
  };
  return (
    <ColorProvider value={color}>
      <Static items={[...state.printed]}>
        {(p) =>
          p.kind === 'row' ? (
            <FinishedRow key={p.id} row={p.row} color={color} rollback={p.rollback} />
          ) : (
            <BenchResult key={p.id} row={p.row} />
          )
        }
      </Static>
      <Box flexDirection="column">
        <Text bold color={color ? 'cyan' : undefined} wrap="truncate-end">
          go-lambda-migrate · {services.where}
        </Text>
        <Text wrap="truncate-end" color={color && state.who?.error !== undefined ? 'yellow' : undefined}>
          {callerText(state.who, state.regions)}
        </Text>
        <Text dimColor={color} wrap="truncate-end">
          target {c.target} · arch {c.arch} · strategy {c.strategy} · sources:{' '}
          {services.sources.length > 0 ? services.sources.join(', ') : 'none (pass --source DIR to rebuild)'}
        </Text>
        {state.regionErrors.slice(0, MAX_WARNINGS).map((e, i) => (
          <Text key={e.region} color={color ? 'yellow' : undefined} wrap="truncate-end">
            {i === MAX_WARNINGS - 1 && state.regionErrors.length > MAX_WARNINGS
              ? `warning: ${state.regionErrors.length - i} regions could not be scanned (${state.regionErrors
                  .slice(i)
                  .map((x) => x.region)
                  .join(', ')})`
              : `warning: ${e.region} could not be scanned: ${e.message}`}
          </Text>
        ))}
        {/* The screen is clipped to its area: a frame never grows taller than the terminal. */}
        <Box ref={clip} flexDirection="column" overflowY="hidden">
          {/* Not shrunk to fit: what is too tall is cut at the bottom, not squeezed out of the middle. */}
          <Box flexDirection="column" flexShrink={0}>
            <ScreenOnShow screen={state.screen} frame={frame} />
          </Box>
        </Box>
        <Text dimColor={color}>{hints}</Text>
      </Box>
    </ColorProvider>
  );
}
