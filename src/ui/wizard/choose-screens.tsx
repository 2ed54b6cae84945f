import { Box, Text } from 'ink';
import type { ReactElement } from 'react';
import { functionLines, type LineKind } from '../plan-text.js';
import { iacLines, type IacLineKind } from '../iac-text.js';
import wrapAnsi from 'wrap-ansi';
import { blockText } from '../plan-words.js';
import { changing, keyOfCandidate, visibleCandidates, type Inspection } from './state.js';
import { revertedText, type Candidate } from '../../core/scan.js';
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

/**
 * Candidates by region, the biggest first, with how many of each are selected when not all are:
 * "3 regions: us-east-1 312 (40 selected) · eu-west-1 120 · ap-south-1 4 (none selected)".
 */
export function regionCounts(candidates: readonly Candidate[], selected: readonly string[]): string {
  const counts = new Map<string, { n: number; selected: number }>();
  const chosen = new Set(selected);
  for (const c of candidates) {
    const r = counts.get(c.region) ?? { n: 0, selected: 0 };
    counts.set(c.region, { n: r.n + 1, selected: r.selected + (chosen.has(keyOfCandidate(c)) ? 1 : 0) });
  }
  const some = (r: { n: number; selected: number }) =>
    r.selected === r.n ? '' : r.selected === 0 ? ' (none selected)' : ` (${r.selected} selected)`;
  const regions = [...counts]
    .sort((a, b) => b[1].n - a[1].n || (a[0] < b[0] ? -1 : 1))
    .map(([region, r]) => `${region} ${r.n}${some(r)}`);
  return `${regions.length} region${regions.length === 1 ? '' : 's'}: ${regions.join(' · ')}`;
}

/** The region counts as the select screen shows them: wrapped to `columns`, two rows at most. */
function regionRows(s: Of<'select'>, columns: number): string[] {
  const rows = wrapAnsi(regionCounts(s.candidates, s.selected), columns, { hard: true }).split('\n');
  return rows.length <= 2 ? rows : [rows[0]!, `${rows[1]!.slice(0, columns - 1)}…`];
}

/** Lines of the select screen around its list: title, regions, filter, ↑ and ↓, details (3), legends, notice. */
function selectChrome(s: Of<'select'>, columns: number): number {
  const legends =
    (s.candidates.some((c) => c.reverted) ? 1 : 0) + (s.candidates.some((c) => c.interrupted) ? 1 : 0);
  const filter = s.filter || s.typing ? 1 : 0;
  return 1 + regionRows(s, columns).length + filter + 2 + 3 + legends + (s.notice ? 1 : 0);
}

/** Rows the select screen's list gets in an area of `area` rows (the page of pgup and pgdn). */
export const selectRows = (s: Of<'select'>, area: number, columns: number) =>
  Math.max(2, area - selectChrome(s, columns));

const megabytes = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

/** The highlighted function in three lines: its configuration, its owner and age, what its binary is. */
function Details({ c, inspection }: { c: Candidate; inspection: Inspection | undefined }): ReactElement {
  const color = useColor();
  const modified = c.lastModified
    ? c.lastModified.replace('T', ' ').replace(/:\d\d(\.\d+)?\+0000$/, ' UTC')
    : '?';
  const binary =
    inspection === undefined
      ? 'binary: not inspected (i downloads the code and inspects it)'
      : inspection.state === 'pending'
        ? 'binary: inspecting…'
        : `binary: ${inspection.text}`;
  return (
    <Box flexDirection="column">
      <Text bold wrap="truncate-end">
        {keyOfCandidate(c)} · {c.runtime} {c.architectures.join(',')} · handler {c.handler ?? '-'} ·{' '}
        {c.memorySize} MB · {c.timeout} s · code {megabytes(c.codeSize)}
      </Text>
      <Text wrap="truncate-end">
        {'  '}owner: {c.managedBy ?? 'none found in its tags'} · last modified {modified}
        {c.interrupted ? ` · interrupted: ${c.interrupted}` : ''}
        {c.reverted ? ` · ${revertedText(c)}` : ''}
      </Text>
      <Text
        wrap="truncate-end"
        color={color && inspection?.state === 'done' ? (inspection.ok ? 'green' : 'yellow') : undefined}
        dimColor={color && inspection === undefined}
      >
        {'  '}
        {binary}
      </Text>
    </Box>
  );
}

export function SelectScreen({ screen, frame: { area, columns } }: ScreenProps<'select'>): ReactElement {
  const color = useColor();
  if (screen.candidates.length === 0) {
    return <Text>No go1.x, provided.al2 or provided function was found. Nothing to migrate.</Text>;
  }
  const rows = selectRows(screen, area, columns);
  const shown = visibleCandidates(screen);
  const cursor = Math.min(screen.cursor, Math.max(0, shown.length - 1));
  const [from, to] = windowAround(cursor, shown.length, rows);
  const name = Math.min(40, Math.max(8, ...shown.slice(from, to).map((c) => keyOfCandidate(c).length)));
  // The handler gets what it needs (24 at most) when the owner still fits after it, else what is left once
  // 12 columns are kept for the owner: the details below show both in full.
  const page = shown.slice(from, to);
  const wanted = Math.min(24, Math.max(7, ...page.map((c) => (c.handler ?? '').length)));
  const owner = Math.max(0, ...page.map((c) => (c.managedBy ?? '').length));
  const room = columns - (6 + name + 1 + 13 + 8);
  const handler =
    room >= wanted + 1 + owner ? wanted : Math.max(7, Math.min(wanted, room - 1 - Math.min(owner, 12)));
  const total = screen.candidates.length;
  const hidden =
    screen.selected.length - shown.filter((c) => screen.selected.includes(keyOfCandidate(c))).length;
  const highlighted = shown[cursor];
  return (
    <Box flexDirection="column">
      <Text wrap="truncate-end">
        {screen.filter
          ? `${shown.length} of ${total} candidates match "${screen.filter}", ${screen.selected.length} selected${hidden > 0 ? ` (${hidden} not listed)` : ''}:`
          : `${total} candidate${total === 1 ? '' : 's'}, ${screen.selected.length} selected (go1.x ones are selected to start with):`}
      </Text>
      {regionRows(screen, columns).map((line, i) => (
        <Text key={`regions-${i}`} dimColor={color} wrap="truncate-end">
          {line}
        </Text>
      ))}
      {(screen.filter || screen.typing) && (
        <Text color={color ? 'cyan' : undefined} wrap="truncate-end">
          filter: {screen.filter}
          {screen.typing ? '▏' : ''}
        </Text>
      )}
      <Text dimColor={color}>{from > 0 ? ` ↑ ${from} more` : ' '}</Text>
      {shown.length === 0 && <Text>No candidate matches the filter: esc clears it.</Text>}
      {shown.slice(from, to).map((c, i) => {
        const here = from + i === cursor;
        const ticked = screen.selected.includes(keyOfCandidate(c));
        return (
          <Text key={keyOfCandidate(c)} inverse={here && color} bold={here && !color} wrap="truncate-end">
            {here ? '›' : ' '} [{ticked ? 'x' : ' '}] {cell(keyOfCandidate(c), name)} {cell(c.runtime, 12)}{' '}
            {cell(c.architectures.join(','), 7)}{' '}
            {c.interrupted
              ? 'interrupted'
              : c.reverted
                ? `reverted by a deploy${c.managedBy ? ` of ${c.managedBy}` : ''}`
                : `${cell(c.handler ?? '', handler)} ${c.managedBy ?? ''}`}
          </Text>
        );
      })}
      <Text dimColor={color}>{to < shown.length ? ` ↓ ${shown.length - to} more` : ' '}</Text>
      {highlighted ? (
        <Details c={highlighted} inspection={screen.inspected[keyOfCandidate(highlighted)]} />
      ) : null}
      {screen.candidates.some((c) => c.reverted) && (
        <Text color={color ? 'yellow' : undefined} wrap="truncate-end">
          reverted: a deploy put the old runtime back; migrate again (the plan patches its definition)
        </Text>
      )}
      {screen.candidates.some((c) => c.interrupted) && (
        <Text color={color ? 'yellow' : undefined} wrap="truncate-end">
          interrupted: left halfway; planning it finishes it from its journal
        </Text>
      )}
      {screen.notice && (
        <Text color={color ? 'yellow' : undefined} wrap="truncate-end">
          {screen.notice}
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
