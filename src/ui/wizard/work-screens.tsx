import { Box, Text, useStdout } from 'ink';
import type { ReactElement } from 'react';
import { benchLines } from '../bench-view.js';
import { BenchBlocks, StyledLine } from '../bench/BenchBlocks.js';
import { LiveRows } from '../progress/ProgressView.js';
import { spinnerAt, useNow } from './use-now.js';
import { benchFailing, type BenchRow } from './state.js';
import { ALIASES_STAY, backupRuntime, useColor, type ScreenProps } from './frame.js';

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

export function DoneScreen({ screen, frame: { where, stateDir, area } }: ScreenProps<'done'>): ReactElement {
  const color = useColor();
  const count = (status: string) => screen.results.filter((r) => r.status === status).length;
  const migrated = count('migrated');
  const original = backupRuntime(
    screen.results.filter((r) => r.status === 'migrated').map((r) => r.fromRuntime),
  );
  // The prompt and the notes come first; the results fill what is left (each is in the scrollback above too).
  const room = Math.max(1, area - 3 - (screen.confirming ? 3 : 0) - (screen.stopped ? 2 : 0));
  const shown = screen.results.length > room ? screen.results.slice(0, room - 1) : screen.results;
  return (
    <Box flexDirection="column">
      <Text bold wrap="truncate-end">
        {screen.what === 'migration'
          ? `Migration finished: ${migrated} migrated, ${count('rolled-back')} rolled back, ${count('failed')} failed, ${count('skipped')} skipped.`
          : `Rollback finished: ${count('rolled-back')} rolled back, ${count('failed')} failed, ${count('skipped')} skipped.`}
      </Text>
      {shown.map((r) => (
        <Text key={`${r.region}/${r.functionName}`} wrap="truncate-end">
          <Text color={color ? COLORS[r.status] : undefined}>{r.status.padEnd(11)}</Text> {r.region}/
          {r.functionName}: {r.message}
        </Text>
      ))}
      {shown.length < screen.results.length && (
        <Text dimColor={color}> … and {screen.results.length - shown.length} more, listed above</Text>
      )}
      {screen.stopped && (
        <Text color={color ? 'yellow' : undefined}>
          Lambda no longer accepts go1.x for some of them: they run their original binary on provided.*
          (x86_64) and the message names the published backup version to point an alias at.
        </Text>
      )}
      <Text dimColor={color} wrap="truncate-end">
        Journals and backups are in {stateDir}; `go-lambda-migrate history` lists them.
      </Text>
      {screen.confirming && (
        <Text color={color ? 'yellow' : undefined}>
          {screen.confirming === 'promote'
            ? `Move every alias of the ${migrated} migrated function${migrated === 1 ? '' : 's'} on ${where} to the new code: publish $LATEST, then send the alias all its traffic (y) or 10% of it (c)? Undo with promote --to-version.`
            : screen.confirming === 'rollback'
              ? `Roll back the ${migrated} migrated function${migrated === 1 ? '' : 's'} on ${where} to ${original === 'original' ? 'their original runtime' : original}, their original handler, architecture and code? ${ALIASES_STAY} (y/n)`
              : `Benchmark the ${migrated} migrated function${migrated === 1 ? '' : 's'} on ${where} against the ${original} backup version apply published: 3 cold and 10 warm invocations each, with the event; $LATEST's description changes for each cold start and is put back. (y/n)`}
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
  const { stdout } = useStdout();
  const width = Math.max(60, (stdout.columns || 80) - 1);
  const b = row.live;
  return (
    <Box flexDirection="column" marginBottom={1}>
      <Text bold wrap="truncate-end">
        {row.key}
        {b.against ? ` against ${b.against}` : ' (nothing to compare with)'}
      </Text>
      {benchLines(b, b.lastAt, width, true).map((line, i) => (
        <StyledLine key={i} line={line} color={color} />
      ))}
    </Box>
  );
}

/** The benchmarks running now, live (finished ones are printed above the screen, by the wizard's one Static). */
export function BenchScreen({ screen, frame }: ScreenProps<'benchmarking'>): ReactElement {
  const color = useColor();
  const now = useNow(250);
  const { stdout } = useStdout();
  const running = screen.rows.filter((r) => !r.live.report && !r.live.failed);
  const failing = screen.rows.filter(benchFailing);
  return (
    <Box flexDirection="column">
      {!screen.listed && (
        <Text>
          <Text color={color ? 'cyan' : undefined}>{spinnerAt(now)}</Text>{' '}
          {screen.request.kind === 'backup'
            ? 'finding the backup versions'
            : 'preparing the candidates (and native builds where arm64 is emulated)'}
        </Text>
      )}
      <BenchBlocks
        benches={running.map((r) => r.live)}
        now={now}
        width={Math.max(60, (stdout.columns || 80) - 1)}
        rows={Math.max(4, frame.rows + 2)}
        color={color}
      />
      {screen.listed && running.length === 0 && failing.length === 0 && (
        <Text>Benchmarks done: the reports are above.</Text>
      )}
      {screen.listed && running.length === 0 && failing.length > 0 && !screen.asking && (
        <Text color={color ? 'red' : undefined} wrap="wrap">
          {failing.map((r) => r.key).join(', ')}: invocations failed with this event, so there is no
          comparison. Give an event the function accepts.
        </Text>
      )}
      {screen.asking && (
        <Box flexDirection="column">
          <Text>
            Event (JSON, or the path of a JSON file), enter to run, esc to cancel:{' '}
            <Text color={color ? 'cyan' : undefined}>{screen.asking.text}</Text>
            <Text inverse> </Text>
          </Text>
          {screen.asking.error && <Text color={color ? 'red' : undefined}>{screen.asking.error}</Text>}
        </Box>
      )}
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
