import { parse as parseHcl } from '@cdktf/hcl2json';
import { createTwoFilesPatch } from 'diff';
import { isMap } from 'yaml';
import { cdkDefinitions, patchCdkFunction } from './cdk.js';
import { isTemplate, patchTemplateFunction, templateDefinitions } from './cloudformation.js';
import {
  applyEdits,
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

/** Files worth reading: the extensions infrastructure code is written in. */
export const IAC_EXTENSIONS = /\.(ya?ml|json|template|tf|ts)$/;
/** Folders never read: dependencies, tool output (synthesized or packaged copies), version control. */
export const SKIPPED_DIRS = new Set([
  'node_modules',
  '.git',
  'cdk.out',
  '.terraform',
  '.aws-sam',
  '.serverless',
  'dist',
  'vendor',
]);

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

/** One file's text before and after the patch. */
export interface FileChange {
  readonly path: string;
  readonly before: string;
  readonly after: string;
}

/** Applies edits file by file. */
export function applyAll(files: ReadonlyMap<string, SourceFile>, edits: readonly Edit[]): FileChange[] {
  const byFile = new Map<string, Edit[]>();
  for (const e of edits) byFile.set(e.file, [...(byFile.get(e.file) ?? []), e]);
  return [...byFile.entries()]
    .map(([path, es]) => {
      const before = files.get(path)!.text;
      return { path, before, after: applyEdits(before, es) };
    })
    .filter((c) => c.before !== c.after)
    .sort((a, b) => (a.path < b.path ? -1 : 1));
}

/** Changes as one unified diff, paths `a/PATH` and `b/PATH`, for `git apply` at the paths' root. */
export function unifiedDiff(changes: readonly FileChange[]): string {
  return changes
    .map((c) =>
      createTwoFilesPatch(`a/${c.path}`, `b/${c.path}`, c.before, c.after, '', '', { context: 3 })
        .replace(/^=+\n/, '')
        .replace(/^(---|\+\+\+) (.*)\t$/gm, '$1 $2'),
    )
    .map((d) => `diff --git a/${/^--- a\/(.*)$/m.exec(d)![1]} b/${/^\+\+\+ b\/(.*)$/m.exec(d)![1]}\n${d}`)
    .join('');
}
