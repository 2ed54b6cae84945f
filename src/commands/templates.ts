import { existsSync } from 'node:fs';
import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { UsageError, UserError } from '../errors.js';
import type { TemplateName } from '../iac/templates.js';
import type { Command, CommandContext } from './command.js';
import { PLAN_OPTIONS, targetAndArch } from './plan.js';

/** A CloudFormation logical id from a function name: orders-api → OrdersApi. */
const logicalId = (name: string) =>
  name
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((p) => p.charAt(0).toUpperCase() + p.slice(1))
    .join('') || 'Function';

export const templatesCommand: Command = {
  name: 'templates',
  usage:
    'go-lambda-migrate templates [NAME...|all] [--name FUNCTION] [--source DIR] [--target RUNTIME] [--arch ARCH] [--out DIR] [--force]',
  summary: 'write the build scripts, CI workflow and IaC fragments for a provided.* Go function',
  details:
    'Without NAME, lists the templates. With names (or all), renders them for --name, --source, --target and\n' +
    '--arch, and prints them, or writes them under --out DIR (never over an existing file without --force).\n' +
    'The IaC patches of plan take their lines from the same templates.',
  options: [
    {
      name: 'name',
      type: 'string',
      value: 'FUNCTION',
      description: 'the function the files are for (default my-function)',
    },
    {
      name: 'source',
      type: 'string',
      value: 'DIR',
      description: "the Go module's folder, relative to where the files go (default .)",
    },
    ...PLAN_OPTIONS.filter((o) => o.name === 'target' || o.name === 'arch'),
    {
      name: 'out',
      type: 'string',
      value: 'DIR',
      description: 'write the files under DIR instead of printing them',
    },
    { name: 'force', type: 'boolean', description: 'overwrite files that exist under --out' },
  ],
  async run(ctx: CommandContext): Promise<number> {
    // The templates' module reads YAML: loaded by this command only.
    const { render, renderTemplate, TEMPLATES } = await import('../iac/templates.js');
    const NAMES = Object.keys(TEMPLATES) as TemplateName[];
    if (ctx.positionals.length === 0) {
      const width = Math.max(...NAMES.map((n) => n.length));
      if (ctx.globals.json)
        ctx.stdout.write(
          JSON.stringify(
            NAMES.map((n) => ({ name: n, ...TEMPLATES[n] })),
            null,
            2,
          ) + '\n',
        );
      else {
        for (const n of NAMES)
          ctx.stdout.write(`${n.padEnd(width)}  ${TEMPLATES[n].about} (templates/${TEMPLATES[n].file})\n`);
        ctx.stderr.write(
          'write them with: go-lambda-migrate templates NAME... --name FUNCTION [--out DIR]\n',
        );
      }
      return 0;
    }
    const chosen = ctx.positionals.includes('all') ? NAMES : ctx.positionals;
    const unknown = chosen.filter((n) => !NAMES.includes(n as TemplateName));
    if (unknown.length > 0)
      throw new UsageError(
        `no template named ${unknown.join(', ')}; the templates are ${NAMES.join(', ')} (or all).`,
      );
    const { target: runtime, arch } = targetAndArch(ctx.values);
    const name = (ctx.values.name as string | undefined) ?? 'my-function';
    if (!/^[A-Za-z0-9_-]{1,64}$/.test(name))
      throw new UsageError(`--name takes a Lambda function name (letters, digits, - and _), not '${name}'.`);
    const values = {
      name,
      id: logicalId(name),
      runtime,
      arch,
      source: (ctx.values.source as string | undefined) ?? '.',
    };
    const out = ctx.values.out as string | undefined;
    const files = (chosen as TemplateName[]).map((n) => ({
      name: n,
      path: render(TEMPLATES[n].out, values),
      text: renderTemplate(n, values),
    }));
    if (!out) {
      for (const f of files) ctx.stdout.write(`${files.length > 1 ? `# ---- ${f.path}\n` : ''}${f.text}`);
      return 0;
    }
    const existing = files.filter((f) => existsSync(join(out, f.path)));
    if (existing.length > 0 && !ctx.values.force)
      throw new UserError(
        `${existing.map((f) => join(out, f.path)).join(', ')} already exist${existing.length === 1 ? 's' : ''}; nothing was written.`,
        'Pass --force to overwrite, or another --out.',
      );
    for (const f of files) {
      const path = join(out, f.path);
      await mkdir(dirname(path), { recursive: true });
      await writeFile(path, f.text);
      if (f.path.endsWith('.sh')) await chmod(path, 0o755);
      ctx.stderr.write(`wrote ${path}\n`);
    }
    return 0;
  },
};
