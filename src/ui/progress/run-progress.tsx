import { render } from 'ink';
import { useEffect, useReducer, type ReactElement } from 'react';
import type { ApplyEvent } from '../../core/apply.js';
import { ProgressView } from './ProgressView.js';
import { initialProgress, progressReducer } from './state.js';

/** Something the view can subscribe to: each event once, then the end. */
export interface EventFeed {
  subscribe(onEvent: (e: ApplyEvent) => void, onEnd: () => void): void;
}

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

/** A feed the command pushes events into. */
export function createFeed(): EventFeed & { push(e: ApplyEvent): void; end(): void } {
  let listener: ((e: ApplyEvent) => void) | undefined;
  let ender: (() => void) | undefined;
  const buffer: ApplyEvent[] = [];
  let ended = false;
  return {
    subscribe(onEvent, onEnd) {
      listener = onEvent;
      ender = onEnd;
      buffer.splice(0).forEach(onEvent);
      if (ended) onEnd();
    },
    push(e) {
      if (listener) listener(e);
      else buffer.push(e);
    },
    end() {
      ended = true;
      ender?.();
    },
  };
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
