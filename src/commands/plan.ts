import { readEventFile } from './event-file.js';
import { bundledLifecycle, isoDay } from '../lambda/lifecycle.js';
import { planChanges, planMigration, type Plan, type PlanOptions, type Strategy } from '../core/plan.js';
import { stat } from 'node:fs/promises';
import { UsageError, UserError } from '../errors.js';
import { planDocument, savePlan, type PlanWords } from '../state/plan-file.js';
import { blockText, riskText } from '../ui/plan-words.js';
import { renderMarkdown, renderPlan } from '../ui/plan-text.js';
import type { CommandContext, Command } from './command.js';
import { iamPortFor, lambdaPortFor, stackPortFor } from './aws-context.js';
import { readIacFiles, writeIacPatch } from '../state/iac-files.js';
import { applyHint } from '../ui/iac-text.js';
import { createBuildPort } from './build-port.js';
import { selectFunctions } from './select.js';
import { journalFor } from './state.js';
import type { JournalPort } from '../core/journal.js';

/** The words of `plan --json` and saved plans. */
const CLI_WORDS: PlanWords = { risk: (r) => riskText(r, 'cli'), block: (b) => blockText(b, 'cli') };

/** Where infrastructure code lives, and where its patch goes (plan, wizard). */
export const IAC_OPTIONS = [
  {
    name: 'iac',
    type: 'string',
    multiple: true,
    value: 'DIR',
    description:
      'infrastructure code to patch (repeatable): SAM/CloudFormation templates, Terraform, serverless.yml, CDK TypeScript',
  },
  {
    name: 'iac-patch',
    type: 'string',
    value: 'FILE',
    description:
      'write the IaC change as one patch for git apply (patched stack templates go to FILE.stacks/)',
  },
] as const;

/** The options plan and apply share. */
export const PLAN_OPTIONS = [
  {
    name: 'target',
    type: 'string',
    value: 'RUNTIME',
    description: 'provided.al2023 (default) or provided.al2 (deprecated too)',
  },
  { name: 'arch', type: 'string', value: 'ARCH', description: 'arm64 (default) or x86_64' },
  {
    name: 'source',
    type: 'string',
    multiple: true,
    value: 'DIR',
    description: 'where Go modules live (repeatable)',
  },
  {
    name: 'strategy',
    type: 'string',
    value: 'S',
    description: 'auto (default: rebuild when the source is found, else repackage), rebuild or repackage',
  },
  {
    name: 'lambda-lib-version',
    type: 'string',
    value: 'V',
    description:
      'aws-lambda-go for rebuilds: latest (default: upgrade a library too old for provided.*), a release such as v1.54.0, or keep',
  },
  { name: 'all', type: 'boolean', description: 'every candidate in the regions in scope' },
] as const;

/** The event of --verify-event (none with --no-verify); a file that is not JSON is a UserError. */
export async function readVerifyEvent(ctx: CommandContext): Promise<unknown> {
  const verifyFile = ctx.values['verify-event'] as string | undefined;
  if (!verifyFile || ctx.values['no-verify']) return undefined;
  return JSON.parse((await readEventFile(verifyFile, 'the verify event')).toString('utf8')) as unknown;
}

/** --target and --arch, checked (plan, apply, the wizard, templates). */
export function targetAndArch(values: CommandContext['values']): Pick<PlanOptions, 'target' | 'arch'> {
  const target = (values.target as string | undefined) ?? 'provided.al2023';
  if (target !== 'provided.al2023' && target !== 'provided.al2')
    throw new UsageError(`--target is provided.al2023 or provided.al2, not '${target}'.`);
  const arch = (values.arch as string | undefined) ?? 'arm64';
  if (arch !== 'arm64' && arch !== 'x86_64')
    throw new UsageError(`--arch is arm64 or x86_64, not '${arch}'.`);
  return { target, arch };
}

/** The folders an option names, each checked to exist: a typo must not pass for "no source found". */
async function existingFolders(dirs: readonly string[], option: string): Promise<string[]> {
  for (const d of dirs) {
    const s = await stat(d).catch(() => undefined);
    if (!s?.isDirectory())
      throw new UserError(
        `${option} ${d}: ${s ? 'not a folder' : 'no such folder'}.`,
        `${option} takes a folder that holds Go modules (it is searched for the function's main package).`,
      );
  }
  return [...dirs];
}

/** Reads plan options from the command line. */
export async function planOptionsFrom(ctx: CommandContext): Promise<PlanOptions & { sources: string[] }> {
  const { target, arch } = targetAndArch(ctx.values);
  const strategy = (ctx.values.strategy as string | undefined) ?? 'auto';
  if (!['auto', 'rebuild', 'repackage'].includes(strategy))
    throw new UsageError(`--strategy is auto, rebuild or repackage, not '${strategy}'.`);
  const verifyEvent = await readVerifyEvent(ctx);
  const lib = ctx.values['lambda-lib-version'] as string | undefined;
  if (lib !== undefined && !/^(latest|keep|v\d+\.\d+\.\d+\S*)$/.test(lib))
    throw new UsageError(`--lambda-lib-version is latest, keep or a release such as v1.54.0, not '${lib}'.`);
  return {
    target,
    arch,
    strategy: strategy as Strategy,
    today: isoDay(),
    sources: await existingFolders((ctx.values.source as string[] | undefined) ?? [], '--source'),
    ...(verifyEvent !== undefined && { verifyEvent }),
    ...(lib !== undefined && { lambdaLibVersion: lib }),
  };
}

/**
 * Plans the functions the command line names, with progress on stderr. Functions with an unfinished
 * migration in the journal get that migration's plan: apply finishes it.
 */
export async function makePlan(ctx: CommandContext, journal: JournalPort = journalFor(ctx)): Promise<Plan> {
  const options = await planOptionsFrom(ctx);
  const lambda = lambdaPortFor(ctx.globals);
  const log = (line: string) => ctx.stderr.write(`${line}\n`);
  const refs = await selectFunctions(
    lambda,
    ctx.globals,
    ctx.positionals,
    ctx.values.all === true,
    log,
    journal,
  );
  const build = createBuildPort(options.sources);
  let plan: Plan | undefined;
  const iam = iamPortFor(ctx.globals);
  for await (const e of planMigration(lambda, build, bundledLifecycle(), refs, options, { iam, journal })) {
    if (e.type === 'progress') log(`${e.ref.region}/${e.ref.name}: ${e.message}`);
    else if (e.type === 'done') plan = e.plan;
  }
  return plan!;
}

export const planCommand: Command = {
  name: 'plan',
  usage: 'go-lambda-migrate plan [FUNCTION...] [--all] [--out FILE] [--iac DIR]... [--iac-patch FILE]',
  summary: 'show what a migration would change (read-only: no mutating call reaches Lambda)',
  details:
    'FUNCTION is a name (looked up in the regions in scope) or REGION/NAME.\n' +
    'The plan also finds where each function is defined: in the files under --iac, or else in its CloudFormation\n' +
    "stack's deployed template (GetTemplate), and shows the change that keeps the next deploy from undoing the\n" +
    'migration; --iac-patch writes it for git apply.',
  options: [
    ...PLAN_OPTIONS,
    {
      name: 'out',
      type: 'string',
      value: 'FILE',
      description: 'save the plan (and its artifacts in FILE.artifacts/) for apply --plan',
    },
    { name: 'markdown', type: 'boolean', description: 'Markdown output' },
    {
      name: 'detailed-exitcode',
      type: 'boolean',
      description: 'exit 0 when nothing changes, 2 when changes are planned',
    },
    {
      name: 'verify-event',
      type: 'string',
      value: 'FILE',
      description: 'smoke-test with this event instead of {"foo":"bar"}',
    },
    ...IAC_OPTIONS,
  ],
  async run(ctx: CommandContext): Promise<number> {
    const iacDirs = (ctx.values.iac as string[] | undefined) ?? [];
    const patchFile = ctx.values['iac-patch'] as string | undefined;
    // Bad --iac paths are reported before the (slow) plan.
    const iacFiles = iacDirs.length > 0 ? await readIacFiles(iacDirs) : undefined;
    const planned = await makePlan(ctx);
    // The IaC step (YAML, HCL and diff libraries) is loaded when asked for.
    const { iacForPlan } = await import('../core/iac-plan.js');
    const iac = await iacForPlan(
      lambdaPortFor(ctx.globals),
      planned.functions,
      iacFiles?.files ?? [],
      stackPortFor(ctx.globals),
    );
    const plan: Plan = { ...planned, iac };
    if (patchFile) {
      const written = await writeIacPatch(iac, patchFile);
      if (written.patch)
        ctx.stderr.write(
          `IaC patch written to ${written.patch}; ${applyHint(iacFiles!.base, written.patch)}\n`,
        );
      for (const s of written.stacks) ctx.stderr.write(`patched stack template written to ${s}\n`);
      if (!written.patch && written.stacks.length === 0)
        ctx.stderr.write(
          `no IaC change to write to ${patchFile}${iacDirs.length === 0 ? ' (pass --iac DIR with your infrastructure code)' : ''}\n`,
        );
    }
    const out = ctx.values.out as string | undefined;
    if (out) {
      const patches = await savePlan(plan, out, CLI_WORDS);
      ctx.stderr.write(`plan saved to ${out} (artifacts in ${out}.artifacts/)\n`);
      for (const p of patches)
        ctx.stderr.write(
          `${p.function}: the rebuild upgraded aws-lambda-go; commit the same change: (cd ${p.root} && git apply ${p.file})\n`,
        );
    }
    if (ctx.globals.json) ctx.stdout.write(JSON.stringify(planDocument(plan, CLI_WORDS), null, 2) + '\n');
    else if (ctx.values.markdown) ctx.stdout.write(renderMarkdown(plan) + '\n');
    else ctx.stdout.write(renderPlan(plan) + '\n');
    return ctx.values['detailed-exitcode'] && planChanges(plan) ? 2 : 0;
  },
};
