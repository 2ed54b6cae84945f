import { Box, Text } from 'ink';
import type { ReactElement } from 'react';
import { functionLines, type LineKind } from '../plan-text.js';
import { iacLines, type IacLineKind } from '../iac-text.js';
import wrapAnsi from 'wrap-ansi';
import { blockText } from '../plan-words.js';
import { changing, keyOfCandidate } from './state.js';
import { useColor, type Of, type ScreenProps } from './frame.js';
import { spinnerAt, useNow } from './use-now.js';

export function ScanningScreen({ screen }: ScreenProps<'scanning'>): ReactElement {
  const now = useNow();
  return (
    <Text>
      {spinnerAt(now)} Scanning {screen.regionsDone}/{screen.regions || '?'} regions for go1.x, provided.al2
      and provided functions… {screen.found} found
    </Text>
  );
}

const cell = (s: string, width: number) => (s.length > width ? `${s.slice(0, width - 1)}…` : s.padEnd(width));

/** A window of `size` rows that keeps `cursor` in view. */
export function windowAround(cursor: number, count: number, size: number): [number, number] {
  const start = Math.max(0, Math.min(cursor - Math.floor(size / 2), count - size));
  return [start, Math.min(count, start + Math.max(1, size))];
}

export function SelectScreen({ screen, frame: { rows } }: ScreenProps<'select'>): ReactElement {
  const color = useColor();
  if (screen.candidates.length === 0) {
    return <Text>No go1.x, provided.al2 or provided function was found. Nothing to migrate.</Text>;
  }
  const [from, to] = windowAround(screen.cursor, screen.candidates.length, rows);
  const name = Math.min(40, Math.max(8, ...screen.candidates.map((c) => keyOfCandidate(c).length)));
  return (
    <Box flexDirection="column">
      <Text>
        {screen.candidates.length} candidate{screen.candidates.length === 1 ? '' : 's'},{' '}
        {screen.selected.length} selected (go1.x ones are selected to start with):
      </Text>
      {from > 0 && <Text dimColor={color}> ↑ {from} more</Text>}
      {screen.candidates.slice(from, to).map((c, i) => {
        const here = from + i === screen.cursor;
        const ticked = screen.selected.includes(keyOfCandidate(c));
        return (
          <Text key={keyOfCandidate(c)} inverse={here && color} bold={here && !color} wrap="truncate-end">
            {here ? '›' : ' '} [{ticked ? 'x' : ' '}] {cell(keyOfCandidate(c), name)} {cell(c.runtime, 12)}{' '}
            {cell(c.architectures.join(','), 7)}{' '}
            {c.interrupted
              ? 'interrupted'
              : c.reverted
                ? `reverted by a deploy${c.managedBy ? ` of ${c.managedBy}` : ''}`
                : `${cell(c.handler ?? '', 14)} ${c.managedBy ?? ''}`}
          </Text>
        );
      })}
      {to < screen.candidates.length && <Text dimColor={color}> ↓ {screen.candidates.length - to} more</Text>}
      {screen.candidates.some((c) => c.reverted) && (
        <Text color={color ? 'yellow' : undefined}>
          reverted: a deploy put the old runtime back; migrate again (the plan patches its definition)
        </Text>
      )}
      {screen.candidates.some((c) => c.interrupted) && (
        <Text color={color ? 'yellow' : undefined}>
          interrupted: left halfway; planning it finishes it from its journal
        </Text>
      )}
    </Box>
  );
}

export function PlanningScreen({ screen, frame: { rows } }: ScreenProps<'planning'>): ReactElement {
  const color = useColor();
  const now = useNow();
  // Functions still being planned first; finished ones fill what room is left, the rest are counted.
  const live = screen.rows.filter((r) => !r.plan);
  const done = screen.rows.filter((r) => r.plan);
  const room = Math.max(0, rows - live.length);
  const shown = [...live.slice(0, rows), ...done.slice(done.length - Math.min(room, done.length))];
  const hidden = screen.rows.length - shown.length;
  return (
    <Box flexDirection="column">
      <Text>
        Planning {screen.rows.length} function{screen.rows.length === 1 ? '' : 's'}, {done.length} done
        (read-only: code downloaded, binaries inspected, artifacts built and smoke-tested locally):
      </Text>
      {shown.map((r) => {
        // A smoke test that failed without blocking (the function's own error) is not a tick.
        const smokeFailed = r.plan?.smoke?.ok === false;
        const mark = !r.plan ? spinnerAt(now) : r.plan.blocked ? '!' : smokeFailed ? '!' : '✔';
        const tone = !r.plan ? 'cyan' : r.plan.blocked ? 'red' : smokeFailed ? 'yellow' : 'green';
        const text = !r.plan
          ? r.message
          : r.plan.blocked
            ? `blocked: ${blockText(r.plan.blocked, 'wizard')}`
            : r.plan.strategy === 'none'
              ? 'already on the target'
              : `${r.plan.strategy}, smoke test ${smokeFailed ? `failed: ${r.plan.smoke?.errorType ?? 'an error'} (the function's answer to the test event; see the review)` : 'passed'}`;
        return (
          <Text key={r.key}>
            <Text color={color ? tone : undefined}>{mark}</Text> <Text bold>{r.key}</Text> {text}
          </Text>
        );
      })}
      {hidden > 0 && <Text dimColor={color}> … and {hidden} more</Text>}
    </Box>
  );
}

const TONES: Record<NonNullable<LineKind>, string | undefined> = {
  change: 'yellow',
  blocked: 'red',
  unchanged: 'gray',
  info: undefined,
  warning: 'yellow',
  danger: 'red',
};

/** The plan as lines, each with a colour. */
const IAC_TONES: Record<NonNullable<IacLineKind>, string | undefined> = {
  head: 'cyan',
  add: 'green',
  del: 'red',
  hunk: 'cyan',
  note: 'gray',
  problem: 'yellow',
};

/** The plan as lines, each with a colour: each function, then its infrastructure code and the patch. */
export function planLines(plan: Of<'review'>['plan']): { text: string; tone: string | undefined }[] {
  return [
    ...plan.functions.flatMap((f) => [
      ...functionLines(f, 'wizard').map(({ text, kind }) => ({ text, tone: kind && TONES[kind] })),
      { text: '', tone: undefined },
    ]),
    ...(plan.iac
      ? iacLines(plan.iac).map(({ text, kind }) => ({ text, tone: kind && IAC_TONES[kind] }))
      : []),
  ];
}

/**
 * The plan's lines as the terminal shows them: each wrapped to `columns` the way Ink wraps text, so that the
 * review scrolls over rows, and a screenful of rows is exactly what fits.
 */
export function reviewLines(
  plan: Of<'review'>['plan'],
  columns: number,
): { text: string; tone: string | undefined }[] {
  return planLines(plan).flatMap((l) =>
    l.text === ''
      ? [l]
      : wrapAnsi(l.text, columns, { trim: false, hard: true })
          .split('\n')
          .map((text) => ({ text, tone: l.tone })),
  );
}

/** Rows of the plan the review shows at once: its area less the ↑ and ↓ lines, the summary and the prompt. */
export const reviewRows = (area: number, confirming: boolean) => Math.max(1, area - 3 - (confirming ? 2 : 0));

export function ReviewScreen({
  screen,
  frame: { area, columns, where },
}: ScreenProps<'review'>): ReactElement {
  const color = useColor();
  const rows = reviewRows(area, screen.confirming);
  const lines = reviewLines(screen.plan, columns);
  const shown = lines.slice(screen.scroll, screen.scroll + rows);
  const count = changing(screen.plan).length;
  const blocked = screen.plan.functions.filter((f) => f.blocked).length;
  return (
    <Box flexDirection="column">
      {screen.scroll > 0 && <Text dimColor={color}> ↑ {screen.scroll} more lines</Text>}
      {shown.map((l, i) => (
        <Text key={screen.scroll + i} color={color ? l.tone : undefined} wrap="truncate-end">
          {l.text || ' '}
        </Text>
      ))}
      {screen.scroll + rows < lines.length && (
        <Text dimColor={color}> ↓ {lines.length - screen.scroll - rows} more lines</Text>
      )}
      <Text bold wrap="truncate-end">
        Plan: {count} to migrate, {blocked} blocked, {screen.plan.functions.length - count - blocked}{' '}
        unchanged. Nothing has changed yet.
      </Text>
      {screen.confirming && (
        <Text color={color ? 'yellow' : undefined}>
          Migrate {count} function{count === 1 ? '' : 's'} on {where}? Each is backed up first, journaled, and
          rolled back automatically if a step fails. (y/n)
        </Text>
      )}
      {!screen.confirming && count === 0 && <Text>Nothing to migrate: go back with b, or quit with q.</Text>}
    </Box>
  );
}
