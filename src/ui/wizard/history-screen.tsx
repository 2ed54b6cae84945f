import { Box, Text } from 'ink';
import type { ReactElement } from 'react';
import { windowAround } from './choose-screens.js';
import { keyOfCandidate } from './state.js';
import { ALIASES_STAY, backupRuntime, useColor, type ScreenProps } from './frame.js';

/** The journaled migrations: pick some to benchmark against their backup version, or to roll back. */
export function HistoryScreen({
  screen,
  frame: { rows, where, stateDir },
}: ScreenProps<'history'>): ReactElement {
  const color = useColor();
  const errors = screen.errors.map((e) => (
    <Text key={e.journal} color={color ? 'red' : undefined}>
      {e.region}/{e.functionName}: {e.message}
    </Text>
  ));
  if (screen.rows.length === 0)
    return (
      <Box flexDirection="column">
        <Text>No migration is recorded in {stateDir}.</Text>
        {errors}
      </Box>
    );
  // The list leaves room for the highlighted migration's details (up to three lines).
  const [from, to] = windowAround(screen.cursor, screen.rows.length, Math.max(2, rows - 3));
  const current = screen.rows[screen.cursor];
  const n = screen.selected.length;
  const functions = `${n} selected function${n === 1 ? '' : 's'}`;
  const original = backupRuntime(
    screen.rows.filter((r) => screen.selected.includes(keyOfCandidate(r))).map((r) => r.from.runtime),
  );
  return (
    <Box flexDirection="column">
      <Text>
        Migrations recorded in {stateDir} ({screen.rows.length}), {n} selected:
      </Text>
      {screen.rows.slice(from, to).map((r, i) => {
        const here = from + i === screen.cursor;
        const ticked = screen.selected.includes(keyOfCandidate(r));
        return (
          <Text key={keyOfCandidate(r)} inverse={here && color} bold={here && !color} wrap="truncate-end">
            {here ? '›' : ' '} [{ticked ? 'x' : ' '}] {keyOfCandidate(r)} {r.startedAt.slice(0, 16)}{' '}
            {r.from.runtime} {r.from.architecture} → {r.to.runtime} {r.to.architecture} ({r.strategy}):{' '}
            {r.state}
          </Text>
        );
      })}
      {/* Each row is one line; the highlighted one is told in full here. */}
      {current && (
        <Text dimColor={color}>
          {'  '}
          {keyOfCandidate(current)}: {current.state}
          {current.backup?.version ? `; backup version ${current.backup.version}` : ''}
          {current.live && 'agrees' in current.live && !current.live.agrees && !current.reverted
            ? `; now ${current.live.runtime} ${current.live.architecture}: changed outside go-lambda-migrate`
            : ''}
        </Text>
      )}
      {errors}
      {screen.confirming && (
        <Text color={color ? 'yellow' : undefined}>
          {screen.confirming === 'rollback'
            ? `Roll back the ${functions} on ${where} to their recorded state before the migration? ${ALIASES_STAY} (y/n)`
            : `Benchmark the ${functions} on ${where} against their ${original} backup version: 3 cold and 10 warm invocations each; $LATEST's description changes for each cold start and is put back. (y/n)`}
        </Text>
      )}
    </Box>
  );
}
