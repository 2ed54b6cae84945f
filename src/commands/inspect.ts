import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { basename, join, relative, resolve } from 'node:path';
import { bundledLifecycle } from '../lambda/lifecycle.js';
import { UsageError, UserError } from '../errors.js';
import { DeploymentError, pickBinary, readDeployment } from '../archive/deployment.js';
import { ZipFormatError } from '../archive/zip.js';
import { inspectBinary, type BinaryReport } from '../golang/inspect-binary.js';
import { findModules, matchSource, type SourceMatch } from '../golang/source-match.js';
import type { Command, CommandContext } from './command.js';
import { lambdaPortFor, singleRegion } from './aws-context.js';
import type { FunctionRef, LambdaPort } from '../core/ports.js';

const TARGETS = ['provided.al2023', 'provided.al2'];

/** Where the inspected binary came from. */
interface Origin {
  readonly kind: 'file' | 'zip' | 'function';
  readonly label: string;
  readonly handler?: string;
}

const isZip = (b: Buffer) => b.length >= 4 && b.readUInt32LE(0) === 0x04034b50;
const isEmptyZip = (b: Buffer) => b.length >= 4 && b.readUInt32LE(0) === 0x06054b50;

async function fromZip(
  zip: Buffer,
  label: string,
  handler: string | undefined,
): Promise<{ data: Buffer; origin: Origin }> {
  try {
    const d = await readDeployment(zip);
    const picked = await pickBinary(d, handler);
    return { data: picked.data, origin: { kind: 'zip', label, handler: picked.name } };
  } catch (e) {
    if (e instanceof DeploymentError)
      throw new UserError(`${label}: ${e.message}`, 'Pass the binary with --handler NAME, or fix the zip.');
    if (e instanceof ZipFormatError) {
      throw new UserError(
        `${label} is not a readable zip: ${e.message}`,
        'Check the file (unzip -t) or download it again.',
      );
    }
    throw e;
  }
}

/** Loads the binary TARGET names: a file (zip or binary) or, if no such file exists, a function name. */
async function loadTarget(ctx: CommandContext, target: string, handler: string | undefined) {
  const found = await stat(target).catch(() => undefined);
  if (found?.isDirectory())
    throw new UserError(
      `${target} is a folder: inspect reads a .zip, a binary file, or a function (by name).`,
      `Name the file inside it, such as ${join(target, 'bootstrap')}.`,
    );
  if (found?.isFile() && found.size === 0)
    throw new UserError(
      `${target} is empty (0 bytes): it is neither a zip nor a binary.`,
      'Check the file, or build it again.',
    );
  if (found?.isFile()) {
    const buf = await readFile(target);
    if (isZip(buf) || isEmptyZip(buf) || target.endsWith('.zip'))
      return { ...(await fromZip(buf, target, handler)), fn: undefined };
    return { data: buf, origin: { kind: 'file', label: target } as Origin, fn: undefined };
  }
  if (/[/\\]/.test(target) || /\.(zip|bin)$/.test(target)) {
    throw new UserError(`no such file: ${target}`, 'Give a path to a .zip or a binary, or a function name.');
  }
  const port = lambdaPortFor(ctx.globals);
  const region = await singleRegion(ctx.globals, port);
  const [name, qualifier] = target.split(':').length === 2 ? target.split(':') : [target, undefined];
  return functionBinary(port, { region, name: name, ...(qualifier && { qualifier }) }, target, handler);
}

/** A function's deployed binary: its code downloaded, checked against CodeSha256, the handler picked. */
async function functionBinary(
  port: LambdaPort,
  ref: FunctionRef & { qualifier?: string },
  target: string,
  handler: string | undefined,
) {
  const { region } = ref;
  const fn = await port.getFunction(ref);
  const zip = await port.downloadCode(fn.codeLocation);
  const sha = createHash('sha256').update(zip).digest('base64');
  if (sha !== fn.config.codeSha256) {
    throw new UserError(
      `the code downloaded for ${target} does not match its CodeSha256 (${sha} != ${fn.config.codeSha256}).`,
      'The function may have changed during the download: run the command again.',
    );
  }
  const runtimeHandler = fn.config.runtime === 'go1.x' ? fn.config.handler : 'bootstrap';
  const picked = await fromZip(zip, `${target} (${region})`, handler ?? runtimeHandler);
  return { ...picked, fn };
}

/**
 * A function's deployed binary in one line, for the wizard's details: architecture, Go, aws-lambda-go and the
 * protocols it speaks, and the verdict for `target`; `ok` is false unless it can move as it is.
 */
export async function inspectLine(
  port: LambdaPort,
  ref: FunctionRef,
  target: string,
): Promise<{ text: string; ok: boolean }> {
  const { data, origin } = await functionBinary(port, ref, `${ref.region}/${ref.name}`, undefined);
  const r = inspectBinary(`${origin.label}!${origin.handler}`, data, target, bundledLifecycle());
  const speaks = [r.runtimeApi && 'Runtime API', r.rpc && 'go1.x RPC'].filter(Boolean).join(' and ');
  const facts = [
    `${origin.handler}: ${r.verdict}${r.reasons[0] ? ` (${r.reasons[0]})` : ''}`,
    r.arch ?? 'not ELF',
    r.goVersion ?? 'no Go build info',
    r.lambdaLibrary ? `aws-lambda-go ${r.lambdaLibrary.version}${speaks ? ` (${speaks})` : ''}` : null,
    r.cgo ? 'cgo' : null,
    r.tags.length > 0 ? `tags ${r.tags.join(',')}` : null,
  ].filter(Boolean);
  // The verdict first: a narrow terminal cuts the end of the line.
  return { text: facts.join(', '), ok: r.verdict === 'repackage-ok' };
}

function yesNo(v: boolean | null): string {
  return v === null ? 'unknown' : v ? 'yes' : 'no';
}

function humanReport(
  r: BinaryReport,
  origin: Origin,
  target: string,
  source: SourceMatch | undefined,
): string {
  const mb = (r.size / 1024 / 1024).toFixed(1);
  const replaced = r.deps.find((d) => d.path === r.lambdaLibrary?.path)?.replace;
  const lib = r.lambdaLibrary
    ? `${r.lambdaLibrary.version}${replaced ? ` (replaced by ${replaced.path})` : ''}`
    : 'not used';
  const where = origin.kind === 'file' ? origin.label : `${origin.handler} in ${origin.label}`;
  const lines = [
    `${where}: ${mb} MB, sha256 ${r.sha256.slice(0, 16)}…`,
    `  architecture   ${r.arch ?? 'not ELF'}${r.linkage ? `, ${r.linkage}ally linked` : ''}${r.glibc ? `, needs GLIBC_${r.glibc}` : ''}`,
    `  Go             ${r.goVersion ?? 'no Go build info'}${r.mainPath ? `, main package ${r.mainPath}` : ''}`,
    `  aws-lambda-go  ${lib}`,
    `  protocols      Runtime API: ${yesNo(r.runtimeApi)}   go1.x RPC: ${yesNo(r.rpc)}`,
    `  cgo            ${yesNo(r.cgo)}      build tags: ${r.tags.length ? r.tags.join(',') : 'none'}`,
    `  verdict        ${r.verdict} (for ${target})`,
    ...r.reasons.map((x) => `                 - ${x}`),
    `  arm64 rebuild  ${
      r.arm64Rebuild.why
        ? `not possible: ${r.arm64Rebuild.why}`
        : r.arm64Rebuild.needs.length === 0
          ? 'not needed: it is built for arm64 already'
          : `needs ${r.arm64Rebuild.needs.join('; ')}`
    }`,
  ];
  if (source) {
    const rel = (d: string) => relative(process.cwd(), d) || '.';
    lines.push(
      source.status === 'found'
        ? `  source         ${rel(source.dir!)} (module ${source.module!.path}, matched by ${source.how})`
        : source.status === 'ambiguous'
          ? `  source         ambiguous: ${source.candidates.map(rel).join(', ')}`
          : '  source         not found under --source',
    );
  }
  return lines.join('\n');
}

export const inspectCommand: Command = {
  name: 'inspect',
  usage: 'go-lambda-migrate inspect TARGET [--handler NAME] [--source DIR]... [--target RUNTIME]',
  summary: "inspect a function's Go binary: architecture, Go and aws-lambda-go versions, cgo, verdict",
  details:
    'TARGET is a .zip (the handler binary inside it is chosen with --handler, else bootstrap, else the only ELF),\n' +
    'a bare binary, or a function name (its code is downloaded and checked against CodeSha256).',
  options: [
    { name: 'handler', type: 'string', value: 'NAME', description: 'the binary inside a zip' },
    {
      name: 'source',
      type: 'string',
      multiple: true,
      value: 'DIR',
      description: 'look for the Go module of the binary here (repeatable)',
    },
    {
      name: 'target',
      type: 'string',
      value: 'RUNTIME',
      description: 'judge against provided.al2023 (default) or provided.al2',
    },
  ],
  async run(ctx: CommandContext): Promise<number> {
    const [target, ...extra] = ctx.positionals;
    if (!target || extra.length > 0)
      throw new UsageError('inspect takes exactly one TARGET: a .zip, a binary or a function name.');
    const runtime = (ctx.values.target as string | undefined) ?? 'provided.al2023';
    if (!TARGETS.includes(runtime))
      throw new UsageError(`--target must be one of ${TARGETS.join(', ')}, not '${runtime}'.`);
    const { data, origin, fn } = await loadTarget(ctx, target, ctx.values.handler as string | undefined);
    const report = inspectBinary(
      origin.kind === 'file' ? origin.label : `${origin.label}!${origin.handler}`,
      data,
      runtime,
      bundledLifecycle(),
    );
    const sources = (ctx.values.source as string[] | undefined)?.map((s) => resolve(s));
    let source: SourceMatch | undefined;
    if (sources) {
      const handlerName = fn?.config.handler ?? origin.handler ?? basename(origin.label);
      source = await matchSource(await findModules(sources), report.mainPath, handlerName);
    }
    if (ctx.globals.json) {
      ctx.stdout.write(
        JSON.stringify(
          {
            ...report,
            ...(fn && {
              function: {
                name: fn.config.name,
                region: fn.config.region,
                runtime: fn.config.runtime,
                handler: fn.config.handler,
                architectures: fn.config.architectures,
                codeSha256: fn.config.codeSha256,
              },
            }),
            ...(source && { source }),
          },
          null,
          2,
        ) + '\n',
      );
    } else ctx.stdout.write(humanReport(report, origin, runtime, source) + '\n');
    return 0;
  },
};
