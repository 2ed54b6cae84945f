import { useCallback, useReducer, useRef } from 'react';
import type { ApplyEvent, ApplyResult } from '../../core/apply.js';
import type { FunctionRef } from '../../core/ports.js';
import { UserError } from '../../errors.js';
import type { WizardChoices, WizardServices } from './services.js';
import type { ManyBenchEvent } from '../../core/benchmark.js';
import { initialWizard, wizardReducer, type BenchRequest, type WizardAction } from './state.js';

type WorkStream = AsyncIterable<ApplyEvent | { type: 'done'; results: ApplyResult[]; stopped?: boolean }>;

/** How often a running benchmark's events reach the screen. */
export const BENCH_FLUSH_MS = 125;

/** An error as the wizard shows it: the user's own, or a bug with where to report it. */
export function errorText(e: unknown): { message: string; hint: string | undefined } {
  if (e instanceof UserError) return { message: e.message, hint: e.hint };
  const err = e as Error;
  return {
    message: `go-lambda-migrate hit a bug: ${err.message}`,
    hint: `Please report it with what you did and this: ${err.stack?.split('\n').slice(0, 3).join(' ')}`,
  };
}

/**
 * The wizard's state and its work: one reducer, and a queue of jobs (scan, plan, migrate or roll back,
 * benchmark, promote) that each consume one of the services' event streams and dispatch what they see.
 */
export function useWizardWork(services: WizardServices, choices: WizardChoices) {
  const [state, dispatchToReact] = useReducer(wizardReducer, choices, initialWizard);
  const abort = useRef<AbortController | undefined>(undefined);
  // The state after every action dispatched so far, ahead of React's next render: keys typed faster than a
  // frame must meet the screen their earlier keys led to (Enter then y confirms the plan just shown).
  const latest = useRef(state);
  const dispatch = useCallback((action: WizardAction) => {
    latest.current = wizardReducer(latest.current, action);
    dispatchToReact(action);
  }, []);

  // Work runs one job after another. A job's first screen change is dispatched before it is queued, so a
  // key pressed twice cannot start it twice, and a key pressed while the last job winds down is not lost.
  const queue = useRef<Promise<void>>(Promise.resolve());
  const run = useCallback(
    (work: () => Promise<void>) => {
      queue.current = queue.current.then(() =>
        work().catch((e: unknown) => dispatch({ type: 'failed', ...errorText(e) })),
      );
      return queue.current;
    },
    [dispatch],
  );

  const scan = useCallback(() => {
    dispatch({ type: 'scan-start', regions: 0 });
    return run(async () => {
      // Who the calls are made as is asked while the regions are listed and read (one STS call): it is on
      // screen as soon as it is known, and always before the list of functions.
      const who = services.identity().then(
        (arn) => ({ arn }),
        (e: unknown) => ({ error: e instanceof Error ? e.message : String(e) }),
      );
      const regions = await services.regions();
      let shown = false;
      const showWho = async () => {
        if (!shown) dispatch({ type: 'identity', who: await who, regions });
        shown = true;
      };
      void who.then(showWho);
      dispatch({ type: 'scan-start', regions: regions.length });
      for await (const event of services.scan(regions)) {
        if (event.type === 'done') await showWho();
        dispatch({ type: 'scan-event', event });
      }
    });
  }, [run, services, dispatch]);

  const plan = (refs: FunctionRef[]) => {
    dispatch({ type: 'plan-start', refs });
    return run(async () => {
      for await (const e of services.plan(refs, latest.current.choices)) {
        if (e.type === 'done') dispatch({ type: 'plan-done', plan: e.plan });
        else dispatch({ type: 'plan-event', event: e });
      }
    });
  };

  const work = (what: 'migration' | 'rollback', stream: (signal: AbortSignal) => WorkStream) => {
    const controller = new AbortController();
    abort.current = controller;
    dispatch({ type: 'work-start', what, at: Date.now() });
    return run(async () => {
      const timer = setInterval(() => dispatch({ type: 'tick', at: Date.now() }), 100);
      try {
        for await (const e of stream(controller.signal)) {
          if (e.type === 'done')
            dispatch({ type: 'work-done', what, results: e.results, stopped: e.stopped === true });
          else dispatch({ type: 'work-event', event: e, at: Date.now() });
        }
      } finally {
        clearInterval(timer);
        if (abort.current === controller) abort.current = undefined;
      }
    });
  };

  /**
   * Benchmarks functions a few at a time. Events are handed to the reducer in batches every BENCH_FLUSH_MS:
   * samples arrive faster than a screen is worth redrawing.
   */
  const bench = (request: BenchRequest, event?: Buffer) => {
    const controller = new AbortController();
    abort.current = controller;
    dispatch({ type: 'bench-start', request });
    return run(async () => {
      let pending: ManyBenchEvent[] = [];
      const flush = () => {
        if (pending.length === 0) return;
        dispatch({ type: 'bench-events', events: pending, at: Date.now() });
        pending = [];
      };
      const timer = setInterval(flush, BENCH_FLUSH_MS);
      try {
        for await (const e of services.bench(request, controller.signal, event)) {
          pending.push(e);
          if (e.type !== 'event' || e.event.type !== 'sample') flush();
        }
      } finally {
        clearInterval(timer);
        flush();
        if (abort.current === controller) abort.current = undefined;
      }
    });
  };

  /** Moves every alias of each function to its migrated code: all the traffic, or `weight` of it. */
  const promote = (refs: FunctionRef[], weight?: number) => {
    dispatch({ type: 'promote-start' });
    return run(async () => {
      for await (const event of services.promote(refs, weight)) dispatch({ type: 'promote-event', event });
    });
  };

  return { state, latest, dispatch, abort, run, scan, plan, work, bench, promote };
}
