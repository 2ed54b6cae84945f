import type { ApplyEvent } from '../../core/apply.js';

/** Something the view can subscribe to: each event once, then the end. */
export interface EventFeed {
  subscribe(onEvent: (e: ApplyEvent) => void, onEnd: () => void): void;
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
