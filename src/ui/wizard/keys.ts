import type { Key } from 'ink';
import { backupRuntime } from './frame.js';
import { benchFailing, benchFinished, type WizardState } from './state.js';

/** What a key asks the wizard to do. */
export type Intent =
  | 'up'
  | 'down'
  | 'page-up'
  | 'page-down'
  | 'home'
  | 'end'
  | 'filter'
  | 'filter-clear'
  | 'inspect'
  | 'toggle'
  | 'toggle-all'
  | 'target'
  | 'arch'
  | 'strategy'
  | 'plan'
  | 'rescan'
  | 'back'
  | 'ask-apply'
  | 'ask-rollback'
  | 'ask-bench'
  | 'bench-candidate'
  | 'bench-event'
  | 'bench-last-event'
  | 'ask-promote'
  | 'canary'
  | 'results'
  | 'history'
  | 'yes'
  | 'no'
  | 'quit';

/** One key binding: the keys, the hint shown on screen, and what it does. */
export interface Binding {
  readonly keys: readonly string[];
  readonly hint: string;
  readonly intent: Intent;
}

const b = (keys: string[], hint: string, intent: Intent): Binding => ({ keys, hint, intent });

const MOVE = [b(['up', 'k'], '↑↓ move', 'up'), b(['down', 'j'], '', 'down')];
const SCROLL = [
  b(['up', 'k'], '↑↓ scroll', 'up'),
  b(['down', 'j'], '', 'down'),
  b(['pageup'], '', 'page-up'),
  b(['pagedown'], '', 'page-down'),
];
const QUIT = b(['q'], 'q quit', 'quit');
const CONFIRM = [b(['y'], 'y yes', 'yes'), b(['n', 'escape'], 'n no', 'no')];

/**
 * The keys of the screen on show: the one table both the input handler and the on-screen hints read.
 * Screens that run work which must finish (applying, rolling back) take no keys but Ctrl-C.
 */
export function bindingsFor(state: WizardState): readonly Binding[] {
  const s = state.screen;
  switch (s.kind) {
    case 'scanning':
    case 'planning':
      return [QUIT];
    case 'select':
      // While the filter is typed, keys are its text (Wizard.tsx reads them); these are the hints.
      if (s.typing)
        return [
          b(['up'], 'type to filter · ↑↓ move', 'up'),
          b(['down'], '', 'down'),
          b(['return'], 'enter keep the filter', 'filter'),
          b(['escape'], 'esc clear it', 'filter-clear'),
        ];
      return [
        b(['up', 'k'], '↑↓ pgup/pgdn move', 'up'),
        b(['down', 'j'], '', 'down'),
        b(['pageup'], '', 'page-up'),
        b(['pagedown'], '', 'page-down'),
        b(['home'], '', 'home'),
        b(['end'], '', 'end'),
        b(['/'], s.filter ? '/ change the filter' : '/ filter', 'filter'),
        ...(s.filter ? [b(['escape'], 'esc clear the filter', 'filter-clear')] : []),
        b(['space'], 'space select', 'toggle'),
        b(['a'], s.filter ? 'a all/none shown' : 'a all/none', 'toggle-all'),
        b(['i'], 'i inspect', 'inspect'),
        b(['t'], 't target', 'target'),
        b(['x'], 'x arch', 'arch'),
        b(['s'], 's strategy', 'strategy'),
        b(['return'], 'enter plan', 'plan'),
        b(['r'], 'r rescan', 'rescan'),
        b(['h'], 'h history', 'history'),
        QUIT,
      ];
    case 'review':
      if (s.confirming) return CONFIRM;
      return [
        ...SCROLL,
        b(['return'], 'enter migrate', 'ask-apply'),
        b(['c'], 'c benchmark a candidate first', 'bench-candidate'),
        b(['b', 'escape'], 'b back', 'back'),
        QUIT,
      ];
    case 'applying':
    case 'rolling-back':
      return [];
    case 'done':
      if (s.confirming === 'promote')
        return [
          b(['y'], 'y all the traffic', 'yes'),
          b(['c'], 'c a 10% canary', 'canary'),
          b(['n', 'escape'], 'n no', 'no'),
        ];
      if (s.confirming) return CONFIRM;
      return [
        ...(s.what === 'migration' && s.results.some((r) => r.status === 'migrated')
          ? [
              b(['p'], 'p promote aliases', 'ask-promote'),
              b(
                ['b'],
                `b benchmark against the ${backupRuntime(s.results.filter((r) => r.status === 'migrated').map((r) => r.fromRuntime))} backup`,
                'ask-bench',
              ),
              b(['u'], 'u undo (roll back)', 'ask-rollback'),
            ]
          : []),
        b(['r'], 'r scan again', 'rescan'),
        QUIT,
      ];
    case 'history': {
      if (s.confirming) return CONFIRM;
      const some = s.selected.length > 0;
      return [
        ...MOVE,
        b(['space'], 'space select', 'toggle'),
        ...(some ? [b(['b'], 'b benchmark', 'ask-bench'), b(['u'], 'u roll back', 'ask-rollback')] : []),
        b(['escape'], 'esc back', 'back'),
        QUIT,
      ];
    }
    case 'promoting':
      return s.finished ? [b(['return', 'escape'], backHint(state), 'results'), QUIT] : [];
    case 'benchmarking': {
      if (!benchFinished(s) || s.asking) return [];
      const failing = s.rows.some(benchFailing);
      return [
        ...(failing
          ? [b(['e'], 'e another event', 'bench-event'), b(['l'], 'l the last event', 'bench-last-event')]
          : []),
        b(['return', 'escape'], backHint(state), 'results'),
        QUIT,
      ];
    }
    case 'failed':
      return [b(['r'], 'r retry', 'rescan'), QUIT];
  }
}

/** Where enter (back) goes, named by the screen it shows again. */
function backHint(state: WizardState): string {
  const to = state.back.at(-1)?.kind;
  if (to === 'done') return 'enter back to the results';
  if (to === 'history') return 'enter back to the history';
  if (to === 'review') return 'enter back to the plan';
  return 'enter back';
}

/** A name for a key press: arrows and the like by name, anything else as typed. */
export function keyName(input: string, key: Key): string {
  if (key.upArrow) return 'up';
  if (key.downArrow) return 'down';
  if (key.pageUp) return 'pageup';
  if (key.pageDown) return 'pagedown';
  if (key.home) return 'home';
  if (key.end) return 'end';
  if (key.return) return 'return';
  if (key.escape) return 'escape';
  return charName(input);
}

/** A name for one character of several typed at once: Enter, Esc and space by name, others as typed. */
export function charName(c: string): string {
  if (c === '\r' || c === '\n') return 'return';
  if (c === '\x1b') return 'escape';
  if (c === ' ') return 'space';
  return c.toLowerCase();
}

/** The hint line: the bindings that have one, joined. */
export const hintLine = (bindings: readonly Binding[]) =>
  bindings
    .map((x) => x.hint)
    .filter(Boolean)
    .join(' · ');
