import { render } from 'ink';
import { useEffect, useReducer, type ReactElement } from 'react';
import type { EventFeed } from './feed.js';
import { ProgressView } from './ProgressView.js';
import { initialProgress, progressReducer } from './state.js';

function Live({
  feed,
  title,
  color,
  onDone,
}: {
  feed: EventFeed;
  title: string;
  color: boolean;
  onDone: () => void;
}): ReactElement {
  const [state, dispatch] = useReducer(progressReducer, Date.now(), initialProgress);
  useEffect(() => {
    const timer = setInterval(() => dispatch({ type: 'tick', at: Date.now() }), 100);
    feed.subscribe(
      (event) => dispatch({ type: 'event', event, at: Date.now() }),
      () => {
        clearInterval(timer);
        onDone();
      },
    );
    return () => clearInterval(timer);
  }, [feed, onDone]);
  return <ProgressView state={state} title={title} color={color} />;
}

/** Renders the progress view on `stream` (stderr) until the feed ends. */
export async function showProgress(
  feed: EventFeed,
  title: string,
  stream: NodeJS.WriteStream,
  color = true,
): Promise<void> {
  let finish!: () => void;
  const done = new Promise<void>((r) => (finish = r));
  const app = render(<Live feed={feed} title={title} color={color} onDone={() => finish()} />, {
    stdout: stream,
    patchConsole: false,
  });
  await done;
  await new Promise((r) => setTimeout(r, 50));
  app.unmount();
  await app.waitUntilExit();
}
