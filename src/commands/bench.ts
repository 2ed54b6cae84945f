import { benchmark, type BenchReport } from '../core/benchmark.js';
import type { FunctionRef } from '../core/ports.js';
import { intOption } from '../cli/options.js';
import { UsageError } from '../errors.js';
import { lambdaPortFor, singleRegion } from './aws-context.js';
import { renderBench, renderBenchCsv, renderBenchMarkdown } from '../ui/bench-text.js';
import type { Command, CommandContext } from './command.js';
import { confirmMutation } from './confirm.js';
import { readEventFile } from './event-file.js';
import { createBenchUndo } from '../state/bench-undo.js';
import { locksFor } from './state.js';

/** `NAME` or `NAME:QUALIFIER` (a version number or an alias). */
function parseTarget(raw: string, region: string): FunctionRef {
  const m = /^([A-Za-z0-9_-]{1,64})(?::([A-Za-z0-9_$-]{1,128}))?$/.exec(raw);
  if (!m) throw new UsageError(`'${raw}' is not a function name, or NAME:QUALIFIER.`);
  return { region, name: m[1]!, ...(m[2] && { qualifier: m[2] }) };
}

export const benchCommand: Command = {
  name: 'bench',
  usage: 'go-lambda-migrate bench FUNCTION[:QUALIFIER] [--vs FUNCTION[:QUALIFIER]] [--cold N] [--warm N]',
  summary: 'cold and warm benchmark: duration, billed duration, memory, init, cost',
  details:
    'Invokes the function (and the --vs one, taking turns) with the event and reads each REPORT line.\n' +
    'Cold starts of $LATEST are forced by changing its Description (and MemorySize with --memory), which is\n' +
    'put back at the end; live traffic to $LATEST meets those new environments too. A published version cannot\n' +
    'change: its cold starts are only those observed. Needs confirmation (--yes without a terminal).',
  options: [
    {
      name: 'vs',
      type: 'string',
      value: 'FUNCTION',
      description: 'compare with this function, version or alias (NAME:QUALIFIER)',
    },
    { name: 'cold', type: 'string', value: 'N', description: 'cold invocations per function (default 5)' },
    { name: 'warm', type: 'string', value: 'N', description: 'warm invocations per function (default 20)' },
    { name: 'event', type: 'string', value: 'FILE', description: 'JSON event to send (default {})' },
    {
      name: 'memory',
      type: 'string',
      value: 'MB',
      description: 'memory size to measure at ($LATEST only; put back after)',
    },
    { name: 'csv', type: 'boolean', description: 'every invocation as CSV on stdout' },
    { name: 'markdown', type: 'boolean', description: 'the summary as a Markdown table' },
  ],
  async run(ctx: CommandContext): Promise<number> {
    if (ctx.positionals.length !== 1)
      throw new UsageError('name one function to benchmark (and --vs another).');
    const cold = intOption(ctx.values, 'cold', 0, 100) ?? 5;
    const warm = intOption(ctx.values, 'warm', 0, 1000) ?? 20;
    if (cold + warm === 0) throw new UsageError('--cold and --warm are both 0: there is nothing to measure.');
    const memoryMb = intOption(ctx.values, 'memory', 128, 10240);
    const event = await readEventFile(ctx.values.event as string | undefined);
    const lambda = lambdaPortFor(ctx.globals);
    const region = await singleRegion(ctx.globals, lambda);
    const refs = [ctx.positionals[0]!, ...(ctx.values.vs ? [ctx.values.vs as string] : [])].map((r) =>
      parseTarget(r, region),
    );
    const names = refs.map((r) => `${r.name}${r.qualifier ? `:${r.qualifier}` : ''}`).join(' and ');
    await confirmMutation(
      ctx,
      `Invoke ${names} ${cold + warm} times each with the event` +
        (cold > 0 ? ", changing $LATEST's description for each cold start (put back at the end)" : '') +
        '?',
    );
    let report: BenchReport | undefined;
    const log = (line: string) => ctx.stderr.write(`${line}\n`);
    // Ctrl-C stops the invocations and puts back what was changed; a second one ends at once (the undo file
    // in the state folder then lets the next bench of the function put it back).
    const stop = new AbortController();
    const signals = ['SIGINT', 'SIGTERM'] as const;
    const onSignal = () => {
      // The next signal takes its default action: the process ends.
      signals.forEach((sig) => process.off(sig, onSignal));
      log('stopping: putting back the description and memory size (Ctrl-C again to quit at once)');
      stop.abort();
    };
    signals.forEach((sig) => process.on(sig, onSignal));
    try {
      for await (const e of benchmark(lambda, refs, {
        cold,
        warm,
        event,
        signal: stop.signal,
        undo: createBenchUndo(ctx.globals.stateDir),
        locks: locksFor(ctx),
        ...(memoryMb !== undefined && { memoryMb }),
      })) {
        switch (e.type) {
          case 'setup':
            log(`${e.target}: ${e.message}`);
            break;
          case 'sample': {
            const s = e.sample;
            if (s.kind === 'cold' || e.done % 10 === 0 || e.done === e.total)
              log(
                `[${e.done}/${e.total}] ${s.target} ${s.kind}: ${s.durationMs.toFixed(2)} ms` +
                  `${s.initMs !== null ? `, init ${s.initMs.toFixed(2)} ms` : ''}, ${s.maxMemoryMb} MB${s.error ? `, error ${s.error}` : ''}`,
              );
            break;
          }
          case 'warn':
            log(`warning: ${e.message}`);
            break;
          case 'done':
            report = e.report;
            break;
        }
      }
    } finally {
      signals.forEach((sig) => process.off(sig, onSignal));
    }
    const r = report!;
    if (ctx.globals.json) ctx.stdout.write(JSON.stringify(r, null, 2) + '\n');
    else if (ctx.values.csv) ctx.stdout.write(renderBenchCsv(r.samples) + '\n');
    else if (ctx.values.markdown) ctx.stdout.write(renderBenchMarkdown(r) + '\n');
    else ctx.stdout.write(renderBench(r) + '\n');
    const failed = r.samples.filter((s) => s.error !== null).length;
    if (failed > 0) log(`${failed} of ${r.samples.length} invocations failed (see the errors rows).`);
    if (stop.signal.aborted) return 130;
    return failed === 0 ? 0 : failed === r.samples.length ? 1 : 3;
  },
};
