import { render } from 'ink-testing-library';
import { describe, expect, it } from 'vitest';
import { ProgressView } from '../../src/ui/progress/ProgressView.js';
import { initialProgress, progressReducer, type ProgressState } from '../../src/ui/progress/state.js';
import type { ApplyEvent } from '../../src/core/apply.js';

const ref = (name: string) => ({ region: 'eu-west-1', name });
const fold = (events: ApplyEvent[], start = 1000): ProgressState =>
  events.reduce<ProgressState>(
    (s, event, i) => progressReducer(s, { type: 'event', event, at: start + i * 500 }),
    initialProgress(start),
  );

describe('the apply progress view', () => {
  it('the reducer keeps live rows with their current step and moves finished ones out, in order', () => {
    const s = fold([
      { type: 'function-start', ref: ref('a') },
      { type: 'function-start', ref: ref('b') },
      { type: 'step-start', ref: ref('a'), step: 'bridge' },
      { type: 'warn', ref: ref('b'), message: 'no bridge' },
      {
        type: 'function-done',
        ref: ref('b'),
        result: { functionName: 'b', region: 'eu-west-1', status: 'failed', message: 'boom', journal: 'j' },
      },
    ]);
    expect(s.live.map((r) => [r.label, r.step])).toEqual([['eu-west-1/a', 'bridge']]);
    expect(s.finished.map((r) => [r.label, r.result!.status, r.warnings])).toEqual([
      ['eu-west-1/b', 'failed', ['no bridge']],
    ]);
    expect(progressReducer(s, { type: 'tick', at: 9999 }).now).toBe(9999);
  });

  it('renders live rows with a spinner, step and elapsed time, and finished rows once', () => {
    const running = fold([
      { type: 'function-start', ref: ref('orders') },
      { type: 'step-start', ref: ref('orders'), step: 'configuration' },
    ]);
    const { lastFrame, rerender } = render(<ProgressView state={running} title="migrating" />);
    expect(lastFrame()).toMatch(/migrating/);
    expect(lastFrame()).toMatch(/eu-west-1\/orders configuration 0\.5s/);
    const done = progressReducer(running, {
      type: 'event',
      at: 4000,
      event: {
        type: 'function-done',
        ref: ref('orders'),
        result: {
          functionName: 'orders',
          region: 'eu-west-1',
          status: 'migrated',
          message: 'go1.x x86_64 → provided.al2023 arm64 (rebuild)',
          journal: 'j',
        },
      },
    });
    rerender(<ProgressView state={done} title="migrating" />);
    expect(lastFrame()).toContain('✔ eu-west-1/orders migrated 3.0s');
    expect(lastFrame()).toContain('provided.al2023 arm64');
    expect(lastFrame()).not.toContain('migrating');
  });

  it('a rolled-back function is a ✔ when a rollback was asked, and a ✖ when a migration had to roll back', () => {
    const done = fold([
      { type: 'function-start', ref: ref('orders') },
      {
        type: 'function-done',
        ref: ref('orders'),
        result: {
          functionName: 'orders',
          region: 'eu-west-1',
          status: 'rolled-back',
          message: 'back',
          journal: 'j',
        },
      },
    ]);
    expect(render(<ProgressView state={done} title="rolling back" />).lastFrame()).toMatch(
      /✔ eu-west-1\/orders rolled-back/,
    );
    expect(render(<ProgressView state={done} title="migrating" />).lastFrame()).toMatch(
      /✖ eu-west-1\/orders rolled-back/,
    );
  });
});
