import { isMap } from 'yaml';
import {
  applyAll,
  findDefinitions,
  patchDefinition,
  unifiedDiff,
  type DefinitionSet,
  type FileChange,
} from '../iac/definitions.js';
import {
  FORMAT_NAMES,
  type Definition,
  type Edit,
  type IacFormat,
  type IacProblem,
  type IacTarget,
  type SourceFile,
} from '../iac/model.js';
import { parseYaml, pairOf, plainText, valueOf } from '../iac/yaml-edit.js';
import type { FunctionRef, LambdaPort, StackPort } from './ports.js';
import { mapLimit } from './concurrency.js';
import type { Architecture } from '../lambda/lifecycle.js';
import { managedBy } from './scan.js';

/** A function to find the definition of: where it runs and its tags. */
export interface IacFunction {
  readonly ref: FunctionRef;
  readonly tags: Readonly<Record<string, string>>;
  /** What its definition should say: the runtime and architecture the function's plan moves it to. */
  readonly target: IacTarget;
}

/** Where a function's definition was found. */
export interface IacDefinitionRef {
  readonly format: IacFormat;
  readonly file: string;
  readonly id: string;
  readonly line: number;
  /** `files`: the user's files (--iac); `stack`: the template deployed to the stack (GetTemplate). */
  readonly origin: 'files' | 'stack';
}

/** What the IaC step found and changed for one function. */
export interface IacFunctionResult {
  readonly functionName: string;
  readonly region: string;
  /** Who deploys it (tags, the stack's template, or the file that defines it); null when nothing says. */
  readonly owner: string | null;
  readonly status:
    'patched' | 'up-to-date' | 'not-found' | 'ambiguous' | 'source-elsewhere' | 'unreadable' | 'blocked';
  readonly definition: IacDefinitionRef | null;
  /** The definitions that claim it, when more than one does. */
  readonly claims?: readonly IacDefinitionRef[];
  readonly notes: readonly string[];
}

/** A deployed stack template, patched (the user's copy of it is not known). */
export interface StackChange extends FileChange {
  readonly region: string;
  readonly stack: string;
  /** The change as a unified diff of the template (named STACK.template.yaml or .json). */
  readonly patch: string;
}

/** The IaC part of a plan. */
export interface IacReport {
  readonly functions: IacFunctionResult[];
  readonly problems: IacProblem[];
  /** The user's files, changed (paths relative to the patch's root). */
  readonly changes: FileChange[];
  /** The unified diff of `changes`, for `git apply`. */
  readonly patch: string;
  /** Deployed templates read with GetTemplate, changed. */
  readonly stacks: StackChange[];
  /** Where the patch was written, once it was (the wizard writes it to the state folder). */
  readonly output?: {
    readonly base: string;
    readonly patchFile: string | null;
    readonly stackFiles: readonly string[];
  };
}

const ref = (d: Definition, origin: IacDefinitionRef['origin']): IacDefinitionRef => ({
  format: d.format,
  file: d.file,
  id: d.id,
  line: d.line,
  origin,
});

/** CDK's logical ids are the construct id and a hash of its path. */
const cdkLogicalId = (id: string, logicalId: string) =>
  new RegExp(`^${id.replace(/[^A-Za-z0-9]/g, '')}[0-9A-F]{8}$`).test(logicalId);

/** The definitions that describe a function: by name, by CloudFormation logical id, by Serverless naming. */
export function claimsOn(fn: IacFunction, definitions: readonly Definition[]): Definition[] {
  const name = fn.ref.name;
  const logicalId = fn.tags['aws:cloudformation:logical-id'];
  return definitions.filter((d) => {
    if (d.names.length > 0) return d.names.includes(name);
    switch (d.format) {
      case 'sam':
      case 'cloudformation':
        return logicalId === d.id;
      case 'cdk':
        return logicalId !== undefined && cdkLogicalId(d.id, logicalId);
      case 'serverless':
        return (
          (d.service !== undefined && name.startsWith(`${d.service}-`) && name.endsWith(`-${d.id}`)) ||
          logicalId ===
            `${d.id.charAt(0).toUpperCase()}${d.id.slice(1).replace(/-/g, 'Dash').replace(/_/g, 'Underscore')}LambdaFunction`
        );
      case 'terraform':
        return false;
    }
  });
}

/** Who owns a stack's resource, from the template as written. */
function templateOwner(
  body: string,
  logicalId: string,
): 'SAM' | 'CDK' | 'Serverless Framework' | 'CloudFormation' {
  const { doc } = parseYaml({ path: 'template', text: body });
  const root = doc.contents;
  if (!isMap(root)) return 'CloudFormation';
  const resources = valueOf(root, 'Resources');
  if (pairOf(resources, 'ServerlessDeploymentBucket')) return 'Serverless Framework';
  if (plainText(valueOf(valueOf(valueOf(resources, logicalId), 'Metadata'), 'aws:cdk:path')) !== undefined)
    return 'CDK';
  const transform = valueOf(root, 'Transform');
  if (JSON.stringify(transform?.toJSON() ?? '').includes('AWS::Serverless')) return 'SAM';
  return 'CloudFormation';
}

/**
 * Finds where each function is defined (in the user's files, else in its stack's deployed template), and
 * patches each definition once: runtime, handler, architecture and build. A function claimed by two
 * definitions is reported as ambiguous and left alone; files that do not parse are reported and the
 * others still count.
 */
export async function planIac(
  functions: readonly IacFunction[],
  files: readonly SourceFile[],
  stacks?: StackPort,
): Promise<IacReport> {
  const set: DefinitionSet = await findDefinitions(files);
  const results: IacFunctionResult[] = [];
  const edits: Edit[] = [];
  const stackChanges: StackChange[] = [];
  const stackEdits = new Map<string, { set: DefinitionSet; region: string; stack: string; edits: Edit[] }>();
  for (const fn of functions) {
    const { target } = fn;
    const base = { functionName: fn.ref.name, region: fn.ref.region };
    let owner = managedBy(fn.tags);
    const claims = claimsOn(fn, set.definitions);
    const distinct = [...new Map(claims.map((d) => [`${d.file}#${d.id}`, d])).values()];
    if (distinct.length > 1) {
      results.push({
        ...base,
        owner,
        status: 'ambiguous',
        definition: null,
        claims: distinct.map((d) => ref(d, 'files')),
        notes: [
          `${distinct.length} definitions claim it; none is patched. Keep one, or pass --iac with the folder of the one that deploys it.`,
        ],
      });
      continue;
    }
    const d = distinct[0];
    if (d) {
      const patch = patchDefinition(set, d, target);
      edits.push(...patch.edits);
      owner ??= FORMAT_NAMES[d.format];
      results.push({
        ...base,
        owner,
        status: patch.edits.length > 0 ? 'patched' : 'up-to-date',
        definition: ref(d, 'files'),
        notes: patch.notes,
      });
      continue;
    }
    // No file defines it: its stack's template, when CloudFormation deployed it.
    let stack = fn.tags['aws:cloudformation:stack-name'];
    let logicalId = fn.tags['aws:cloudformation:logical-id'];
    if ((!stack || !logicalId) && stacks) {
      const found = await stacks.ownerOf(fn.ref.region, fn.ref.name).catch(() => null);
      if (found) ({ stack, logicalId } = found);
    }
    if (!stack || !logicalId || !stacks) {
      results.push({
        ...base,
        owner,
        status: 'not-found',
        definition: null,
        notes: owner
          ? [`Pass --iac with the folder of its ${owner} code to get a patch.`]
          : files.length > 0
            ? ['No file passed with --iac defines it.']
            : [],
      });
      continue;
    }
    let body: string;
    try {
      body = await stacks.template(fn.ref.region, stack);
    } catch (e) {
      results.push({
        ...base,
        owner: owner ?? `CloudFormation (stack ${stack})`,
        status: 'unreadable',
        definition: null,
        notes: [`GetTemplate of stack ${stack} failed: ${(e as Error).message}`],
      });
      continue;
    }
    const kind = templateOwner(body, logicalId);
    owner = `${kind} (stack ${stack})`;
    if (kind === 'CDK' || kind === 'Serverless Framework') {
      results.push({
        ...base,
        owner,
        status: 'source-elsewhere',
        definition: null,
        notes: [
          `Its template is generated by ${kind}: pass --iac with the folder of the ${kind} project to patch its source.`,
        ],
      });
      continue;
    }
    const json = body.trimStart().startsWith('{');
    const file: SourceFile = { path: `${stack}.template.${json ? 'json' : 'yaml'}`, text: body };
    const key = `${fn.ref.region}/${stack}`;
    let entry = stackEdits.get(key);
    if (!entry) {
      entry = { set: await findDefinitions([file]), region: fn.ref.region, stack, edits: [] };
      stackEdits.set(key, entry);
    }
    const def = entry.set.definitions.find((x) => x.id === logicalId);
    if (!def) {
      results.push({
        ...base,
        owner,
        status: 'not-found',
        definition: null,
        notes: [`Stack ${stack}'s template has no function ${logicalId}.`],
      });
      continue;
    }
    const patch = patchDefinition(entry.set, def, target);
    entry.edits.push(...patch.edits);
    results.push({
      ...base,
      owner,
      status: patch.edits.length > 0 ? 'patched' : 'up-to-date',
      definition: ref(def, 'stack'),
      notes: patch.notes,
    });
  }
  for (const e of stackEdits.values())
    for (const c of applyAll(e.set.files, e.edits))
      stackChanges.push({ ...c, region: e.region, stack: e.stack, patch: unifiedDiff([c]) });
  const changes = applyAll(set.files, edits);
  return {
    functions: results,
    problems: set.problems,
    changes,
    patch: unifiedDiff(changes),
    stacks: stackChanges,
  };
}

/**
 * The IaC step of a plan: the definitions of the functions the plan migrates (or has migrated), found in
 * `files` or in their stacks' templates, patched to the plan's runtime and architecture. Blocked functions
 * are left out: a definition ahead of the function would deploy a runtime its code cannot run on.
 */
export async function iacForPlan(
  lambda: Pick<LambdaPort, 'getFunction'>,
  functions: readonly {
    region: string;
    functionName: string;
    blocked: unknown;
    to: { runtime: string; architectures: readonly Architecture[] };
  }[],
  files: readonly SourceFile[],
  stacks?: StackPort,
): Promise<IacReport> {
  const wanted = await mapLimit(
    functions.filter((f) => !f.blocked),
    4,
    async (f): Promise<IacFunction> => {
      const ref = { region: f.region, name: f.functionName };
      const tags = await lambda.getFunction(ref).then(
        (g) => g.tags,
        () => ({}),
      );
      return { ref, tags, target: { runtime: f.to.runtime, arch: f.to.architectures[0] ?? 'x86_64' } };
    },
  );
  const report = await planIac(wanted, files, stacks);
  const blocked: IacFunctionResult[] = functions
    .filter((f) => f.blocked)
    .map((f) => ({
      functionName: f.functionName,
      region: f.region,
      owner: null,
      status: 'blocked',
      definition: null,
      notes: [],
    }));
  return { ...report, functions: [...report.functions, ...blocked] };
}
