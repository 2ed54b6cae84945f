import { Box, Text } from 'ink';
import type { ReactElement } from 'react';
import { renderBench } from '../bench-text.js';
import { LiveRows } from '../progress/ProgressView.js';
import { spinnerAt, useNow } from './use-now.js';
import type { BenchRow } from './state.js';
import { useColor, type ScreenProps } from './frame.js';

const COLORS = { migrated: 'green', 'rolled-back': 'yellow', failed: 'red', skipped: 'gray' } as const;

export function WorkScreen({
  screen,
  frame: { quitting },
}: ScreenProps<'applying'> | ScreenProps<'rolling-back'>): ReactElement {
  const color = useColor();
  return (
    <Box flexDirection="column">
      <LiveRows
        state={screen.progress}
        title={screen.kind === 'applying' ? 'migrating' : 'rolling back'}
        color={color}
      />
      {quitting ? (
        <Text color={color ? 'yellow' : undefined}>
          Stopping: the functions in flight finish (or roll back); the others are not started. The wizard
          quits then.
        </Text>
      ) : (
        <Text dimColor={color}>Ctrl-C stops after the functions in flight.</Text>
      )}
    </Box>
  );
}

export function DoneScreen({ screen, frame: { where, stateDir } }: ScreenProps<'done'>): ReactElement {
  const color = useColor();
  const count = (status: string) => screen.results.filter((r) => r.status === status).length;
  const migrated = count('migrated');
  return (
    <Box flexDirection="column">
      <Text bold>
        {screen.what === 'migration'
          ? `Migration finished: ${migrated} migrated, ${count('rolled-back')} rolled back, ${count('failed')} failed, ${count('skipped')} skipped.`
          : `Rollback finished: ${count('rolled-back')} rolled back, ${count('failed')} failed, ${count('skipped')} skipped.`}
      </Text>
      {screen.results.map((r) => (
        <Text key={`${r.region}/${r.functionName}`}>
          <Text color={color ? COLORS[r.status] : undefined}>{r.status.padEnd(11)}</Text> {r.region}/
          {r.functionName}: {r.message}
        </Text>
      ))}
      {screen.stopped && (
        <Text color={color ? 'yellow' : undefined}>
          Lambda no longer accepts go1.x for some of them: they run their original binary on provided.*
          (x86_64) and the message names the published backup version to point an alias at.
        </Text>
      )}
      <Text dimColor={color}>
        Journals and backups are in {stateDir}; `go-lambda-migrate history` lists them.
      </Text>
      {screen.confirming && (
        <Text color={color ? 'yellow' : undefined}>
          {screen.confirming === 'promote'
            ? `Move every alias of the ${migrated} migrated function${migrated === 1 ? '' : 's'} on ${where} to the new code: publish $LATEST, then send the alias all its traffic (y) or 10% of it (c)? Undo with promote --to-version.`
            : screen.confirming === 'rollback'
              ? `Roll back the ${migrated} migrated function${migrated === 1 ? '' : 's'} on ${where} to go1.x, their original handler, architecture and code? (y/n)`
              : `Benchmark the ${migrated} migrated function${migrated === 1 ? '' : 's'} on ${where} against the go1.x backup version apply published: 3 cold and 10 warm invocations each, with the event; $LATEST's description changes for each cold start and is put back. (y/n)`}
        </Text>
      )}
    </Box>
  );
}

export function FailedScreen({ screen }: ScreenProps<'failed'>): ReactElement {
  const color = useColor();
  return (
    <Box flexDirection="column">
      <Text color={color ? 'red' : undefined}>error: {screen.message}</Text>
      {screen.hint && <Text>hint: {screen.hint}</Text>}
    </Box>
  );
}

export function BenchResult({ row }: { row: BenchRow }): ReactElement {
  const color = useColor();
  return (
    <Box flexDirection="column" marginBottom={1}>
      <Text bold>
        {row.key}
        {row.against ? ` against ${row.against}` : ' (no backup version to compare with)'}
      </Text>
      {row.error && <Text color={color ? 'red' : undefined}>error: {row.error}</Text>}
      {row.report && <Text>{renderBench(row.report)}</Text>}
      {row.report?.warnings.map((w) => (
        <Text key={w} color={color ? 'yellow' : undefined}>
          warning: {w}
        </Text>
      ))}
    </Box>
  );
}

/** The benchmark running now (finished ones are printed above the screen, by the wizard's one Static). */
export function BenchScreen({ screen }: ScreenProps<'benchmarking'>): ReactElement {
  const color = useColor();
  const now = useNow();
  const running = screen.rows.filter((r) => !r.report && !r.error);
  return (
    <Box flexDirection="column">
      {running.map((r) => (
        <Text key={r.key}>
          <Text color={color ? 'cyan' : undefined}>{spinnerAt(now)}</Text> <Text bold>{r.key}</Text>
          {r.against ? ` against ${r.against}` : ''}:{' '}
          {r.total > 0 ? `${r.done}/${r.total} invocations` : 'starting'}
        </Text>
      ))}
      {!screen.listed && (
        <Text>
          <Text color={color ? 'cyan' : undefined}>{spinnerAt(now)}</Text> finding the backup versions
        </Text>
      )}
      {screen.listed && running.length === 0 && <Text>Benchmarks done: the tables are above.</Text>}
    </Box>
  );
}

/** Each alias moved, or why not. */
export function PromoteScreen({ screen }: ScreenProps<'promoting'>): ReactElement {
  const color = useColor();
  const now = useNow();
  return (
    <Box flexDirection="column">
      <Text>
        Moving the aliases of the migrated functions (each publish and alias update guarded by RevisionId):
      </Text>
      {screen.rows.map((r) => (
        <Text key={r.key}>
          <Text color={color ? (r.ok ? 'green' : 'red') : undefined}>{r.ok ? '✔' : '✖'}</Text>{' '}
          <Text bold>{r.key}</Text> {r.text}
        </Text>
      ))}
      {!screen.finished && <Text color={color ? 'cyan' : undefined}>{spinnerAt(now)}</Text>}
    </Box>
  );
}
