import { Box, Static, Text } from 'ink';
import type { ReactElement } from 'react';
import type { ProgressState, Row } from './state.js';

const FRAMES = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];
const COLORS = { migrated: 'green', 'rolled-back': 'yellow', failed: 'red', skipped: 'gray' } as const;

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)}s`;

/**
 * A finished function: ✔ for what was asked (migrated; rolled back, when a rollback was asked), – skipped, ✖
 * otherwise (a migration that had to be rolled back is a failure of that migration).
 */
export function FinishedRow({
  row,
  color,
  rollback = false,
}: {
  row: Row;
  color: boolean;
  rollback?: boolean;
}): ReactElement {
  const r = row.result!;
  const ok = r.status === (rollback ? 'rolled-back' : 'migrated');
  const tint = color ? (ok ? 'green' : COLORS[r.status]) : undefined;
  return (
    <Box flexDirection="column">
      <Text>
        <Text color={tint}>{ok ? '✔' : r.status === 'skipped' ? '–' : '✖'} </Text>
        <Text bold>{row.label}</Text>
        <Text color={tint}> {r.status}</Text>
        <Text dimColor={color}> {seconds((row.endedAt ?? row.startedAt) - row.startedAt)}</Text>
      </Text>
      <Box paddingLeft={2}>
        <Text dimColor={color}>{r.message}</Text>
      </Box>
    </Box>
  );
}

/** What both views show: the progress, a title over the live rows, colours or none. */
interface ProgressProps {
  readonly state: ProgressState;
  readonly title: string;
  readonly color?: boolean;
}

/** The rows still working: a spinner, the current step, elapsed time and warnings. */
export function LiveRows({ state, title, color = true }: ProgressProps): ReactElement {
  const frame = FRAMES[Math.floor(state.now / 100) % FRAMES.length];
  return (
    <Box flexDirection="column">
      {state.live.length > 0 && <Text dimColor={color}>{title}</Text>}
      {state.live.map((row) => (
        <Box key={row.key} flexDirection="column">
          <Text>
            <Text color={color ? 'cyan' : undefined}>{frame} </Text>
            <Text bold>{row.label}</Text>
            <Text> {row.step}</Text>
            <Text dimColor={color}> {seconds(state.now - row.startedAt)}</Text>
          </Text>
          {row.warnings.map((w, i) => (
            <Text key={i} color={color ? 'yellow' : undefined}>
              {'  '}warning: {w}
            </Text>
          ))}
        </Box>
      ))}
    </Box>
  );
}

/**
 * A row per function (no colours when `color` is false: --no-color, NO_COLOR): finished rows are written once
 * (Static); rows still working re-render with a spinner, their current step and elapsed time.
 */
export function ProgressView({ state, title, color = true }: ProgressProps): ReactElement {
  return (
    <>
      <Static items={state.finished.map((row) => ({ row, id: row.key }))}>
        {({ row, id }) => (
          <FinishedRow key={id} row={row} color={color} rollback={title === 'rolling back'} />
        )}
      </Static>
      <LiveRows state={state} title={title} color={color} />
    </>
  );
}
