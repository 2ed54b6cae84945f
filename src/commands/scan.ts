import { DEFAULT_SCAN_RUNTIMES, revertedText, scanFunctions, type ScanResult } from '../core/scan.js';
import { withUnfinished } from '../core/history.js';
import { journalFor } from './state.js';
import type { Command, CommandContext } from './command.js';
import { lambdaPortFor } from './aws-context.js';
import { resolveRegions } from './regions.js';

function table(result: ScanResult): string {
  const rows = result.functions.map((f) => [
    f.region,
    f.functionName,
    f.version,
    f.runtime,
    f.architectures.join(','),
    f.handler ?? '',
    f.managedBy ?? '',
    f.reverted ? revertedText(f) : f.interrupted ? `interrupted: ${f.interrupted}` : '',
  ]);
  const head = ['REGION', 'FUNCTION', 'VERSION', 'RUNTIME', 'ARCH', 'HANDLER', 'MANAGED BY', 'NOTE'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (r: string[]) =>
    r
      .map((c, i) => c.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  return [line(head), ...rows.map(line)].join('\n');
}

export const scanCommand: Command = {
  name: 'scan',
  usage: 'go-lambda-migrate scan [--runtime R]... [--all-versions] [--region R|all]...',
  summary: 'find go1.x, provided.al2 and provided functions across regions',
  details:
    'Regions are listed in parallel, every page; a region that fails is reported and the others go on.',
  options: [
    {
      name: 'runtime',
      type: 'string',
      multiple: true,
      value: 'R',
      description: 'runtimes to look for (default go1.x, provided.al2, provided)',
    },
    { name: 'all-versions', type: 'boolean', description: 'include published versions' },
  ],
  async run(ctx: CommandContext): Promise<number> {
    const port = lambdaPortFor(ctx.globals);
    const regions = await resolveRegions(ctx.globals, port);
    const runtimes = ((ctx.values.runtime as string[] | undefined) ?? DEFAULT_SCAN_RUNTIMES).flatMap((r) =>
      r.split(','),
    );
    let result: ScanResult | undefined;
    // The journal adds what the listing alone cannot tell: functions left halfway, and migrated ones a
    // deploy put back on their old runtime.
    const scan = scanFunctions(port, { regions, runtimes, allVersions: ctx.values['all-versions'] === true });
    for await (const e of withUnfinished(scan, port, journalFor(ctx), regions)) {
      if (e.type === 'region-failed') ctx.stderr.write(`warning: ${e.region}: ${e.message}\n`);
      else if (e.type === 'done') result = e.result;
    }
    const r = result!;
    if (ctx.globals.json) ctx.stdout.write(JSON.stringify(r, null, 2) + '\n');
    else {
      if (r.functions.length > 0) ctx.stdout.write(table(r) + '\n');
      const reverted = r.functions.filter((f) => f.reverted).length;
      if (reverted > 0)
        ctx.stderr.write(
          `${reverted} function${reverted === 1 ? ' was' : 's were'} reverted by a deploy: migrate again, and change the definition too (plan --iac DIR).\n`,
        );
      const scanned = regions.length - r.errors.length;
      ctx.stderr.write(
        `${r.functions.length} candidate${r.functions.length === 1 ? '' : 's'} (${runtimes.join(', ')}) in ${scanned} region${scanned === 1 ? '' : 's'}` +
          `${r.errors.length ? `; ${r.errors.length} region(s) could not be scanned` : ''}.\n`,
      );
    }
    return r.errors.length > 0 && r.errors.length === regions.length ? 1 : 0;
  },
};
