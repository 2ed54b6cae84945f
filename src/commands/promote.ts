import { numberOption } from '../cli/options.js';
import { describeRouting, promoteAlias, type AliasMove } from '../core/promote.js';
import { withFunctionLock } from '../core/ports.js';
import { locksFor } from './state.js';
import { UsageError } from '../errors.js';
import { lambdaPortFor, singleRegion } from './aws-context.js';
import type { Command, CommandContext } from './command.js';
import { confirmMutation } from './confirm.js';

export const promoteCommand: Command = {
  name: 'promote',
  usage: 'go-lambda-migrate promote FUNCTION --alias NAME [--weight F | --to-version N] [--yes]',
  summary: "move an alias's traffic to the migrated code (all of it, or a share), or back",
  details:
    'apply changes $LATEST only: aliases (and so the traffic that goes through them) stay on the old version.\n' +
    'promote publishes $LATEST and points the alias at it, or sends it --weight of the traffic (a canary);\n' +
    '--to-version points the alias at a published version, e.g. back to the go1.x original.',
  options: [
    { name: 'alias', type: 'string', value: 'NAME', description: 'the alias to move' },
    {
      name: 'weight',
      type: 'string',
      value: 'F',
      description: 'share of the traffic for the new version, 0 < F < 1 (the rest stays where it is)',
    },
    {
      name: 'to-version',
      type: 'string',
      value: 'N',
      description: 'point the alias at this published version',
    },
  ],
  async run(ctx: CommandContext): Promise<number> {
    if (ctx.positionals.length !== 1) throw new UsageError('name one function.');
    const alias = ctx.values.alias as string | undefined;
    if (!alias) throw new UsageError('--alias NAME is needed: which alias to move.');
    const weight = numberOption(ctx.values, 'weight', 0, 1);
    if (weight !== undefined && (weight <= 0 || weight >= 1))
      throw new UsageError(`--weight is a share strictly between 0 and 1, not ${weight}.`);
    const toVersion = ctx.values['to-version'] as string | undefined;
    if (toVersion !== undefined && !/^\d+$/.test(toVersion))
      throw new UsageError(`--to-version takes a published version number, not '${toVersion}'.`);
    if (toVersion !== undefined && weight !== undefined)
      throw new UsageError('give --weight or --to-version, not both.');
    const lambda = lambdaPortFor(ctx.globals);
    const ref = { region: await singleRegion(ctx.globals, lambda), name: ctx.positionals[0]! };
    const move: AliasMove =
      toVersion !== undefined
        ? { kind: 'version', version: toVersion }
        : { kind: 'latest', ...(weight !== undefined && { weight }) };
    await confirmMutation(
      ctx,
      move.kind === 'version'
        ? `Point ${ref.name}:${alias} at version ${toVersion}?`
        : `Publish ${ref.name}'s $LATEST and send ${weight !== undefined ? `${Math.round(weight * 100)}% of` : 'all'} ${alias}'s traffic to it?`,
    );
    const r = await withFunctionLock(locksFor(ctx), ref, 'promote', () =>
      promoteAlias(lambda, ref, alias, move),
    );
    if (ctx.globals.json) ctx.stdout.write(JSON.stringify(r, null, 2) + '\n');
    else
      ctx.stdout.write(
        `${ref.region}/${ref.name}:${alias}: ${describeRouting(r.before.functionVersion, r.before.weights)} -> ${describeRouting(r.after.functionVersion, r.after.weights)}` +
          `${r.published ? ` (published $LATEST as version ${r.published})` : ''}\n`,
      );
    return 0;
  },
};
