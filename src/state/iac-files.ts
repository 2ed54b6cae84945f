import { existsSync } from 'node:fs';
import { mkdir, readFile, readdir, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, extname, join, relative, resolve, sep } from 'node:path';
import { IAC_EXTENSIONS, SKIPPED_DIRS, type SourceFile } from '../iac/model.js';
import type { IacReport } from '../core/iac-plan.js';
import { UserError } from '../errors.js';

/** Files larger than this are not infrastructure code anyone writes by hand. */
const MAX_FILE = 2 * 1024 * 1024;
const MAX_FILES = 20_000;

/** The top of the git work tree holding `dir`, or undefined. */
function gitRoot(dir: string): string | undefined {
  for (let d = dir; ; d = dirname(d)) {
    if (existsSync(join(d, '.git'))) return d;
    if (dirname(d) === d) return undefined;
  }
}

/** The deepest folder holding every path. */
function commonAncestor(paths: readonly string[]): string {
  const parts = paths.map((p) => p.split(sep));
  const out: string[] = [];
  for (let i = 0; parts.every((p) => i < p.length && p[i] === parts[0]![i]); i++) out.push(parts[0]![i]!);
  return out.join(sep) || sep;
}

/**
 * Reads the infrastructure code under each `--iac` path (a folder, read recursively without dependencies
 * and tool output, or a file). Paths are relative to `base`: the git work tree of the first path when there
 * is one (so the patch applies with `git apply` at its top), else the folder that holds them all.
 */
export async function readIacFiles(paths: readonly string[]): Promise<{ base: string; files: SourceFile[] }> {
  const roots: string[] = [];
  for (const p of paths) {
    const abs = resolve(p);
    const s = await stat(abs).catch(() => undefined);
    if (!s)
      throw new UserError(
        `--iac ${p}: no such file or folder.`,
        'Pass the folder that holds your templates, Terraform files, serverless.yml or CDK app.',
      );
    roots.push(abs);
  }
  const first = roots[0]!;
  const git = gitRoot(first);
  const base =
    git && roots.every((r) => r === git || r.startsWith(git + sep))
      ? git
      : commonAncestor(roots.map((r) => (existsSync(r) && extname(r) ? dirname(r) : r)));
  const found = new Map<string, SourceFile>();
  const visit = async (path: string): Promise<void> => {
    if (found.size >= MAX_FILES) return;
    const s = await stat(path);
    if (s.isDirectory()) {
      if (path !== first && (SKIPPED_DIRS.has(basename(path)) || basename(path).startsWith('.'))) return;
      for (const n of (await readdir(path)).sort()) await visit(join(path, n));
    } else if (s.isFile() && s.size <= MAX_FILE && IAC_EXTENSIONS.test(path)) {
      const rel = relative(base, path).split(sep).join('/');
      if (!found.has(rel)) found.set(rel, { path: rel, text: await readFile(path, 'utf8') });
    }
  };
  for (const r of roots) await visit(r);
  return { base, files: [...found.values()] };
}

/**
 * Writes the patch of the user's files to `file`, and each patched stack template next to it
 * (FILE.stacks/REGION.STACK.template.yaml). Returns what was written.
 */
export async function writeIacPatch(
  report: IacReport,
  file: string,
): Promise<{ patch: string | null; stacks: string[] }> {
  const out: { patch: string | null; stacks: string[] } = { patch: null, stacks: [] };
  if (report.patch) {
    await mkdir(dirname(resolve(file)), { recursive: true });
    await writeFile(file, report.patch);
    out.patch = resolve(file);
  }
  for (const s of report.stacks) {
    const dir = `${file}.stacks`;
    await mkdir(dir, { recursive: true });
    const name = join(dir, `${s.region}.${s.path}`);
    await writeFile(name, s.after);
    out.stacks.push(resolve(name));
  }
  return out;
}
