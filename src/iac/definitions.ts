import { formatPatch, structuredPatch, type StructuredPatchHunk } from 'diff';
import { isMap } from 'yaml';
import { cdkDefinitions, patchCdkFunction } from './cdk.js';
import { isTemplate, patchTemplateFunction, templateDefinitions } from './cloudformation.js';
import {
  applyEdits,
  lineIndex,
  lineStarts,
  orderedEdits,
  type Definition,
  type DefinitionPatch,
  type Edit,
  type IacProblem,
  type IacTarget,
  type SourceFile,
} from './model.js';
import { isService, patchServiceFunction, serviceDefinitions } from './serverless.js';
import { TerraformModule } from './terraform.js';
import { parseYaml } from './yaml-edit.js';

/** Everything found in a set of files: the functions they define and what could not be read. */
export interface DefinitionSet {
  readonly definitions: Definition[];
  readonly problems: IacProblem[];
  readonly files: ReadonlyMap<string, SourceFile>;
  readonly terraform: readonly TerraformModule[];
}

/** A YAML or JSON file that looks like infrastructure code (so that a parse error in it is worth reporting). */
const looksLikeIac = (text: string) =>
  /\bResources\b|^functions:|^service:|AWSTemplateFormatVersion/m.test(text);

/** Reads the definitions of Lambda functions in files of any of the supported formats. */
export async function findDefinitions(files: readonly SourceFile[]): Promise<DefinitionSet> {
  const definitions: Definition[] = [];
  const problems: IacProblem[] = [];
  const tf: SourceFile[] = [];
  for (const file of files) {
    if (/\.tf$/.test(file.path)) {
      try {
        // HCL's own parser (Go in WebAssembly) is loaded for Terraform files only.
        const { parse: parseHcl } = await import('@cdktf/hcl2json');
        await parseHcl(file.path, file.text);
        tf.push(file);
      } catch (e) {
        const message = (e as Error).message;
        const m = /:(\d+),\d+(?:-\d+(?:,\d+)?)?: ([^\]]*)/.exec(message);
        problems.push({
          file: file.path,
          ...(m && { line: Number(m[1]) }),
          message: m?.[2]?.trim() ?? message,
        });
      }
    } else if (/\.ts$/.test(file.path) && !file.path.endsWith('.d.ts')) {
      if (/GO_1_X/.test(file.text)) definitions.push(...cdkDefinitions(file));
    } else if (/\.(ya?ml|json|template)$/.test(file.path)) {
      const { doc, problems: errors } = parseYaml(file);
      if (errors.length > 0) {
        if (looksLikeIac(file.text)) problems.push(...errors.slice(0, 1));
        continue;
      }
      const root = doc.contents;
      if (!isMap(root)) continue;
      if (isTemplate(root)) definitions.push(...templateDefinitions(file).definitions);
      else if (isService(root)) definitions.push(...serviceDefinitions(file).definitions);
    }
  }
  const terraform = TerraformModule.byDirectory(tf);
  for (const m of terraform) definitions.push(...m.definitions());
  return { definitions, problems, files: new Map(files.map((f) => [f.path, f])), terraform };
}

/** The change one definition needs, whatever its format. */
export function patchDefinition(set: DefinitionSet, d: Definition, target: IacTarget): DefinitionPatch {
  const file = set.files.get(d.file)!;
  switch (d.format) {
    case 'sam':
    case 'cloudformation':
      return patchTemplateFunction(file, d.id, target);
    case 'serverless':
      return patchServiceFunction(file, d.id, target);
    case 'cdk':
      return patchCdkFunction(file, d.id, target);
    case 'terraform': {
      const module = set.terraform.find((m) =>
        m.definitions().some((x) => x.file === d.file && x.id === d.id),
      );
      return module
        ? module.patch(d.id, target)
        : { edits: [], notes: [`${d.id} is not in ${d.file} any more.`] };
    }
  }
}

/** One file's text before and after the patch, and the change as a unified diff for `git apply`. */
export interface FileChange {
  readonly path: string;
  readonly before: string;
  readonly after: string;
  readonly patch: string;
}

/** Applies edits file by file. */
export function applyAll(files: ReadonlyMap<string, SourceFile>, edits: readonly Edit[]): FileChange[] {
  const byFile = new Map<string, Edit[]>();
  for (const e of edits) byFile.set(e.file, [...(byFile.get(e.file) ?? []), e]);
  return [...byFile.entries()]
    .map(([path, es]) => {
      const before = files.get(path)!.text;
      const after = applyEdits(before, es);
      return { path, before, after, patch: before === after ? '' : filePatch(path, before, es) };
    })
    .filter((c) => c.before !== c.after)
    .sort((a, b) => (a.path < b.path ? -1 : 1));
}

const CONTEXT = 3;

/**
 * The unified diff of one file's edits. The diff library compares only the lines around each group of edits
 * (with their context), not the whole file: a template of 500 functions has 1,500 scattered changes, and a
 * whole-file comparison of it takes seconds where this takes milliseconds (bench/iac.mjs).
 */
function filePatch(path: string, before: string, edits: readonly Edit[]): string {
  // A last line without a newline has no start after it.
  const starts = lineStarts(before).filter((x) => x < before.length || x === 0);
  const lineAt = (offset: number) => lineIndex(starts, offset);
  const clusters: { first: number; last: number; edits: Edit[] }[] = [];
  for (const e of orderedEdits(edits)) {
    const first = lineAt(e.start);
    const last = lineAt(Math.max(e.start, e.end - 1));
    const c = clusters.at(-1);
    // Groups further apart than two contexts make hunks of their own; closer ones share one.
    if (c && first - c.last <= 2 * CONTEXT + 1) {
      c.last = Math.max(c.last, last);
      c.edits.push(e);
    } else clusters.push({ first, last, edits: [e] });
  }
  const lines = (s: string) => s.split('\n').length - (s.endsWith('\n') ? 1 : 0);
  const hunks: StructuredPatchHunk[] = [];
  let delta = 0;
  for (const c of clusters) {
    const from = Math.max(0, c.first - CONTEXT);
    const to = Math.min(starts.length - 1, c.last + CONTEXT);
    const s0 = starts[from]!;
    const s1 = to + 1 < starts.length ? starts[to + 1]! : before.length;
    const oldSlice = before.slice(s0, s1);
    const newSlice = applyEdits(
      oldSlice,
      c.edits.map((e) => ({ ...e, start: e.start - s0, end: e.end - s0 })),
    );
    const p = structuredPatch('a', 'b', oldSlice, newSlice, undefined, undefined, { context: CONTEXT });
    for (const h of p.hunks)
      hunks.push({ ...h, oldStart: h.oldStart + from, newStart: h.newStart + from + delta });
    delta += lines(newSlice) - lines(oldSlice);
  }
  return formatPatch({
    oldFileName: `a/${path}`,
    newFileName: `b/${path}`,
    oldHeader: undefined,
    newHeader: undefined,
    hunks,
  });
}

/** Changes as one unified diff, paths `a/PATH` and `b/PATH`, for `git apply` at the paths' root. */
export function unifiedDiff(changes: readonly FileChange[]): string {
  return changes.map((c) => `diff --git a/${c.path} b/${c.path}\n${c.patch}`).join('');
}
