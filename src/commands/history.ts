import { migrationHistory, type HistoryRow } from '../core/history.js';
import type { Command, CommandContext } from './command.js';
import { lambdaPortFor } from './aws-context.js';
import { allRegions } from './regions.js';
import { journalFor } from './state.js';
import { createBenchLog } from '../state/bench-undo.js';

function liveText(r: HistoryRow): string {
  if (!r.live) return '';
  if ('error' in r.live) return `\n    now: not read (${r.live.error})`;
  const l = r.live;
  const what = `${l.runtime} ${l.architecture}, handler ${l.handler}, ${l.shape === 'other' ? `CodeSha256 ${l.codeSha256}` : `the ${l.shape} code`}`;
  return `\n    now: ${what}${l.agrees ? '' : ' — does not match the journal: changed outside go-lambda-migrate'}`;
}

/** Each benchmark of a migration, a line: when, what against what, the verdict's figures. */
function benchText(r: HistoryRow): string {
  return (r.benchmarks ?? [])
    .map((b) => {
      const v = b.verdict;
      const pct = (x: number) => `${x < 1 ? '−' : '+'}${Math.abs((x - 1) * 100).toFixed(0)}%`;
      const figures = v
        ? [
            v.changes['cold init'] &&
              `cold init ${v.changes['cold init'].measurable ? pct(v.changes['cold init'].ratio) : 'no measurable change'}`,
            v.changes['warm duration'] &&
              `warm duration ${v.changes['warm duration'].measurable ? pct(v.changes['warm duration'].ratio) : 'no measurable change'}`,
            v.costRatio !== null && `cost ${pct(v.costRatio)} per 1M`,
          ]
            .filter(Boolean)
            .join(', ')
        : 'no verdict';
      return `\n    bench ${b.stage} (${b.time}): ${b.sides.map((s) => `${s.runtime} ${s.architecture}${s.emulated ? ' emulated' : ''}`).join(' | ')}: ${figures}`;
    })
    .join('');
}

/** The command that moves an unfinished migration on, for the CLI's listing. */
function nextCommand(r: HistoryRow): string | undefined {
  const fn = `${r.region}/${r.functionName}`;
  switch (r.phase) {
    case 'rollback-failed':
    case 'rolling-back':
      return `go-lambda-migrate rollback ${fn}`;
    case 'migrated':
      return r.reverted
        ? `go-lambda-migrate plan ${fn} --iac DIR --iac-patch FILE (migrate again with apply, and patch its definition)`
        : undefined;
    case 'failed':
    case 'rolled-back':
    case 'rollback-stopped':
      return undefined;
    case 'planned':
    case 'checked':
    case 'backed-up':
    case 'bridged':
    case 'configuration-switched':
    case 'code-switched':
    case 'verified':
      return `go-lambda-migrate apply ${fn} (to finish) or go-lambda-migrate rollback ${fn} (to undo)`;
  }
}

export const historyCommand: Command = {
  name: 'history',
  usage: 'go-lambda-migrate history [FUNCTION...] [--region R] [--journal-only]',
  summary: 'every journaled migration, newest first, and what each function is now',
  details:
    'FUNCTION is a name or REGION/NAME; --region keeps those regions. For each function, its latest migration\n' +
    'is checked against the function itself (GetFunctionConfiguration) unless --journal-only is given.',
  options: [
    {
      name: 'journal-only',
      type: 'boolean',
      description: 'read the journals only: no call to Lambda',
    },
  ],
  async run(ctx: CommandContext): Promise<number> {
    const regions = ctx.globals.regions.includes('all') ? allRegions() : ctx.globals.regions;
    const { rows, errors } = await migrationHistory(journalFor(ctx), {
      ...(regions.length > 0 && { regions }),
      ...(ctx.positionals.length > 0 && { names: ctx.positionals }),
      ...(ctx.values['journal-only'] !== true && { lambda: lambdaPortFor(ctx.globals) }),
      benchmarks: createBenchLog(ctx.globals.stateDir),
    });
    if (ctx.globals.json) {
      ctx.stdout.write(JSON.stringify({ migrations: rows, errors }, null, 2) + '\n');
      return errors.length > 0 ? 3 : 0;
    }
    for (const e of errors) ctx.stderr.write(`error: ${e.region}/${e.functionName}: ${e.message}\n`);
    if (rows.length === 0 && errors.length === 0)
      ctx.stderr.write(
        `no migrations recorded in ${ctx.globals.stateDir}${regions.length || ctx.positionals.length ? ' for that selection' : ''}\n`,
      );
    for (const r of rows) {
      ctx.stdout.write(
        `${r.region}/${r.functionName}  ${r.startedAt}  ${r.from.runtime} ${r.from.architecture} → ${r.to.runtime} ${r.to.architecture} (${r.strategy})  ${r.state}${r.latest ? '' : '  (earlier migration)'}\n` +
          (r.latest && nextCommand(r) ? `    next: ${nextCommand(r)}\n` : '') +
          `    migration ${r.migration}; backup: ${r.backup ? `${r.backup.path}${r.backup.version ? `, published as version ${r.backup.version}` : ''}` : 'none'}` +
          liveText(r) +
          benchText(r) +
          '\n',
      );
    }
    return errors.length > 0 ? 3 : 0;
  },
};
