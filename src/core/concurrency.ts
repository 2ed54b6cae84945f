/** Runs `fn` over `items` with at most `limit` at once; results keep the input order. */
export async function mapLimit<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const workers = Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, async () => {
    for (let i = next++; i < items.length; i = next++) out[i] = await fn(items[i]!, i);
  });
  await Promise.all(workers);
  return out;
}

/**
 * A gate: at most `limit` of the tasks given to it run at once, the others start in order as those end.
 * The limit can change while tasks wait (a raised one starts them at once).
 */
export class Limiter {
  private running = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(private limit: number) {}

  /** Changes the limit; a raised one starts waiting tasks at once. */
  setLimit(n: number): void {
    this.limit = n;
    this.startWaiting();
  }

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.running < Math.max(1, this.limit)) this.running++;
    else await new Promise<void>((resolve) => this.waiting.push(resolve));
    try {
      return await task();
    } finally {
      this.running--;
      this.startWaiting();
    }
  }

  private startWaiting(): void {
    while (this.running < Math.max(1, this.limit) && this.waiting.length > 0) {
      this.running++;
      this.waiting.shift()!();
    }
  }
}

/** An async queue of events fed by concurrent producers and read with `for await`. */
export class EventChannel<E> {
  private readonly buffer: E[] = [];
  private waiting: ((r: IteratorResult<E>) => void) | undefined;
  private closed = false;

  push(event: E): void {
    if (this.waiting) {
      const w = this.waiting;
      this.waiting = undefined;
      w({ value: event, done: false });
    } else this.buffer.push(event);
  }

  close(): void {
    this.closed = true;
    if (this.waiting) this.waiting({ value: undefined, done: true });
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<E> {
    for (;;) {
      if (this.buffer.length > 0) yield this.buffer.shift()!;
      else if (this.closed) return;
      else {
        const r = await new Promise<IteratorResult<E>>((resolve) => (this.waiting = resolve));
        if (r.done) return;
        yield r.value;
      }
    }
  }
}
