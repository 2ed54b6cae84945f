import { render } from 'ink';
import { useEffect, useState, type ReactElement } from 'react';
import type { BenchEvent } from '../../core/benchmark.js';
import { newLiveBench, reduceLiveBench, type LiveBench } from '../bench-view.js';
import { BenchBlocks } from './BenchBlocks.js';

/** How often the live screen redraws at most: a long run's samples arrive faster than anyone reads. */
export const REDRAW_MS = 200;

/** The latest state, pulled at REDRAW_MS: events update a plain object, React sees it at that pace. */
function Live({
  read,
  color,
  stream,
}: {
  read: () => LiveBench;
  color: boolean;
  stream: NodeJS.WriteStream;
}): ReactElement {
  const [, setTick] = useState(0);
  useEffect(() => {
    const timer = setInterval(() => setTick((t) => t + 1), REDRAW_MS);
    return () => clearInterval(timer);
  }, []);
  const now = Date.now();
  return (
    <BenchBlocks
      benches={[read()]}
      now={now}
      width={Math.max(40, (stream.columns || 80) - 1)}
      rows={Math.max(6, (stream.rows || 24) - 2)}
      color={color}
    />
  );
}

/**
 * Draws a benchmark's live block on `stream` (a terminal) while `events` run, and passes every event on.
 * The block is erased at the end: the command prints its report after.
 */
export async function* withLiveView(
  key: string,
  events: AsyncIterable<BenchEvent>,
  stream: NodeJS.WriteStream,
  color: boolean,
): AsyncGenerator<BenchEvent> {
  let state = newLiveBench(key, null, Date.now());
  const app = render(<Live read={() => state} color={color} stream={stream} />, {
    stdout: stream,
    exitOnCtrlC: false,
    patchConsole: false,
    maxFps: 1000 / REDRAW_MS,
  });
  try {
    for await (const e of events) {
      state = reduceLiveBench(state, e, Date.now());
      yield e;
    }
  } finally {
    app.clear();
    app.unmount();
  }
}
